//! Targets given by address rather than by service.

use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

use crate::client::ecs::IpProtocol;

/// A target given as an address or block: `<protocol>:<address or CIDR>:<port>`, e.g.
/// `tcp:192.168.5.10:5432`, `udp:10.0.0.0/24:53`, `icmp:10.0.0.1` (no port for ICMP).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressTarget {
    pub protocol: IpProtocol,
    pub net: Ipv4Net,
    pub port: Option<u16>,
}

impl AddressTarget {
    pub fn parse(s: &str) -> Result<Self, String> {
        let usage = "write `<protocol>:<address or CIDR>:<port>`, e.g. `tcp:192.168.5.10:5432` or \
                     `udp:10.0.0.0/24:53` (`icmp:<address>` has no port)";
        let parts: Vec<&str> = s.split(':').collect();
        let protocol = parts
            .first()
            .and_then(|p| IpProtocol::parse(p))
            .filter(|p| matches!(p, IpProtocol::Tcp | IpProtocol::Udp | IpProtocol::Icmp))
            .ok_or_else(|| format!("`{s}`: the protocol must be tcp, udp or icmp; {usage}"))?;
        let net = parts
            .get(1)
            .and_then(|a| {
                a.parse::<Ipv4Net>()
                    .ok()
                    .or_else(|| a.parse::<Ipv4Addr>().ok().map(Ipv4Net::from))
            })
            .ok_or_else(|| format!("`{s}`: not an IPv4 address or CIDR block; {usage}"))?;
        let port = match (protocol, parts.get(2)) {
            (IpProtocol::Icmp, None) => None,
            (IpProtocol::Icmp, Some(_)) => return Err(format!("`{s}`: ICMP has no port; {usage}")),
            (_, Some(p)) => Some(
                p.parse::<u16>()
                    .ok()
                    .filter(|p| *p > 0)
                    .ok_or_else(|| format!("`{s}`: the port must be 1-65535; {usage}"))?,
            ),
            (_, None) => return Err(format!("`{s}`: a port is needed; {usage}")),
        };
        if parts.len() > 3 {
            return Err(format!("`{s}`: {usage}"));
        }
        Ok(Self {
            protocol,
            net: net.trunc(),
            port,
        })
    }

    /// The addresses a verdict is drawn at: a block's first and last address (a rule that
    /// covers only part of it shows at one end), an address itself.
    pub fn probes(&self) -> Vec<Ipv4Addr> {
        let (first, last) = (self.net.network(), self.net.broadcast());
        if first == last {
            vec![first]
        } else {
            vec![first, last]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn address_targets_parse_with_clear_errors() {
        let t = AddressTarget::parse("tcp:192.168.5.10:5432").unwrap();
        assert_eq!((t.protocol, t.port), (IpProtocol::Tcp, Some(5432)));
        assert_eq!(t.probes(), vec![Ipv4Addr::new(192, 168, 5, 10)]);
        let t = AddressTarget::parse("UDP:10.0.0.0/24:53").unwrap();
        assert_eq!(
            t.probes(),
            vec![Ipv4Addr::new(10, 0, 0, 0), Ipv4Addr::new(10, 0, 0, 255)]
        );
        assert!(AddressTarget::parse("icmp:10.0.0.1")
            .unwrap()
            .port
            .is_none());
        for (bad, says) in [
            ("http:10.0.0.1:80", "protocol"),
            ("tcp:10.0.0.300:80", "IPv4"),
            ("tcp:10.0.0.1", "port is needed"),
            ("tcp:10.0.0.1:0", "1-65535"),
            ("icmp:10.0.0.1:1", "no port"),
            ("tcp:10.0.0.1:80:1", "write"),
        ] {
            let e = AddressTarget::parse(bad).unwrap_err();
            assert!(e.contains(says), "{bad}: {e}");
        }
    }
}
