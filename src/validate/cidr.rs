//! IPv4 CIDR blocks used as rule sources and whitelist entries.

use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

/// The private ranges a VPC, a vSwitch or a MaxCompute ENI can live in (RFC 1918).
pub const PRIVATE_RANGES: [Ipv4Net; 3] = [
    Ipv4Net::new_assert(Ipv4Addr::new(10, 0, 0, 0), 8),
    Ipv4Net::new_assert(Ipv4Addr::new(172, 16, 0, 0), 12),
    Ipv4Net::new_assert(Ipv4Addr::new(192, 168, 0, 0), 16),
];

/// Parses `a.b.c.d` or `a.b.c.d/n` into a network. A bare address is a /32.
///
/// Refused, each with a sentence saying how to fix it: anything unparsable, IPv6, host bits set
/// after the prefix (`10.0.0.1/24` — the user meant `10.0.0.0/24` or `10.0.0.1/32`).
pub fn parse_ipv4_cidr(input: &str) -> Result<Ipv4Net, String> {
    let trimmed = input.trim();
    if trimmed != input {
        return Err(format!(
            "`{input}` has leading or trailing spaces; remove them"
        ));
    }
    if input.is_empty() {
        return Err("an empty string is not a CIDR block; use e.g. `192.168.0.0/24`".into());
    }
    if input.contains(':') {
        return Err(format!(
            "`{input}` is IPv6; only IPv4 CIDR blocks are supported here"
        ));
    }
    let net = match input.split_once('/') {
        Some(_) => input.parse::<Ipv4Net>().map_err(|_| {
            format!("`{input}` is not a valid IPv4 CIDR block (like `192.168.0.0/24`)")
        })?,
        None => Ipv4Net::from(input.parse::<Ipv4Addr>().map_err(|_| {
            format!("`{input}` is not a valid IPv4 address or CIDR block (like `192.168.0.0/24`)")
        })?),
    };
    if net.addr() != net.network() {
        return Err(format!(
            "`{input}` has host bits set after the /{} prefix; use the network address `{}` \
             (or `{}/32` for the single address)",
            net.prefix_len(),
            net.trunc(),
            net.addr()
        ));
    }
    Ok(net)
}

/// Whether the whole block lies inside one of [`PRIVATE_RANGES`].
pub fn is_private(net: &Ipv4Net) -> bool {
    PRIVATE_RANGES.iter().any(|range| range.contains(net))
}

/// Alibaba Cloud's own service addresses, which are neither the internet nor a VPC of the user:
/// - `100.64.0.0/10`, the shared address space (RFC 6598, carrier-grade NAT), which Alibaba Cloud
///   reserves for its services ("reserved for Alibaba Cloud services and only applicable to private
///   network access": the EIP notice "Security hardening for EIP cut-through mode access to the
///   100.64.0.0/10 reserved CIDR block"); the metadata server (100.100.100.200) and the VPC DNS
///   (100.100.2.136/138) live there;
/// - blocks of `11.0.0.0/8`, which Alibaba Cloud services use on its internal network (DataWorks,
///   "Configure network connectivity", lists 11.x.x.x/24 blocks among its shared resource groups'
///   addresses, next to 100.64.0.0/10).
pub const ALIBABA_SERVICE_RANGES: [(Ipv4Net, &str); 2] = [
    (
        Ipv4Net::new_assert(Ipv4Addr::new(100, 64, 0, 0), 10),
        "in 100.64.0.0/10, the shared address space (RFC 6598, carrier-grade NAT) that Alibaba \
            Cloud reserves for its own services (metadata server, DNS, shared resource groups)",
    ),
    (
        Ipv4Net::new_assert(Ipv4Addr::new(11, 0, 0, 0), 8),
        "in 11.0.0.0/8, whose blocks Alibaba Cloud services use on its internal network \
            (DataWorks' shared resource groups, for one)",
    ),
];

