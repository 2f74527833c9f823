//! The shared vocabulary: effects, services and secrets (error codes are in [`crate::code`]).
//!
//! This module imports nothing from the rest of the crate but the codes, and every other
//! module may use it. The core defines the *kinds* of things here (what a service or a secret
//! declaration holds); a skill pack declares the actual services and secrets as constants in
//! its own folder (`src/skills/<pack>/`), and the core reads those declarations.
//!
//! [`Service`] and [`SecretName`] are small `Copy` handles to `'static` declarations, compared
//! by name, so a pack declares them as plain constants (`tests::a_pack_declares_constants`
//! below shows the shape; `docs/adding-a-skill.md` walks through a real pack).

use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;

use serde::{Serialize, Serializer};

use crate::code::ErrorCode;

/// What running a command does to the world. The dry-run gate stops everything that is not
/// [`Effect::ReadOnly`] before the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Effect {
    /// Reads only; safe to run and to retry.
    ReadOnly,
    /// Changes state (start, stop, delete, create an upload slot) without spending credits.
    Mutating,
    /// Spends credits (inference, deployments).
    Paid,
}

impl Effect {
    /// `read-only`, `mutating` or `paid`.
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::ReadOnly => "read-only",
            Effect::Mutating => "mutating",
            Effect::Paid => "paid",
        }
    }
}

impl Serialize for Effect {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// The hosts a base URL may name: each domain itself, or any name under it. Checked by
/// parsing (`crate::http::endpoint::check_url`), never by string prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostRule {
    /// Registrable domains, e.g. `acme.example`.
    pub domains: &'static [&'static str],
}

impl HostRule {
    /// Whether `domain` (a host name, already lower-cased by URL parsing) is allowed.
    pub fn allows(self, domain: &str) -> bool {
        let domain = domain.strip_suffix('.').unwrap_or(domain);
        self.domains.iter().any(|allowed| {
            domain == *allowed
                || domain
                    .strip_suffix(allowed)
                    .is_some_and(|prefix| prefix.ends_with('.') && prefix.len() > 1)
        })
    }
}

/// Where a service lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// No upstream: the runtime itself.
    None,
    /// A fixed https origin that `override_var` may replace with another allowed origin.
    Fixed {
        /// The default origin.
        default: &'static str,
        /// The variable that overrides it (`ACME_BASE_URL`).
        override_var: &'static str,
        /// Hosts an override may name.
        hosts: HostRule,
        /// The code when the override is unusable (`INVALID_ACME_BASE_URL`).
        invalid_code: ErrorCode,
    },
    /// An origin only the user can configure (a dedicated endpoint). Its errors are named:
    /// `missing_code` when the variable is unset, `invalid_code` when it is not allowed.
    Configured {
        /// The variable holding the URL (`ACME_ENDPOINT`).
        var: &'static str,
        /// Hosts it may name.
        hosts: HostRule,
        /// Code when the variable is unset.
        missing_code: ErrorCode,
        /// Hint when the variable is unset.
        missing_hint: &'static str,
        /// Code when the URL is not usable.
        invalid_code: ErrorCode,
        /// Hint when the URL is not usable.
        invalid_hint: &'static str,
    },
}

/// How a service authenticates, in terms of the pack's secrets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthScheme {
    /// No credentials.
    None,
    /// `Authorization: Bearer <secret>`.
    Bearer(SecretName),
    /// One header per secret (`x-api-key: <secret>`); sent only when all are present.
    Headers(&'static [(&'static str, SecretName)]),
    /// A bearer token when present, else Basic `user:pass` when both are present, else none
    /// (a dedicated endpoint may run without credentials).
    BearerOrBasic {
        /// The token.
        token: SecretName,
        /// The Basic user.
        user: SecretName,
        /// The Basic password.
        pass: SecretName,
    },
}

/// The `User-Agent` a service is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserAgent {
    /// `<binary>/<version>`.
    Own,
    /// A fixed string (e.g. what a CDN in front of the API accepts).
    Fixed(&'static str),
}

/// A rule that turns one upstream answer into a pack code, e.g. on-demand's
/// `409 "No instances available"` → `ACME_CAPACITY_EXHAUSTED`. A matching answer
/// was provably not processed, so it is retried even for a paid request.
#[derive(Debug, Clone, Copy)]
pub struct CapacityRule {
    /// The status it applies to.
    pub status: u16,
    /// What in the body marks the answer.
    pub signal: CapacitySignal,
    /// The code reported.
    pub code: ErrorCode,
    /// The message, followed by the upstream's own excerpt.
    pub message: &'static str,
    /// The hint.
    pub hint: &'static str,
}

