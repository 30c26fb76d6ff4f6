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
    /// The account the keys belong to (`GetCallerIdentity`, ARNs).
    #[serde(default = "default_account")]
    pub account_id: String,
    /// RAM roles STS issues credentials for, by role name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub ram_roles: BTreeMap<String, RamRole>,
    /// OIDC identity providers registered in RAM, by ARN.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub oidc_providers: BTreeMap<String, OidcProvider>,
    /// The ECS instance the metadata stand-in (`/latest/...`) speaks for: its RAM role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ecs_instance: Option<EcsInstance>,
    #[serde(default)]
    pub vpcs: BTreeMap<String, Vpc>,
    #[serde(default)]
    pub vswitches: BTreeMap<String, VSwitch>,
    #[serde(default)]
    pub security_groups: BTreeMap<String, SecurityGroup>,
    /// MaxCompute network links by name (the provisional contract of this project).
    #[serde(default)]
    pub network_links: BTreeMap<String, NetworkLink>,
    /// RDS instances (whitelist groups only), by ID.
    #[serde(default)]
    pub rds_instances: BTreeMap<String, RdsInstance>,
    /// HBase clusters (whitelist groups only), by ID.
    #[serde(default)]
    pub hbase_clusters: BTreeMap<String, HbaseCluster>,
    /// EMR clusters (what GetCluster reports), by ID.
    #[serde(default)]
    pub emr_clusters: BTreeMap<String, EmrCluster>,
    /// DataWorks resource groups (with their networks), by ID.
    #[serde(default)]
    pub dataworks_resource_groups: BTreeMap<String, DwResourceGroup>,
    /// MaxCompute projects (their IP whitelists), by name.
    #[serde(default)]
    pub projects: BTreeMap<String, Project>,
    /// PrivateLink endpoint services the account may connect to (ListVpcEndpointServicesByEndUser).
    #[serde(default)]
    pub privatelink_services: Vec<PrivateLinkService>,
    /// PrivateLink endpoints, by ID.
    #[serde(default)]
    pub vpc_endpoints: BTreeMap<String, VpcEndpoint>,
    /// ECS prefix lists (`DescribePrefixListAttributes`), by ID.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub prefix_lists: BTreeMap<String, PrefixList>,
    /// ECS port lists (`DescribePortRangeListEntries`), by ID.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub port_range_lists: BTreeMap<String, PortRangeList>,
    /// ENIs MaxCompute placed in the customer's vSwitches, by ID.
    #[serde(default)]
    pub enis: BTreeMap<String, Eni>,
    /// Behaviour switches tests and module authors may flip.
    #[serde(default)]
    pub settings: Settings,
    /// `Action:ClientToken` → the ID the first call returned, so retries return it again.
    #[serde(default)]
    pub client_tokens: BTreeMap<String, String>,
    /// `Action:ClientToken` → the first call's own parameters: a reuse with other parameters is
    /// refused (`IdempotentParameterMismatch`), as the cloud does.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub client_token_params: BTreeMap<String, String>,
    /// Source of new IDs.
    #[serde(default)]
    pub next_id: u64,
}

