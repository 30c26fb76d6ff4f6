//! Decoding of rule records.

use super::wire::RawPermission;
use super::*;
use crate::client::net::PortRange;
use crate::reachability::rule_of;

fn permission(extra: serde_json::Value) -> Permission {
    let mut raw = serde_json::json!({
        "SecurityGroupRuleId": "sgr-1", "Direction": "egress", "IpProtocol": "TCP",
        "PortRange": "-1/-1", "Policy": "Drop", "Priority": "1",
    });
    raw.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    serde_json::from_value::<RawPermission>(raw).unwrap().into()
}

#[test]
fn an_ipv6_rule_never_stands_for_an_ipv4_one() {
    // `Ipv6DestCidrIp` only: no IPv4 peer, so the evaluator (IPv4 ENIs and targets) skips it
    // rather than reading an empty `DestCidrIp` as "anywhere".
    let p = permission(serde_json::json!({ "Ipv6DestCidrIp": "::/0" }));
    assert_eq!(p.dest_cidr, None);
    assert!(rule_of(&p).is_none());
}

#[test]
fn a_port_list_rule_has_no_range_of_its_own() {
    let p = permission(serde_json::json!({
        "DestCidrIp": "0.0.0.0/0", "PortRangeListId": "prl-1"
    }));
    assert_eq!(p.port_range_list_id.as_deref(), Some("prl-1"));
    assert_eq!(p.port_range, None, "not every port");
    assert!(
        rule_of(&p).is_none(),
        "evaluated only through the list's ranges"
    );
    let plain = permission(serde_json::json!({ "DestCidrIp": "0.0.0.0/0" }));
    assert_eq!(plain.port_range, Some(PortRange::All));
}
