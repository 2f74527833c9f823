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
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
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
            Refusal::ForbiddenAddress(ip) => {
                write!(
                    f,
                    "its host {ip} is a loopback, private or reserved address"
                )
            }
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
fn is_local_test_endpoint(url: &Url) -> bool {
    url.scheme() == "http"
        && url.host() == Some(Host::Ipv4(Ipv4Addr::LOCALHOST))
        && url.port().is_some()
        && url.username().is_empty()
        && url.password().is_none()
}

/// Whether `ip` is a globally routable unicast address (not loopback, private, link-local,
/// CGNAT, multicast, documentation, benchmarking, reserved, or an IPv6 form embedding one).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(a == 0                                   // "this network", incl. 0.0.0.0
        || a == 10                             // private
        || a == 127                            // loopback
        || (a == 100 && (64..128).contains(&b)) // CGNAT 100.64/10
        || (a == 169 && b == 254)              // link-local
        || (a == 172 && (16..32).contains(&b)) // private
        || (a == 192 && b == 0 && c == 0)      // IETF protocol assignments
        || (a == 192 && b == 0 && c == 2)      // TEST-NET-1
        || (a == 192 && b == 168)              // private
        || (a == 198 && (b == 18 || b == 19))  // benchmarking
        || (a == 198 && b == 51 && c == 100)   // TEST-NET-2
        || (a == 203 && b == 0 && c == 113)    // TEST-NET-3
        || a >= 224) // multicast, reserved, broadcast
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let seg = ip.segments();
    // Forms that embed an IPv4 address are judged by that address.
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    if seg[..6] == [0, 0, 0, 0, 0, 0] {
        // ::, ::1 and the deprecated IPv4-compatible ::a.b.c.d form.
        return ip != Ipv6Addr::UNSPECIFIED
            && ip != Ipv6Addr::LOCALHOST
            && is_public_v4(embedded_v4(seg[6], seg[7]));
    }
    if seg[0] == 0x64 && seg[1] == 0xff9b {
        // NAT64 64:ff9b::/96 (and the local-use 64:ff9b:1::/48).
        return seg[2..6] == [0, 0, 0, 0] && is_public_v4(embedded_v4(seg[6], seg[7]));
    }
    if seg[0] == 0x2002 {
        // 6to4 embeds the IPv4 address in segments 1 and 2.
        return is_public_v4(embedded_v4(seg[1], seg[2]));
    }
    !((seg[0] & 0xfe00) == 0xfc00          // unique local fc00::/7
        || (seg[0] & 0xffc0) == 0xfe80     // link-local fe80::/10
        || (seg[0] & 0xffc0) == 0xfec0     // site-local fec0::/10 (deprecated)
        || (seg[0] & 0xff00) == 0xff00     // multicast
        || (seg[0] == 0x2001 && seg[1] == 0x0db8) // documentation
        || (seg[0] == 0x2001 && seg[1] == 0)      // Teredo tunnels
        || seg[0] == 0x0100) // discard-only 100::/64
}

fn embedded_v4(high: u16, low: u16) -> Ipv4Addr {
    let [a, b] = high.to_be_bytes();
    let [c, d] = low.to_be_bytes();
    Ipv4Addr::new(a, b, c, d)
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
        write!(
            f,
            "{} resolves to {}, a loopback, private or reserved address",
            self.host, self.address
        )
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
        ("http://controller.thetaedgecloud.com", "plain http"),
        ("ftp://controller.thetaedgecloud.com", "other scheme"),
        ("https://user:pass@x.thetaedgecloud.com", "userinfo"),
        ("https://user@x.thetaedgecloud.com", "username only"),
        ("https://localhost", "localhost"),
        (
            "https://localhost.thetaedgecloud.com.evil.com",
            "suffix trick",
        ),
        ("https://thetaedgecloud.com.evil.com", "suffix trick"),
        ("https://evilthetaedgecloud.com", "no dot before the domain"),
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

    const THETA_ORIGIN: HostRule = HostRule {
        domains: &[
            "thetaedgecloud.com",
            "onthetaedgecloud.com",
            "thetavideoapi.com",
        ],
    };
    const DEDICATED: HostRule = HostRule {
        domains: &["thetaedgecloud.com", "onthetaedgecloud.com"],
    };

    fn check(url: &str, rule: HostRule) -> Result<(), Refusal> {
        let url = Url::parse(url).map_err(|_| Refusal::NoHost)?;
        check_url(&url, rule)
    }

    #[test]
    fn theta_origins_pass() {
        for ok in [
            "https://controller.thetaedgecloud.com",
            "https://api-beta.thetaedgecloud.com/",
            "https://ondemand.thetaedgecloud.com/v1",
            "https://api.thetavideoapi.com",
            "https://x.onthetaedgecloud.com:8443/path",
            "https://API.ThetaEdgeCloud.com",
            "https://api.thetaedgecloud.com./",
        ] {
            assert_eq!(check(ok, THETA_ORIGIN), Ok(()), "{ok}");
        }
        assert!(check("https://api.thetavideoapi.com", DEDICATED).is_err());
    }

    /// The table of hostile URLs; the dedicated-endpoint tests reuse it through
    /// `hostile_urls()`.
    #[test]
    fn hostile_urls_are_refused() {
        for (url, _why) in hostile_urls() {
            for rule in [THETA_ORIGIN, DEDICATED] {
                assert!(check(url, rule).is_err(), "{url} passed {rule:?}");
            }
        }
    }

    #[test]
    fn refusals_name_the_reason() {
        assert_eq!(
            check("http://api.thetaedgecloud.com", THETA_ORIGIN),
            Err(Refusal::NotHttps)
        );
        assert_eq!(
            check("https://u:p@api.thetaedgecloud.com", THETA_ORIGIN),
            Err(Refusal::Userinfo)
        );
        assert_eq!(
            check("https://0x7f.1/", THETA_ORIGIN),
            Err(Refusal::ForbiddenAddress(IpAddr::V4(Ipv4Addr::LOCALHOST)))
        );
        assert_eq!(
            check("https://[::ffff:127.0.0.1]/", THETA_ORIGIN),
            Err(Refusal::ForbiddenAddress(
                "::ffff:127.0.0.1".parse().unwrap()
            ))
        );
        assert!(matches!(
            check("https://8.8.8.8/", THETA_ORIGIN),
            Err(Refusal::IpLiteral(_))
        ));
        // The JavaScript skill's prefix test refused ordinary names starting with "fd"/"fc";
        // here they are judged by the domain rule only.
        assert!(matches!(
            check("https://fdsomething.com", THETA_ORIGIN),
            Err(Refusal::HostNotAllowed(_))
        ));
        assert_eq!(
            check("https://fdsomething.thetaedgecloud.com", DEDICATED),
            Ok(())
        );
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
