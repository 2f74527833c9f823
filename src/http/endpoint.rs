//! Endpoint safety: which URLs the runtime may call, decided by parsing, not by string prefix.
//!
//! A URL passes when its scheme is `https`, it carries no userinfo, and its host is one of
//! the service's domains ([`HostRule`], declared by the skill pack). IP-literal hosts never pass (the `url` crate has already normalised
//! every IPv4 notation — `0x7f.1`, `2130706433`, `0177.0.0.1` — and bracketed IPv6), and the
//! same address classification is applied again at connect time by [`SafeResolver`], so a
//! name under an allowed domain that resolves to a private or loopback address is refused too.
//!
//! With the `local-endpoints` feature (tests and benchmarks only), `http://127.0.0.1:<port>`
//! is also accepted so local fake servers can stand in for the real APIs.

use std::collections::HashSet;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use reqwest::Url;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::Host;

pub use crate::vocab::HostRule;

/// Why a URL was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The scheme is not `https`.
    NotHttps,
    /// The URL embeds a username or password.
    Userinfo,
    /// The URL has no host.
    NoHost,
    /// The host is an IP address in a forbidden range (loopback, private, link-local, …).
    ForbiddenAddress(IpAddr),
    /// The host is an IP address; only the allowed domain names are.
    IpLiteral(IpAddr),
    /// The host is a name outside the allowed domains.
    HostNotAllowed(String),
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::NotHttps => f.write_str("it must use https://"),
            Refusal::Userinfo => f.write_str("it must not include embedded credentials"),
            Refusal::NoHost => f.write_str("it must be an absolute https URL with a host"),
            Refusal::ForbiddenAddress(ip) => match super::special_purpose::classify(*ip) {
                Some(special) => {
                    write!(f, "its host {ip} is a special-purpose address ({special})")
                }
                None => write!(
                    f,
                    "its host {ip} is a loopback, private or reserved address"
                ),
            },
            Refusal::IpLiteral(ip) => {
                write!(
                    f,
                    "its host {ip} is an IP address, not an allowed domain name"
                )
            }
            Refusal::HostNotAllowed(host) => {
                write!(f, "its host {host} is not an allowed domain")
            }
        }
    }
}

/// Checks `url` against the scheme, userinfo and host rules.
pub fn check_url(url: &Url, rule: HostRule) -> Result<(), Refusal> {
    if cfg!(feature = "local-endpoints") && is_local_test_endpoint(url) {
        return Ok(());
    }
    if url.scheme() != "https" {
        return Err(Refusal::NotHttps);
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Refusal::Userinfo);
    }
    match url.host() {
        None => Err(Refusal::NoHost),
        Some(Host::Ipv4(ip)) => Err(ip_refusal(IpAddr::V4(ip))),
        Some(Host::Ipv6(ip)) => Err(ip_refusal(IpAddr::V6(ip))),
        Some(Host::Domain(domain)) => {
            let domain = domain.to_ascii_lowercase();
            if rule.allows(&domain) {
                Ok(())
            } else {
                Err(Refusal::HostNotAllowed(domain))
            }
        }
    }
}

fn ip_refusal(ip: IpAddr) -> Refusal {
    if is_public(ip) {
        Refusal::IpLiteral(ip)
    } else {
        Refusal::ForbiddenAddress(ip)
    }
}

/// `http://127.0.0.1:<port>` with an explicit port and nothing else unusual.
pub(crate) fn is_local_test_endpoint(url: &Url) -> bool {
    url.scheme() == "http"
        && url.host() == Some(Host::Ipv4(Ipv4Addr::LOCALHOST))
        && url.port().is_some()
        && url.username().is_empty()
        && url.password().is_none()
}

/// Whether `ip` is a globally routable unicast address: in no block of the IANA
/// special-purpose registries (loopback, private, link-local, CGNAT, documentation,
/// benchmarking, reserved, …), not multicast, and — for the IPv6 forms that carry an IPv4
/// address (mapped, NAT64, 6to4) — carrying a public one. The tables and the rule are in
/// [`super::special_purpose`].
pub fn is_public(ip: IpAddr) -> bool {
    super::special_purpose::classify(ip).is_none()
}

/// The error a [`SafeResolver`] returns for a name that resolves to a forbidden address.
#[derive(Debug)]
pub struct ForbiddenResolution {
    /// The name that was resolved.
    pub host: String,
    /// The first forbidden address among the answers.
    pub address: IpAddr,
}

impl fmt::Display for ForbiddenResolution {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match super::special_purpose::classify(self.address) {
            Some(special) => write!(
                f,
                "{} resolves to {}, a special-purpose address ({special})",
                self.host, self.address
            ),
            None => write!(
                f,
                "{} resolves to {}, a loopback, private or reserved address",
                self.host, self.address
            ),
        }
    }
}

impl std::error::Error for ForbiddenResolution {}

/// A DNS resolver that refuses names resolving to any non-public address — the connect-time
/// half of the endpoint check. Proxy hosts named in the proxy environment variables are
/// exempt: the user chose them (OpenClaw's egress proxy listens on loopback), and through a
/// proxy the target name is resolved by the proxy, not here.
#[derive(Debug, Clone, Default)]
pub struct SafeResolver {
    exempt: Arc<HashSet<String>>,
}

