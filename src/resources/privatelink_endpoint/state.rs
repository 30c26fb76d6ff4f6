//! The endpoint's state and its attributes: what the configuration says, and what the service
//! reports into it.

use std::collections::{BTreeMap, BTreeSet};

use tf_provider::value::Value;

use super::{known, text};
use crate::client::ids::{EndpointName, SecurityGroupId, VSwitchId, VpcId};
use crate::client::privatelink::{Endpoint, EndpointZone, ZoneStatus};
use crate::framework::attr::Slot;
use crate::framework::declare::TimeoutsBlock;
use crate::framework::schema::Attr;
use crate::framework::timeouts::TimeoutsCud;
use crate::validate::endpoint::Zones;
use crate::validate::privatelink as rules;

crate::object! {
    /// One zone as the service reports it.
    #[serde(default)]
    pub struct ZoneDetail {
        zone_id: Value<String>,
        vswitch_id: Value<String>,
        eni_id: Value<String>,
        eni_ip: Value<String>,
        domain: Value<String>,
        status: Value<String>,
    }
}

crate::state! {
    /// The resource's state, attribute for attribute.
    pub struct State {
        id: Value<String> = Attr::string("The endpoint ID (`ep-…`).").computed(),
        name: Value<String> = Attr::string(
            "The endpoint name: 2–128 characters, starting with a letter; letters, \
             digits, `-`, `_`. Unique per VPC for this provider (it tells this \
             configuration's endpoint from others). Updated in place.",
        )
        .required()
            => .valid(EndpointName::check),
        description: Value<String> =
            Attr::string("A description, 2–256 characters. Updated in place.").optional()
            => .valid(rules::endpoint_description),
        vpc_id: Value<String> =
            Attr::string("The VPC the endpoint serves. Changing it replaces the endpoint.")
                .required()
            => .replace()
               .valid(VpcId::check),
        service_name: Value<String> = Attr::string(
            "The endpoint service. Default: MaxCompute's interface service in the \
             provider's region, found with `ListVpcEndpointServicesByEndUser` (see data \
             source `maxcompute_privatelink_service`). Changing it replaces the endpoint.",
        )
        .optional_computed()
            => .replace()
               .computed_when_unset(),
        vswitch_ids: Value<BTreeSet<Value<String>>> = Attr::string_set(
            "vSwitches of `vpc_id`, one per zone, in zones the service offers: \
             PrivateLink places one ENI in each. Use two or more zones for failover. \
             Zones are added and removed in place.",
        )
        .required()
            => .valid(VSwitchId::check)
               .rule(super::zones_rule),
        fixed_ips: Value<BTreeMap<String, Value<String>>> = Attr::string_map(
            "Optional fixed ENI addresses: vSwitch ID → an address inside that vSwitch. \
             Default: PrivateLink chooses. Changing one replaces that zone's ENI (in \
             place for the endpoint).",
        )
        .optional(),
        security_group_ids: Value<BTreeSet<Value<String>>> = Attr::string_set(
            "Security groups of `vpc_id` for the endpoint's ENIs; they decide which \
             clients reach it (HTTP 80 / HTTPS 443). Attached and detached in place.",
        )
        .required()
            => .valid(SecurityGroupId::check)
               .rule(super::groups_rule),
        zone_affinity: Value<bool> = Attr::bool(
            "Resolve the endpoint domain to the ENI in the client's own zone first. \
             Default `false`. Updated in place.",
        )
        .optional_computed()
            => .default(|s| s.zone_affinity = Value::Value(false)),
        endpoint_domain: Value<String> = Attr::string(
            "The endpoint's domain name: resolves to the ENIs of all zones (with \
             failover).",
        )
        .computed(),
        maxcompute_endpoint: Value<String> = Attr::string(
            "The MaxCompute endpoint URL for clients in the VPC: \
             `https://<endpoint_domain>/api`. **Provisional:** MaxCompute's documents do \
             not spell this form out.",
        )
        .computed(),
        // An update reads the endpoint back: its statuses are whatever they are then.
        status: Value<String> = Attr::string(
            "`Active` once usable (`Creating`, `Pending` while a change is applied, \
             `Deleting`).",
        )
        .computed()
            => .unknown_on_update(),
        connection_status: Value<String> =
            Attr::string("`Connected` once the service accepted the endpoint.").computed()
            => .unknown_on_update(),
        zone_details: Value<Vec<Value<ZoneDetail>>> = Attr::object_list(
            "One entry per zone as the service reports it: `zone_id`, `vswitch_id`, \
             `eni_id`, `eni_ip`, `domain` (the zone's own domain name) and `status`.",
            &ZoneDetail::fields(),
        )
        .computed()
            => .unknown_when_changed(vec![|s| &s.vswitch_ids, |s| &s.fixed_ips]),
        timeouts: Value<Vec<TimeoutsCud>> =
            TimeoutsBlock(&[("create", "10m"), ("update", "10m"), ("delete", "10m")]),
    }
}

