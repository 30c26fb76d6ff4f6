//! Network values parsed once, where they enter (configuration or a cloud answer), and compared
//! as values afterwards: CIDR blocks and port ranges.

use std::fmt;
use std::net::IpAddr;

use ipnet::IpNet;

/// A CIDR block or a single address (`10.0.0.5` is `10.0.0.5/32`). Compares by the block, so
/// `10.0.0.5` equals `10.0.0.5/32`; shows as it was written, so what is sent and stored is what
/// the user wrote.
#[derive(Debug, Clone)]
pub struct Cidr {
    net: IpNet,
    text: String,
}

impl Cidr {
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        let net = s
            .parse::<IpNet>()
            .ok()
            .or_else(|| s.parse::<IpAddr>().ok().map(IpNet::from))?;
        Some(Self {
            net,
            text: s.to_string(),
        })
    }

    pub fn net(&self) -> IpNet {
        self.net
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl PartialEq for Cidr {
    fn eq(&self, other: &Self) -> bool {
        self.net == other.net
    }
}

impl Eq for Cidr {}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Parses every entry that is a block or an address; other entries (an RDS `a-b` range …) are
/// left out.
pub fn cidrs<'a>(entries: impl IntoIterator<Item = &'a String>) -> Vec<Cidr> {
    entries.into_iter().filter_map(|e| Cidr::parse(e)).collect()
}

/// `PortRange` of a rule: `start/end`, or `-1/-1` (every port; ALL, ICMP, GRE).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PortRange {
    All,
    Range(u16, u16),
}

impl PortRange {
    /// Whether `port` is in the range.
    pub fn covers(self, port: u16) -> bool {
        match self {
            PortRange::All => true,
            PortRange::Range(a, b) => (a..=b).contains(&port),
        }
    }

    pub fn single(port: u16) -> Self {
        Self::Range(port, port)
    }

    pub fn parse(s: &str) -> Option<Self> {
        let (a, b) = s.trim().split_once('/')?;
        if a == "-1" && b == "-1" {
            return Some(Self::All);
        }
        let (a, b) = (a.parse().ok()?, b.parse().ok()?);
        (a <= b).then_some(Self::Range(a, b))
    }

    /// The port, when the range is one port.
    pub fn port(self) -> Option<u16> {
        match self {
            Self::Range(a, b) if a == b => Some(a),
            _ => None,
        }
    }
}

impl fmt::Display for PortRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::All => f.write_str("-1/-1"),
            Self::Range(a, b) => write!(f, "{a}/{b}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_its_slash_32_and_keeps_its_text() {
        let a = Cidr::parse("10.0.0.5").unwrap();
        assert_eq!(a, Cidr::parse("10.0.0.5/32").unwrap());
        assert_eq!(a.to_string(), "10.0.0.5");
        assert_ne!(a, Cidr::parse("10.0.0.0/24").unwrap());
        assert!(Cidr::parse("10.0.0.1-10.0.0.9").is_none());
        assert!(Cidr::parse("").is_none());
    }

    #[test]
    fn port_ranges_round_trip() {
        for s in ["-1/-1", "22/22", "1/65535"] {
            assert_eq!(PortRange::parse(s).unwrap().to_string(), s);
        }
        assert_eq!(PortRange::parse("8020/8020").unwrap().port(), Some(8020));
        assert_eq!(PortRange::parse("1/2").unwrap().port(), None);
        for bad in ["", "22", "a/b", "9/1", "-1/5", "70000/70000"] {
            assert!(PortRange::parse(bad).is_none(), "{bad}");
        }
    }
}