impl SafeResolver {
    /// A resolver exempting the hosts of `HTTPS_PROXY`, `HTTP_PROXY` and `ALL_PROXY`
    /// (either case).
    pub fn from_env() -> Self {
        let exempt = [
            "HTTPS_PROXY",
            "https_proxy",
            "HTTP_PROXY",
            "http_proxy",
            "ALL_PROXY",
            "all_proxy",
        ]
        .iter()
        .filter_map(|var| std::env::var(var).ok())
        .filter_map(|value| proxy_host(&value))
        .collect();
        Self {
            exempt: Arc::new(exempt),
        }
    }
}

fn proxy_host(value: &str) -> Option<String> {
    let value = value.trim();
    let with_scheme = if value.contains("://") {
        value.to_owned()
    } else {
        format!("http://{value}")
    };
    Url::parse(&with_scheme)
        .ok()?
        .host_str()
        .map(|h| h.trim_matches(['[', ']']).to_ascii_lowercase())
}

impl Resolve for SafeResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_ascii_lowercase();
        let exempt = self.exempt.contains(&host);
        Box::pin(async move {
            let addrs: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if !exempt
                && let Some(bad) = addrs.iter().map(SocketAddr::ip).find(|ip| !is_public(*ip))
            {
                return Err(Box::new(ForbiddenResolution { host, address: bad }) as _);
            }
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

/// URLs every endpoint check must refuse, with the reason; shared by the tests of every
/// endpoint rule (base URLs here, the dedicated endpoint in its family).
#[doc(hidden)]
pub fn hostile_urls() -> &'static [(&'static str, &'static str)] {
    &[
        ("http://controller.apis.example", "plain http"),
        ("ftp://controller.apis.example", "other scheme"),
        ("https://user:pass@x.apis.example", "userinfo"),
        ("https://user@x.apis.example", "username only"),
        ("https://localhost", "localhost"),
        ("https://localhost.apis.example.evil.com", "suffix trick"),
        ("https://apis.example.evil.com", "suffix trick"),
        ("https://evilapis.example", "no dot before the domain"),
        ("https://127.0.0.1", "loopback"),
        ("https://127.1", "short IPv4"),
        ("https://2130706433", "decimal IPv4"),
        ("https://0x7f000001", "hex IPv4"),
        ("https://0177.0.0.1", "octal IPv4"),
        ("https://0.0.0.0", "unspecified"),
        ("https://10.0.0.1", "private"),
        ("https://169.254.169.254", "metadata service"),
        ("https://[::1]", "IPv6 loopback"),
        ("https://[::ffff:127.0.0.1]", "IPv4-mapped loopback"),
        ("https://[::ffff:7f00:1]", "IPv4-mapped loopback, hex"),
        ("https://[fe80::1]", "link-local"),
        ("https://[fd00::1]", "unique local"),
        ("https://8.8.8.8", "public IP literal"),
        ("https://example.com", "other domain"),
        ("http://127.0.0.1", "local http without a port"),
        ("http://localhost:8080", "local name, not the literal"),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORIGINS: HostRule = HostRule {
        domains: &["apis.example", "onapis.example", "videoapis.example"],
    };
    const DEDICATED: HostRule = HostRule {
        domains: &["apis.example", "onapis.example"],
    };

    fn check(url: &str, rule: HostRule) -> Result<(), Refusal> {
        let url = Url::parse(url).map_err(|_| Refusal::NoHost)?;
        check_url(&url, rule)
    }

    #[test]
    fn allowed_origins_pass() {
        for ok in [
            "https://controller.apis.example",
            "https://api-beta.apis.example/",
            "https://ondemand.apis.example/v1",
            "https://api.videoapis.example",
            "https://x.onapis.example:8443/path",
            "https://API.APIs.Example",
            "https://api.apis.example./",
        ] {
            assert_eq!(check(ok, ORIGINS), Ok(()), "{ok}");
        }
        assert!(check("https://api.videoapis.example", DEDICATED).is_err());
    }

    /// The table of hostile URLs; the dedicated-endpoint tests reuse it through
    /// `hostile_urls()`.
    #[test]
    fn hostile_urls_are_refused() {
        let forbidden = |ip: &str| Refusal::ForbiddenAddress(ip.parse().unwrap());
        let not_allowed = |host: &str| Refusal::HostNotAllowed(host.to_owned());
        let reasons: Vec<(&str, Refusal)> = vec![
            ("http://controller.apis.example", Refusal::NotHttps),
            ("ftp://controller.apis.example", Refusal::NotHttps),
            ("https://user:pass@x.apis.example", Refusal::Userinfo),
            ("https://user@x.apis.example", Refusal::Userinfo),
            ("https://localhost", not_allowed("localhost")),
            (
                "https://localhost.apis.example.evil.com",
                not_allowed("localhost.apis.example.evil.com"),
            ),
            (
                "https://apis.example.evil.com",
                not_allowed("apis.example.evil.com"),
            ),
            ("https://evilapis.example", not_allowed("evilapis.example")),
            ("https://127.0.0.1", forbidden("127.0.0.1")),
            ("https://127.1", forbidden("127.0.0.1")),
            ("https://2130706433", forbidden("127.0.0.1")),
            ("https://0x7f000001", forbidden("127.0.0.1")),
            ("https://0177.0.0.1", forbidden("127.0.0.1")),
            ("https://0.0.0.0", forbidden("0.0.0.0")),
            ("https://10.0.0.1", forbidden("10.0.0.1")),
            ("https://169.254.169.254", forbidden("169.254.169.254")),
            ("https://[::1]", forbidden("::1")),
            ("https://[::ffff:127.0.0.1]", forbidden("::ffff:127.0.0.1")),
            ("https://[::ffff:7f00:1]", forbidden("::ffff:127.0.0.1")),
            ("https://[fe80::1]", forbidden("fe80::1")),
            ("https://[fd00::1]", forbidden("fd00::1")),
            (
                "https://8.8.8.8",
                Refusal::IpLiteral("8.8.8.8".parse().unwrap()),
            ),
            ("https://example.com", not_allowed("example.com")),
            ("http://127.0.0.1", Refusal::NotHttps),
            ("http://localhost:8080", Refusal::NotHttps),
        ];
        let listed: Vec<&str> = hostile_urls().iter().map(|(url, _)| *url).collect();
        let checked: Vec<&str> = reasons.iter().map(|(url, _)| *url).collect();
        assert_eq!(listed, checked, "every shared URL has its reason here");
        for (url, reason) in &reasons {
            for rule in [ORIGINS, DEDICATED] {
                assert_eq!(
                    check(url, rule).as_ref(),
                    Err(reason),
                    "{url} under {rule:?}"
                );
            }
        }
    }

    #[test]
    fn refusals_name_the_reason() {
        assert_eq!(
            check("http://api.apis.example", ORIGINS),
            Err(Refusal::NotHttps)
        );
        assert_eq!(
            check("https://u:p@api.apis.example", ORIGINS),
            Err(Refusal::Userinfo)
        );
        assert_eq!(
            check("https://0x7f.1/", ORIGINS),
            Err(Refusal::ForbiddenAddress(IpAddr::V4(Ipv4Addr::LOCALHOST)))
        );
        assert_eq!(
            check("https://[::ffff:127.0.0.1]/", ORIGINS),
            Err(Refusal::ForbiddenAddress(
                "::ffff:127.0.0.1".parse().unwrap()
            ))
        );
        assert!(matches!(
            check("https://8.8.8.8/", ORIGINS),
            Err(Refusal::IpLiteral(_))
        ));
        // The JavaScript skill's prefix test refused ordinary names starting with "fd"/"fc";
        // here they are judged by the domain rule only.
        assert!(matches!(
            check("https://fdsomething.com", ORIGINS),
            Err(Refusal::HostNotAllowed(_))
        ));
        assert_eq!(check("https://fdsomething.apis.example", DEDICATED), Ok(()));
    }

    #[test]
    fn address_classification() {
        let public = ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "2a00:1450::1"];
        for ip in public {
            assert!(is_public(ip.parse().unwrap()), "{ip}");
        }
        let forbidden = [
            "0.0.0.0",
            "127.0.0.1",
            "127.255.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "224.0.0.1",
            "255.255.255.255",
            "198.18.0.1",
            "192.0.2.1",
            "::",
            "::1",
            "::ffff:10.0.0.1",
            "::ffff:169.254.169.254",
            "::ffff:0:127.0.0.1",
            "::ffff:0:8.8.8.8",
            "64:ff9b:1::808:808",
            "2001:1::1",
            "2001:2::1",
            "3fff::1",
            "5f00::1",
            "192.0.0.9",
            "192.31.196.1",
            "192.175.48.1",
            "::127.0.0.1",
            "64:ff9b::a00:1",
            "2002:7f00:1::",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "fec0::1",
            "ff02::1",
            "2001:db8::1",
            "2001::1",
        ];
        for ip in forbidden {
            assert!(!is_public(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn proxy_hosts_are_extracted() {
        assert_eq!(
            proxy_host("http://127.0.0.1:8080").as_deref(),
            Some("127.0.0.1")
        );
        assert_eq!(proxy_host("localhost:3128").as_deref(), Some("localhost"));
        assert_eq!(proxy_host("http://user:pw@[::1]:9").as_deref(), Some("::1"));
    }

    #[tokio::test]
    async fn resolver_refuses_names_of_loopback_addresses() {
        let resolver = SafeResolver::default();
        let name: Name = "localhost".parse().unwrap();
        let refused = resolver.resolve(name).await;
        assert!(refused.is_err());
        let mut exempt = HashSet::new();
        exempt.insert("localhost".to_owned());
        let resolver = SafeResolver {
            exempt: Arc::new(exempt),
        };
        let name: Name = "localhost".parse().unwrap();
        assert!(resolver.resolve(name).await.is_ok());
    }
}
