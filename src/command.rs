//! The [`Command`] trait every command implements, and its type-erased twin [`DynCommand`].
//!
//! A command is declared once, in one file: its id, aliases, effect, one-sentence summary,
//! the secrets it reads, typed `Args` (whose doc comments become the published schema) and a
//! handler. The blanket `impl<C: Command> DynCommand for C` does deserialize → gate → secrets
//! check → run → serialize once for all of them, so handlers never see `serde_json::Value`
//! and never read the dry-run flag.

use std::any::Any;
use std::fmt;
use std::future::Future;
use std::sync::Mutex;

use futures_util::future::BoxFuture;
use schemars::JsonSchema;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::config::Config;
use crate::error::{Error, ErrorCode, Problem};
use crate::gate::Gate;
use crate::hooks::{CancelSignal, Hooks};
use crate::http::budget::Lease;
use crate::http::{Auth, MediaClient, RequestPreview, ServiceClient, Transport};
use crate::secrets::{Secrets, missing_error};
pub use crate::vocab::{Effect, SecretName, Service};

/// A secret a command reads, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecretNeed {
    /// The secret.
    pub name: SecretName,
    /// Missing → the named error (outside dry-run).
    pub required: bool,
    /// Only whether it is configured matters (a checklist): its value is never asked of the
    /// host, so a host-held secret shows as asked at run time.
    pub presence_only: bool,
}

impl SecretNeed {
    /// A secret the command cannot run without.
    pub const fn required(name: SecretName) -> Self {
        Self {
            name,
            required: true,
            presence_only: false,
        }
    }
    /// A secret the command uses when present.
    pub const fn optional(name: SecretName) -> Self {
        Self {
            name,
            required: false,
            presence_only: false,
        }
    }
    /// A secret whose presence the command reports, never reading its value.
    pub const fn presence(name: SecretName) -> Self {
        Self {
            name,
            required: false,
            presence_only: true,
        }
    }
}

/// Whether one credential is available, for previews and listings.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CredentialStatus {
    /// Canonical variable name.
    pub name: &'static str,
    /// Whether a value was found (envelope, host or environment).
    pub present: bool,
    /// Whether a real run needs it.
    pub required: bool,
    /// Not found in the envelope or the environment, and not asked of the host in this run
    /// (a dry-run never asks): the host is asked when the command runs for real.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub asked_at_run_time: bool,
}

/// What a gated command would do, returned instead of running it in dry-run.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Preview {
    /// The requests a real run would send, in order (later steps of a multi-step command
    /// may depend on earlier answers; `notes` says how).
    pub requests: Vec<RequestPreview>,
    /// Which credentials are present or missing (filled in by the gate).
    pub credentials: Vec<CredentialStatus>,
    /// What it would cost, where the catalog knows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost_hint: Option<Value>,
    /// Anything else a reviewer should know.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Command-specific detail (e.g. the plan of a multi-step command).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<Value>,
}

impl Preview {
    /// A preview of a single request.
    pub fn request(request: RequestPreview) -> Self {
        Self {
            requests: vec![request],
            ..Self::default()
        }
    }

    /// Adds a note.
    #[must_use]
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// Adds a cost hint.
    #[must_use]
    pub fn cost_hint(mut self, hint: Value) -> Self {
        self.cost_hint = Some(hint);
        self
    }
}

/// The note the dry-run preview of every destructive command carries, first.
pub const DESTRUCTIVE_NOTE: &str =
    "Destructive: this cannot be undone; show the user exactly what goes and get a yes first.";

/// What a model must know before calling `command`, for tool descriptions (MCP and the
/// OpenClaw plugin): whether it spends credits, changes state or destroys something, and
/// that a dry-run comes first. `None` for a read-only command.
pub fn caution(command: &dyn DynCommand) -> Option<&'static str> {
    match (command.effect(), command.destructive()) {
        (Effect::ReadOnly, _) => None,
        (Effect::Paid, false) => {
            Some("Paid (spends credits): call it with dryRun true first and confirm with the user.")
        }
        (Effect::Paid, true) => Some(
            "Paid and destructive (spends credits, cannot be undone): call it with dryRun true first and confirm with the user.",
        ),
        (Effect::Mutating, false) => Some(
            "Mutating (changes state, spends no credits): call it with dryRun true first and confirm with the user.",
        ),
        (Effect::Mutating, true) => Some(
            "Destructive (cannot be undone): call it with dryRun true first and confirm with the user.",
        ),
    }
}

