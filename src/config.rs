//! Typed configuration from the environment. Secrets are not configuration: they come from
//! [`crate::secrets`].
//!
//! What is read is decided by the skill pack: its prefix gives `<PREFIX>DRY_RUN` and the
//! `<PREFIX>HTTP_*` knobs, its services give their base-URL variables, and its settings give
//! the rest. Numeric knobs follow one rule: absent or unparsable values take the default,
//! leading digits are read (`"1500ms"` is 1500), and out-of-range values are clamped rather
//! than rejected. A base URL defaults to the service's origin; an override must be an
//! `https://` origin the service's host rule allows (with the `local-endpoints` feature, also
//! `http://127.0.0.1:<port>`).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::time::Duration;

use reqwest::Url;

use crate::error::Error;
use crate::http::HttpSettings;
use crate::http::endpoint::check_url;
use crate::vocab::{Origin, Service, Setting};

/// The part of a skill pack's declarations that configuration reads
/// (`EnvSpec::from(&pack)`).
#[derive(Debug, Clone, Copy)]
pub struct EnvSpec<'a> {
    /// The environment prefix (`<PREFIX>DRY_RUN`, `<PREFIX>HTTP_*`).
    pub env_prefix: &'static str,
    /// The binary, for the `User-Agent`.
    pub binary: &'static str,
    /// The services, with their origins.
    pub services: &'a [Service],
    /// The non-secret settings.
    pub settings: &'a [Setting],
}

impl EnvSpec<'_> {
    fn var(&self, suffix: &str) -> String {
        format!("{}{suffix}", self.env_prefix)
    }
}

/// Every non-secret variable a pack's binary reads, with what it does: the pack's settings,
/// the core's knobs under its prefix, and each service's base-URL variable. Generated
/// documentation (the skill's frontmatter, the plugin's environment) is built from this list,
/// and a test checks that [`Config::from_lookup`] reads exactly these names.
pub fn variables(pack: &EnvSpec<'_>) -> Vec<(Cow<'static, str>, Cow<'static, str>)> {
    let mut out: Vec<(Cow<'static, str>, Cow<'static, str>)> = Vec::new();
    for setting in pack.settings {
        out.push((setting.name.into(), setting.description.into()));
    }
    for service in pack.services {
        if let Origin::Configured { var, .. } = service.origin
            && !pack.settings.iter().any(|s| s.name == var)
        {
            out.push((
                var.into(),
                format!("URL of the {} (https, allowed hosts only).", service.name()).into(),
            ));
        }
    }
    out.push((
        pack.var("DRY_RUN").into(),
        "1/true/yes/on: preview every paid or mutating command without sending it.".into(),
    ));
    out.push((
        pack.var("HTTP_TIMEOUT_MS").into(),
        "Per-request timeout, default 20000 (1000..120000).".into(),
    ));
    out.push((
        pack.var("HTTP_MAX_RETRIES").into(),
        "Extra attempts for retryable failures, default 2 (0..6).".into(),
    ));
    out.push((
        pack.var("HTTP_RETRY_BACKOFF_MS").into(),
        "Backoff base, default 250 (25..10000).".into(),
    ));
    for service in pack.services {
        if let Origin::Fixed {
            default,
            override_var,
            ..
        } = service.origin
        {
            out.push((
                override_var.into(),
                format!("Override of {default} (allowed origins only).").into(),
            ));
        }
    }
    out
}

/// The runtime configuration, read once per process.
#[derive(Debug, Clone)]
pub struct Config {
    /// `<PREFIX>DRY_RUN`; read only to build the dry-run gate.
    pub(crate) dry_run: bool,
    /// HTTP knobs.
    pub http: HttpSettings,
    /// The pack's fixed-origin services: only theirs have a base URL here.
    fixed: Vec<Service>,
    /// Non-empty, trimmed values of the pack's settings and origin variables (a fixed
    /// origin's override, a configured origin); URLs are parsed when a command needs them.
    values: BTreeMap<&'static str, String>,
}

