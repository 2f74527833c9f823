//! Typed configuration from the environment. Secrets are not configuration: they come from
//! [`crate::secrets`].
//!
//! Numeric knobs follow `spec/theta-api.md` §3.1: absent or unparsable values take the
//! default, leading digits are read (`"1500ms"` is 1500), and out-of-range values are clamped
//! rather than rejected. Base URLs default to the real Theta origins; an override must be an
//! `https://` Theta origin (with the `local-endpoints` feature, also `http://127.0.0.1:<port>`).

use std::time::Duration;

use reqwest::Url;

use crate::command::Service;
use crate::error::{Error, ErrorCode};
use crate::http::endpoint::{self, HostRule};

/// Default controller origin.
pub const CONTROLLER_BASE_URL: &str = "https://controller.thetaedgecloud.com";
/// Default platform API origin.
pub const PLATFORM_BASE_URL: &str = "https://api.thetaedgecloud.com";
/// Default on-demand API origin.
pub const ONDEMAND_BASE_URL: &str = "https://ondemand.thetaedgecloud.com";
/// Default video API origin.
pub const VIDEO_BASE_URL: &str = "https://api.thetavideoapi.com";

/// Every non-secret variable the runtime reads, with what it does. Generated documentation
/// (the skill's frontmatter, the command reference) is built from this table, and a test
/// checks that [`Config::from_lookup`] reads exactly these names.
pub const VARIABLES: &[(&str, &str)] = &[
    (
        "THETA_EC_PROJECT_ID",
        "Project id (prj_...) for the controller commands.",
    ),
    ("THETA_ORG_ID", "Organization id for billing."),
    (
        "THETA_INFERENCE_ENDPOINT",
        "URL of a dedicated inference deployment (https, *.thetaedgecloud.com).",
    ),
    (
        "THETA_DRY_RUN",
        "1/true/yes/on: preview every paid or mutating command without sending it.",
    ),
    (
        "THETA_HTTP_TIMEOUT_MS",
        "Per-request timeout, default 20000 (1000..120000).",
    ),
    (
        "THETA_HTTP_MAX_RETRIES",
        "Extra attempts for retryable failures, default 2 (0..6).",
    ),
    (
        "THETA_HTTP_RETRY_BACKOFF_MS",
        "Backoff base, default 250 (25..10000).",
    ),
    (
        "THETA_CONTROLLER_BASE_URL",
        "Override of https://controller.thetaedgecloud.com (Theta origins only).",
    ),
    (
        "THETA_PLATFORM_BASE_URL",
        "Override of https://api.thetaedgecloud.com (Theta origins only).",
    ),
    (
        "THETA_ONDEMAND_API_BASE_URL",
        "Override of https://ondemand.thetaedgecloud.com (Theta origins only).",
    ),
    (
        "THETA_VIDEO_API_BASE_URL",
        "Override of https://api.thetavideoapi.com (Theta origins only).",
    ),
];

/// HTTP knobs shared by every service client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpSettings {
    /// Per-request timeout (`THETA_HTTP_TIMEOUT_MS`, default 20 000, clamped to 1 000..=120 000).
    pub timeout: Duration,
    /// Extra attempts after the first for retryable failures (`THETA_HTTP_MAX_RETRIES`,
    /// default 2, clamped to 0..=6). Paid and mutating requests only use them when the
    /// request provably was not processed.
    pub max_retries: u32,
    /// Base of the exponential backoff (`THETA_HTTP_RETRY_BACKOFF_MS`, default 250, clamped
    /// to 25..=10 000).
    pub retry_backoff: Duration,
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            timeout: Duration::from_millis(20_000),
            max_retries: 2,
            retry_backoff: Duration::from_millis(250),
        }
    }
}

