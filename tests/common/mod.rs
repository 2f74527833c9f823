//! Shared test harness: a runtime whose environment is a fixed map, pointed at local fake
//! servers (wiremock on 127.0.0.1), so no test reads the real environment or the network.

#![allow(dead_code, unreachable_pub)]

use std::collections::HashMap;

use serde_json::{Value, json};
use skill_runtime::Runtime;
use skill_runtime::config::Config;
use skill_runtime::secrets::EnvSecrets;
use skill_runtime::skills::theta::PACK;
use skill_runtime::vocab::Origin;
use wiremock::MockServer;

/// The override variable of every fixed-origin service of the pack, from its declarations.
pub fn base_url_vars() -> Vec<&'static str> {
    PACK.services
        .iter()
        .filter_map(|service| match service.def().origin {
            Origin::Fixed { override_var, .. } => Some(override_var),
            _ => None,
        })
        .collect()
}

/// The variable that points each service of the pack elsewhere (a fixed origin's override,
/// a configured origin's variable, the dedicated endpoint's included), from its declarations.
pub fn origin_vars() -> Vec<&'static str> {
    PACK.services
        .iter()
        .filter_map(|service| match service.def().origin {
            Origin::Fixed { override_var, .. } => Some(override_var),
            Origin::Configured { var, .. } => Some(var),
            Origin::None => None,
        })
        .collect()
}

/// A fixed environment for one test.
#[derive(Debug, Clone, Default)]
pub struct Env {
    vars: HashMap<String, String>,
}

impl Env {
    /// An empty environment with fast retries (so retry tests take milliseconds).
    pub fn new() -> Self {
        Self::default().set(&PACK.var("HTTP_RETRY_BACKOFF_MS"), "25")
    }

    /// Every service (and the dedicated endpoint) pointed at `server`.
    pub fn all_services(server: &MockServer) -> Self {
        origin_vars()
            .into_iter()
            .fold(Self::new(), |env, var| env.set(var, &server.uri()))
    }

    /// Sets a variable.
    pub fn set(mut self, name: &str, value: &str) -> Self {
        self.vars.insert(name.to_owned(), value.to_owned());
        self
    }

    /// A runtime reading only this environment.
    pub fn runtime(&self) -> Runtime {
        let vars = self.vars.clone();
        Runtime::new(
            &PACK,
            Config::from_lookup(&PACK, move |k| vars.get(k).cloned()),
            EnvSecrets::from_pairs(self.vars.clone()),
        )
    }

    /// Runs `command` with `args` and returns the response document.
    pub async fn run(&self, command: &str, args: Value) -> Value {
        self.runtime().run(command, args, false).await.to_json()
    }

    /// Runs `command` in dry-run.
    pub async fn dry_run(&self, command: &str, args: Value) -> Value {
        self.runtime().run(command, args, true).await.to_json()
    }

    /// Sends a whole request envelope.
    pub async fn handle(&self, envelope: Value) -> Value {
        self.runtime().handle(envelope).await.to_json()
    }
}

/// The command ids of the Theta family `name`, as the pack declares them.
pub fn family_ids(name: &str) -> Value {
    let family = PACK
        .families
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no family {name}"));
    let ids: Vec<&str> = family.commands.iter().map(|c| c.id()).collect();
    json!(ids)
}

/// Asserts a response is a success and returns its result.
pub fn ok(response: &Value) -> &Value {
    assert_eq!(
        response["ok"],
        json!(true),
        "expected success: {response:#}"
    );
    &response["result"]
}

/// Asserts a response is a failure with `code` and returns its error object.
pub fn err<'a>(response: &'a Value, code: &str) -> &'a Value {
    assert_eq!(
        response["ok"],
        json!(false),
        "expected failure: {response:#}"
    );
    assert_eq!(
        response["error"]["code"],
        json!(code),
        "wrong code: {response:#}"
    );
    &response["error"]
}
