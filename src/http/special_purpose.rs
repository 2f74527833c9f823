//! The IANA special-purpose address registries as data, and the address classification built
//! on them: which addresses the runtime may connect to (design §7, issue 13 defect 7).
//!
//! Sources: IANA "IPv4 Special-Purpose Address Registry" and "IPv6 Special-Purpose Address
//! Registry" (iana-ipv4-special-registry, iana-ipv6-special-registry), every entry, plus the
//! blocks outside those registries that are never a public unicast host (multicast, the
//! deprecated IPv4-compatible and site-local forms, the IPv4-translated form of RFC 2765).
//!
//! The rule: an IPv4 address is public when it is in no special-purpose block and not
//! multicast. An IPv6 address is public when it is global unicast (`2000::/3`) and in no
//! special-purpose block — except the forms that carry an IPv4 address meant to be reached
//! through them (IPv4-mapped, the NAT64 well-known prefix, 6to4), which are judged by that
//! IPv4 address. Every special-purpose block is refused, including the few the registry marks
//! globally reachable (anycast relays, AS112, AMT, ORCHID): no skill API host is one of them,
//! and refusing a block costs nothing while admitting one is a hole.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// One registry entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Block<A: 'static> {
    /// The first address of the block.
    pub address: A,
    /// The prefix length.
    pub prefix_len: u8,
    /// The registry's name for the block.
    pub name: &'static str,
    /// The defining RFC.
    pub rfc: &'static str,
    /// The registry's "Globally Reachable" column (`None`: N/A, or not in the registry).
    pub globally_reachable: Option<bool>,
    /// How an address in the block is judged.
    pub rule: Rule,
}

/// How an address inside a block is judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Never connected to.
    Refused,
    /// Judged by the IPv4 address in its last 32 bits (IPv4-mapped, NAT64 well-known prefix).
    EmbedsIpv4Low,
    /// Judged by the IPv4 address in bits 16..48 (6to4).
    EmbedsIpv4SixToFour,
}

const fn v4(
    [a, b, c, d]: [u8; 4],
    prefix_len: u8,
    name: &'static str,
    rfc: &'static str,
    globally_reachable: Option<bool>,
) -> Block<Ipv4Addr> {
    Block {
        address: Ipv4Addr::new(a, b, c, d),
        prefix_len,
        name,
        rfc,
        globally_reachable,
        rule: Rule::Refused,
    }
}

const fn v6(
    [a, b, c, d, e, f, g, h]: [u16; 8],
    prefix_len: u8,
    name: &'static str,
    rfc: &'static str,
    globally_reachable: Option<bool>,
    rule: Rule,
) -> Block<Ipv6Addr> {
    Block {
        address: Ipv6Addr::new(a, b, c, d, e, f, g, h),
        prefix_len,
        name,
        rfc,
        globally_reachable,
        rule,
    }
}

