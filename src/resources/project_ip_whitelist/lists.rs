//! The project's lists and this resource's entries in them: reading them from the state,
//! merging ours into the project's, and seeing what another writer undid.

use tf_provider::value::Value;

use crate::client::ids::ProjectName;
use crate::client::project::IpWhitelist;
use crate::validate::project_whitelist::{self, key, Key};

use super::{List, State, P};

pub(super) fn get_list<'a>(s: &'a State, name: &str) -> &'a List {
    match name {
        "ip_list" => &s.ip_list,
        _ => &s.vpc_ip_list,
    }
}

pub(super) fn entries(list: &List) -> Vec<String> {
    list.as_ref_option()
        .map(|s| {
            s.iter()
                .filter_map(|e| e.as_ref_option().cloned())
                .collect()
        })
        .unwrap_or_default()
}

/// A configured list's problems (none while it is unknown or unset).
pub(super) fn list_problems(list: &List) -> Vec<String> {
    match list {
        Value::Value(_) => project_whitelist::list(&entries(list)),
        _ => Vec::new(),
    }
}

pub(super) fn set(entries: impl IntoIterator<Item = String>) -> List {
    Value::Value(entries.into_iter().map(Value::Value).collect())
}

pub(super) fn project_of(s: &State) -> String {
    s.project.as_ref_option().cloned().unwrap_or_default()
}

/// The project as a type, for the calls: `project` is checked by its validator at plan and by
/// the import, so a state whose project is not a name says so instead of calling the service.
pub(super) fn project_name(s: &State) -> Result<ProjectName, P> {
    ProjectName::parse(&project_of(s))
        .map_err(|e| P::at(|s| &s.project, "Invalid project", e.to_string()))
}

/// This resource's entries of both lists, as the state holds them.
pub(super) fn ours(s: &State) -> IpWhitelist {
    IpWhitelist {
        ip_list: entries(&s.ip_list),
        vpc_ip_list: entries(&s.vpc_ip_list),
    }
}

/// `list` without the entries of `remove` and with those of `add` (compared by the addresses
/// they cover; the order of what stays is kept, an entry in both stays where it is — an unchanged
/// list is not written again). A removed entry takes out the list's entry of the same spelling,
/// else (the service spelled ours its own way) the first covering the same addresses: another
/// entry covering them too — the console's `10.0.0.1/32` beside our `10.0.0.1` — is someone
/// else's and stays.
fn apply(list: &[String], remove: &[String], add: &[String]) -> Vec<String> {
    let kept: Vec<Key> = add.iter().map(|e| key(e)).collect();
    let mut out: Vec<String> = list.to_vec();
    for r in remove.iter().filter(|r| !kept.contains(&key(r))) {
        let at = out
            .iter()
            .position(|e| e == r)
            .or_else(|| out.iter().position(|e| key(e) == key(r)));
        if let Some(i) = at {
            out.remove(i);
        }
    }
    for e in add {
        if !out.iter().any(|o| key(o) == key(e)) {
            out.push(e.clone());
        }
    }
    out
}

/// The project's lists after this resource goes from `prior` to `planned`.
pub(super) fn merged(
    current: &IpWhitelist,
    prior: &IpWhitelist,
    planned: &IpWhitelist,
) -> IpWhitelist {
    IpWhitelist {
        ip_list: apply(&current.ip_list, &prior.ip_list, &planned.ip_list),
        vpc_ip_list: apply(
            &current.vpc_ip_list,
            &prior.vpc_ip_list,
            &planned.vpc_ip_list,
        ),
    }
}

/// The entries of `a` and those of `b` it lacks (compared by the addresses they cover).
pub(super) fn joined(a: &IpWhitelist, b: &IpWhitelist) -> IpWhitelist {
    IpWhitelist {
        ip_list: apply(&a.ip_list, &[], &b.ip_list),
        vpc_ip_list: apply(&a.vpc_ip_list, &[], &b.vpc_ip_list),
    }
}

/// Entries `planned` adds that the project already holds: someone else's, never to be taken over.
pub(super) fn taken(current: &[String], prior: &[String], planned: &[String]) -> Vec<String> {
    planned
        .iter()
        .filter(|e| !prior.iter().any(|p| key(p) == key(e)))
        .filter(|e| current.iter().any(|c| key(c) == key(e)))
        .cloned()
        .collect()
}

/// `ip_list: a, b; vpc_ip_list: c` (lists with nothing left out).
pub(super) fn described(w: &IpWhitelist) -> String {
    let parts: Vec<String> = [("ip_list", &w.ip_list), ("vpc_ip_list", &w.vpc_ip_list)]
        .iter()
        .filter(|(_, l)| !l.is_empty())
        .map(|(n, l)| format!("{n}: {}", l.join(", ")))
        .collect();
    parts.join("; ")
}

fn has(list: &[String], e: &str) -> bool {
    list.iter().any(|c| key(c) == key(e))
}

/// What the project holds against what a write of `before` → `after` made (`written`: the lists
/// it wrote): our entries missing, and the ones we removed back again — more entries covering
/// their addresses than the write left (another's entry covering the same addresses was left,
/// and is not "back").
pub(super) fn diverged(
    current: &IpWhitelist,
    written: &IpWhitelist,
    before: &IpWhitelist,
    after: &IpWhitelist,
) -> (IpWhitelist, IpWhitelist) {
    let missing = |want: &[String], have: &[String]| -> Vec<String> {
        want.iter().filter(|e| !has(have, e)).cloned().collect()
    };
    let count = |list: &[String], e: &str| list.iter().filter(|c| key(c) == key(e)).count();
    let back = |gone: &[String], kept: &[String], left: &[String], have: &[String]| {
        gone.iter()
            .filter(|e| !has(kept, e) && count(have, e) > count(left, e))
            .cloned()
            .collect::<Vec<String>>()
    };
    (
        IpWhitelist {
            ip_list: missing(&after.ip_list, &current.ip_list),
            vpc_ip_list: missing(&after.vpc_ip_list, &current.vpc_ip_list),
        },
        IpWhitelist {
            ip_list: back(
                &before.ip_list,
                &after.ip_list,
                &written.ip_list,
                &current.ip_list,
            ),
            vpc_ip_list: back(
                &before.vpc_ip_list,
                &after.vpc_ip_list,
                &written.vpc_ip_list,
                &current.vpc_ip_list,
            ),
        },
    )
}