/// What a run produced, with the gate it ran under (the request's, plus what its arguments
/// asked): the answer's `dryRun` is that gate's, decided once.
#[derive(Debug)]
pub struct Executed {
    /// The gate the command ran under.
    pub gate: Gate,
    /// Its result or preview.
    pub invoked: Invoked<Value>,
}

/// What a gated invocation produced.
#[derive(Debug)]
pub enum Invoked<T> {
    /// The command ran.
    Ran(T),
    /// Dry-run: the command was stopped before the network.
    Previewed(Box<Preview>),
}

/// A command. See the module docs, and any file under `src/skills/` for an example.
pub trait Command: Send + Sync + 'static {
    /// The public id, `<pack>.<family>.<verb>`.
    const ID: &'static str;
    /// Other names that reach this command (MCP parity with an upstream's own tool names).
    const ALIASES: &'static [&'static str] = &[];
    /// What running it does.
    const EFFECT: Effect;
    /// One sentence: what it does.
    const SUMMARY: &'static str;
    /// The upstream it talks to.
    const SERVICE: Service;
    /// The secrets it reads.
    const SECRETS: &'static [SecretNeed] = &[];
    /// A read-only command that sends nothing in dry-run (a credential probe): in dry-run it
    /// asks the host for no secret value, like a gated command.
    const OFFLINE_IN_DRY_RUN: bool = false;
    /// Whether what it does cannot be undone: it deletes or revokes something, or replaces
    /// content whose old value no other call restores (a document's text). Settings that can
    /// be set back, stops that can be started again, and everything additive (create, start,
    /// infer) are not. Only meaningful for commands that are not read-only.
    ///
    /// The one declaration of destructiveness (issue 17, defect 13): the MCP
    /// `destructiveHint`, the caution in every tool description ([`caution`]), the note on
    /// every dry-run preview ([`DESTRUCTIVE_NOTE`]), `list --json` and the generated command
    /// reference all read it; the summary of a destructive command starts with
    /// `Destructive: ` (checked for every command of every pack).
    const DESTRUCTIVE: bool = false;
    /// Whether repeating it with the same arguments changes nothing more (MCP
    /// `idempotentHint`), e.g. delete or stop. Read-only commands always are.
    const IDEMPOTENT: bool = false;
    /// Whether it reads local files the caller names (an upload of the caller's audio). Only
    /// honoured in a pack that declares [`crate::pack::Pack::reads_local_files`]; a run gets a
    /// [`crate::files::FileAccess`] from [`Ctx::file_access`] only when both say so.
    const READS_LOCAL_FILES: bool = false;
    /// Whether the OpenClaw plugin offers it to agents as a tool. `false` for the commands
    /// behind OpenClaw's own providers (`<pack>.media.*`), whose answers carry media bytes
    /// that belong in OpenClaw's media store, not in a model's context; they still run through
    /// `run`, `serve` and the plugin's providers.
    const AGENT_TOOL: bool = true;

    /// Its arguments; doc comments become the published schema.
    type Args: DeserializeOwned + JsonSchema + Send + Sync;
    /// Its result: a typed answer, or the upstream's JSON as it came (`Value`, moved into the
    /// response as it is, not copied).
    type Output: Serialize + Send + 'static;

    /// Runs the command. Only called when the gate let it through and required secrets are
    /// present.
    fn run(
        &self,
        ctx: &Ctx<'_>,
        args: Self::Args,
    ) -> impl Future<Output = Result<Self::Output, Error>> + Send;

    /// What a real run would send; required for every command that is not read-only.
    ///
    /// The requirement is checked when the command is compiled into a registry: this default
    /// asserts, at compile time, that the command is read-only, so a paid or mutating command
    /// without its own `preview` does not build:
    ///
    /// ```compile_fail,E0080
    /// use serde_json::{Value, json};
    /// use skill_runtime::command::{Command, Ctx, DynCommand};
    /// use skill_runtime::vocab::{Effect, Service, ServiceDef};
    /// use skill_runtime::Error;
    ///
    /// const API: Service = Service::new(&ServiceDef { name: "acme-api", ..ServiceDef::NONE });
    ///
    /// struct Spend;
    ///
    /// impl Command for Spend {
    ///     const ID: &'static str = "acme.money.spend";
    ///     const EFFECT: Effect = Effect::Paid;
    ///     const SUMMARY: &'static str = "Spends money.";
    ///     const SERVICE: Service = API;
    ///     type Args = Value;
    ///     type Output = Value;
    ///
    ///     async fn run(&self, _ctx: &Ctx<'_>, _args: Value) -> Result<Value, Error> {
    ///         Ok(json!({"spent": true}))
    ///     }
    ///     // no `fn preview`: error[E0080], "a command that is not read-only must implement
    ///     // Command::preview"
    /// }
    ///
    /// // What a pack's family list does with every command.
    /// let registered: &dyn DynCommand = &Spend;
    /// assert_eq!(registered.id(), "acme.money.spend");
    /// ```
    fn preview(&self, ctx: &Ctx<'_>, args: &Self::Args) -> Result<Preview, Error> {
        const {
            assert!(
                matches!(Self::EFFECT, Effect::ReadOnly),
                "a command that is not read-only must implement Command::preview (what a real run would send)"
            );
        }
        let _ = (ctx, args);
        Err(Error::internal(format!(
            "{} has no dry-run preview",
            Self::ID
        )))
    }

    /// Maps the arguments of an alias whose argument names differ from this command's (MCP
    /// parity with an upstream tool that spells them differently) onto this command's own,
    /// before validation. The default passes them through unchanged.
    fn alias_args(alias: &str, args: Value) -> Value {
        let _ = alias;
        args
    }

    /// Whether these arguments ask for a dry-run of this call (MCP parity: `confirm: false`
    /// on the GPU lifecycle commands). The gate ORs it with the request's and the
    /// environment's flag, so arguments can turn dry-run on, never off. The default asks
    /// nothing.
    fn requests_dry_run(args: &Self::Args) -> bool {
        let _ = args;
        false
    }

    /// A valid example of its arguments (used in the command reference and in tests).
    fn example() -> Value {
        Value::Object(serde_json::Map::new())
    }

    /// A field-specific error code for a schema problem under the top-level argument `field`.
    /// `None` falls back to the pack's codes for argument names that mean the same in every
    /// command ([`crate::pack::Pack::field_code`]).
    fn field_code(field: &str) -> Option<ErrorCode> {
        let _ = field;
        None
    }
}