/// What marks an answer as refused before processing (a [`CapacityRule`]). It decides whether
/// a paid request is sent again, so it reads what the upstream states, never what a message
/// happens to contain.
#[derive(Debug, Clone, Copy)]
pub enum CapacitySignal {
    /// A function of the body that reads its structured fields (error codes, retry fields),
    /// e.g. a `*_warming` error code. The preferred signal.
    Fields(fn(&str) -> bool),
    /// One of these lower-case phrases in the body, whitespace ignored: only for an upstream
    /// whose refusal carries nothing structured (a 409 "No instances available" without a
    /// code), at a status that never means "processed".
    Phrases(&'static [&'static str]),
}

/// A non-success answer, as a pack's [`StatusReader`] sees it: the status, the (capped) body
/// text and a header lookup (case-insensitive names).
pub struct UpstreamAnswer<'a> {
    /// The HTTP status.
    pub status: u16,
    /// The body, as text.
    pub body: &'a str,
    /// The value of a response header, when sent.
    pub header: &'a dyn Fn(&str) -> Option<String>,
}

impl fmt::Debug for UpstreamAnswer<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UpstreamAnswer")
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

/// What a pack reads from an answer whose meaning depends on its body or headers (a 402 that
/// names the balance it needs, a 429 with rate-limit headers). Each field that is `Some`
/// replaces the core's own; `retriable` is never changed (the retry policy decides it).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StatusReading {
    /// The code reported instead of `HTTP_<status>`.
    pub code: Option<ErrorCode>,
    /// The message.
    pub message: Option<String>,
    /// The upstream's own words, in place of the core's excerpt of the body when the core
    /// writes the message (`<service> answered HTTP <status>: <detail>`, or the capacity
    /// rule's message): for a service whose answers put them in fields the core does not
    /// read first.
    pub detail: Option<String>,
    /// The hint.
    pub hint: Option<String>,
    /// Structured detail taken from the answer (never a credential).
    pub details: Option<serde_json::Value>,
}

/// A pack's reading of non-success answers (see [`StatusReading`]); `None` keeps the core's.
pub type StatusReader = fn(&UpstreamAnswer<'_>) -> Option<StatusReading>;

/// Everything the core needs to know about one upstream service.
#[derive(Debug)]
pub struct ServiceDef {
    /// The name used in errors and logs (`edgecloud-controller`).
    pub name: &'static str,
    /// Where it lives.
    pub origin: Origin,
    /// How it authenticates.
    pub auth: AuthScheme,
    /// The `User-Agent` header.
    pub user_agent: UserAgent,
    /// The `Accept` header.
    pub accept: &'static str,
    /// More headers sent with every request to this service, e.g. an API version
    /// (`("x-github-api-version", "2022-11-28")`). A request's own header of the same name
    /// replaces one; credentials never go here (they come from [`ServiceDef::auth`]).
    pub headers: &'static [(&'static str, &'static str)],
    /// Words added after the credentials a 401/403 hint names ("check ACME_KEY{note}"), e.g.
    /// " (keys are per project)"; the credentials themselves come from [`ServiceDef::auth`].
    pub credential_note: &'static str,
    /// Hints that replace the generic one for a status (e.g. 402 → where to top up).
    pub status_hints: &'static [(u16, &'static str)],
    /// An answer that means "not processed, try again shortly".
    pub capacity: Option<CapacityRule>,
    /// Reads codes, hints and details out of non-success answers.
    pub read_status: Option<StatusReader>,
}

impl ServiceDef {
    /// A declaration with every optional part empty, for `..ServiceDef::NONE`.
    pub const NONE: ServiceDef = ServiceDef {
        name: "",
        origin: Origin::None,
        auth: AuthScheme::None,
        user_agent: UserAgent::Own,
        accept: "application/json, text/event-stream;q=0.9, */*;q=0.8",
        headers: &[],
        credential_note: "",
        status_hints: &[],
        capacity: None,
        read_status: None,
    };
}

/// A handle to a pack's [`ServiceDef`]; compared by name.
#[derive(Clone, Copy)]
pub struct Service(&'static ServiceDef);

impl Service {
    /// A handle to `def`.
    pub const fn new(def: &'static ServiceDef) -> Self {
        Self(def)
    }
    /// The service name used in errors.
    pub fn as_str(self) -> &'static str {
        self.0.name
    }
    /// The service name used in errors.
    pub fn name(self) -> &'static str {
        self.0.name
    }
    /// The declaration.
    pub fn def(self) -> &'static ServiceDef {
        self.0
    }
}

