//! RDS / HBase-style IP whitelists: which group and entry admit an address.

use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

/// One group of an RDS / HBase-style whitelist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WhitelistGroup {
    pub name: String,
    pub entries: Vec<String>,
    /// RDS `WhitelistNetworkType`: `Classic`, `VPC`, `MIX`; empty where the service has none.
    pub network_type: String,
}

/// A whitelist guarding a target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Whitelist {
    /// RDS's enhanced whitelist mode: a group admits only clients of its own network type.
    pub enhanced: bool,
    pub groups: Vec<WhitelistGroup>,
}

impl Whitelist {
    /// The group and entry that admit a client in a VPC at `address`, if one does. In the
    /// enhanced mode a `Classic` group is for classic-network (and Internet) clients only.
    pub fn admits(&self, address: Ipv4Addr) -> Option<(&str, &str)> {
        self.groups
            .iter()
            .filter(|g| !(self.enhanced && g.network_type.eq_ignore_ascii_case("Classic")))
            .find_map(|g| whitelist_admits(&g.entries, address).map(|e| (g.name.as_str(), e)))
    }
}

/// The entry of an RDS / HBase-style whitelist (addresses and CIDR blocks, any group) that admits
/// `address`, if one does.
pub fn whitelist_admits(entries: &[String], address: Ipv4Addr) -> Option<&str> {
    entries.iter().map(String::as_str).find(|e| {
        e.parse::<Ipv4Net>()
            .map(|n| n.contains(&address))
            .or_else(|_| e.parse::<Ipv4Addr>().map(|a| a == address))
            .unwrap_or(false)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitelists_admit_by_block_or_address() {
        let entries = vec![
            "127.0.0.1".to_string(),
            "192.168.1.0/24".into(),
            "10.0.0.5".into(),
        ];
        assert_eq!(
            whitelist_admits(&entries, Ipv4Addr::new(192, 168, 1, 77)),
            Some("192.168.1.0/24")
        );
        assert_eq!(
            whitelist_admits(&entries, Ipv4Addr::new(10, 0, 0, 5)),
            Some("10.0.0.5")
        );
        assert_eq!(whitelist_admits(&entries, Ipv4Addr::new(10, 0, 0, 6)), None);
    }
}