/// The configured zones whose vSwitch is known: the vSwitch and its fixed ENI address, if any.
pub(super) fn zones_of(s: &State) -> Vec<(String, Option<String>)> {
    let fixed = s.fixed_ips.as_ref_option();
    s.vswitch_ids
        .as_ref_option()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_ref_option())
        .map(|v| {
            let ip = fixed
                .and_then(|m| m.get(v))
                .and_then(|ip| ip.as_ref_option())
                .cloned();
            (v.clone(), ip)
        })
        .collect()
}

pub(super) fn vpc(s: &State) -> Option<VpcId> {
    known(&s.vpc_id).and_then(|v| VpcId::parse(v).ok())
}

/// The endpoint's zones as its checks take them.
pub(super) fn zones(s: &State) -> Zones {
    let vswitches = zones_of(s);
    let listed: Vec<&String> = vswitches.iter().map(|(v, _)| v).collect();
    let unlisted = match (&s.vswitch_ids, s.fixed_ips.as_ref_option()) {
        (Value::Value(_), Some(fixed)) => fixed
            .keys()
            .filter(|v| !listed.contains(v))
            .cloned()
            .collect(),
        _ => Vec::new(),
    };
    Zones {
        vpc: vpc(s),
        service: known(&s.service_name).map(str::to_string),
        unlisted,
        all_known: s.vswitch_ids.is_known(),
        vswitches,
    }
}

/// The known security group IDs.
pub(super) fn groups_of(s: &State) -> Vec<String> {
    s.security_group_ids
        .as_ref_option()
        .into_iter()
        .flatten()
        .filter_map(|g| g.as_ref_option().cloned())
        .collect()
}

/// `https://<endpoint domain>/api`: MaxCompute's endpoint path (`/api`) on the endpoint's domain.
/// Provisional: MaxCompute's documents do not spell out the URL to use through an endpoint.
pub fn maxcompute_endpoint(domain: &str) -> String {
    format!("https://{domain}/api")
}