impl Deref for Service {
    type Target = ServiceDef;
    fn deref(&self) -> &ServiceDef {
        self.0
    }
}

impl PartialEq for Service {
    fn eq(&self, other: &Self) -> bool {
        self.0.name == other.0.name
    }
}
impl Eq for Service {}
impl Hash for Service {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.name.hash(state);
    }
}
impl fmt::Debug for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Service").field(&self.0.name).finish()
    }
}

/// Everything the core needs to know about one credential.
#[derive(Debug)]
pub struct SecretDef {
    /// The names it is looked up under, in order, in the host map and then in the
    /// environment. The first is the canonical name.
    pub names: &'static [&'static str],
    /// What it is, for generated documentation.
    pub description: &'static str,
    /// The OpenClaw plugin config key holding it (`ecApiKey`).
    pub plugin_key: &'static str,
    /// The code when a command that requires it runs without it.
    pub missing_code: ErrorCode,
    /// The message then.
    pub missing_message: &'static str,
    /// The hint then: which variable, and where to create the value.
    pub missing_hint: &'static str,
}

/// A handle to a pack's [`SecretDef`]; compared by canonical name.
#[derive(Clone, Copy)]
pub struct SecretName(&'static SecretDef);

impl SecretName {
    /// A handle to `def`.
    pub const fn new(def: &'static SecretDef) -> Self {
        Self(def)
    }
    /// The names this secret is looked up under; the first is canonical.
    pub fn env_names(self) -> &'static [&'static str] {
        self.0.names
    }
    /// The canonical variable name.
    pub fn canonical(self) -> &'static str {
        self.0.names.first().copied().unwrap_or_default()
    }
    /// What the secret is.
    pub fn description(self) -> &'static str {
        self.0.description
    }
    /// The declaration.
    pub fn def(self) -> &'static SecretDef {
        self.0
    }
}

impl PartialEq for SecretName {
    fn eq(&self, other: &Self) -> bool {
        self.canonical() == other.canonical()
    }
}
impl Eq for SecretName {}
impl Hash for SecretName {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.canonical().hash(state);
    }
}
impl PartialOrd for SecretName {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for SecretName {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.canonical().cmp(other.canonical())
    }
}
impl fmt::Debug for SecretName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.canonical())
    }
}
impl fmt::Display for SecretName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.canonical())
    }
}
impl Serialize for SecretName {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.canonical())
    }
}

/// A non-secret variable a pack reads (a project id, an endpoint URL).
#[derive(Debug, Clone, Copy)]
pub struct Setting {
    /// The variable (`ACME_PROJECT_ID`).
    pub name: &'static str,
    /// What it does.
    pub description: &'static str,
    /// The OpenClaw plugin config key that fills it, when the plugin offers one.
    pub plugin_key: Option<&'static str>,
    /// The command argument that stands in for it, when there is one (`projectId`): a
    /// family's probe or command is configured when either is set.
    pub arg: Option<&'static str>,
    /// Which values are usable; `None`: any value is.
    pub check: Option<SettingCheck>,
}

/// Which values of a [`Setting`] are usable.
#[derive(Debug, Clone, Copy)]
pub struct SettingCheck {
    /// Whether `value` (trimmed) is usable.
    pub usable: fn(&str) -> bool,
    /// What a usable value looks like, for people ("it must look like prj_…").
    pub expected: &'static str,
}

impl Setting {
    /// A setting with no argument standing in for it and no check; fill in the rest with
    /// `..Setting::new(…)`.
    pub const fn new(name: &'static str, description: &'static str) -> Self {
        Self {
            name,
            description,
            plugin_key: None,
            arg: None,
            check: None,
        }
    }
}

/// A pack's first-run checklist: its words; the core judges it.
#[derive(Debug, Clone, Copy)]
pub struct Checklist {
    /// The steps, in order.
    pub steps: &'static [Step],
    /// Where to sign up, create keys, read docs: `(name, url)`.
    pub links: &'static [(&'static str, &'static str)],
    /// Safety notes shown after the steps (the core adds the dry-run one).
    pub notes: &'static [&'static str],
}

/// One step of the checklist.
#[derive(Debug, Clone, Copy)]
pub struct Step {
    /// What to do, for people.
    pub title: &'static str,
    /// What the step sets. Empty: a step only the user can do (`manual`).
    pub needs: &'static [Need],
    /// Whether the baseline can do without it.
    pub optional: bool,
}

