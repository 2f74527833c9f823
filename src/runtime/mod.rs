//! The runtime: one request in, one response out, by the flow of design §3.
//!
//! [`Runtime::dispatch`] is that flow, in one place: envelope → lookup (id, alias or
//! underscore tool name) → schema validation reporting every problem → secrets (host first,
//! then environment) → typed args → dry-run gate → required-secret check → handler → service
//! context on errors. Redaction happens when the response is rendered
//! ([`Response::to_json`]).

mod envelope;
pub(crate) mod id_scan;
pub(crate) mod lines;
pub mod registry;
pub mod serve;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use jsonschema::Validator;
use serde_json::Value;

use crate::command::{Ctx, DynCommand, Executed, Invoked, SecretNeed};
use crate::config::Config;
use crate::error::{Error, ErrorCode, Problem};
use crate::gate::Gate;
use crate::http::Transport;
use crate::pack::Pack;
use crate::schema;
use crate::secrets::{Chain, EnvSecrets, SecretName, SecretProvider, Secrets};

pub use crate::hooks::{CancelSignal, Hooks, ProgressSink};
pub(crate) use envelope::Held;
pub use envelope::{Request, Response, Success, oversize, parse_json};

/// A command's input schema, kept for the life of the process, and its validator, compiled
/// the first time arguments need one.
#[derive(Debug)]
struct CompiledSchema {
    schema: Value,
    validator: OnceLock<Result<Validator, Error>>,
}

impl CompiledSchema {
    /// Every problem in `args` (none for `{}` under a schema that accepts every empty object,
    /// without compiling anything).
    fn problems(
        &self,
        args: &Value,
        field_code: &dyn Fn(&str) -> Option<ErrorCode>,
    ) -> Result<Vec<Problem>, Error> {
        if args.as_object().is_some_and(serde_json::Map::is_empty)
            && schema::accepts_every_empty_object(&self.schema)
        {
            return Ok(Vec::new());
        }
        let validator = self
            .validator
            .get_or_init(|| schema::compile(&self.schema))
            .as_ref()
            .map_err(Clone::clone)?;
        Ok(schema::problems(validator, &self.schema, args, field_code))
    }
}

/// The skill pack, its configuration, the HTTP transport and the environment secret
/// provider, shared by every request this process handles.
#[derive(Debug)]
pub struct Runtime {
    pack: &'static Pack,
    config: Config,
    transport: Transport,
    env: Box<dyn SecretProvider>,
    schemas: Mutex<HashMap<&'static str, Arc<CompiledSchema>>>,
}

impl Runtime {
    /// A runtime for `pack` over `config`, falling back to `env` for secrets the host did not
    /// send.
    pub fn new(pack: &'static Pack, config: Config, env: impl SecretProvider + 'static) -> Self {
        Self {
            pack,
            config,
            transport: Transport::new(),
            env: Box::new(env),
            schemas: Mutex::new(HashMap::new()),
        }
    }

    /// A runtime for `pack` reading the process environment.
    pub fn from_env(pack: &'static Pack) -> Self {
        Self::new(pack, Config::from_env(pack), EnvSecrets::process())
    }