/// The IANA IPv4 Special-Purpose Address Registry, every entry, plus multicast (its own
/// registry).
#[rustfmt::skip]
pub const IPV4_SPECIAL: &[Block<Ipv4Addr>] = &[
    v4([0, 0, 0, 0], 8, "\"This network\"", "RFC 791", Some(false)),
    v4([0, 0, 0, 0], 32, "\"This host on this network\"", "RFC 1122", Some(false)),
    v4([10, 0, 0, 0], 8, "Private-Use", "RFC 1918", Some(false)),
    v4([100, 64, 0, 0], 10, "Shared Address Space", "RFC 6598", Some(false)),
    v4([127, 0, 0, 0], 8, "Loopback", "RFC 1122", Some(false)),
    v4([169, 254, 0, 0], 16, "Link Local", "RFC 3927", Some(false)),
    v4([172, 16, 0, 0], 12, "Private-Use", "RFC 1918", Some(false)),
    v4([192, 0, 0, 0], 24, "IETF Protocol Assignments", "RFC 6890", Some(false)),
    v4([192, 0, 0, 0], 29, "IPv4 Service Continuity Prefix", "RFC 7335", Some(false)),
    v4([192, 0, 0, 8], 32, "IPv4 dummy address", "RFC 7600", Some(false)),
    v4([192, 0, 0, 9], 32, "Port Control Protocol Anycast", "RFC 7723", Some(true)),
    v4([192, 0, 0, 10], 32, "Traversal Using Relays around NAT Anycast", "RFC 8155", Some(true)),
    v4([192, 0, 0, 170], 32, "NAT64/DNS64 Discovery", "RFC 8880", Some(false)),
    v4([192, 0, 0, 171], 32, "NAT64/DNS64 Discovery", "RFC 8880", Some(false)),
    v4([192, 0, 2, 0], 24, "Documentation (TEST-NET-1)", "RFC 5737", Some(false)),
    v4([192, 31, 196, 0], 24, "AS112-v4", "RFC 7535", Some(true)),
    v4([192, 52, 193, 0], 24, "AMT", "RFC 7450", Some(true)),
    v4([192, 88, 99, 0], 24, "Deprecated (6to4 Relay Anycast)", "RFC 7526", None),
    v4([192, 88, 99, 2], 32, "6a44-relay anycast address", "RFC 6751", None),
    v4([192, 168, 0, 0], 16, "Private-Use", "RFC 1918", Some(false)),
    v4([192, 175, 48, 0], 24, "Direct Delegation AS112 Service", "RFC 7534", Some(true)),
    v4([198, 18, 0, 0], 15, "Benchmarking", "RFC 2544", Some(false)),
    v4([198, 51, 100, 0], 24, "Documentation (TEST-NET-2)", "RFC 5737", Some(false)),
    v4([203, 0, 113, 0], 24, "Documentation (TEST-NET-3)", "RFC 5737", Some(false)),
    v4([240, 0, 0, 0], 4, "Reserved", "RFC 1112", Some(false)),
    v4([255, 255, 255, 255], 32, "Limited Broadcast", "RFC 919", Some(false)),
    // Not in the special-purpose registry: the multicast block (its own registry).
    v4([224, 0, 0, 0], 4, "Multicast", "RFC 5771", None),
];