/// The runtime configuration, read once per process.
#[derive(Debug, Clone)]
pub struct Config {
    /// `THETA_DRY_RUN`; read only by the dry-run gate.
    pub(crate) dry_run: bool,
    /// HTTP knobs.
    pub http: HttpSettings,
    controller: Result<Url, Error>,
    platform: Result<Url, Error>,
    ondemand: Result<Url, Error>,
    video: Result<Url, Error>,
    /// `THETA_EC_PROJECT_ID`, trimmed, when non-empty.
    pub project_id: Option<String>,
    /// `THETA_ORG_ID`, trimmed, when non-empty.
    pub org_id: Option<String>,
    /// `THETA_INFERENCE_ENDPOINT`, trimmed, when non-empty (validated when used).
    pub inference_endpoint: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Self::from_lookup(|_| None)
    }
}

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Self {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads configuration through `lookup` (the environment, or a map in tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let text = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let millis = |name: &str, default: u64, min: u64, max: u64| {
            Duration::from_millis(clamp_int(text(name).as_deref(), default, min, max))
        };
        let base = |service: Service, var: &str, default: &str| {
            let raw = text(var);
            parse_base_url(service, var, raw.as_deref().unwrap_or(default))
        };
        Self {
            dry_run: text("THETA_DRY_RUN").is_some_and(|v| parse_bool(&v) == Some(true)),
            http: HttpSettings {
                timeout: millis("THETA_HTTP_TIMEOUT_MS", 20_000, 1_000, 120_000),
                max_retries: u32::try_from(clamp_int(
                    text("THETA_HTTP_MAX_RETRIES").as_deref(),
                    2,
                    0,
                    6,
                ))
                .unwrap_or(2),
                retry_backoff: millis("THETA_HTTP_RETRY_BACKOFF_MS", 250, 25, 10_000),
            },
            controller: base(
                Service::Controller,
                "THETA_CONTROLLER_BASE_URL",
                CONTROLLER_BASE_URL,
            ),
            platform: base(
                Service::Platform,
                "THETA_PLATFORM_BASE_URL",
                PLATFORM_BASE_URL,
            ),
            ondemand: base(
                Service::Ondemand,
                "THETA_ONDEMAND_API_BASE_URL",
                ONDEMAND_BASE_URL,
            ),
            video: base(Service::Video, "THETA_VIDEO_API_BASE_URL", VIDEO_BASE_URL),
            project_id: text("THETA_EC_PROJECT_ID"),
            org_id: text("THETA_ORG_ID"),
            inference_endpoint: text("THETA_INFERENCE_ENDPOINT"),
        }
    }

    /// The base URL of a fixed-origin service; an unusable override is reported here, when a
    /// command first needs that service, so one bad variable does not break other families.
    pub fn base_url(&self, service: Service) -> Result<&Url, Error> {
        let slot = match service {
            Service::Controller => &self.controller,
            Service::Platform => &self.platform,
            Service::Ondemand => &self.ondemand,
            Service::Video => &self.video,
            Service::Dedicated | Service::Runtime => {
                return Err(Error::internal(format!(
                    "{} has no fixed base URL",
                    service.as_str()
                )));
            }
        };
        slot.as_ref().map_err(Clone::clone)
    }
}

impl Config {
    /// The dedicated inference endpoint (`THETA_INFERENCE_ENDPOINT`), checked by the rules of
    /// `spec/theta-api.md` §3.8: https, no userinfo, a host that is or ends with
    /// `.thetaedgecloud.com` / `.onthetaedgecloud.com`, never a private or loopback address.
    pub fn dedicated_endpoint(&self) -> Result<Url, Error> {
        let raw = self.inference_endpoint.as_deref().ok_or_else(|| {
            Error::new(
                ErrorCode::MissingThetaInferenceEndpoint,
                "THETA_INFERENCE_ENDPOINT is not set.",
            )
            .with_service(Service::Dedicated)
            .with_hint(
                "Set THETA_INFERENCE_ENDPOINT to your dedicated deployment's URL (Theta dashboard -> AI Services -> your deployment -> Endpoint).",
            )
        })?;
        let invalid = |why: String| {
            Error::new(
                ErrorCode::InvalidThetaInferenceEndpoint,
                format!("THETA_INFERENCE_ENDPOINT is not usable: {why}"),
            )
            .with_service(Service::Dedicated)
            .with_hint(
                "Use the https:// endpoint URL shown for your deployment on the Theta dashboard.",
            )
        };
        let url = Url::parse(raw.trim_end_matches('/'))
            .map_err(|_| invalid("it must be an absolute https URL".into()))?;
        endpoint::check_url(&url, HostRule::DedicatedEndpoint)
            .map_err(|reason| invalid(reason.to_string()))?;
        if url.query().is_some() || url.fragment().is_some() {
            return Err(invalid("it must not carry a query or fragment".into()));
        }
        Ok(url)
    }
}

