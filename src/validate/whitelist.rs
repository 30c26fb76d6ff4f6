//! Whitelist entries and group names for the RDS / HBase attachments (and EMR rule sources).

use ipnet::Ipv4Net;

use super::cidr;

/// One whitelist group as the target (an RDS instance, an HBase cluster) reports it.
#[derive(Debug, Clone)]
pub struct Group {
    pub name: String,
    pub entries: Vec<String>,
    /// Owned by another service (RDS `hidden` groups of DMS, DTS, DAS …): never written.
    pub protected: bool,
}

/// Entries per group the provider accepts: RDS allows 1,000 per instance (all groups together);
/// HBase publishes no limit in its API reference, so the same bound is applied.
pub const MAX_ENTRIES: usize = 1000;

/// Checks a whitelist: every entry parses, none twice, none public unless `allow_public`, not
/// the deny-all placeholder, not empty, not too many. One message per problem.
pub fn entries<'a>(
    list: impl IntoIterator<Item = &'a str>,
    allow_public: bool,
) -> Result<Vec<Ipv4Net>, Vec<String>> {
    check(list, Public::OptIn(allow_public))
}

/// The same checks for rule sources of a resource with no `allow_public` (the EMR attachment):
/// a public block is always refused, and the fix offered is one the resource has.
pub fn private_sources<'a>(
    list: impl IntoIterator<Item = &'a str>,
) -> Result<Vec<Ipv4Net>, Vec<String>> {
    check(list, Public::Never)
}

/// Whether a list may hold non-private blocks.
#[derive(Clone, Copy)]
enum Public {
    /// Through the resource's `allow_public` attribute, set to this.
    OptIn(bool),
    /// Never: the resource has no such attribute.
    Never,
}

