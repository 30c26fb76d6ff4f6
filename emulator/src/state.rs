//! The emulated cloud's state: what the admin API shows and edits, what `--state-file` saves and
//! what a fixture file holds. Field names are snake_case here; the API answers in the cloud's casing.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CloudState {
    /// The region this emulator answers for.
    #[serde(default = "default_region")]
    pub region: String,
    #[serde(default)]
    pub access_keys: Vec<AccessKey>,
    #[serde(default)]
    pub vpcs: BTreeMap<String, Vpc>,
    #[serde(default)]
    pub vswitches: BTreeMap<String, VSwitch>,
    #[serde(default)]
    pub security_groups: BTreeMap<String, SecurityGroup>,
    /// `Action:ClientToken` → the ID the first call returned, so retries return it again.
    #[serde(default)]
    pub client_tokens: BTreeMap<String, String>,
    /// Source of new IDs.
    #[serde(default)]
    pub next_id: u64,
}

fn default_region() -> String {
    "cn-hangzhou".into()
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccessKey {
    pub access_key_id: String,
    pub access_key_secret: String,
    /// When set, requests with this key must carry this STS token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_token: Option<String>,
    /// The token has expired: every request is refused with `InvalidSecurityToken.Expired`.
    #[serde(default)]
    pub token_expired: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Vpc {
    pub vpc_id: String,
    #[serde(default)]
    pub vpc_name: String,
    pub region_id: String,
    pub cidr_block: String,
    #[serde(default = "available")]
    pub status: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VSwitch {
    pub vswitch_id: String,
    #[serde(default)]
    pub vswitch_name: String,
    pub vpc_id: String,
    pub zone_id: String,
    pub cidr_block: String,
    #[serde(default = "available")]
    pub status: String,
}

fn available() -> String {
    "Available".into()
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SecurityGroup {
    pub security_group_id: String,
    #[serde(default)]
    pub security_group_name: String,
    #[serde(default)]
    pub description: String,
    pub vpc_id: String,
    /// `normal` (basic) or `enterprise` (advanced).
    #[serde(default = "normal")]
    pub security_group_type: String,
    #[serde(default)]
    pub creation_time: String,
    #[serde(default)]
    pub rules: Vec<Rule>,
}

fn normal() -> String {
    "normal".into()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    pub security_group_rule_id: String,
    /// `ingress` or `egress`.
    pub direction: String,
    /// Upper case, as the cloud reports it: `TCP`, `UDP`, `ICMP`, `GRE`, `ALL`.
    pub ip_protocol: String,
    pub port_range: String,
    #[serde(default)]
    pub source_cidr_ip: String,
    #[serde(default)]
    pub source_group_id: String,
    #[serde(default)]
    pub dest_cidr_ip: String,
    /// `Accept` or `Drop`.
    pub policy: String,
    pub priority: u8,
    #[serde(default = "intranet")]
    pub nic_type: String,
    #[serde(default)]
    pub description: String,
}

fn intranet() -> String {
    "intranet".into()
}

impl Rule {
    /// Two rules with the same match and action are the same rule to the cloud.
    pub fn same_as(&self, other: &Rule) -> bool {
        self.direction == other.direction
            && self.ip_protocol == other.ip_protocol
            && self.port_range == other.port_range
            && self.source_cidr_ip == other.source_cidr_ip
            && self.source_group_id == other.source_group_id
            && self.dest_cidr_ip == other.dest_cidr_ip
            && self.policy == other.policy
            && self.priority == other.priority
    }
}

impl CloudState {
    /// The built-in fixture: a VPC with vSwitches in supported zones, an enterprise group, keys.
    pub fn default_fixture() -> Self {
        serde_json::from_str(include_str!("../fixtures/default.json"))
            .expect("the built-in fixture is valid")
    }

    /// A new ID with the given prefix: lower-case hex, like the cloud's.
    pub fn new_id(&mut self, prefix: &str) -> String {
        self.next_id += 1;
        format!(
            "{prefix}emu{:016x}",
            self.next_id.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 4
        )
    }
}