impl Config {
    /// The project id: `arg` when given, else THETA_EC_PROJECT_ID; it must look like `prj_…`.
    pub fn project_id(&self, arg: Option<&str>) -> Result<String, Error> {
        let from_arg = arg.map(str::trim).filter(|a| !a.is_empty());
        let id = from_arg.or(self.project_id.as_deref()).ok_or_else(|| {
            Error::new(
                ErrorCode::MissingThetaEcProjectId,
                "projectId missing. Set THETA_EC_PROJECT_ID or pass args.projectId.",
            )
            .with_hint("Find the project id (prj_...) on https://www.thetaedgecloud.com/ under Account -> Projects.")
        })?;
        if !is_project_id(id) {
            let source = if from_arg.is_some() {
                "args.projectId"
            } else {
                "THETA_EC_PROJECT_ID"
            };
            return Err(Error::new(
                ErrorCode::InvalidThetaEcProjectId,
                format!("{source} must look like prj_... (letters, digits and underscores)."),
            )
            .with_hint("Copy the project id from Account -> Projects on the Theta dashboard."));
        }
        Ok(id.to_owned())
    }

    /// The organization id: `arg` when given, else THETA_ORG_ID; it must be an identifier.
    pub fn org_id(&self, arg: Option<&str>) -> Result<String, Error> {
        let from_arg = arg.map(str::trim).filter(|a| !a.is_empty());
        let id = from_arg.or(self.org_id.as_deref()).ok_or_else(|| {
            Error::new(
                ErrorCode::MissingThetaOrgId,
                "orgId is required (set THETA_ORG_ID or pass args.orgId).",
            )
            .with_hint(
                "Find the organization id on the Theta dashboard under Account -> Organization.",
            )
        })?;
        if !is_identifier(id) {
            let error = Error::new(
                ErrorCode::InvalidThetaOrgId,
                "orgId must contain only letters, numbers, dot, underscore, colon, and hyphen.",
            );
            return Err(if from_arg.is_some() {
                error.bad_request()
            } else {
                error
            });
        }
        Ok(id.to_owned())
    }
}

/// Whether `id` looks like a project id (`prj_` then letters, digits, underscores).
pub fn is_project_id(id: &str) -> bool {
    id.strip_prefix("prj_").is_some_and(|rest| {
        !rest.is_empty() && rest.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// Whether `id` matches [`crate::schema::IDENTIFIER_PATTERN`].
pub fn is_identifier(id: &str) -> bool {
    let mut chars = id.chars();
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | ':' | '-');
    chars
        .next()
        .is_some_and(|first| allowed(first) && first != '.')
        && chars.all(allowed)
}

fn parse_base_url(service: Service, var: &str, raw: &str) -> Result<Url, Error> {
    let invalid = |why: String| {
        Error::new(
            ErrorCode::InvalidThetaBaseUrl,
            format!("{var} is not usable: {why}"),
        )
        .with_service(service)
        .with_hint(format!(
            "Unset {var} to use the default Theta origin, or set it to an https:// Theta URL."
        ))
    };
    let url = Url::parse(raw.trim_end_matches('/')).map_err(|e| invalid(e.to_string()))?;
    endpoint::check_url(&url, HostRule::ThetaOrigin)
        .map_err(|reason| invalid(reason.to_string()))?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("a base URL takes no query or fragment".into()));
    }
    Ok(url)
}