/// The object-safe form of [`Command`] that the registry holds.
pub trait DynCommand: Send + Sync {
    /// See [`Command::ID`].
    fn id(&self) -> &'static str;
    /// See [`Command::ALIASES`].
    fn aliases(&self) -> &'static [&'static str];
    /// See [`Command::EFFECT`].
    fn effect(&self) -> Effect;
    /// See [`Command::SUMMARY`].
    fn summary(&self) -> &'static str;
    /// See [`Command::SERVICE`].
    fn service(&self) -> Service;
    /// See [`Command::SECRETS`].
    fn secrets(&self) -> &'static [SecretNeed];
    /// See [`Command::OFFLINE_IN_DRY_RUN`].
    fn offline_in_dry_run(&self) -> bool;
    /// See [`Command::DESTRUCTIVE`].
    fn destructive(&self) -> bool;
    /// See [`Command::IDEMPOTENT`] (always true for read-only commands).
    fn idempotent(&self) -> bool;
    /// See [`Command::READS_LOCAL_FILES`].
    fn reads_local_files(&self) -> bool;
    /// See [`Command::AGENT_TOOL`].
    fn agent_tool(&self) -> bool;
    /// The provider-safe input schema.
    fn input_schema(&self) -> Value;
    /// See [`Command::example`].
    fn example(&self) -> Value;
    /// See [`Command::alias_args`].
    fn alias_args(&self, alias: &str, args: Value) -> Value;
    /// See [`Command::field_code`].
    fn field_code(&self, field: &str) -> Option<ErrorCode>;
    /// Deserializes `args` (already schema-valid), then gate, secrets check, run or preview.
    fn execute<'a>(
        &'a self,
        ctx: &'a Ctx<'a>,
        args: Value,
    ) -> BoxFuture<'a, Result<Executed, Error>>;
}

impl fmt::Debug for dyn DynCommand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DynCommand")
            .field("id", &self.id())
            .finish()
    }
}

