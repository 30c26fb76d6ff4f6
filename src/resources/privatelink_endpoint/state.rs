//! The endpoint's state: what the configuration says, and what the service reports into it.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use tf_provider::value::Value;

use super::{known, text};
use crate::client::ids::VpcId;
use crate::client::privatelink::{Endpoint, EndpointZone, ZoneStatus};
use crate::framework::attr::Slot;
use crate::framework::timeouts::TimeoutsCud;
use crate::validate::endpoint::Zones;

/// One zone as the service reports it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ZoneDetail {
    #[serde(default)]
    pub zone_id: Value<String>,
    #[serde(default)]
    pub vswitch_id: Value<String>,
    #[serde(default)]
    pub eni_id: Value<String>,
    #[serde(default)]
    pub eni_ip: Value<String>,
    #[serde(default)]
    pub domain: Value<String>,
    #[serde(default)]
    pub status: Value<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct State {
    #[serde(default)]
    pub id: Value<String>,
    #[serde(default)]
    pub name: Value<String>,
    #[serde(default)]
    pub description: Value<String>,
    #[serde(default)]
    pub vpc_id: Value<String>,
    #[serde(default)]
    pub service_name: Value<String>,
    #[serde(default)]
    pub vswitch_ids: Value<BTreeSet<Value<String>>>,
    #[serde(default)]
    pub fixed_ips: Value<BTreeMap<String, Value<String>>>,
    #[serde(default)]
    pub security_group_ids: Value<BTreeSet<Value<String>>>,
    #[serde(default)]
    pub zone_affinity: Value<bool>,
    #[serde(default)]
    pub endpoint_domain: Value<String>,
    #[serde(default)]
    pub maxcompute_endpoint: Value<String>,
    #[serde(default)]
    pub status: Value<String>,
    #[serde(default)]
    pub connection_status: Value<String>,
    #[serde(default)]
    pub zone_details: Value<Vec<Value<ZoneDetail>>>,
    #[serde(default)]
    pub timeouts: Value<Vec<TimeoutsCud>>,
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
