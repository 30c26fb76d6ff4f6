//! A MaxCompute project's IP whitelist entries, parsed once: a single address, an `a-b` range, or
//! a CIDR block — the three forms the project whitelist accepts (MaxCompute security
//! documentation, "Access control"). Entries compare by the addresses they cover, so `10.0.0.1`,
//! `10.0.0.1/32` and `10.0.0.1-10.0.0.1` are one entry.

use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

/// One entry, as the addresses it covers (inclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Entry {
    pub first: Ipv4Addr,
    pub last: Ipv4Addr,
}

impl Entry {
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if let Some((a, b)) = s.split_once('-') {
            let (first, last) = (addr(a)?, addr(b)?);
            if first > last {
                return Err(format!(
                    "`{s}`: the range must go from the lower address to the higher"
                ));
            }
            return Ok(Self { first, last });
        }
        if s.contains('/') {
            let net: Ipv4Net = s
                .parse()
                .map_err(|_| format!("`{s}` is not an address, an `a-b` range or a CIDR block"))?;
            if net.network() != net.addr() {
                return Err(format!(
                    "`{s}` has host bits set; the block is `{}`",
                    net.trunc()
                ));
            }
            return Ok(Self {
                first: net.network(),
                last: net.broadcast(),
            });
        }
        let a = addr(s)?;
        Ok(Self { first: a, last: a })
    }

    /// Whether this entry admits every address (`0.0.0.0/0`): the network type stays open.
    pub fn is_everything(&self) -> bool {
        self.first == Ipv4Addr::UNSPECIFIED && self.last == Ipv4Addr::BROADCAST
    }
}

fn addr(s: &str) -> Result<Ipv4Addr, String> {
    s.trim().parse().map_err(|_| {
        format!(
            "`{}` is not an IPv4 address (entries are an address, an `a-b` range or a CIDR block)",
            s.trim()
        )
    })
}

/// A list entry as compared: its addresses when it parses, else its text (an entry the cloud
/// holds that this provider cannot read still compares, and is never touched).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    Span(Entry),
    Text(String),
}

impl std::fmt::Display for Key {
    /// The addresses an entry covers, as a range (`a-b`, or one address): the same for every
    /// spelling of them.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Key::Span(e) if e.first == e.last => write!(f, "{}", e.first),
            Key::Span(e) => write!(f, "{}-{}", e.first, e.last),
            Key::Text(t) => f.write_str(t),
        }
    }
}

pub fn key(s: &str) -> Key {
    Entry::parse(s).map_or_else(|_| Key::Text(s.trim().to_string()), Key::Span)
}

/// Every problem of a configured list: bad entries, duplicates, an empty list.
pub fn list(entries: &[String]) -> Vec<String> {
    if entries.is_empty() {
        return vec!["The list is empty: leave the attribute out instead.".into()];
    }
    let mut out = Vec::new();
    let mut seen: Vec<(Entry, &str)> = Vec::new();
    for e in entries {
        if e.trim() == "*" {
            out.push("`*` is not an entry: use `0.0.0.0/0` to admit every address.".into());
            continue;
        }
        match Entry::parse(e) {
            Err(reason) => out.push(format!("{reason}.")),
            Ok(parsed) => match seen.iter().find(|(p, _)| *p == parsed) {
                Some((_, other)) => out.push(format!(
                    "`{e}` and `{other}` are the same addresses; keep one."
                )),
                None => seen.push((parsed, e)),
            },
        }
    }
    out
}

/// A MaxCompute project name: 3 to 28 letters, digits and `_`, starting with a letter (the
/// console's rule for project names).
pub fn project_name(name: &str) -> Result<(), String> {
    let ok = (3..=28).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{name}` is not a MaxCompute project name: 3 to 28 letters, digits and `_`, starting \
             with a letter"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_forms_compare_by_addresses() {
        let one = Entry::parse("10.0.0.1").unwrap();
        assert_eq!(one, Entry::parse("10.0.0.1/32").unwrap());
        assert_eq!(one, Entry::parse("10.0.0.1-10.0.0.1").unwrap());
        let block = Entry::parse("10.0.0.0/30").unwrap();
        assert_eq!(block, Entry::parse("10.0.0.0 - 10.0.0.3").unwrap());
        assert!(Entry::parse("0.0.0.0/0").unwrap().is_everything());
        assert_eq!(key("*"), Key::Text("*".into()));
    }

    #[test]
    fn every_bad_entry_is_named() {
        let bad: Vec<String> = [
            "10.0.0.9-10.0.0.1",
            "10.0.0.1/24",
            "x",
            "*",
            "10.0.0.1",
            "10.0.0.1/32",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let errors = list(&bad);
        assert_eq!(errors.len(), 5, "{errors:#?}");
        assert!(errors[0].contains("lower address"));
        assert!(errors[1].contains("host bits"));
        assert!(errors[2].contains("not an IPv4 address"));
        assert!(errors[3].contains("0.0.0.0/0"));
        assert!(errors[4].contains("same addresses"));
        assert_eq!(list(&[]).len(), 1);
    }

    #[test]
    fn project_names() {
        assert!(project_name("lakehouse_prod").is_ok());
        for bad in ["ab", "1abc", "a-b-c", &"a".repeat(29)] {
            assert!(project_name(bad).is_err(), "{bad}");
        }
    }
}