/// The IANA IPv6 Special-Purpose Address Registry, every entry (with the registry's
/// "globally reachable" column), plus the blocks outside it that are never a public host.
#[rustfmt::skip]
pub const IPV6_SPECIAL: &[Block<Ipv6Addr>] = &[
    v6([0, 0, 0, 0, 0, 0, 0, 1], 128, "Loopback Address", "RFC 4291", Some(false), Rule::Refused),
    v6([0, 0, 0, 0, 0, 0, 0, 0], 128, "Unspecified Address", "RFC 4291", Some(false), Rule::Refused),
    v6([0, 0, 0, 0, 0, 0xffff, 0, 0], 96, "IPv4-mapped Address", "RFC 4291", Some(false), Rule::EmbedsIpv4Low),
    v6([0x64, 0xff9b, 0, 0, 0, 0, 0, 0], 96, "IPv4-IPv6 Translat.", "RFC 6052", Some(true), Rule::EmbedsIpv4Low),
    v6([0x64, 0xff9b, 1, 0, 0, 0, 0, 0], 48, "IPv4-IPv6 Translat. (local use)", "RFC 8215", Some(false), Rule::Refused),
    v6([0x100, 0, 0, 0, 0, 0, 0, 0], 64, "Discard-Only Address Block", "RFC 6666", Some(false), Rule::Refused),
    v6([0x100, 0, 0, 1, 0, 0, 0, 0], 64, "Dummy IPv6 Prefix", "RFC 9780", Some(false), Rule::Refused),
    v6([0x2001, 0, 0, 0, 0, 0, 0, 0], 23, "IETF Protocol Assignments", "RFC 2928", Some(false), Rule::Refused),
    v6([0x2001, 0, 0, 0, 0, 0, 0, 0], 32, "TEREDO", "RFC 4380", None, Rule::Refused),
    v6([0x2001, 1, 0, 0, 0, 0, 0, 1], 128, "Port Control Protocol Anycast", "RFC 7723", Some(true), Rule::Refused),
    v6([0x2001, 1, 0, 0, 0, 0, 0, 2], 128, "Traversal Using Relays around NAT Anycast", "RFC 8155", Some(true), Rule::Refused),
    v6([0x2001, 1, 0, 0, 0, 0, 0, 3], 128, "DNS-SD Service Registration Protocol Anycast", "RFC 9665", Some(true), Rule::Refused),
    v6([0x2001, 2, 0, 0, 0, 0, 0, 0], 48, "Benchmarking", "RFC 5180", Some(false), Rule::Refused),
    v6([0x2001, 3, 0, 0, 0, 0, 0, 0], 32, "AMT", "RFC 7450", Some(true), Rule::Refused),
    v6([0x2001, 4, 0x112, 0, 0, 0, 0, 0], 48, "AS112-v6", "RFC 7535", Some(true), Rule::Refused),
    v6([0x2001, 0x10, 0, 0, 0, 0, 0, 0], 28, "Deprecated (previously ORCHID)", "RFC 4843", None, Rule::Refused),
    v6([0x2001, 0x20, 0, 0, 0, 0, 0, 0], 28, "ORCHIDv2", "RFC 7343", Some(true), Rule::Refused),
    v6([0x2001, 0x30, 0, 0, 0, 0, 0, 0], 28, "Drone Remote ID Protocol Entity Tags (DETs) Prefix", "RFC 9374", Some(true), Rule::Refused),
    v6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 0], 32, "Documentation", "RFC 3849", Some(false), Rule::Refused),
    v6([0x2002, 0, 0, 0, 0, 0, 0, 0], 16, "6to4", "RFC 3056", None, Rule::EmbedsIpv4SixToFour),
    v6([0x2620, 0x4f, 0x8000, 0, 0, 0, 0, 0], 48, "Direct Delegation AS112 Service", "RFC 7534", Some(true), Rule::Refused),
    v6([0x3fff, 0, 0, 0, 0, 0, 0, 0], 20, "Documentation", "RFC 9637", Some(false), Rule::Refused),
    v6([0x5f00, 0, 0, 0, 0, 0, 0, 0], 16, "Segment Routing (SRv6) SIDs", "RFC 9602", Some(false), Rule::Refused),
    v6([0xfc00, 0, 0, 0, 0, 0, 0, 0], 7, "Unique-Local", "RFC 4193", Some(false), Rule::Refused),
    v6([0xfe80, 0, 0, 0, 0, 0, 0, 0], 10, "Link-Local Unicast", "RFC 4291", Some(false), Rule::Refused),
    // Not in the special-purpose registry, and never a public host.
    v6([0, 0, 0, 0, 0, 0, 0, 0], 96, "IPv4-compatible Address (deprecated)", "RFC 4291", None, Rule::Refused),
    v6([0, 0, 0, 0, 0xffff, 0, 0, 0], 96, "IPv4-translated Address", "RFC 2765", None, Rule::Refused),
    v6([0xfec0, 0, 0, 0, 0, 0, 0, 0], 10, "Site-Local (deprecated)", "RFC 3879", None, Rule::Refused),
    v6([0xff00, 0, 0, 0, 0, 0, 0, 0], 8, "Multicast", "RFC 4291", None, Rule::Refused),
];

/// Why an address may not be connected to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Special {
    /// It is in a special-purpose block.
    Block(&'static str, &'static str),
    /// An IPv6 address outside global unicast `2000::/3` and every listed block.
    NotGlobalUnicast,
    /// An IPv6 form that embeds this IPv4 address, which is itself special.
    Embeds(Ipv4Addr, &'static str, &'static str),
}