impl State {
    /// Everything the service reports; configuration-only values (fixed IPs not set, a description
    /// left out) stay as configured.
    pub(super) fn fill(&mut self, e: &Endpoint, zones: &[EndpointZone], groups: &[String]) {
        self.id = text(&e.endpoint_id);
        self.name = text(&e.endpoint_name);
        if self.description.is_value()
            || self.description.is_unknown() && !e.endpoint_description.is_empty()
        {
            self.description = text(&e.endpoint_description);
        }
        if self.description.is_unknown() {
            self.description = Value::Null;
        }
        self.vpc_id = text(&e.vpc_id);
        self.service_name = text(&e.service_name);
        self.zone_affinity = Value::Value(e.zone_affinity_enabled);
        self.endpoint_domain = text(&e.endpoint_domain);
        self.maxcompute_endpoint = text(&maxcompute_endpoint(&e.endpoint_domain));
        self.status = text(e.endpoint_status.as_str());
        self.connection_status = text(e.connection_status.as_str());
        let live = zones
            .iter()
            .filter(|z| z.zone_status != ZoneStatus::Deleting);
        self.vswitch_ids = Value::Value(live.clone().map(|z| text(&z.vswitch_id)).collect());
        // Fixed addresses stay as configured: the ones set are read back, none added.
        if let Value::Value(fixed) = &mut self.fixed_ips {
            fixed.retain(|v, _| zones.iter().any(|z| &z.vswitch_id == v));
            for (v, ip) in fixed.iter_mut() {
                if let Some(z) = zones.iter().find(|z| &z.vswitch_id == v) {
                    *ip = text(&z.eni_ip);
                }
            }
        }
        self.zone_details = Value::Value(
            live.map(|z| {
                Value::Value(ZoneDetail {
                    zone_id: text(&z.zone_id),
                    vswitch_id: text(&z.vswitch_id),
                    eni_id: text(&z.eni_id),
                    eni_ip: text(&z.eni_ip),
                    domain: text(&z.zone_domain),
                    status: text(z.zone_status.as_str()),
                })
            })
            .collect(),
        );
        self.security_group_ids = Value::Value(groups.iter().map(|g| text(g)).collect());
        if self.timeouts.is_null() {
            self.timeouts = Value::Value(Vec::new());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::privatelink::{ConnectionStatus, EndpointStatus};

    fn set(items: &[&str]) -> Value<BTreeSet<Value<String>>> {
        Value::Value(items.iter().map(|v| text(v)).collect())
    }

    fn zone(vsw: &str, ip: &str, status: ZoneStatus) -> EndpointZone {
        EndpointZone {
            zone_id: format!("zone-of-{vsw}"),
            vswitch_id: vsw.into(),
            eni_id: format!("eni-{vsw}"),
            eni_ip: ip.into(),
            zone_domain: format!("{vsw}.example"),
            zone_status: status,
        }
    }

    #[test]
    fn the_zones_check_sees_fixed_addresses_of_vswitches_not_listed() {
        let s = State {
            vpc_id: text("vpc-a"),
            vswitch_ids: set(&["vsw-1", "vsw-2"]),
            fixed_ips: Value::Value(BTreeMap::from([
                ("vsw-1".to_string(), text("10.0.0.5")),
                ("vsw-9".to_string(), text("10.9.0.5")),
            ])),
            ..Default::default()
        };
        let z = zones(&s);
        assert_eq!(z.vpc.as_ref().map(|v| v.as_str()), Some("vpc-a"));
        assert_eq!(
            z.vswitches,
            vec![
                ("vsw-1".to_string(), Some("10.0.0.5".to_string())),
                ("vsw-2".to_string(), None)
            ]
        );
        assert_eq!(z.unlisted, vec!["vsw-9".to_string()]);
        assert!(z.all_known);
        assert_eq!(
            z.service, None,
            "no service_name: MaxCompute's of the region"
        );
        // vSwitches unknown at plan: no entry is said to be unlisted yet.
        let unknown = State {
            vswitch_ids: Value::Unknown,
            ..s
        };
        assert!(zones(&unknown).unlisted.is_empty());
        assert!(!zones(&unknown).all_known);
    }

    #[test]
    fn fill_takes_statuses_drops_zones_being_deleted_and_reads_fixed_addresses_back() {
        let mut s = State {
            fixed_ips: Value::Value(BTreeMap::from([
                ("vsw-1".to_string(), text("10.0.0.5")),
                ("vsw-gone".to_string(), text("10.8.0.5")),
            ])),
            description: Value::Unknown,
            ..Default::default()
        };
        let e = Endpoint {
            endpoint_id: "ep-1".into(),
            endpoint_name: "mc".into(),
            endpoint_status: EndpointStatus::Pending,
            connection_status: ConnectionStatus::Connected,
            endpoint_domain: "ep-1.example".into(),
            ..Default::default()
        };
        let zones = [
            zone("vsw-1", "10.0.0.6", ZoneStatus::Connected),
            zone("vsw-2", "10.1.0.7", ZoneStatus::Deleting),
        ];
        s.fill(&e, &zones, &["sg-1".to_string()]);
        assert_eq!(s.status, text("Pending"));
        assert_eq!(s.connection_status, text("Connected"));
        assert_eq!(s.maxcompute_endpoint, text("https://ep-1.example/api"));
        assert_eq!(
            s.vswitch_ids,
            set(&["vsw-1"]),
            "a zone being deleted is not the endpoint's"
        );
        let fixed = s.fixed_ips.as_ref_option().unwrap();
        assert_eq!(
            fixed.get("vsw-1"),
            Some(&text("10.0.0.6")),
            "read back as the service has it"
        );
        assert!(
            !fixed.contains_key("vsw-gone"),
            "an address of a zone the endpoint lacks"
        );
        assert_eq!(
            s.description,
            Value::Null,
            "an empty description read by import is none"
        );
        assert_eq!(s.security_group_ids, set(&["sg-1"]));
    }
}