impl<C: Command> DynCommand for C {
    fn id(&self) -> &'static str {
        C::ID
    }
    fn aliases(&self) -> &'static [&'static str] {
        C::ALIASES
    }
    fn effect(&self) -> Effect {
        C::EFFECT
    }
    fn summary(&self) -> &'static str {
        C::SUMMARY
    }
    fn service(&self) -> Service {
        C::SERVICE
    }
    fn secrets(&self) -> &'static [SecretNeed] {
        C::SECRETS
    }
    fn offline_in_dry_run(&self) -> bool {
        C::OFFLINE_IN_DRY_RUN
    }
    fn destructive(&self) -> bool {
        C::EFFECT != Effect::ReadOnly && C::DESTRUCTIVE
    }
    fn idempotent(&self) -> bool {
        C::EFFECT == Effect::ReadOnly || C::IDEMPOTENT
    }
    fn reads_local_files(&self) -> bool {
        C::READS_LOCAL_FILES
    }
    fn agent_tool(&self) -> bool {
        C::AGENT_TOOL
    }
    fn input_schema(&self) -> Value {
        crate::schema::input_schema::<C::Args>()
    }
    fn example(&self) -> Value {
        C::example()
    }
    fn alias_args(&self, alias: &str, args: Value) -> Value {
        C::alias_args(alias, args)
    }
    fn field_code(&self, field: &str) -> Option<ErrorCode> {
        C::field_code(field)
    }
    fn execute<'a>(
        &'a self,
        ctx: &'a Ctx<'a>,
        args: Value,
    ) -> BoxFuture<'a, Result<Executed, Error>> {
        Box::pin(async move {
            let args: C::Args = deserialize_args::<C>(args, ctx.field_code)?;
            let gate = ctx.gate.with_args_request(C::requests_dry_run(&args));
            let invoked = match ctx.invoke_under(gate, self, args).await? {
                Invoked::Ran(output) => into_value(output).map(Invoked::Ran).map_err(|e| {
                    Error::internal(format!("{}: result not serializable: {e}", C::ID))
                })?,
                Invoked::Previewed(preview) => Invoked::Previewed(preview),
            };
            Ok(Executed { gate, invoked })
        })
    }
}

/// A command's result as JSON: a `Value` is moved as it is (`serde_json::to_value` would
/// rebuild it key by key, twice the memory of a large upstream answer for a while); anything
/// else is serialized.
fn into_value<T: Serialize + 'static>(output: T) -> Result<Value, serde_json::Error> {
    let mut output = Some(output);
    if let Some(value) = (&mut output as &mut dyn Any).downcast_mut::<Option<Value>>() {
        return Ok(value.take().unwrap_or_default());
    }
    // `Some(output)` serializes as `output` itself.
    serde_json::to_value(output)
}

fn deserialize_args<C: Command>(
    args: Value,
    pack_code: fn(&str) -> Option<ErrorCode>,
) -> Result<C::Args, Error> {
    serde_path_to_error::deserialize(args).map_err(|e| {
        let path = e.path().to_string();
        let pointer = if path == "." {
            String::new()
        } else {
            format!("/{}", path.replace('.', "/"))
        };
        let field = pointer
            .trim_start_matches('/')
            .split('/')
            .next()
            .unwrap_or_default();
        Error::invalid_args(vec![Problem {
            message: e.inner().to_string(),
            code: C::field_code(field).or_else(|| pack_code(field)),
            path: pointer,
        }])
    })
}

/// Everything a handler may use: configuration, the HTTP transport, the secrets resolved for
/// this run and the dry-run gate. Explicit, no globals.
pub struct Ctx<'a> {
    config: &'a Config,
    transport: &'a Transport,
    secrets: Secrets,
    gate: Gate,
    /// Secrets not found locally and not asked of the host in this run.
    deferred: Vec<SecretName>,
    /// The pack's codes for argument names (see [`Command::field_code`]).
    pub(crate) field_code: fn(&str) -> Option<ErrorCode>,
    warnings: Mutex<Vec<String>>,
    hooks: Hooks,
    /// This run's claim on the transport's memory budget (kept by the answer until printed).
    lease: Lease,
    /// Whether this run may read local files (its pack and its command both declare it).
    local_files: bool,
}

impl fmt::Debug for Ctx<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ctx")
            .field("secrets", &self.secrets)
            .field("gate", &self.gate)
            .finish_non_exhaustive()
    }
}

impl<'a> Ctx<'a> {
    /// A context for one run.
    pub(crate) fn new(
        config: &'a Config,
        transport: &'a Transport,
        secrets: Secrets,
        gate: Gate,
    ) -> Self {
        Self {
            config,
            transport,
            secrets,
            gate,
            deferred: Vec::new(),
            field_code: |_| None,
            warnings: Mutex::new(Vec::new()),
            hooks: Hooks::default(),
            lease: transport.budget().lease(),
            local_files: false,
        }
    }

