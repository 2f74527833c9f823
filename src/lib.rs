//! `theta-skill`: an OpenClaw skill runtime for Theta EdgeCloud.
//!
//! One JSON request in, one JSON document out. A request names a command
//! (`theta.ondemand.infer`, `theta.auth.capabilities`, …); the runtime validates its
//! arguments against the command's published JSON Schema, resolves the secrets it needs
//! (OpenClaw host first, then the environment), stops paid and mutating commands in dry-run,
//! calls the Theta API and prints the redacted result.
//!
//! # Layout
//!
//! - [`runtime`]: the dispatcher (design §3), the request/response envelopes, the dry-run
//!   [`runtime::gate`] and the command [`runtime::registry`].
//! - [`command`]: the [`command::Command`] trait every command implements, its type-erased
//!   twin, effects, previews and the per-run [`command::Ctx`].
//! - [`commands`]: the commands, one module per family and one file per command.
//! - [`error`]: the one error type and its stable [`error::ErrorCode`]s.
//! - [`schema`]: schema generation, the provider-safe normal form, validation.
//! - [`config`]: typed configuration from the environment (no secrets).
//! - [`secrets`]: the secret providers, the host → environment chain, and redaction.
//! - [`http`]: per-service clients, the retry policy, endpoint safety.
//! - [`mcp`]: `theta-skill mcp`, the MCP server on stdio (rmcp) over the same dispatcher.
//! - [`cli`]: the command-line front end the binary runs.

pub mod artifacts;
pub mod cli;
pub mod command;
pub mod commands;
pub mod config;
pub mod error;
pub mod http;
pub mod mcp;
pub mod runtime;
pub mod schema;
pub mod secrets;

pub use command::{Command, Ctx, DynCommand, Effect, Preview, Service};
pub use error::{Error, ErrorCode};
pub use runtime::{Response, Runtime};
