//! Hostile endpoints (issue 13): a corpus of URL forms an attacker would try — IP encodings,
//! mapped and translated IPv6, userinfo, look-alike domains, schemes, control characters —
//! each refused by parsing, with the reason asserted (not just "an error"), and names that
//! resolve to special-purpose addresses refused at connect time.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test"
)]

use std::net::IpAddr;

use skill_runtime::http::endpoint::{HostRule, Refusal, SafeResolver, check_url};
use skill_runtime::skills::theta::{DEDICATED_HOSTS, THETA_ORIGINS};
use url::{ParseError, Url};

/// What must happen to a URL.
#[derive(Debug, Clone, PartialEq)]
enum Expect {
    /// The URL parser itself refuses it.
    Parse(ParseError),
    /// Parsed, then refused by the endpoint rule for this reason.
    Refused(Refusal),
}

fn forbidden(ip: &str) -> Expect {
    Expect::Refused(Refusal::ForbiddenAddress(ip.parse().unwrap()))
}

fn literal(ip: &str) -> Expect {
    Expect::Refused(Refusal::IpLiteral(ip.parse().unwrap()))
}

fn not_allowed(host: &str) -> Expect {
    Expect::Refused(Refusal::HostNotAllowed(host.to_owned()))
}

const NOT_HTTPS: Expect = Expect::Refused(Refusal::NotHttps);
const USERINFO: Expect = Expect::Refused(Refusal::Userinfo);