    /// Lets this run read local files (the dispatcher sets it when the pack and the command
    /// both declare it).
    pub(crate) fn with_local_files(mut self, allowed: bool) -> Self {
        self.local_files = allowed;
        self
    }

    /// Permission to read the local files the arguments name ([`crate::files`]): granted only
    /// to a command that declares [`Command::READS_LOCAL_FILES`] in a pack that declares
    /// [`crate::pack::Pack::reads_local_files`]; anything else asking is a bug.
    pub fn file_access(&self) -> Result<crate::files::FileAccess, Error> {
        if self.local_files {
            Ok(crate::files::FileAccess::granted())
        } else {
            Err(Error::internal(
                "this command may not read local files: its pack or the command does not declare it",
            ))
        }
    }

    /// This run's claim on the memory budget: whoever prints the answer holds it until then,
    /// since a large body's parsed result lives in the answer.
    pub(crate) fn lease(&self) -> Lease {
        self.lease.clone()
    }

    /// The mode's progress sink and cancellation signal for this run (serve and mcp modes).
    pub(crate) fn with_hooks(mut self, hooks: Hooks) -> Self {
        self.hooks = hooks;
        self
    }

    /// Reports progress of a command that waits (polls, readiness, disposable validation):
    /// one human sentence — state, time elapsed, next check. It goes where the mode sends
    /// progress (stderr in `run`, `serve` progress lines, MCP `notifications/progress`). Never put arguments or secrets in it; it is redacted all the same.
    pub fn progress(&self, message: impl AsRef<str>) {
        if let Some(sink) = &self.hooks.progress {
            sink.report(message.as_ref());
        }
    }

    /// Resolves when the caller cancels this run (MCP `notifications/cancelled`); never in a
    /// mode without cancellation. A command that owns a resource listens and cleans up, as
    /// on SIGINT/SIGTERM; calling this tells the mode to await that cleanup instead of dropping
    /// the command. Commands without anything to clean up do not call it: they are dropped.
    pub fn cancelled(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        let signal = self.hooks.cancel.as_ref().map(CancelSignal::cancelled);
        async move {
            match signal {
                Some(cancelled) => cancelled.await,
                None => std::future::pending().await,
            }
        }
    }

    /// Marks secrets that the host would be asked for in a real run.
    pub(crate) fn with_deferred(mut self, deferred: Vec<SecretName>) -> Self {
        self.deferred = deferred;
        self
    }

    /// Uses the pack's codes for argument names.
    pub(crate) fn with_field_code(mut self, field_code: fn(&str) -> Option<ErrorCode>) -> Self {
        self.field_code = field_code;
        self
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        self.config
    }

    /// The secrets resolved for this run (values are only exposed under `src/http/`).
    pub fn secrets(&self) -> &Secrets {
        &self.secrets
    }

    /// The dry-run gate of this run. Handlers use [`Ctx::invoke`] rather than asking it
    /// whether to send; a report (capabilities) asks it whether to probe.
    pub fn gate(&self) -> Gate {
        self.gate
    }

    /// Whether `name` was left for the host to provide at run time (see
    /// [`CredentialStatus::asked_at_run_time`]).
    pub fn is_deferred(&self, name: SecretName) -> bool {
        self.deferred.contains(&name)
    }