fn default_region() -> String {
    "cn-hangzhou".into()
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Settings {
    /// Seed 000 step 1: MaxCompute may create ENIs in the account's VPCs.
    #[serde(default = "yes")]
    pub eni_authorized: bool,
    /// How long a network link stays `CREATING`.
    #[serde(default = "create_ms")]
    pub network_link_create_ms: u64,
    /// How long a network link stays `DELETING`.
    #[serde(default = "delete_ms")]
    pub network_link_delete_ms: u64,
    /// When set, new network links end `FAILED` with this reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_link_failure: Option<String>,
    /// How long an RDS instance stays busy after a whitelist change (changes meanwhile are refused
    /// with `OperationDenied.DBInstanceStatus`).
    #[serde(default = "busy_ms")]
    pub rds_busy_ms: u64,
    /// The same for HBase clusters (`Instance.InvalidStatus`).
    #[serde(default = "busy_ms")]
    pub hbase_busy_ms: u64,
    /// When set, `CreateSecurityGroup` makes groups of this type whatever was asked (to model a
    /// group created by someone else's module as advanced).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub force_security_group_type: Option<String>,
    /// `false`: answer like today's real MaxCompute endpoint, which has no network-link API —
    /// every provisional network-link path gets 404 `ObjectNotFound`.
    #[serde(default = "yes")]
    pub network_link_api: bool,
    /// How long a PrivateLink endpoint stays `Creating`, a change keeps it `Pending`, and a
    /// delete keeps it `Deleting`.
    #[serde(default = "privatelink_ms")]
    pub privatelink_ms: u64,
    /// Test only: issued STS credentials live this many seconds instead of `DurationSeconds`
    /// (which the API keeps at 900 or more), so a test can outlive them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sts_credential_seconds: Option<i64>,
    /// What a new network link leaves in the VPC: ENIs in its group (the documented procedure),
    /// or reverse PrivateLink endpoints carrying its group (what MaxCompute's service-linked role
    /// `AliyunServiceRolePolicyForMaxComputeNetwork` may make since 2025; not confirmed).
    #[serde(default)]
    pub link_footprint: LinkFootprint,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LinkFootprint {
    #[default]
    Eni,
    Privatelink,
}

fn privatelink_ms() -> u64 {
    300
}

fn yes() -> bool {
    true
}

fn busy_ms() -> u64 {
    200
}

fn create_ms() -> u64 {
    1000
}

fn delete_ms() -> u64 {
    500
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            eni_authorized: true,
            network_link_create_ms: create_ms(),
            network_link_delete_ms: delete_ms(),
            network_link_failure: None,
            rds_busy_ms: busy_ms(),
            hbase_busy_ms: busy_ms(),
            force_security_group_type: None,
            network_link_api: true,
            privatelink_ms: privatelink_ms(),
            sts_credential_seconds: None,
            link_footprint: LinkFootprint::Eni,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NetworkLink {
    pub name: String,
    #[serde(rename = "type")]
    pub link_type: String,
    pub region_id: String,
    pub vpc_id: String,
    pub vswitch_id: String,
    pub zone_id: String,
    pub vswitch_cidr: String,
    pub security_group_id: String,
    #[serde(default)]
    pub description: String,
    /// `CREATING`, `AVAILABLE`, `FAILED` or `DELETING` (as stored; reads advance it with time).
    pub status: String,
    #[serde(default)]
    pub status_reason: String,
    #[serde(default)]
    pub eni_ips: Vec<String>,
    #[serde(default)]
    pub return_security_group_ids: Vec<String>,
    #[serde(default)]
    pub client_token: String,
    /// Unix milliseconds: when `CREATING` ends, when `DELETING` ends.
    #[serde(default)]
    pub ready_at_ms: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gone_at_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail_reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RdsInstance {
    pub db_instance_id: String,
    #[serde(default)]
    pub groups: Vec<RdsGroup>,
    /// Unix milliseconds until which changes are refused.
    #[serde(default)]
    pub busy_until_ms: u64,
    /// `normal` (standard whitelist mode) or `safety` (enhanced: each group is for one network
    /// type).
    #[serde(default = "normal_mode")]
    pub security_ip_mode: String,
    /// The instance's VPC address and port (`DescribeDBInstanceNetInfo`); none when empty.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub private_ip: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub vpc_id: String,
}

fn normal_mode() -> String {
    "normal".into()
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RdsGroup {
    pub name: String,
    pub ips: Vec<String>,
    /// `hidden` for system groups (DMS, DTS, DAS).
    #[serde(default)]
    pub attribute: String,
    /// The `WhitelistNetworkType` the group was last written with (enhanced mode only).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub network_type: String,
}

/// A DataWorks resource group, as `GetResourceGroup` and `ListNetworks` report it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DwResourceGroup {
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub resource_group_type: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub default_vpc_id: String,
    #[serde(default)]
    pub default_vswitch_id: String,
    #[serde(default)]
    pub networks: Vec<DwNetwork>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DwNetwork {
    pub id: u64,
    pub vpc_id: String,
    pub vswitch_id: String,
    #[serde(default)]
    pub security_group_id: String,
    #[serde(default)]
    pub status: String,
}

/// A MaxCompute project: what `GetProject` reports of it, the whitelists as the cloud stores
/// them (comma-separated; empty = not set).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Project {
    pub name: String,
    #[serde(default)]
    pub owner: String,
    #[serde(default = "project_available")]
    pub status: String,
    #[serde(default)]
    pub ip_list: String,
    #[serde(default)]
    pub vpc_ip_list: String,
}

fn project_available() -> String {
    "AVAILABLE".into()
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HbaseCluster {
    pub cluster_id: String,
    /// Where the cluster's nodes are (`DescribeInstance`): empty in older fixtures.
    #[serde(default)]
    pub vpc_id: String,
    #[serde(default)]
    pub vswitch_id: String,
    #[serde(default)]
    pub zone_id: String,
    #[serde(default)]
    pub groups: Vec<HbaseGroup>,
    #[serde(default)]
    pub busy_until_ms: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HbaseGroup {
    pub name: String,
    #[serde(default = "four")]
    pub ip_version: u8,
    pub ips: Vec<String>,
}

fn four() -> u8 {
    4
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EmrCluster {
    pub cluster_id: String,
    #[serde(default)]
    pub cluster_name: String,
    #[serde(default = "running")]
    pub cluster_state: String,
    pub release_version: String,
    /// The ECS group all nodes are in: where access rules go.
    pub security_group_id: String,
    pub vpc_id: String,
    #[serde(default)]
    pub zone_id: String,
    /// What `ListNodes` lists.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nodes: Vec<EmrNode>,
    /// Node group type (`MASTER`, `CORE`, …) → the groups its nodes are in besides
    /// `security_group_id` (`ListNodeGroups` → `AdditionalSecurityGroupIds`).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub additional_security_group_ids: std::collections::BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EmrNode {
    pub node_id: String,
    /// `MASTER`, `CORE`, `TASK`.
    pub node_group_type: String,
    pub private_ip: String,
}

fn running() -> String {
    "RUNNING".into()
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Eni {
    pub eni_id: String,
    pub vswitch_id: String,
    pub vpc_id: String,
    pub primary_ip: String,
    pub security_group_ids: Vec<String>,
    /// The link that made it; empty for ENIs seeded as if a link had been made in the console.
    #[serde(default)]
    pub network_link: String,
}

/// An endpoint service as `ListVpcEndpointServicesByEndUser` lists it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PrivateLinkService {
    pub service_id: String,
    pub service_name: String,
    pub service_domain: String,
    #[serde(default = "interface")]
    pub service_type: String,
    /// Zones the service has resources in; endpoint zones must be among them.
    pub zones: Vec<String>,
    #[serde(default)]
    pub zone_affinity_enabled: bool,
}

fn interface() -> String {
    "Interface".into()
}

/// A PrivateLink interface endpoint.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VpcEndpoint {
    pub endpoint_id: String,
    #[serde(default)]
    pub endpoint_name: String,
    #[serde(default)]
    pub endpoint_description: String,
    pub vpc_id: String,
    pub service_id: String,
    pub service_name: String,
    pub endpoint_domain: String,
    /// `Interface` (made by a user), `Reverse` (made in the user's VPC by a service, e.g.
    /// MaxCompute's service-linked role for a network link), `GatewayLoadBalancer`.
    #[serde(default = "interface")]
    pub endpoint_type: String,
    /// `Creating`, `Active`, `Pending` (being changed), `Deleting`.
    pub endpoint_status: String,
    /// When `Creating` / `Pending` turns `Active`, or `Deleting` turns gone.
    #[serde(default)]
    pub until_ms: u64,
    #[serde(default)]
    pub zone_affinity_enabled: bool,
    pub security_group_ids: Vec<String>,
    pub zones: Vec<EndpointZone>,
    #[serde(default)]
    pub create_time: String,
    /// The emulated network link that made it (a reverse endpoint); empty otherwise.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub network_link: String,
}

/// One zone of an endpoint: its vSwitch and the ENI PrivateLink placed there.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EndpointZone {
    pub zone_id: String,
    pub vswitch_id: String,
    pub eni_id: String,
    pub eni_ip: String,
    pub zone_domain: String,
    /// `Creating`, `Wait`, `Connected`, `Deleting` …
    pub zone_status: String,
}

/// An ECS prefix list: named CIDR blocks rules can refer to.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PrefixList {
    pub prefix_list_id: String,
    #[serde(default)]
    pub prefix_list_name: String,
    pub cidrs: Vec<String>,
}

/// An ECS port list: named port ranges (`80/80`, `8000/8080`) rules can use instead of one range.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PortRangeList {
    pub port_range_list_id: String,
    pub entries: Vec<String>,
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
    /// Unix seconds after which the token is expired (credentials STS issued).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<i64>,
    /// Who the key is: `user/<name>` (a RAM user), `assumed-role/<role>/<session>`; absent: the
    /// account itself (root), which may not assume roles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal: Option<String>,
}

impl AccessKey {
    pub fn expired(&self, now: i64) -> bool {
        self.token_expired || self.expires_at.is_some_and(|t| now >= t)
    }
}

fn default_account() -> String {
    "1000000000000001".into()
}

/// A RAM role and its trust policy, reduced to what STS checks.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RamRole {
    pub role_name: String,
    #[serde(default)]
    pub role_id: String,
    /// Principals allowed to `AssumeRole`: `user/<name>`, `assumed-role/<role>` (any session of
    /// it), or `*` (any RAM identity of the account).
    #[serde(default)]
    pub trusted: Vec<String>,
    /// OIDC provider ARNs allowed to `AssumeRoleWithOIDC`.
    #[serde(default)]
    pub trusted_oidc_providers: Vec<String>,
    /// The trust policy's `sts:ExternalId` condition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// `MaxSessionDuration` (seconds; RAM's default 3600).
    #[serde(default = "one_hour")]
    pub max_session_duration: i64,
}

fn one_hour() -> i64 {
    3600
}

/// The instance behind the metadata stand-in.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EcsInstance {
    /// The RAM role attached to the instance (a name in `ram_roles`).
    pub role_name: String,
    /// Hardened mode required: requests without a session token get 403.
    #[serde(default)]
    pub hardened_only: bool,
}

/// An OIDC identity provider in RAM: the issuer its tokens must name and their audiences.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OidcProvider {
    pub issuer_url: String,
    #[serde(default)]
    pub client_ids: Vec<String>,
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

fn available() -> String {
    "Available".into()
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
    /// A prefix list as the peer (rules made in the console; the provider writes none).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source_prefix_list_id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub dest_prefix_list_id: String,
    /// A port list instead of one range (console-made rules; the provider writes none).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub port_range_list_id: String,
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
