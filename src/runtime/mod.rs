//! The runtime: one request in, one response out, by the flow of design §3.
//!
//! [`Runtime::dispatch`] is that flow, in one place: envelope → lookup (id, alias or
//! underscore tool name) → schema validation reporting every problem → secrets (host first,
//! then environment) → typed args → dry-run gate → required-secret check → handler → service
//! context on errors. Redaction happens when the response is rendered
//! ([`Response::to_json`]).

mod envelope;
pub mod gate;
mod lines;
pub mod registry;
pub mod serve;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use jsonschema::Validator;
use serde_json::Value;

use crate::command::{Ctx, DynCommand, Invoked};
use crate::config::Config;
use crate::error::{Error, ErrorCode};
use crate::http::Transport;
use crate::schema;
use crate::secrets::{Chain, EnvSecrets, SecretProvider, Secrets};

pub use envelope::{Request, Response, Success};

/// A compiled input schema, kept for the life of the process.
#[derive(Debug)]
struct CompiledSchema {
    schema: Value,
    validator: Validator,
}

/// Configuration, the HTTP transport and the environment secret provider, shared by every
/// request this process handles.
#[derive(Debug)]
pub struct Runtime {
    config: Config,
    transport: Transport,
    env: Box<dyn SecretProvider>,
    schemas: Mutex<HashMap<&'static str, Arc<CompiledSchema>>>,
}

impl Runtime {
    /// A runtime over `config`, falling back to `env` for secrets the host did not send.
    pub fn new(config: Config, env: impl SecretProvider + 'static) -> Self {
        Self {
            config,
            transport: Transport::new(),
            env: Box::new(env),
            schemas: Mutex::new(HashMap::new()),
        }
    }

    /// A runtime reading the process environment.
    pub fn from_env() -> Self {
        Self::new(Config::from_env(), EnvSecrets::process())
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    pub(crate) fn transport(&self) -> &Transport {
        &self.transport
    }

    /// Handles one request envelope.
    pub async fn handle(&self, envelope: Value) -> Response {
        self.handle_with(envelope, None).await
    }

    /// Handles one request envelope; `host` is asked for secrets the envelope did not carry,
    /// before the environment (serve mode's lazy secrets).
    pub async fn handle_with(
        &self,
        envelope: Value,
        host: Option<&dyn SecretProvider>,
    ) -> Response {
        match Request::from_value(envelope) {
            Ok(request) => self.dispatch(request, host).await,
            Err((id, error)) => Response::failure(id, None, error),
        }
    }

    /// Runs `command` with `args` (the `run` subcommand).
    pub async fn run(&self, command: &str, args: Value, dry_run: bool) -> Response {
        let mut envelope = serde_json::Map::new();
        envelope.insert("command".into(), Value::String(command.to_owned()));
        envelope.insert("args".into(), args);
        envelope.insert("dryRun".into(), Value::Bool(dry_run));
        self.handle(Value::Object(envelope)).await
    }

    /// The dispatcher (design §3).
    pub async fn dispatch(&self, request: Request, host: Option<&dyn SecretProvider>) -> Response {
        let Request {
            id,
            command: name,
            args,
            dry_run,
            secrets: host_secrets,
            mut warnings,
        } = request;
        let Some((command, alias)) = registry::resolve(&name) else {
            return Response::failure(id, None, registry::unknown_command(&name));
        };
        let args = match alias {
            Some(alias) => command.alias_args(alias, args),
            None => args,
        };
        let dry_run = gate::dry_run(&self.config, dry_run);
        let outcome = self
            .run_found(command, args, dry_run, &host_secrets, host, &mut warnings)
            .await;
        Response {
            id,
            command: Some(command.id()),
            outcome: outcome
                .map(|result| Success {
                    dry_run,
                    result,
                    warnings,
                })
                .map_err(|error| {
                    tracing::debug!(command = command.id(), code = %error.code(), "command failed");
                    error.or_service(command.service())
                }),
        }
    }

    async fn run_found(
        &self,
        command: &'static dyn DynCommand,
        args: Value,
        dry_run: bool,
        host_secrets: &dyn SecretProvider,
        host: Option<&dyn SecretProvider>,
        warnings: &mut Vec<String>,
    ) -> Result<Value, Error> {
        let args = reject_endpoint_override(args)?;
        let compiled = self.compiled_schema(command)?;
        let problems = schema::problems(&compiled.validator, &compiled.schema, &args, &|field| {
            command.field_code(field)
        });
        if !problems.is_empty() {
            return Err(Error::invalid_args(problems));
        }

        let mut providers: Vec<&dyn SecretProvider> = vec![host_secrets];
        providers.extend(host);
        providers.push(self.env.as_ref());
        let names: Vec<_> = command.secrets().iter().map(|need| need.name).collect();
        let secrets = Secrets::resolve(&Chain::new(providers), names).await?;

        let ctx = Ctx::new(self, secrets, dry_run);
        tracing::debug!(command = command.id(), dry_run, "dispatch");
        let outcome = command.execute(&ctx, args).await;
        warnings.extend(ctx.take_warnings());
        match outcome? {
            Invoked::Ran(result) => Ok(result),
            Invoked::Previewed(preview) => serde_json::to_value(preview)
                .map_err(|e| Error::internal(format!("preview not serializable: {e}"))),
        }
    }

    fn compiled_schema(&self, command: &dyn DynCommand) -> Result<Arc<CompiledSchema>, Error> {
        let mut cache = self
            .schemas
            .lock()
            .map_err(|_| Error::internal("schema cache poisoned"))?;
        if let Some(found) = cache.get(command.id()) {
            return Ok(Arc::clone(found));
        }
        let schema = command.input_schema();
        let validator = schema::compile(&schema)?;
        let compiled = Arc::new(CompiledSchema { schema, validator });
        cache.insert(command.id(), Arc::clone(&compiled));
        Ok(compiled)
    }
}

/// `args.endpoint` is refused for every command: the dedicated endpoint can only be
/// configured (THETA_INFERENCE_ENDPOINT), never redirected per call. An empty value is
/// treated as absent, as the JavaScript skill did.
fn reject_endpoint_override(mut args: Value) -> Result<Value, Error> {
    let Some(map) = args.as_object_mut() else {
        return Ok(args);
    };
    match map.get("endpoint") {
        None => Ok(args),
        Some(Value::Null) => {
            map.remove("endpoint");
            Ok(args)
        }
        Some(Value::String(s)) if s.trim().is_empty() => {
            map.remove("endpoint");
            Ok(args)
        }
        Some(_) => Err(Error::invalid_field(
            ErrorCode::InferenceEndpointOverrideDisabled,
            "endpoint",
            "args.endpoint override is disabled for security. Set THETA_INFERENCE_ENDPOINT instead.",
        )
        .with_hint("Set THETA_INFERENCE_ENDPOINT in the environment or the OpenClaw skill config.")),
    }
}