/// `1/true/yes/on` → true, `0/false/no/off` → false, case-insensitive; anything else → None.
pub fn parse_bool(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// The integer parse of `spec/theta-api.md` §3.1: leading decimal digits (after an optional
/// sign) are read, anything unparsable takes `default`, and the result is clamped.
pub fn clamp_int(value: Option<&str>, default: u64, min: u64, max: u64) -> u64 {
    let Some(text) = value.map(str::trim) else {
        return default;
    };
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let end = digits
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(digits.len());
    if end == 0 {
        return default;
    }
    if negative {
        return min;
    }
    // More digits than fit in u64 is "very large": clamp to max.
    let parsed = digits[..end].parse::<u64>().unwrap_or(u64::MAX);
    parsed.clamp(min, max)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(pairs: &[(&str, &str)]) -> Config {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn the_variables_table_lists_exactly_what_is_read() {
        let read = std::sync::Mutex::new(std::collections::BTreeSet::new());
        let _ = Config::from_lookup(|name| {
            read.lock().unwrap().insert(name.to_owned());
            None
        });
        let listed: std::collections::BTreeSet<String> = VARIABLES
            .iter()
            .map(|(name, _)| (*name).to_owned())
            .collect();
        assert_eq!(read.into_inner().unwrap(), listed);
    }

    #[test]
    fn integers_follow_parse_int_and_clamp() {
        assert_eq!(clamp_int(None, 20_000, 1_000, 120_000), 20_000);
        assert_eq!(clamp_int(Some(""), 20_000, 1_000, 120_000), 20_000);
        assert_eq!(clamp_int(Some("1500ms"), 20_000, 1_000, 120_000), 1_500);
        assert_eq!(clamp_int(Some("abc"), 20_000, 1_000, 120_000), 20_000);
        assert_eq!(clamp_int(Some("5"), 20_000, 1_000, 120_000), 1_000);
        assert_eq!(clamp_int(Some("999999999999999999999999"), 2, 0, 6), 6);
        assert_eq!(clamp_int(Some("-3"), 2, 0, 6), 0);
        assert_eq!(clamp_int(Some(" 7 "), 2, 0, 6), 6);
    }

    #[test]
    fn http_knobs_are_read_and_clamped() {
        let c = config(&[
            ("THETA_HTTP_TIMEOUT_MS", "500000"),
            ("THETA_HTTP_MAX_RETRIES", "0"),
            ("THETA_HTTP_RETRY_BACKOFF_MS", "10"),
        ]);
        assert_eq!(c.http.timeout, Duration::from_millis(120_000));
        assert_eq!(c.http.max_retries, 0);
        assert_eq!(c.http.retry_backoff, Duration::from_millis(25));
        assert_eq!(Config::default().http, HttpSettings::default());
    }

    #[test]
    fn dry_run_accepts_the_usual_spellings() {
        for on in ["1", "true", "YES", " On "] {
            assert!(config(&[("THETA_DRY_RUN", on)]).dry_run, "{on}");
        }
        for off in ["0", "false", "no", "off", "maybe", ""] {
            assert!(!config(&[("THETA_DRY_RUN", off)]).dry_run, "{off}");
        }
    }

    #[test]
    fn base_urls_default_to_theta_and_refuse_other_origins() {
        let c = Config::default();
        assert_eq!(
            c.base_url(Service::Ondemand).map(Url::as_str).ok(),
            Some("https://ondemand.thetaedgecloud.com/")
        );
        let c = config(&[
            ("THETA_CONTROLLER_BASE_URL", "https://evil.example.com"),
            ("THETA_PLATFORM_BASE_URL", "http://api.thetaedgecloud.com"),
            (
                "THETA_VIDEO_API_BASE_URL",
                "https://api-beta.thetaedgecloud.com/",
            ),
        ]);
        let err = c.base_url(Service::Controller).err();
        assert_eq!(err.map(|e| e.code()), Some(ErrorCode::InvalidThetaBaseUrl));
        assert!(c.base_url(Service::Platform).is_err());
        assert!(c.base_url(Service::Video).is_ok());
        // One bad override leaves the other services usable.
        assert!(c.base_url(Service::Ondemand).is_ok());
    }

    #[test]
    fn project_and_org_ids_resolve_from_args_then_env() {
        let c = config(&[
            ("THETA_EC_PROJECT_ID", "prj_env"),
            ("THETA_ORG_ID", "org_1"),
        ]);
        assert_eq!(c.project_id(None).ok().as_deref(), Some("prj_env"));
        assert_eq!(
            c.project_id(Some(" prj_arg ")).ok().as_deref(),
            Some("prj_arg")
        );
        assert_eq!(
            c.project_id(Some("project-1")).err().map(|e| e.code()),
            Some(ErrorCode::InvalidThetaEcProjectId)
        );
        assert_eq!(
            Config::default().project_id(None).err().map(|e| e.code()),
            Some(ErrorCode::MissingThetaEcProjectId)
        );
        assert_eq!(c.org_id(None).ok().as_deref(), Some("org_1"));
        assert_eq!(
            c.org_id(Some("../x")).err().map(|e| e.code()),
            Some(ErrorCode::InvalidThetaOrgId)
        );
        assert_eq!(
            Config::default().org_id(None).err().map(|e| e.code()),
            Some(ErrorCode::MissingThetaOrgId)
        );
    }

    #[test]
    fn identifiers_and_project_ids() {
        assert!(is_project_id("prj_abc_123"));
        assert!(!is_project_id("prj_"));
        assert!(!is_project_id("prj_a-b"));
        assert!(is_identifier("a.b:c-d_e"));
        assert!(!is_identifier(".."));
        assert!(!is_identifier(""));
        assert!(!is_identifier("a/b"));
    }

    #[test]
    fn loopback_base_urls_depend_on_the_feature() {
        let c = config(&[("THETA_ONDEMAND_API_BASE_URL", "http://127.0.0.1:4010")]);
        assert_eq!(
            c.base_url(Service::Ondemand).is_ok(),
            cfg!(feature = "local-endpoints")
        );
    }
}