/// The corpus: (URL, what must happen, what the form tries).
fn corpus() -> Vec<(&'static str, Expect, &'static str)> {
    vec![
        // ----- IPv4 encodings (the parser normalises them; the address rule refuses) -----
        ("https://127.0.0.1", forbidden("127.0.0.1"), "loopback"),
        ("https://127.1", forbidden("127.0.0.1"), "short form"),
        ("https://2130706433", forbidden("127.0.0.1"), "decimal"),
        ("https://0x7f000001", forbidden("127.0.0.1"), "hex"),
        ("https://0177.0.0.1", forbidden("127.0.0.1"), "octal"),
        ("https://0x7f.0.0.1", forbidden("127.0.0.1"), "mixed hex"),
        (
            "https://017700000001",
            forbidden("127.0.0.1"),
            "octal, one part",
        ),
        ("https://127.0.0.1.", forbidden("127.0.0.1"), "trailing dot"),
        (
            "https://%31%32%37.0.0.1",
            forbidden("127.0.0.1"),
            "percent-encoded digits",
        ),
        (
            "https://１２７.０.０.１",
            forbidden("127.0.0.1"),
            "full-width digits",
        ),
        ("https://0", forbidden("0.0.0.0"), "zero"),
        ("https://0.0.0.0", forbidden("0.0.0.0"), "unspecified"),
        ("https://10.0.0.1", forbidden("10.0.0.1"), "private"),
        (
            "https://172.31.255.255",
            forbidden("172.31.255.255"),
            "private",
        ),
        ("https://192.168.0.1", forbidden("192.168.0.1"), "private"),
        (
            "https://169.254.169.254",
            forbidden("169.254.169.254"),
            "cloud metadata",
        ),
        (
            "https://0xa9fea9fe",
            forbidden("169.254.169.254"),
            "metadata, hex",
        ),
        ("https://100.64.0.1", forbidden("100.64.0.1"), "CGNAT"),
        (
            "https://198.18.0.1",
            forbidden("198.18.0.1"),
            "benchmarking",
        ),
        (
            "https://192.0.0.9",
            forbidden("192.0.0.9"),
            "anycast the registry calls reachable",
        ),
        (
            "https://192.88.99.1",
            forbidden("192.88.99.1"),
            "deprecated 6to4 relay",
        ),
        (
            "https://255.255.255.255",
            forbidden("255.255.255.255"),
            "broadcast",
        ),
        ("https://224.0.0.1", forbidden("224.0.0.1"), "multicast"),
        ("https://240.0.0.1", forbidden("240.0.0.1"), "reserved"),
        ("https://8.8.8.8", literal("8.8.8.8"), "public IP literal"),
        (
            "https://0x08080808",
            literal("8.8.8.8"),
            "public IP literal, hex",
        ),
        (
            "https://256.0.0.1",
            Expect::Parse(ParseError::InvalidIpv4Address),
            "octet overflow",
        ),
        // ----- IPv6: mapped, translated, NAT64, 6to4, Teredo, scopes -----
        ("https://[::1]", forbidden("::1"), "loopback"),
        ("https://[::]", forbidden("::"), "unspecified"),
        (
            "https://[::ffff:127.0.0.1]",
            forbidden("::ffff:127.0.0.1"),
            "IPv4-mapped",
        ),
        (
            "https://[::ffff:7f00:1]",
            forbidden("::ffff:127.0.0.1"),
            "IPv4-mapped, hex",
        ),
        (
            "https://[::ffff:a9fe:a9fe]",
            forbidden("::ffff:169.254.169.254"),
            "mapped metadata",
        ),
        (
            "https://[::ffff:0:127.0.0.1]",
            forbidden("::ffff:0:7f00:1"),
            "IPv4-translated",
        ),
        (
            "https://[::ffff:0:8.8.8.8]",
            forbidden("::ffff:0:808:808"),
            "IPv4-translated, public",
        ),
        (
            "https://[::127.0.0.1]",
            forbidden("::7f00:1"),
            "IPv4-compatible",
        ),
        (
            "https://[64:ff9b::127.0.0.1]",
            forbidden("64:ff9b::7f00:1"),
            "NAT64 loopback",
        ),
        (
            "https://[64:ff9b:1::a00:1]",
            forbidden("64:ff9b:1::a00:1"),
            "NAT64 local use",
        ),
        (
            "https://[2002:7f00:1::]",
            forbidden("2002:7f00:1::"),
            "6to4 of loopback",
        ),
        ("https://[2001::1]", forbidden("2001::1"), "Teredo"),
        ("https://[fe80::1]", forbidden("fe80::1"), "link-local"),
        ("https://[fd00::1]", forbidden("fd00::1"), "unique local"),
        ("https://[fec0::1]", forbidden("fec0::1"), "site-local"),
        ("https://[ff02::1]", forbidden("ff02::1"), "multicast"),
        (
            "https://[2001:db8::1]",
            forbidden("2001:db8::1"),
            "documentation",
        ),
        (
            "https://[3fff::1]",
            forbidden("3fff::1"),
            "documentation (2024)",
        ),
        ("https://[5f00::1]", forbidden("5f00::1"), "SRv6 SIDs"),
        (
            "https://[2606:4700:4700::1111]",
            literal("2606:4700:4700::1111"),
            "public IPv6 literal",
        ),
        (
            "https://[fe80::1%25eth0]",
            Expect::Parse(ParseError::InvalidIpv6Address),
            "zone id",
        ),
        (
            "https://[::1",
            Expect::Parse(ParseError::InvalidIpv6Address),
            "unclosed bracket",
        ),
        // ----- userinfo and authority confusion -----
        (
            "https://user:pass@api.thetaedgecloud.com",
            USERINFO,
            "user and password",
        ),
        ("https://user@api.thetaedgecloud.com", USERINFO, "user only"),
        (
            "https://:pass@api.thetaedgecloud.com",
            USERINFO,
            "password only",
        ),
        (
            "https://api.thetaedgecloud.com@evil.com",
            USERINFO,
            "Theta name as the user",
        ),
        (
            "https://127.0.0.1:443@api.thetaedgecloud.com",
            USERINFO,
            "address as the user",
        ),
        (
            "https://evil.com#@api.thetaedgecloud.com",
            not_allowed("evil.com"),
            "fragment trick",
        ),
        (
            "https://evil.com?@api.thetaedgecloud.com",
            not_allowed("evil.com"),
            "query trick",
        ),
        (
            "https://evil.com\\@api.thetaedgecloud.com",
            not_allowed("evil.com"),
            "backslash trick",
        ),
        (
            "https://api.thetaedgecloud.com%40evil.com",
            Expect::Parse(ParseError::IdnaError),
            "encoded @",
        ),
        (
            "https://api.thetaedgecloud.com:99999",
            Expect::Parse(ParseError::InvalidPort),
            "port overflow",
        ),
        // ----- look-alike domains -----
        (
            "https://thetaedgecloud.com.evil.com",
            not_allowed("thetaedgecloud.com.evil.com"),
            "suffix trick",
        ),
        (
            "https://api.thetaedgecloud.com.localhost",
            not_allowed("api.thetaedgecloud.com.localhost"),
            "suffix trick",
        ),
        (
            "https://evilthetaedgecloud.com",
            not_allowed("evilthetaedgecloud.com"),
            "no dot before the domain",
        ),
        (
            "https://api.thetaedgecloud.co",
            not_allowed("api.thetaedgecloud.co"),
            "other TLD",
        ),
        (
            "https://api.thetaedgecIoud.com",
            not_allowed("api.thetaedgecioud.com"),
            "capital I for l",
        ),
        (
            "https://api.thetaedgeclоud.com",
            not_allowed("api.xn--thetaedgeclud-s7k.com"),
            "Cyrillic o",
        ),
        (
            "https://api.thetaedgecloud.com%2eevil.com",
            not_allowed("api.thetaedgecloud.com.evil.com"),
            "encoded dot",
        ),
        ("https://localhost", not_allowed("localhost"), "localhost"),
        (
            "https://.thetaedgecloud.com",
            not_allowed(".thetaedgecloud.com"),
            "empty label",
        ),
        (
            "https://api.thetavideoapi.com.evil.com",
            not_allowed("api.thetavideoapi.com.evil.com"),
            "video suffix trick",
        ),
        // ----- schemes -----
        ("http://api.thetaedgecloud.com", NOT_HTTPS, "plain http"),
        ("ftp://api.thetaedgecloud.com", NOT_HTTPS, "ftp"),
        ("wss://api.thetaedgecloud.com", NOT_HTTPS, "websocket"),
        ("file:///etc/passwd", NOT_HTTPS, "file"),
        ("data:text/plain,hello", NOT_HTTPS, "data"),
        ("javascript:alert(1)", NOT_HTTPS, "javascript"),
        ("gopher://127.0.0.1:70/_", NOT_HTTPS, "gopher"),
        ("http://127.0.0.1", NOT_HTTPS, "local http without a port"),
        (
            "http://localhost:8080",
            NOT_HTTPS,
            "local name, not the literal",
        ),
        (
            "//api.thetaedgecloud.com",
            Expect::Parse(ParseError::RelativeUrlWithoutBase),
            "scheme-relative",
        ),
        (
            "api.thetaedgecloud.com",
            Expect::Parse(ParseError::RelativeUrlWithoutBase),
            "no scheme",
        ),
        // ----- control characters -----
        (
            "https://api.thetaedgecloud.com\0.evil.com",
            Expect::Parse(ParseError::IdnaError),
            "NUL",
        ),
        (
            "https://api.thetaedgecloud.com%00",
            Expect::Parse(ParseError::IdnaError),
            "encoded NUL",
        ),
        (
            "https://api.thetaedgecloud.com\u{7f}",
            Expect::Parse(ParseError::IdnaError),
            "DEL",
        ),
        (
            "https://api.thetaedgecloud.com\r\n@evil.com",
            USERINFO,
            "CRLF removed, userinfo left",
        ),
        (
            "https://api.theta\tedgecloud.com.evil.com",
            not_allowed("api.thetaedgecloud.com.evil.com"),
            "tab removed",
        ),
        (
            " \u{1}https://127.0.0.1 ",
            forbidden("127.0.0.1"),
            "C0 and spaces trimmed",
        ),
    ]
}