impl Config {
    /// Reads the process environment for `pack` (a [`crate::pack::Pack`] or its
    /// [`EnvSpec`]).
    pub fn from_env<'a>(pack: impl Into<EnvSpec<'a>>) -> Self {
        Self::from_lookup(pack, |name| std::env::var(name).ok())
    }

    /// Reads the configuration `pack` declares through `lookup` (the environment, or a map in
    /// tests).
    pub fn from_lookup<'a>(
        pack: impl Into<EnvSpec<'a>>,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Self {
        let pack = &pack.into();
        let text = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let millis = |name: &str, default: u64, min: u64, max: u64| {
            Duration::from_millis(clamp_int(text(name).as_deref(), default, min, max))
        };
        let mut values = BTreeMap::new();
        let mut fixed = Vec::new();
        for service in pack.services {
            let var = match service.origin {
                Origin::Fixed { override_var, .. } => {
                    fixed.push(*service);
                    override_var
                }
                Origin::Configured { var, .. } => var,
                Origin::None => continue,
            };
            if let Some(value) = text(var) {
                values.insert(var, value);
            }
        }
        for setting in pack.settings {
            if let Some(value) = text(setting.name) {
                values.insert(setting.name, value);
            }
        }
        Self {
            dry_run: text(&pack.var("DRY_RUN")).is_some_and(|v| parse_bool(&v) == Some(true)),
            http: HttpSettings {
                timeout: millis(&pack.var("HTTP_TIMEOUT_MS"), 20_000, 1_000, 120_000),
                max_retries: u32::try_from(clamp_int(
                    text(&pack.var("HTTP_MAX_RETRIES")).as_deref(),
                    2,
                    0,
                    6,
                ))
                .unwrap_or(2),
                retry_backoff: millis(&pack.var("HTTP_RETRY_BACKOFF_MS"), 250, 25, 10_000),
                env_prefix: pack.env_prefix,
                binary: pack.binary,
            },
            fixed,
            values,
        }
    }

    /// The value of a pack setting (or an origin variable), trimmed, when non-empty.
    pub fn setting(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    /// The base URL of `service`. A fixed origin's unusable override is reported here, when a
    /// command first needs that service, so one bad variable does not break other families. A
    /// configured origin is checked by its host rule here: https, no userinfo, an allowed
    /// host, never a private or loopback address, no query or fragment.
    pub fn base_url(&self, service: Service) -> Result<Url, Error> {
        match service.origin {
            Origin::Fixed { .. } if !self.fixed.contains(&service) => Err(Error::internal(
                format!("{} is not a service of this skill", service.name()),
            )),
            Origin::Fixed {
                default,
                override_var,
                ..
            } => parse_base_url(
                service,
                override_var,
                self.setting(override_var).unwrap_or(default),
            ),
            Origin::Configured {
                var,
                hosts,
                missing_code,
                missing_hint,
                invalid_code,
                invalid_hint,
            } => {
                let raw = self.setting(var).ok_or_else(|| {
                    Error::new(missing_code, format!("{var} is not set."))
                        .with_service(service)
                        .with_hint(missing_hint)
                })?;
                let invalid = |why: String| {
                    Error::new(invalid_code, format!("{var} is not usable: {why}"))
                        .with_service(service)
                        .with_hint(invalid_hint)
                };
                let url = Url::parse(raw.trim_end_matches('/'))
                    .map_err(|_| invalid("it must be an absolute https URL".into()))?;
                check_url(&url, hosts).map_err(|reason| invalid(reason.to_string()))?;
                if url.query().is_some() || url.fragment().is_some() {
                    return Err(invalid("it must not carry a query or fragment".into()));
                }
                Ok(url)
            }
            Origin::None => Err(Error::internal(format!(
                "{} has no base URL",
                service.name()
            ))),
        }
    }
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
    let Origin::Fixed {
        hosts,
        invalid_code,
        ..
    } = service.origin
    else {
        return Err(Error::internal("only a fixed origin has an override"));
    };
    let invalid = |why: String| {
        Error::new(invalid_code, format!("{var} is not usable: {why}"))
            .with_service(service)
            .with_hint(format!(
                "Unset {var} to use the default origin, or set it to an https:// URL on {}.",
                hosts.domains.join(" or ")
            ))
    };
    let url = Url::parse(raw.trim_end_matches('/')).map_err(|e| invalid(e.to_string()))?;
    check_url(&url, hosts).map_err(|reason| invalid(reason.to_string()))?;
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

/// The integer parse of the earlier JavaScript skill's `parseInt`: leading decimal digits (after an optional
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
    use crate::testing::{DEMO, DEMO_API, DEMO_DEDICATED};
    use std::collections::HashMap;

    fn config(pairs: &[(&str, &str)]) -> Config {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Config::from_lookup(&DEMO, |k| map.get(k).cloned())
    }

    #[test]
    fn the_variables_list_names_exactly_what_is_read() {
        let read = std::sync::Mutex::new(std::collections::BTreeSet::new());
        let _ = Config::from_lookup(&DEMO, |name| {
            read.lock().unwrap().insert(name.to_owned());
            None
        });
        let listed: std::collections::BTreeSet<String> = DEMO
            .variables()
            .into_iter()
            .map(|(name, _)| name.into_owned())
            .collect();
        assert_eq!(read.into_inner().unwrap(), listed);
        assert!(listed.contains("DEMO_DRY_RUN") && listed.contains("DEMO_HTTP_TIMEOUT_MS"));
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
    fn http_knobs_are_read_under_the_pack_prefix_and_clamped() {
        let c = config(&[
            ("DEMO_HTTP_TIMEOUT_MS", "500000"),
            ("DEMO_HTTP_MAX_RETRIES", "0"),
            ("DEMO_HTTP_RETRY_BACKOFF_MS", "10"),
        ]);
        assert_eq!(c.http.timeout, Duration::from_millis(120_000));
        assert_eq!(c.http.max_retries, 0);
        assert_eq!(c.http.retry_backoff, Duration::from_millis(25));
        let d = config(&[]);
        assert_eq!(d.http.timeout, Duration::from_millis(20_000));
        assert_eq!(d.http.max_retries, 2);
    }

    #[test]
    fn dry_run_accepts_the_usual_spellings() {
        for on in ["1", "true", "YES", " On "] {
            assert!(config(&[("DEMO_DRY_RUN", on)]).dry_run, "{on}");
        }
        for off in ["0", "false", "no", "off", "maybe", ""] {
            assert!(!config(&[("DEMO_DRY_RUN", off)]).dry_run, "{off}");
        }
    }

    #[test]
    fn base_urls_default_to_the_origin_and_refuse_other_hosts() {
        let c = config(&[]);
        assert_eq!(
            c.base_url(DEMO_API).map(|u| u.to_string()).ok().as_deref(),
            Some("https://api.demo.example/")
        );
        let c = config(&[("DEMO_API_BASE_URL", "https://evil.example.com")]);
        let err = c.base_url(DEMO_API).err();
        assert_eq!(
            err.map(|e| e.code().as_str().into_owned()).as_deref(),
            Some("INVALID_DEMO_BASE_URL")
        );
        let c = config(&[("DEMO_API_BASE_URL", "http://api.demo.example")]);
        assert!(c.base_url(DEMO_API).is_err());
        let c = config(&[("DEMO_API_BASE_URL", "https://eu.demo.example/")]);
        assert!(c.base_url(DEMO_API).is_ok());
    }

    #[test]
    fn configured_origins_are_named_when_missing_or_unusable() {
        let missing = config(&[]).base_url(DEMO_DEDICATED).err();
        assert_eq!(
            missing.map(|e| e.code().as_str().into_owned()).as_deref(),
            Some("MISSING_DEMO_ENDPOINT")
        );
        for bad in [
            "https://evil.example.com",
            "https://x.demo.example/?q=1",
            "ftp://x.demo.example",
        ] {
            let err = config(&[("DEMO_ENDPOINT", bad)])
                .base_url(DEMO_DEDICATED)
                .err();
            assert_eq!(
                err.map(|e| e.code().as_str().into_owned()).as_deref(),
                Some("INVALID_DEMO_ENDPOINT"),
                "{bad}"
            );
        }
        let ok = config(&[("DEMO_ENDPOINT", "https://x.demo.example/")]);
        assert!(ok.base_url(DEMO_DEDICATED).is_ok());
    }

    #[test]
    fn a_service_of_another_pack_has_no_base_url_here() {
        const OTHER: Service = Service::new(&crate::vocab::ServiceDef {
            name: "other-api",
            origin: Origin::Fixed {
                default: "https://api.other.example",
                override_var: "OTHER_BASE_URL",
                hosts: crate::vocab::HostRule {
                    domains: &["other.example"],
                },
                invalid_code: crate::code::ErrorCode::pack_failure("INVALID_OTHER_BASE_URL"),
            },
            ..crate::vocab::ServiceDef::NONE
        });
        let error = config(&[]).base_url(OTHER).unwrap_err();
        assert_eq!(error.code(), crate::error::ErrorCode::Internal, "{error:?}");
        assert!(config(&[]).base_url(DEMO_API).is_ok());
    }

    #[test]
    fn identifiers() {
        assert!(is_identifier("a.b:c-d_e"));
        assert!(!is_identifier(".."));
        assert!(!is_identifier(""));
        assert!(!is_identifier("a/b"));
    }

    #[test]
    fn loopback_base_urls_depend_on_the_feature() {
        let c = config(&[("DEMO_API_BASE_URL", "http://127.0.0.1:4010")]);
        assert_eq!(
            c.base_url(DEMO_API).is_ok(),
            cfg!(feature = "local-endpoints")
        );
    }
}