fn check<'a>(
    list: impl IntoIterator<Item = &'a str>,
    public: Public,
) -> Result<Vec<Ipv4Net>, Vec<String>> {
    let mut seen: Vec<(Ipv4Net, &str)> = Vec::new();
    let mut errors = Vec::new();
    for entry in list {
        let net = match cidr::parse_ipv4_cidr(entry) {
            Ok(n) => n,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        if entry == "127.0.0.1" || entry == "127.0.0.1/32" {
            errors.push(
                "`127.0.0.1` is the services' \"deny everything\" placeholder, not an \
                address to allow; remove it"
                    .into(),
            );
            continue;
        }
        if let Some((_, other)) = seen.iter().find(|(n, _)| *n == net) {
            errors.push(format!(
                "`{entry}` and `{other}` are the same block; keep one"
            ));
            continue;
        }
        let refused = match public {
            Public::OptIn(allowed) => !allowed,
            Public::Never => true,
        };
        if refused && !cidr::is_private(&net) {
            let kind = cidr::non_private_kind(&net);
            errors.push(match public {
                Public::OptIn(_) => format!(
                    "`{entry}` is not a private range: {kind}. Whitelist the network link's \
                        vSwitch CIDR (`maxcompute_network_link.<name>.vswitch_cidr`); set \
                        `allow_public = true` only if this range is really meant"
                ),
                Public::Never => format!(
                    "`{entry}` is not a private range: {kind}. The rules made here admit private \
                        ranges only. Use the network link's vSwitch CIDR \
                        (`maxcompute_network_link.<name>.vswitch_cidr`), or set \
                        `source_security_group_id` to the link's security group instead of `cidrs`"
                ),
            });
            continue;
        }
        seen.push((net, entry));
    }
    if seen.is_empty() && errors.is_empty() {
        errors.push(
            "the list is empty; give at least one CIDR block, e.g. the network link's vswitch_cidr"
                .into(),
        );
    }
    if seen.len() > MAX_ENTRIES {
        errors.push(format!(
            "{} entries is more than the {MAX_ENTRIES} a whitelist can hold",
            seen.len()
        ));
    }
    if errors.is_empty() {
        Ok(seen.into_iter().map(|(n, _)| n).collect())
    } else {
        Err(errors)
    }
}

/// A whitelist group name (RDS's published rule, applied to HBase too): 2–32 characters,
/// lower-case letters, digits and `_`, starting with a letter and ending with a letter or digit.
/// `default` is refused: it is the instance's own group and never belongs to one tool.
pub fn group_name(name: &str) -> Result<(), String> {
    if name == "default" {
        return Err(
            "`default` is the instance's own group, shared by everyone: an attachment must \
            own a group of its own, e.g. `maxcompute`"
                .into(),
        );
    }
    let ok = (2..=32).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name.ends_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{name}` is not a valid group name: 2 to 32 characters, lower-case letters, digits \
                and `_`, starting with a letter and ending with a letter or digit"
        ))
    }
}

/// A TCP port list: each 1–65535, none twice, at least one. One message per problem, so a list
/// with three bad ports names all three.
pub fn ports(list: &[i64]) -> Vec<String> {
    if list.is_empty() {
        return vec!["give at least one port".into()];
    }
    let mut errors: Vec<String> = list
        .iter()
        .filter(|p| !(1..=65535).contains(*p))
        .map(|p| format!("{p} is not a TCP port (1 to 65535)"))
        .collect();
    for (i, p) in list.iter().enumerate() {
        if list[..i].contains(p) && !list[i + 1..].contains(p) {
            errors.push(format!("port {p} is listed twice"));
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_rules() {
        assert_eq!(
            entries(["192.168.1.0/24", "10.0.0.5"], false)
                .unwrap()
                .len(),
            2
        );
        let e = entries(["0.0.0.0/0"], false).unwrap_err();
        assert!(
            e[0].contains("not a private range") && e[0].contains("allow_public"),
            "{e:?}"
        );
        assert!(entries(["0.0.0.0/0"], true).is_ok());
        // No `allow_public` to suggest where the resource has none.
        let e = private_sources(["0.0.0.0/0"]).unwrap_err();
        assert!(
            e[0].contains("internet") && e[0].contains("source_security_group_id"),
            "{e:?}"
        );
        assert!(!e[0].contains("allow_public"), "{e:?}");
        assert!(private_sources(["10.0.0.0/8"]).is_ok());
        // Alibaba Cloud's service ranges are not called the internet.
        let e = entries(["100.64.0.0/10"], false).unwrap_err();
        assert!(
            e[0].contains("shared address space") && !e[0].contains("internet"),
            "{e:?}"
        );
        assert!(entries(["10.0.0.5", "10.0.0.5/32"], false).unwrap_err()[0].contains("same block"));
        assert!(entries(["127.0.0.1"], false).unwrap_err()[0].contains("placeholder"));
        assert!(entries([], false).unwrap_err()[0].contains("empty"));
        assert_eq!(entries(["bad", "10.0.0.1/8"], false).unwrap_err().len(), 2);
        let many: Vec<String> = (0..1001)
            .map(|i| format!("10.{}.{}.0/24", i / 256, i % 256))
            .collect();
        assert!(entries(many.iter().map(String::as_str), false).unwrap_err()[0].contains("1000"));
    }

    #[test]
    fn group_names() {
        assert!(group_name("maxcompute").is_ok());
        assert!(group_name("mc_link_01").is_ok());
        assert!(group_name("default").unwrap_err().contains("own group"));
        for bad in [
            "a",
            "MaxCompute",
            "1abc",
            "abc_",
            "has-dash",
            &"a".repeat(33),
        ] {
            assert!(group_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn port_lists() {
        assert!(ports(&[9083, 8020, 50010]).is_empty());
        assert_eq!(ports(&[]).len(), 1);
        assert_eq!(ports(&[0]).len(), 1);
        assert_eq!(ports(&[65536]).len(), 1);
        assert!(ports(&[80, 80])[0].contains("twice"));
        // Every bad port is named, not only the first.
        let all = ports(&[0, 70000, 80, -1]);
        assert_eq!(all.len(), 3, "{all:?}");
        assert!(all.iter().any(|e| e.contains("70000")) && all.iter().any(|e| e.contains("-1")));
    }
}