impl fmt::Display for Special {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Special::Block(name, rfc) => write!(f, "{name}, {rfc}"),
            Special::NotGlobalUnicast => f.write_str("not IPv6 global unicast"),
            Special::Embeds(v4, name, rfc) => write!(f, "embeds {v4}: {name}, {rfc}"),
        }
    }
}

/// `None` when `ip` is a public unicast address; otherwise the block that forbids it.
pub fn classify(ip: IpAddr) -> Option<Special> {
    match ip {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => classify_v6(v6),
    }
}

fn classify_v4(ip: Ipv4Addr) -> Option<Special> {
    most_specific(IPV4_SPECIAL, |block| {
        prefix_matches(
            u32::from(ip).into(),
            u32::from(block.address).into(),
            block.prefix_len,
            32,
        )
    })
    .map(|block| Special::Block(block.name, block.rfc))
}

fn classify_v6(ip: Ipv6Addr) -> Option<Special> {
    let bits = u128::from(ip);
    let block = most_specific(IPV6_SPECIAL, |block| {
        prefix_matches(bits, u128::from(block.address), block.prefix_len, 128)
    });
    let embedded = |v4: Ipv4Addr, block: &Block<Ipv6Addr>| {
        classify_v4(v4)
            .map(|inner| match inner {
                Special::Block(name, rfc) => Special::Embeds(v4, name, rfc),
                other => other,
            })
            .or_else(|| {
                (block.rule == Rule::Refused).then_some(Special::Block(block.name, block.rfc))
            })
    };
    match block {
        Some(block) => match block.rule {
            Rule::Refused => Some(Special::Block(block.name, block.rfc)),
            Rule::EmbedsIpv4Low => embedded(Ipv4Addr::from(bits as u32), block),
            Rule::EmbedsIpv4SixToFour => embedded(Ipv4Addr::from((bits >> 80) as u32), block),
        },
        // Global unicast is 2000::/3; everything else is reserved or unassigned.
        None if bits >> 125 != 0b001 => Some(Special::NotGlobalUnicast),
        None => None,
    }
}

fn prefix_matches(value: u128, network: u128, prefix_len: u8, width: u8) -> bool {
    let shift = u32::from(width - prefix_len.min(width));
    if shift >= 128 {
        return true;
    }
    (value >> shift) == (network >> shift)
}

