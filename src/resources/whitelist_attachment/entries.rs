//! Reading the state's values, and comparing whitelist entries and target IDs.

use std::collections::BTreeSet;

use tf_provider::value::Value;

use crate::client::net::Cidr;
use crate::client::rds::DENY_ALL;

use super::Group;

pub(super) use crate::framework::values::known;

pub(super) fn cidr_strings(v: &Value<BTreeSet<Value<String>>>) -> Vec<String> {
    v.as_ref_option()
        .map(|s| {
            s.iter()
                .filter_map(|c| c.as_ref_option().cloned())
                .collect()
        })
        .unwrap_or_default()
}

/// A whitelist entry as compared: its block when it is one (`10.0.0.5` = `10.0.0.5/32`), else
/// its text.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Entry<'a> {
    Block(Cidr),
    Text(&'a str),
}

pub(super) fn entry(s: &str) -> Entry<'_> {
    Cidr::parse(s).map_or(Entry::Text(s), Entry::Block)
}

/// The same entries, whatever the order and spelling.
pub(super) fn same_set(a: &[String], b: &[String]) -> bool {
    let a: Vec<Entry> = a.iter().map(|x| entry(x)).collect();
    let b: Vec<Entry> = b.iter().map(|y| entry(y)).collect();
    a.len() == b.len() && a.iter().all(|x| b.contains(x)) && b.iter().all(|y| a.contains(y))
}

/// A group that only holds the deny-all placeholder is as good as absent.
pub(super) fn is_placeholder(entries: &[String]) -> bool {
    entries.iter().all(|e| e == DENY_ALL || e == "127.0.0.1/32")
}

/// The group of that name, unless absent or only the placeholder.
pub(super) fn live<'a>(groups: &'a [Group], name: &str) -> Option<&'a Group> {
    groups
        .iter()
        .find(|g| g.name == name)
        .filter(|g| !is_placeholder(&g.entries))
}
