use crate::client::project::IpWhitelist;

use super::checks::{check_against, destroy_problems};
use super::lists::{diverged, merged};

fn w(ip: &[&str], vpc: &[&str]) -> IpWhitelist {
    IpWhitelist {
        ip_list: ip.iter().map(|s| s.to_string()).collect(),
        vpc_ip_list: vpc.iter().map(|s| s.to_string()).collect(),
    }
}

#[test]
fn only_our_entries_move() {
    let current = w(&["100.100.0.0/16", "10.0.0.1"], &["100.100.0.0/16"]);
    let next = merged(
        &current,
        &w(&["10.0.0.1/32"], &[]),
        &w(&["10.0.0.2"], &["192.168.0.0/16"]),
    );
    assert_eq!(
        next,
        w(
            &["100.100.0.0/16", "10.0.0.2"],
            &["100.100.0.0/16", "192.168.0.0/16"]
        )
    );
}

#[test]
fn a_list_set_alone_on_an_open_project_is_refused() {
    let problems = check_against(&w(&[], &[]), &w(&[], &[]), &w(&["10.0.0.1"], &[]));
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0]
            .summary
            .contains("`ip_list` alone would block every VPC client"),
        "{}",
        problems[0].summary
    );
    // Already blocked before: not this change's doing.
    assert!(check_against(&w(&["1.1.1.1"], &[]), &w(&[], &[]), &w(&["10.0.0.1"], &[])).is_empty());
    // Both set: fine.
    assert!(check_against(
        &w(&[], &[]),
        &w(&[], &[]),
        &w(&["10.0.0.1"], &["0.0.0.0/0"])
    )
    .is_empty());
}

#[test]
fn an_unchanged_entry_stays_where_it_is() {
    let current = w(&["10.0.0.1", "10.0.0.2"], &[]);
    let ours = w(&["10.0.0.1"], &[]);
    assert_eq!(merged(&current, &ours, &ours), current);
}

#[test]
fn what_another_writer_undid_is_seen() {
    let (missing, back) = diverged(
        &w(&["10.0.0.9", "10.0.0.1"], &["192.168.0.0/16"]),
        &w(&["10.0.0.1/32", "10.0.0.2"], &["192.168.0.0/16"]),
        &w(&["10.0.0.9"], &[]),
        &w(&["10.0.0.1/32", "10.0.0.2"], &["192.168.0.0/16"]),
    );
    assert_eq!(missing, w(&["10.0.0.2"], &[]));
    assert_eq!(back, w(&["10.0.0.9"], &[]));
}

/// F9: the console's entry covering the same addresses as ours, spelled otherwise, is
/// someone else's: removing ours leaves it, and its presence after the write is not ours
/// "back"; ours spelled the service's way is still found.
#[test]
fn an_entry_covering_ours_in_another_spelling_is_not_ours() {
    let current = w(
        &["10.0.0.1", "10.0.0.1/32"],
        &["192.168.0.0/16", "192.168.0.0-192.168.255.255"],
    );
    let ours = w(&["10.0.0.1"], &["192.168.0.0/16"]);
    let next = merged(&current, &ours, &IpWhitelist::default());
    assert_eq!(next, w(&["10.0.0.1/32"], &["192.168.0.0-192.168.255.255"]));
    let (missing, back) = diverged(&next, &next, &ours, &IpWhitelist::default());
    assert_eq!(
        (missing, back),
        (IpWhitelist::default(), IpWhitelist::default())
    );
    // A stale writer puts ours back: seen.
    let (_, back) = diverged(&current, &next, &ours, &IpWhitelist::default());
    assert_eq!(back, ours);
    // The service stored ours as `10.0.0.1/32`: that is the one removed.
    let respelled = w(&["10.0.0.1/32", "10.0.0.2"], &[]);
    let next = merged(&respelled, &w(&["10.0.0.1"], &[]), &IpWhitelist::default());
    assert_eq!(next, w(&["10.0.0.2"], &[]));
}

#[test]
fn a_destroy_that_locks_out_or_opens_up_is_named() {
    let lock = destroy_problems(
        "p",
        &w(&["10.0.0.1", "10.0.0.7"], &["192.168.0.0/16"]),
        &w(&["10.0.0.1"], &["192.168.0.0/16"]),
        false,
    );
    assert_eq!(lock.len(), 1);
    assert_eq!(
        lock[0].summary,
        "Destroying it would block every VPC client"
    );
    assert!(
        lock[0].detail.contains("(192.168.0.0/16)"),
        "{}",
        lock[0].detail
    );
    assert!(
        lock[0].detail.contains("still holds 10.0.0.7"),
        "{}",
        lock[0].detail
    );
    assert!(lock[0].detail.contains("allow_unsafe_destroy = true"));
    let open = destroy_problems("p", &w(&["10.0.0.1"], &[]), &w(&["10.0.0.1"], &[]), false);
    assert_eq!(
        open[0].summary,
        "Destroying it would open project p to every network"
    );
    // Others' entries left in both lists, or a lock-out that was there already: fine.
    assert!(destroy_problems(
        "p",
        &w(&["10.0.0.1", "10.0.0.7"], &["10.0.0.8"]),
        &w(&["10.0.0.1"], &[]),
        false
    )
    .is_empty());
    assert!(destroy_problems(
        "p",
        &w(&["10.0.0.1", "10.0.0.7"], &[]),
        &w(&["10.0.0.1"], &[]),
        false
    )
    .is_empty());
}

#[test]
fn someone_elses_entry_is_never_taken_over() {
    let problems = check_against(
        &w(&["100.100.0.0/16"], &["1.2.3.4"]),
        &w(&[], &[]),
        &w(&["100.100.0.0/16"], &["10.0.0.0/8"]),
    );
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0].detail.contains("100.100.0.0/16 is already"),
        "{}",
        problems[0].detail
    );
}