fn most_specific<A>(
    blocks: &'static [Block<A>],
    contains: impl Fn(&Block<A>) -> bool,
) -> Option<&'static Block<A>> {
    blocks
        .iter()
        .filter(|block| contains(block))
        .max_by_key(|block| block.prefix_len)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn special(ip: &str) -> Option<Special> {
        classify(ip.parse().unwrap())
    }

    #[test]
    fn every_entry_classifies_its_own_first_and_last_address() {
        for block in IPV4_SPECIAL {
            let first = u32::from(block.address);
            let last = first
                | (u32::MAX
                    .checked_shr(u32::from(block.prefix_len))
                    .unwrap_or(0));
            for ip in [first, last] {
                assert!(
                    classify_v4(Ipv4Addr::from(ip)).is_some(),
                    "{} {}",
                    block.name,
                    Ipv4Addr::from(ip)
                );
            }
        }
        for block in IPV6_SPECIAL {
            let first = u128::from(block.address);
            let last = first
                | (u128::MAX
                    .checked_shr(u32::from(block.prefix_len))
                    .unwrap_or(0));
            for ip in [first, last] {
                let ip = Ipv6Addr::from(ip);
                match block.rule {
                    Rule::Refused => assert!(classify_v6(ip).is_some(), "{} {ip}", block.name),
                    // 255.255.255.255 and 0.0.0.0 embedded: refused through the IPv4 rule.
                    Rule::EmbedsIpv4Low | Rule::EmbedsIpv4SixToFour => {
                        assert!(classify_v6(ip).is_some(), "{} {ip}", block.name);
                    }
                }
            }
        }
    }

    #[test]
    fn the_most_specific_entry_names_the_reason() {
        assert_eq!(
            special("0.0.0.0"),
            Some(Special::Block("\"This host on this network\"", "RFC 1122"))
        );
        assert_eq!(
            special("0.1.2.3"),
            Some(Special::Block("\"This network\"", "RFC 791"))
        );
        assert_eq!(
            special("192.0.0.9"),
            Some(Special::Block("Port Control Protocol Anycast", "RFC 7723"))
        );
        assert_eq!(
            special("192.0.0.200"),
            Some(Special::Block("IETF Protocol Assignments", "RFC 6890"))
        );
        assert_eq!(
            special("2001:0:4136:e378::1"),
            Some(Special::Block("TEREDO", "RFC 4380"))
        );
        assert_eq!(
            special("2001:1::2"),
            Some(Special::Block(
                "Traversal Using Relays around NAT Anycast",
                "RFC 8155"
            ))
        );
        assert_eq!(
            special("2001:1ff::1"),
            Some(Special::Block("IETF Protocol Assignments", "RFC 2928"))
        );
        assert_eq!(
            special("3fff:1::1"),
            Some(Special::Block("Documentation", "RFC 9637"))
        );
        assert_eq!(
            special("5f00::1"),
            Some(Special::Block("Segment Routing (SRv6) SIDs", "RFC 9602"))
        );
        assert_eq!(special("4000::1"), Some(Special::NotGlobalUnicast));
        assert_eq!(special("1::1"), Some(Special::NotGlobalUnicast));
    }

    /// Issue 13, defect 7: the IPv4-translated form `::ffff:0:a.b.c.d` was public.
    #[test]
    fn ipv4_embedding_forms() {
        assert_eq!(
            special("::ffff:0:127.0.0.1"),
            Some(Special::Block("IPv4-translated Address", "RFC 2765"))
        );
        assert_eq!(
            special("::ffff:0:8.8.8.8"),
            Some(Special::Block("IPv4-translated Address", "RFC 2765"))
        );
        assert_eq!(
            special("::ffff:127.0.0.1"),
            Some(Special::Embeds(Ipv4Addr::LOCALHOST, "Loopback", "RFC 1122"))
        );
        assert_eq!(
            special("::ffff:8.8.8.8"),
            None,
            "mapped public IPv4 (dual-stack answers)"
        );
        assert_eq!(
            special("64:ff9b::10.0.0.1"),
            Some(Special::Embeds(
                Ipv4Addr::new(10, 0, 0, 1),
                "Private-Use",
                "RFC 1918"
            ))
        );
        assert_eq!(
            special("64:ff9b::8.8.8.8"),
            None,
            "NAT64 to a public IPv4 (IPv6-only networks)"
        );
        assert_eq!(
            special("64:ff9b:1::8.8.8.8"),
            Some(Special::Block(
                "IPv4-IPv6 Translat. (local use)",
                "RFC 8215"
            ))
        );
        assert_eq!(
            special("2002:c0a8:0101::1"),
            Some(Special::Embeds(
                Ipv4Addr::new(192, 168, 1, 1),
                "Private-Use",
                "RFC 1918"
            ))
        );
        assert_eq!(special("2002:0808:0808::1"), None);
        assert_eq!(
            special("::8.8.8.8"),
            Some(Special::Block(
                "IPv4-compatible Address (deprecated)",
                "RFC 4291"
            ))
        );
        assert_eq!(
            special("::1"),
            Some(Special::Block("Loopback Address", "RFC 4291"))
        );
        assert_eq!(
            special("::"),
            Some(Special::Block("Unspecified Address", "RFC 4291"))
        );
    }

    #[test]
    fn public_addresses_pass() {
        for ip in [
            "8.8.8.8",
            "1.1.1.1",
            "104.16.0.1",
            "223.255.255.255",
            "2606:4700:4700::1111",
            "2a00:1450::1",
            "2001:4860:4860::8888",
            "2c0f:fb50::1",
        ] {
            assert_eq!(special(ip), None, "{ip}");
        }
    }
}