/// What a family (or a step of the first-run checklist) needs before its commands can run,
/// in terms of the pack's own declarations: the core derives from it every place that names
/// the requirement (the capabilities report's `required` and `missing`, the checklist's
/// statuses and variables, the skill's docs), so a variable's name is written once, in its
/// [`SecretDef`] or [`Setting`].
#[derive(Debug, Clone, Copy)]
pub enum Need {
    /// A credential, from the host or the environment.
    Secret(SecretName),
    /// A setting (or its argument), set and usable.
    Setting(&'static Setting),
    /// Any one of these (a token, or a user and a password).
    AnyOf(&'static [Need]),
    /// All of these.
    AllOf(&'static [Need]),
}

impl Need {
    /// How people read it: `ACME_KEY`, `ACME_TOKEN or ACME_USER and ACME_PASS`.
    pub fn label(&self) -> String {
        match self {
            Need::Secret(secret) => secret.canonical().to_owned(),
            Need::Setting(setting) => setting.name.to_owned(),
            Need::AnyOf(needs) => join_labels(needs, " or "),
            Need::AllOf(needs) => join_labels(needs, " and "),
        }
    }

    /// Every variable it names, in order (each once).
    pub fn vars(&self, out: &mut Vec<&'static str>) {
        match self {
            Need::Secret(secret) => push_once(out, secret.canonical()),
            Need::Setting(setting) => push_once(out, setting.name),
            Need::AnyOf(needs) | Need::AllOf(needs) => needs.iter().for_each(|n| n.vars(out)),
        }
    }
}

fn join_labels(needs: &[Need], word: &str) -> String {
    needs.iter().map(Need::label).collect::<Vec<_>>().join(word)
}

fn push_once(out: &mut Vec<&'static str>, var: &'static str) {
    if !out.contains(&var) {
        out.push(var);
    }
}

impl AuthScheme {
    /// The credentials it sends, as people read them (a 401/403 says to check them).
    pub fn credentials(&self) -> String {
        match self {
            AuthScheme::None => "the URL (no credentials are sent to this host)".to_owned(),
            AuthScheme::Bearer(token) => token.canonical().to_owned(),
            AuthScheme::Headers(headers) => headers
                .iter()
                .map(|(_, secret)| secret.canonical())
                .collect::<Vec<_>>()
                .join(" and "),
            AuthScheme::BearerOrBasic { token, user, pass } => format!(
                "{}, or {} and {}",
                token.canonical(),
                user.canonical(),
                pass.canonical()
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const API_KEY: SecretName = SecretName::new(&SecretDef {
        names: &["ACME_API_KEY"],
        description: "Acme API key.",
        plugin_key: "apiKey",
        missing_code: ErrorCode::pack_failure("MISSING_ACME_API_KEY"),
        missing_message: "ACME_API_KEY is missing.",
        missing_hint: "Create a key in the Acme console and set ACME_API_KEY.",
    });
    const API: Service = Service::new(&ServiceDef {
        name: "acme-api",
        origin: Origin::Fixed {
            default: "https://api.acme.example",
            override_var: "ACME_BASE_URL",
            hosts: HostRule {
                domains: &["acme.example"],
            },
            invalid_code: ErrorCode::pack_failure("INVALID_ACME_BASE_URL"),
        },
        auth: AuthScheme::Bearer(API_KEY),
        ..ServiceDef::NONE
    });

    #[test]
    fn a_pack_declares_constants() {
        assert_eq!(API.name(), "acme-api");
        assert_eq!(API_KEY.canonical(), "ACME_API_KEY");
    }

    #[test]
    fn codes_are_spelled_once_and_pack_codes_keep_their_kind() {
        assert_eq!(ErrorCode::Http(503).as_str(), "HTTP_503");
        let bad = ErrorCode::pack_request("INVALID_WIDGET");
        let missing = ErrorCode::pack_failure("MISSING_WIDGET_KEY");
        assert_eq!(bad.as_str(), "INVALID_WIDGET");
        assert!(bad.is_request_error());
        assert!(!missing.is_request_error());
        assert!(ErrorCode::InvalidPage.is_request_error());
        assert!(!ErrorCode::Timeout.is_request_error());
        assert_eq!(
            serde_json::to_value(missing).ok(),
            Some(serde_json::json!("MISSING_WIDGET_KEY"))
        );
    }

    #[test]
    fn host_rules_match_whole_labels() {
        let rule = HostRule {
            domains: &["example.com"],
        };
        assert!(rule.allows("example.com"));
        assert!(rule.allows("api.example.com"));
        assert!(rule.allows("api.example.com."));
        assert!(!rule.allows("evilexample.com"));
        assert!(!rule.allows(".example.com"));
        assert!(!rule.allows("example.com.evil.net"));
    }
}
