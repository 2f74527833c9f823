//! A runtime for OpenClaw skills that drive cloud AI APIs: one JSON request in, one JSON
//! document out.
//!
//! A request names a command (`<pack>.<family>.<verb>`); the runtime validates its arguments
//! against the command's published JSON Schema, resolves the secrets it needs (OpenClaw host
//! first, then the environment), stops paid and mutating commands in dry-run, calls the
//! upstream API and prints the redacted result. The core knows no cloud: each skill is a
//! *pack* ([`pack::Pack`]) of declarations and commands, with its own thin binary.
//!
//! # Layout
//!
//! The core:
//! - [`vocab`]: the shared vocabulary: effects, and the kinds of services and secrets a pack
//!   declares; it imports only [`code`].
//! - [`code`]: the stable error codes (the core's and the packs'), a leaf module.
//! - [`pack`]: what a pack is (services, secrets, settings, families with their commands,
//!   skill metadata) and the capabilities report derived from its families.
//! - [`command`]: the [`command::Command`] trait every command implements, its type-erased
//!   twin, previews and the per-run [`command::Ctx`] (configuration, transport, secrets, gate).
//! - [`gate`]: the dry-run gate, a plain value decided once per request.
//! - [`runtime`]: the dispatcher (design §3), the request/response envelopes, command lookup
//!   ([`runtime::registry`]) and `serve`.
//! - [`error`]: the one error type.
//! - [`bounds`]: what one input may cost (request, secret and JSON bounds), a leaf module.
//! - [`schema`]: schema generation, the provider-safe normal form, validation.
//! - [`config`]: typed configuration from the environment, as the pack declares it.
//! - [`secrets`]: the secret providers, the host → environment chain, and redaction.
//! - [`http`]: per-service clients (request, response, failure, client with its retry loop),
//!   the retry policy, endpoint safety.
//! - [`artifacts`]: the generated `schemas/`, `skill/` and `dist/` of a pack.
//! - [`mcp`]: the `mcp` subcommand, an MCP server on stdio (rmcp, behind a bounded line
//!   transport) over the same dispatcher.
//! - [`media`]: finished media as the commands behind OpenClaw's providers return it (bytes
//!   as base64, their type, the call's deadline).
//! - [`hooks`]: progress and cancellation hooks a command run may carry.
//! - [`poll`]: when a command that waits checks again (the adaptive schedule of every pack).
//! - [`providers`]: which command fills which of OpenClaw's own provider slots (image, video,
//!   speech, transcription, embeddings, the chat model), as a pack declares it.
//! - [`files`]: the one place that reads a local file a caller names (uploads), under limits,
//!   for the commands of a pack that declares it.
//! - [`checklist`]: the first-run checklist (`<pack>.setup`), judged from the pack's
//!   declarations and its words.
//! - [`cli`]: the command-line front end every pack's binary runs.
//!
//! The packs live under [`skills`], one folder each, each with its binary: its own package
//! under `bins/`.
//! `docs/adding-a-skill.md` shows what a pack declares and where.

pub mod artifacts;
pub mod bounds;
pub mod checklist;
pub mod cli;
pub mod code;
pub mod command;
pub mod config;
pub mod error;
pub mod files;
pub mod gate;
pub mod hooks;
pub mod http;
pub mod mcp;
pub mod media;
pub mod pack;
pub mod poll;
pub mod providers;
pub mod runtime;
pub mod schema;
pub mod secrets;
pub mod skills;
pub mod vocab;

#[cfg(test)]
pub(crate) mod testing;

pub use code::ErrorCode;
pub use command::{Command, Ctx, DynCommand, Preview};
pub use error::Error;
pub use pack::Pack;
pub use runtime::{Response, Runtime};
pub use vocab::{Effect, SecretName, Service};