    /// The client for `service`, carrying this run's credentials for it.
    pub fn client(&self, service: Service) -> Result<ServiceClient<'_>, Error> {
        let base = self.config.base_url(service)?;
        Ok(ServiceClient::new(
            service,
            base,
            self.transport,
            Auth::for_service(service, &self.secrets),
            self.config.http,
        )
        .with_secrets(&self.secrets)
        .with_lease(self.lease()))
    }

    /// A client for `service` at a base URL learnt at run time (e.g. the endpoint a deployment
    /// create answered with), carrying `auth` instead of the configured credentials. The
    /// caller checks `base` against the host rules first ([`crate::http::endpoint::check_url`]);
    /// connect-time address checks apply as for every client.
    pub(crate) fn client_at<'s>(
        &'s self,
        service: Service,
        base: reqwest::Url,
        auth: Auth<'s>,
    ) -> ServiceClient<'s> {
        ServiceClient::new(service, base, self.transport, auth, self.config.http)
            .with_lease(self.lease())
    }

    /// The client for media on hosts an upstream names at run time: finished outputs to
    /// download, presigned URLs to upload to ([`crate::http::media`]: no credentials, https
    /// and public addresses only, size caps).
    pub fn media(&self) -> MediaClient<'_> {
        MediaClient::new(self.transport, self.config.http, self.lease())
    }

    /// Adds a warning to the response envelope.
    pub fn warn(&self, warning: impl Into<String>) {
        if let Ok(mut warnings) = self.warnings.lock() {
            warnings.push(warning.into());
        }
    }

    pub(crate) fn take_warnings(&self) -> Vec<String> {
        self.warnings
            .lock()
            .map(|mut w| std::mem::take(&mut *w))
            .unwrap_or_default()
    }

    /// Runs `command` through the dry-run gate with this run's secrets: in dry-run a gated
    /// command returns its preview; otherwise its required secrets are checked and it runs.
    /// Commands that run other commands (e.g. capability probes) use this, so the gate stays
    /// the only place that decides.
    pub async fn invoke<C: Command>(
        &self,
        command: &C,
        args: C::Args,
    ) -> Result<Invoked<C::Output>, Error> {
        let gate = self.gate.with_args_request(C::requests_dry_run(&args));
        self.invoke_under(gate, command, args).await
    }

    /// [`Ctx::invoke`] under `gate` (this run's, with what the arguments asked).
    async fn invoke_under<C: Command>(
        &self,
        gate: Gate,
        command: &C,
        args: C::Args,
    ) -> Result<Invoked<C::Output>, Error> {
        if gate.stops(C::EFFECT) {
            let mut preview = command.preview(self, &args)?;
            if C::EFFECT != Effect::ReadOnly && C::DESTRUCTIVE {
                preview.notes.insert(0, DESTRUCTIVE_NOTE.to_owned());
            }
            preview.credentials = credential_statuses(C::SECRETS, &self.secrets, &self.deferred);
            return Ok(Invoked::Previewed(Box::new(preview)));
        }
        if let Some(missing) = C::SECRETS
            .iter()
            .find(|need| need.required && !self.secrets.contains(need.name))
        {
            return Err(missing_error(missing.name));
        }
        command.run(self, args).await.map(Invoked::Ran)
    }
}

/// Presence of each secret in `needs`, in the order they are declared (each once).
pub fn credential_statuses(
    needs: &[SecretNeed],
    secrets: &Secrets,
    deferred: &[SecretName],
) -> Vec<CredentialStatus> {
    let mut out: Vec<CredentialStatus> = Vec::with_capacity(needs.len());
    for need in needs {
        if out.iter().any(|s| s.name == need.name.canonical()) {
            continue;
        }
        let present = secrets.contains(need.name);
        out.push(CredentialStatus {
            name: need.name.canonical(),
            present,
            required: need.required,
            asked_at_run_time: !present && deferred.contains(&need.name),
        });
    }
    out
}

/// The arguments of a command that takes none (`{}`; anything else is refused).
#[derive(Debug, serde::Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoArgs {}

/// What a command's file needs, in one import: `use crate::command::prelude::*;` (the trait,
/// its context and declarations, the error type, requests, and what typed arguments derive).
pub mod prelude {
    pub use super::{Command, Ctx, Effect, NoArgs, Preview, SecretNeed, Service};
    pub use crate::error::Error;
    pub use crate::http::ApiRequest;
    pub use schemars::JsonSchema;
    pub use serde::Deserialize;
    pub use serde_json::{Value, json};
}

#[cfg(test)]
mod tests {
    use super::into_value;
    use serde_json::json;

    #[test]
    fn a_json_result_is_moved_and_a_typed_one_serialized() {
        let upstream = json!({"items": [{"id": 1, "name": "a large answer"}], "next": null});
        assert_eq!(into_value(upstream.clone()).unwrap(), upstream);
        // Moved, not rebuilt: the same string, where it was.
        let upstream_at = upstream["items"][0]["name"].as_str().map(str::as_ptr);
        let moved = into_value(upstream).unwrap();
        assert_eq!(
            moved["items"][0]["name"].as_str().map(str::as_ptr),
            upstream_at
        );
        #[derive(serde::Serialize)]
        struct Typed {
            id: u32,
            name: Option<&'static str>,
        }
        let typed = Typed { id: 7, name: None };
        assert_eq!(into_value(typed).unwrap(), json!({"id": 7, "name": null}));
        assert_eq!(into_value(Option::<u8>::None).unwrap(), json!(null));
    }
}