/// What a block outside [`PRIVATE_RANGES`] is, as a clause for "… is not a private range: …":
/// Alibaba Cloud's service addresses (no VPC of the user's, and not the internet either), or
/// public addresses.
pub fn non_private_kind(net: &Ipv4Net) -> String {
    ALIBABA_SERVICE_RANGES
        .iter()
        .find(|(range, _)| range.contains(net))
        .map(|(_, words)| format!("it is {words}, not an address of any VPC of yours"))
        .unwrap_or_else(|| "it is a public range, open to the internet".into())
}

/// A source for an allow-all inbound rule: a valid, private block. Opening everything from the
/// internet (`0.0.0.0/0` or any public range) is never what seed 000 step 2 asks for.
pub fn private_source(input: &str) -> Result<Ipv4Net, String> {
    let net = parse_ipv4_cidr(input)?;
    if !is_private(&net) {
        return Err(format!(
            "`{input}` is not a private range: {}. This rule allows all inbound traffic, so its \
             source must be the CIDR block of the VPC or vSwitch that holds the target service \
             (inside {})",
            non_private_kind(&net),
            PRIVATE_RANGES.map(|r| r.to_string()).join(", ")
        ));
    }
    Ok(net)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_addresses_and_blocks() {
        assert_eq!(
            parse_ipv4_cidr("10.0.0.0/24").unwrap().to_string(),
            "10.0.0.0/24"
        );
        assert_eq!(
            parse_ipv4_cidr("10.0.0.7").unwrap().to_string(),
            "10.0.0.7/32"
        );
        assert!(private_source("172.16.3.0/24").is_ok());
        assert!(private_source("192.168.1.1").is_ok());
    }

    #[test]
    fn refuses_with_a_fix() {
        let e = parse_ipv4_cidr("10.0.0.1/24").unwrap_err();
        assert!(e.contains("`10.0.0.0/24`"), "{e}");
        assert!(parse_ipv4_cidr("10.0.0.0/33").is_err());
        assert!(parse_ipv4_cidr("300.0.0.0/8").is_err());
        assert!(parse_ipv4_cidr("fd00::/8").unwrap_err().contains("IPv6"));
        assert!(parse_ipv4_cidr(" 10.0.0.0/8")
            .unwrap_err()
            .contains("spaces"));
        assert!(parse_ipv4_cidr("").is_err());
        assert!(private_source("0.0.0.0/0")
            .unwrap_err()
            .contains("not a private range"));
        assert!(private_source("8.8.8.8").is_err());
        assert!(private_source("10.0.0.0/7").is_err());
    }

    #[test]
    fn non_private_blocks_are_named_for_what_they_are() {
        let kind = |s: &str| non_private_kind(&s.parse().unwrap());
        assert!(kind("100.64.0.0/10").contains("shared address space"));
        assert!(kind("100.100.100.200/32").contains("Alibaba Cloud"));
        assert!(kind("11.193.102.0/24").contains("Alibaba Cloud"));
        for alibaba in ["100.64.0.0/10", "100.100.0.0/16", "11.0.0.0/8"] {
            assert!(!kind(alibaba).contains("internet"), "{alibaba}");
        }
        // Wider than the service ranges, or elsewhere: the internet.
        for public in ["0.0.0.0/0", "100.0.0.0/8", "8.8.8.8/32", "100.128.0.0/16"] {
            assert!(kind(public).contains("internet"), "{public}");
            assert!(!kind(public).contains("Alibaba"), "{public}");
        }
    }

    proptest::proptest! {
        #[test]
        fn never_panics_and_round_trips(s in "\\PC{0,24}") {
            if let Ok(net) = parse_ipv4_cidr(&s) {
                proptest::prop_assert_eq!(parse_ipv4_cidr(&net.to_string()), Ok(net));
            }
        }

        #[test]
        fn valid_blocks_parse(a: u32, len in 0u8..=32) {
            let net = Ipv4Net::new(Ipv4Addr::from(a), len).unwrap().trunc();
            proptest::prop_assert_eq!(parse_ipv4_cidr(&net.to_string()), Ok(net));
        }
    }
}