    /// The skill pack.
    pub fn pack(&self) -> &'static Pack {
        self.pack
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
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
        self.handle_observed(envelope, host, Hooks::default()).await
    }

    /// Like [`Runtime::handle_with`], with the mode's [`Hooks`]: where commands that wait
    /// report progress (serve's progress lines, MCP progress notifications) and the call's
    /// cancellation signal.
    pub async fn handle_observed(
        &self,
        envelope: Value,
        host: Option<&dyn SecretProvider>,
        hooks: Hooks,
    ) -> Response {
        match Request::from_value(envelope) {
            Ok(request) => self.dispatch_observed(request, host, hooks).await,
            Err((id, error)) => Response::failure(id, None, error),
        }
    }

    /// Runs `command` with `args` (the `run` subcommand).
    pub async fn run(&self, command: &str, args: Value, dry_run: bool) -> Response {
        self.run_observed(command, args, dry_run, Hooks::default())
            .await
    }

    /// Like [`Runtime::run`], with the mode's [`Hooks`].
    pub async fn run_observed(
        &self,
        command: &str,
        args: Value,
        dry_run: bool,
        hooks: Hooks,
    ) -> Response {
        match Request::for_command(command, args, dry_run) {
            Ok(request) => self.dispatch_observed(request, None, hooks).await,
            Err(error) => Response::failure(None, None, error),
        }
    }

    /// The dispatcher (design §3).
    pub async fn dispatch(&self, request: Request, host: Option<&dyn SecretProvider>) -> Response {
        self.dispatch_observed(request, host, Hooks::default())
            .await
    }

    /// The dispatcher, with the mode's [`Hooks`].
    pub async fn dispatch_observed(
        &self,
        request: Request,
        host: Option<&dyn SecretProvider>,
        hooks: Hooks,
    ) -> Response {
        let Request {
            id,
            command: name,
            args,
            dry_run,
            secrets: host_secrets,
            mut warnings,
        } = request;
        let Some((command, alias)) = registry::resolve(self.pack, &name) else {
            return Response::failure(id, None, registry::unknown_command(self.pack, &name));
        };
        let args = match alias {
            Some(alias) => command.alias_args(alias, args),
            None => args,
        };
        let gate = Gate::new(self.config.dry_run, dry_run);
        let mut held = Held::default();
        let outcome = self
            .run_found(
                command,
                args,
                gate,
                (&host_secrets, host),
                hooks,
                (&mut warnings, &mut held),
            )
            .await;
        Response {
            id,
            command: Some(command.id()),
            _held: held,
            outcome: outcome
                .map(|(result, dry_run)| Success {
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
        gate: Gate,
        (host_secrets, host): (&dyn SecretProvider, Option<&dyn SecretProvider>),
        hooks: Hooks,
        (warnings, held): (&mut Vec<String>, &mut Held),
    ) -> Result<(Value, bool), Error> {
        let args = self.reject_endpoint_override(args)?;
        let problems = self.compiled_schema(command)?.problems(&args, &|field| {
            command
                .field_code(field)
                .or_else(|| (self.pack.field_code)(field))
        })?;
        if !problems.is_empty() {
            return Err(Error::invalid_args(problems).with_hint(format!(
                "Run `{} schema {}` to see the arguments this command accepts.",
                self.pack.binary,
                command.id()
            )));
        }

        // The gate comes before the secrets: a run the gate stops (and a checklist that only
        // reports presence) asks the host for no value. What the envelope carried and the
        // environment holds is at hand without crossing the boundary; the rest is reported
        // as asked at run time.
        let asks_host = gate.asks_host(command.effect(), command.offline_in_dry_run());
        let local = Chain::new(vec![host_secrets, self.env.as_ref()]);
        let mut with_host: Vec<&dyn SecretProvider> = vec![host_secrets];
        with_host.extend(host);
        with_host.push(self.env.as_ref());
        let with_host = Chain::new(with_host);
        let (asked, unasked): (Vec<&SecretNeed>, Vec<&SecretNeed>) = command
            .secrets()
            .iter()
            .partition(|need| asks_host && !need.presence_only);
        let mut secrets = Secrets::resolve(&with_host, asked.iter().map(|need| need.name)).await?;
        let local_only = Secrets::resolve(&local, unasked.iter().map(|need| need.name)).await?;
        let deferred: Vec<SecretName> = match host {
            Some(_) => unasked
                .iter()
                .map(|need| need.name)
                .filter(|name| !local_only.contains(*name))
                .collect(),
            None => Vec::new(),
        };
        secrets.extend(local_only);
        // The answer is redacted when it is printed, after this run: its secrets stay
        // remembered until then.
        held.pins.extend(secrets.pins());

        let ctx = Ctx::new(&self.config, &self.transport, secrets, gate)
            .with_deferred(deferred)
            .with_field_code(self.pack.field_code)
            .with_local_files(self.pack.reads_local_files && command.reads_local_files())
            .with_hooks(hooks);
        held.lease = Some(ctx.lease());
        tracing::debug!(command = command.id(), dry_run = gate.dry_run(), "dispatch");
        let outcome = command.execute(&ctx, args).await;
        warnings.extend(ctx.take_warnings());
        let Executed { gate, invoked } = outcome?;
        let result = match invoked {
            Invoked::Ran(result) => result,
            Invoked::Previewed(preview) => serde_json::to_value(preview)
                .map_err(|e| Error::internal(format!("preview not serializable: {e}")))?,
        };
        Ok((result, gate.dry_run()))
    }

    fn compiled_schema(&self, command: &dyn DynCommand) -> Result<Arc<CompiledSchema>, Error> {
        let mut cache = self
            .schemas
            .lock()
            .map_err(|_| Error::internal("schema cache poisoned"))?;
        if let Some(found) = cache.get(command.id()) {
            return Ok(Arc::clone(found));
        }
        let compiled = Arc::new(CompiledSchema {
            schema: command.input_schema(),
            validator: OnceLock::new(),
        });
        cache.insert(command.id(), Arc::clone(&compiled));
        Ok(compiled)
    }
}

impl Runtime {
    /// An argument that would redirect a command to another endpoint (`args.endpoint`) is
    /// refused for every command of a pack that declares the refusal: an endpoint can only be
    /// configured, never redirected per call. An empty value is treated as absent.
    fn reject_endpoint_override(&self, mut args: Value) -> Result<Value, Error> {
        let Some((code, message, hint)) = self.pack.endpoint_arg else {
            return Ok(args);
        };
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
            Some(_) => Err(Error::invalid_field(code, "endpoint", message).with_hint(hint)),
        }
    }
}