fn outcome(url: &str, rule: HostRule) -> Expect {
    match Url::parse(url) {
        Err(e) => Expect::Parse(e),
        Ok(parsed) => match check_url(&parsed, rule) {
            Ok(()) => panic!("{url:?} passed {rule:?}"),
            Err(refusal) => Expect::Refused(refusal),
        },
    }
}

#[test]
fn every_hostile_form_is_refused_for_its_reason() {
    let corpus = corpus();
    assert!(corpus.len() >= 50, "{} forms", corpus.len());
    let mut wrong = Vec::new();
    for (url, expected, why) in &corpus {
        for rule in [THETA_ORIGINS, DEDICATED_HOSTS] {
            let got = outcome(url, rule);
            if got != *expected {
                wrong.push(format!(
                    "{url:?} ({why}, {rule:?}): expected {expected:?}, got {got:?}"
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Every refusal names its reason in words, and address refusals name the registry block.
#[test]
fn refusal_messages_name_the_block() {
    let refusal = |url: &str| match outcome(url, THETA_ORIGINS) {
        Expect::Refused(refusal) => refusal.to_string(),
        Expect::Parse(e) => panic!("{url}: {e}"),
    };
    assert_eq!(
        refusal("https://[::ffff:0:127.0.0.1]"),
        "its host ::ffff:0:7f00:1 is a special-purpose address (IPv4-translated Address, RFC 2765)"
    );
    assert_eq!(
        refusal("https://169.254.169.254"),
        "its host 169.254.169.254 is a special-purpose address (Link Local, RFC 3927)"
    );
    assert_eq!(
        refusal("https://[64:ff9b::a00:1]"),
        "its host 64:ff9b::a00:1 is a special-purpose address (embeds 10.0.0.1: Private-Use, RFC 1918)"
    );
}

/// The genuine origins still pass, including spellings the parser normalises.
#[test]
fn genuine_origins_pass() {
    for url in [
        "https://api.thetaedgecloud.com",
        "https://API.THETAEDGECLOUD.COM",
        "https://api.thetaedgecloud.com.",
        "https://api.thetaedgecloud。com",
        "https://x.onthetaedgecloud.com:8443/v1",
    ] {
        let parsed = Url::parse(url).unwrap();
        assert_eq!(check_url(&parsed, DEDICATED_HOSTS), Ok(()), "{url}");
    }
}

/// Connect time: a name that resolves to a special-purpose address is refused by the
/// resolver, with the address and the block in the error.
#[tokio::test]
async fn names_resolving_to_special_addresses_are_refused_at_connect_time() {
    use reqwest::dns::{Name, Resolve};
    for name in [
        "localhost",
        "127.0.0.1",
        "0.0.0.0",
        "::1",
        "::ffff:127.0.0.1",
    ] {
        let resolver = SafeResolver::default();
        let parsed: Name = name.parse().unwrap();
        let error = match resolver.resolve(parsed).await {
            Ok(_) => panic!("{name} resolved"),
            Err(e) => e.to_string(),
        };
        assert!(
            error.contains("special-purpose address ("),
            "{name}: {error}"
        );
        let address: IpAddr = error
            .split(" resolves to ")
            .nth(1)
            .and_then(|rest| rest.split(", ").next())
            .unwrap()
            .parse()
            .unwrap();
        assert!(
            !skill_runtime::http::endpoint::is_public(address),
            "{name}: {error}"
        );
    }
}
