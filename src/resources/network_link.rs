//! `maxcompute_network_link`: seed 000 steps 1–3 and 5 as one resource — a MaxCompute network
//! link from a VPC, vSwitch and basic security group, with every mistake caught by `plan`.
//!
//! The cloud contract is provisional (see `client::maxcompute`).

use std::collections::BTreeMap;
use std::time::Duration;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tf_provider::schema::{Block, Description, Schema};
use tf_provider::value::{StructEmpty, Value};
use tf_provider::{map, AttributePath, Diagnostics, Resource};

use crate::client::ids::{SecurityGroupId, VSwitchId, VpcId};
use crate::client::maxcompute::{self, CreateNetworkLink, LinkStatus, NetworkLink};
use crate::client::Client;
use crate::framework::diag::client_error;
use crate::framework::schema::Attr;
use crate::framework::timeouts::{self, Timeouts};
use crate::framework::{client, ClientCell, Private, SharedFacts};
use crate::validate;
use crate::validate::cloud::{check_link_targets, LinkTargets};

pub const DEFAULT_TYPE: &str = "Passthrough";
const CREATE_TIMEOUT: Duration = Duration::from_secs(20 * 60);
const DELETE_TIMEOUT: Duration = Duration::from_secs(10 * 60);

/// The resource's state. Also the data source's, minus `timeouts`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct State {
    #[serde(default)]
    pub id: Value<String>,
    #[serde(default)]
    pub name: Value<String>,
    #[serde(default, rename = "type")]
    pub link_type: Value<String>,
    #[serde(default)]
    pub vpc_id: Value<String>,
    #[serde(default)]
    pub vswitch_id: Value<String>,
    #[serde(default)]
    pub security_group_id: Value<String>,
    #[serde(default)]
    pub description: Value<String>,
    #[serde(default)]
    pub region: Value<String>,
    #[serde(default)]
    pub zone_id: Value<String>,
    #[serde(default)]
    pub vswitch_cidr: Value<String>,
    #[serde(default)]
    pub status: Value<String>,
    #[serde(default)]
    pub eni_ips: Value<Vec<Value<String>>>,
    #[serde(default)]
    pub return_security_group_ids: Value<Vec<Value<String>>>,
    #[serde(default)]
    pub sql_setting: Value<String>,
    #[serde(default)]
    pub table_property: Value<String>,
    #[serde(default)]
    pub spark_conf: Value<BTreeMap<String, Value<String>>>,
    #[serde(default)]
    pub timeouts: Value<Vec<Timeouts>>,
}

/// `SET odps.session.networklink=<name>;`
pub fn sql_setting(name: &str) -> String {
    format!("SET odps.session.networklink={name};")
}

/// `'networklink'='<name>'`, for `TBLPROPERTIES(...)` of foreign tables.
pub fn table_property(name: &str) -> String {
    format!("'networklink'='{name}'")
}

/// The two Spark settings that route a job through the link's VPC.
pub fn spark_conf(region: &str, vpc_id: &str) -> BTreeMap<String, Value<String>> {
    BTreeMap::from([
        (
            "spark.hadoop.odps.cupid.eni.enable".to_string(),
            Value::Value("true".to_string()),
        ),
        (
            "spark.hadoop.odps.cupid.eni.info".to_string(),
            Value::Value(format!("{region}:{vpc_id}")),
        ),
    ])
}

fn strings(v: &[String]) -> Value<Vec<Value<String>>> {
    Value::Value(v.iter().map(|s| Value::Value(s.clone())).collect())
}

impl State {
    /// Fills every attribute the service reports; keeps configuration-only ones.
    pub fn fill(&mut self, link: &NetworkLink) {
        self.id = Value::Value(link.name.clone());
        self.name = Value::Value(link.name.clone());
        self.link_type = Value::Value(if link.link_type.is_empty() {
            DEFAULT_TYPE.into()
        } else {
            link.link_type.clone()
        });
        self.vpc_id = Value::Value(link.vpc_id.clone());
        self.vswitch_id = Value::Value(link.vswitch_id.clone());
        self.security_group_id = Value::Value(link.security_group_id.clone());
        // A description left out of the configuration stays out of the state. Callers that want
        // whatever the service has (import, the data source) pass it as Unknown.
        if self.description.is_value()
            || !link.description.is_empty() && self.description.is_unknown()
        {
            self.description = if link.description.is_empty() {
                Value::Null
            } else {
                Value::Value(link.description.clone())
            };
        }
        self.region = Value::Value(link.region_id.clone());
        self.zone_id = Value::Value(link.zone_id.clone());
        self.vswitch_cidr = Value::Value(link.vswitch_cidr.clone());
        self.status = Value::Value(link.status.as_str().to_string());
        self.eni_ips = strings(&link.eni_ips);
        self.return_security_group_ids = strings(&link.return_security_group_ids);
        self.sql_setting = Value::Value(sql_setting(&link.name));
        self.table_property = Value::Value(table_property(&link.name));
        self.spark_conf = Value::Value(spark_conf(&link.region_id, &link.vpc_id));
        if self.timeouts.is_null() {
            self.timeouts = Value::Value(Vec::new());
        }
    }
}

/// The computed attributes documented once, shared with the data source.
pub fn computed_attributes() -> Vec<(&'static str, Attr)> {
    vec![
        ("region", Attr::string("The region of the link (the provider's region).").computed()),
        ("zone_id", Attr::string("The zone of the vSwitch, where MaxCompute places its ENIs.").computed()),
        ("vswitch_cidr", Attr::string("The CIDR block of the vSwitch. Whitelist this on target services, never the ENI IPs (they can change).").computed()),
        ("status", Attr::string("`AVAILABLE` once the link is usable (`CREATING`, `FAILED`, `DELETING` otherwise).").computed()),
        ("eni_ips", Attr::string_list("The private IPs of the two ENIs MaxCompute placed in the vSwitch. They can change; whitelist `vswitch_cidr` instead.").computed()),
        ("return_security_group_ids", Attr::string_list("The two return-traffic groups MaxCompute created in the VPC (`MaxCompute-vpc-<vpc>`, `MaxCompute-backup-vpc-<vpc>`). Never modify or reuse them.").computed()),
        ("sql_setting", Attr::string("The session setting for SQL and UDF jobs: `SET odps.session.networklink=<name>;`.").computed()),
        ("table_property", Attr::string("The table property for foreign tables: `'networklink'='<name>'` (inside `TBLPROPERTIES(...)`).").computed()),
        ("spark_conf", Attr::string_map("The Spark settings for jobs using the link: `spark.hadoop.odps.cupid.eni.enable = true`, `spark.hadoop.odps.cupid.eni.info = <region>:<vpc>`.").computed()),
    ]
}

pub struct NetworkLinkResource {
    client: ClientCell,
    facts: SharedFacts,
}

impl NetworkLinkResource {
    pub fn new(client: ClientCell, facts: SharedFacts) -> Self {
        Self { client, facts }
    }
}

fn path(attr: &'static str) -> AttributePath {
    AttributePath::new(attr)
}

fn known(v: &Value<String>) -> Option<&str> {
    v.as_ref_option().map(|s| s.as_str())
}

/// Config-only rules, run in validate and again at apply.
fn check_config(diags: &mut Diagnostics, c: &State) {
    if let Some(n) = known(&c.name) {
        if let Err(e) = validate::network_link::link_name(n) {
            diags.error("Invalid name", format!("{e}."), path("name"));
        }
    }
    if let Some(t) = known(&c.link_type) {
        if let Err(e) = validate::network_link::link_type(t) {
            diags.error("Invalid type", format!("{e}."), path("type"));
        }
    }
    let id_errors = [
        (
            "vpc_id",
            known(&c.vpc_id).and_then(|v| VpcId::parse(v).err()),
        ),
        (
            "vswitch_id",
            known(&c.vswitch_id).and_then(|v| VSwitchId::parse(v).err()),
        ),
        (
            "security_group_id",
            known(&c.security_group_id).and_then(|v| SecurityGroupId::parse(v).err()),
        ),
    ];
    for (attr, error) in id_errors {
        if let Some(e) = error {
            diags.error(format!("Invalid {attr}"), e.to_string(), path(attr));
        }
    }
    if let Some(d) = known(&c.description) {
        if d.chars().count() > 256 {
            diags.error(
                "Invalid description",
                "The description must be at most 256 characters.",
                path("description"),
            );
        }
    }
    timeouts::validate(diags, &c.timeouts);
}

/// Runs the cloud-aware checks on the known targets; false when something is wrong.
async fn check_cloud(
    diags: &mut Diagnostics,
    client: &Client,
    facts: &validate::cloud::Facts,
    s: &State,
) -> bool {
    let targets = LinkTargets {
        vpc_id: known(&s.vpc_id),
        vswitch_id: known(&s.vswitch_id),
        security_group_id: known(&s.security_group_id),
    };
    match check_link_targets(client, facts, &targets).await {
        Ok(problems) => {
            let ok = problems.is_empty();
            for p in problems {
                match p.attribute {
                    Some(a) => diags.error(p.summary, p.detail, path(a)),
                    None => diags.root_error(p.summary, p.detail),
                }
            }
            ok
        }
        Err(e) => {
            client_error(
                diags,
                client,
                "checking the network link's VPC, vSwitch and security group",
                &e,
            );
            false
        }
    }
}

/// The planned state of a new link: what is known now is filled, the rest unknown.
async fn plan_new(facts: &validate::cloud::Facts, client: Option<&Client>, mut s: State) -> State {
    if s.link_type.is_null() {
        s.link_type = Value::Value(DEFAULT_TYPE.into());
    }
    s.id = s.name.clone();
    s.status = Value::Unknown;
    s.eni_ips = Value::Unknown;
    s.return_security_group_ids = Value::Unknown;
    s.zone_id = Value::Unknown;
    s.vswitch_cidr = Value::Unknown;
    s.region = client
        .map(|c| Value::Value(c.region().to_string()))
        .unwrap_or(Value::Unknown);
    if let (Some(c), Some(vsw)) = (
        client,
        known(&s.vswitch_id).and_then(|v| VSwitchId::parse(v).ok()),
    ) {
        if let Ok(Some(v)) = facts.vswitch(c, &vsw).await {
            s.zone_id = Value::Value(v.zone_id);
            s.vswitch_cidr = Value::Value(v.cidr_block);
        }
    }
    s.sql_setting = s.name.as_ref().map(|n| sql_setting(n));
    s.table_property = s.name.as_ref().map(|n| table_property(n));
    s.spark_conf = match (&s.region, &s.vpc_id) {
        (Value::Value(r), Value::Value(v)) => Value::Value(spark_conf(r, v)),
        _ => Value::Unknown,
    };
    if s.timeouts.is_null() {
        s.timeouts = Value::Value(Vec::new());
    }
    s
}

/// The existing link of that name, if it is exactly the one requested (same VPC, vSwitch, group).
async fn adoptable(client: &Client, req: &CreateNetworkLink<'_>) -> Option<NetworkLink> {
    let link = client
        .maxcompute()
        .get_network_link(req.name)
        .await
        .ok()??;
    (link.vpc_id == req.vpc_id
        && link.vswitch_id == req.vswitch_id
        && link.security_group_id == req.security_group_id
        && link.status != LinkStatus::Deleting)
        .then_some(link)
}

/// Polls until the link leaves `CREATING`, logging progress; the link at the end, or why not.
async fn wait_available(
    client: &Client,
    name: &str,
    timeout: Duration,
) -> Result<NetworkLink, String> {
    let started = tokio::time::Instant::now();
    let mut wait = Duration::from_millis(500);
    loop {
        match client.maxcompute().get_network_link(name).await {
            Ok(Some(link)) => match link.status {
                LinkStatus::Available => return Ok(link),
                LinkStatus::Failed => {
                    return Err(format!(
                        "The network link ended in state FAILED: {}",
                        if link.status_reason.is_empty() {
                            "the service gave no reason"
                        } else {
                            &link.status_reason
                        }
                    ))
                }
                LinkStatus::Creating => tracing::info!(
                    network_link = name,
                    "waiting for network link {name} to become available (status CREATING, {} s)",
                    started.elapsed().as_secs()
                ),
                // Anything else will not turn into AVAILABLE by waiting: say so now.
                ref other => {
                    let status = other.as_str();
                    return Err(format!(
                        "The service reported status `{status}` for the new link; expected \
                         CREATING, then AVAILABLE. Check the link in the MaxCompute console."
                    ));
                }
            },
            Ok(None) => tracing::info!(
                network_link = name,
                "network link {name} not visible yet ({} s)",
                started.elapsed().as_secs()
            ),
            Err(e) => return Err(e.to_string()),
        }
        if started.elapsed() + wait > timeout {
            return Err(format!(
                "Timed out after {} s waiting for the network link to become AVAILABLE. Raise `timeouts.create` if the service is slow.",
                timeout.as_secs()
            ));
        }
        let paused = client.stop_signal().pause(wait, || {
            "the link was still being created (status CREATING)".into()
        });
        if let Err(e) = paused.await {
            return Err(format!(
                "{e}. If it becomes AVAILABLE and you want to keep it, run `terraform untaint` on \
                 it before the next apply."
            ));
        }
        wait = (wait * 3 / 2).min(Duration::from_secs(10));
    }
}

#[async_trait]
impl Resource for NetworkLinkResource {
    type State<'a> = State;
    type PrivateState<'a> = Option<Private>;
    type ProviderMetaState<'a> = Value<StructEmpty>;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        let mut attributes = map! {
            "id" => Attr::string("The link's name (links are addressed by name).").computed(),
            "name" => Attr::string("The link name: 3–64 characters, letters, digits and `_`, starting with a letter. Jobs refer to the link by this name. Changing it replaces the link.").required(),
            "type" => Attr::string("The link type; `Passthrough` (the default) is the only one.").optional_computed(),
            "vpc_id" => Attr::string("The VPC holding the target services. Changing it replaces the link.").required(),
            "vswitch_id" => Attr::string("The vSwitch (in `vpc_id`, in a supported zone) where MaxCompute places its ENIs. Changing it replaces the link.").required(),
            "security_group_id" => Attr::string("A **basic** security group of `vpc_id` for the ENIs, e.g. `maxcompute_security_group.x.id`. Advanced groups and the auto-created `MaxCompute-vpc-*` groups are refused at plan time. Changing it replaces the link.").required(),
            "description" => Attr::string("A description, at most 256 characters. Updated in place.").optional()
        };
        for (name, attr) in computed_attributes() {
            attributes.insert(name.to_string(), attr.into());
        }
        Some(Schema {
            version: 1,
            block: Block {
                version: 1,
                description: Description::markdown(
                    "A MaxCompute network link: lets MaxCompute jobs reach services in a VPC through two ENIs in a vSwitch. \
                     Checked at plan time: a basic security group of the same VPC, a vSwitch of the same VPC in a supported \
                     zone, MaxCompute authorized to create ENIs. **Provisional:** the cloud API contract used for links is this \
                     provider's own (MaxCompute's public OpenAPI has no network-link API yet).",
                ),
                attributes,
                blocks: map! { "timeouts" => timeouts::block(&[("create", "20m"), ("delete", "10m")]) },
                ..Default::default()
            },
        })
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: State) -> Option<()> {
        check_config(diags, &config);
        Some(())
    }

    async fn read<'a>(
        &self,
        diags: &mut Diagnostics,
        state: State,
        _private: Option<Private>,
        _meta: Value<StructEmpty>,
    ) -> Option<(State, Option<Private>)> {
        let client = client(&self.client, diags)?;
        let name = known(&state.id).or(known(&state.name))?.to_string();
        match client.maxcompute().get_network_link(&name).await {
            Ok(Some(link)) => {
                let mut s = state;
                s.fill(&link);
                Some((s, None))
            }
            Ok(None) => {
                diags.root_warning(
                    format!("Network link {name} no longer exists"),
                    "It was deleted outside Terraform and has been removed from the state; the next apply creates it again.",
                );
                None
            }
            Err(e) => {
                client_error(diags, client, &format!("reading network link {name}"), &e);
                Some((state, None))
            }
        }
    }

    async fn plan_create<'a>(
        &self,
        diags: &mut Diagnostics,
        proposed: State,
        _config: State,
        _meta: Value<StructEmpty>,
    ) -> Option<(State, Option<Private>)> {
        let client = self.client.get();
        if let Some(c) = client {
            check_cloud(diags, c, &self.facts, &proposed).await;
        }
        let planned = plan_new(&self.facts, client, proposed).await;
        let private = Private {
            client_token: Some(uuid::Uuid::new_v4().to_string()),
        };
        Some((planned, Some(private)))
    }

    async fn plan_update<'a>(
        &self,
        diags: &mut Diagnostics,
        prior: State,
        proposed: State,
        _config: State,
        private: Option<Private>,
        _meta: Value<StructEmpty>,
    ) -> Option<(State, Option<Private>, Vec<AttributePath>)> {
        let mut replace = Vec::new();
        for (attr, before, after) in [
            ("name", &prior.name, &proposed.name),
            ("vpc_id", &prior.vpc_id, &proposed.vpc_id),
            ("vswitch_id", &prior.vswitch_id, &proposed.vswitch_id),
            (
                "security_group_id",
                &prior.security_group_id,
                &proposed.security_group_id,
            ),
            ("type", &prior.link_type, &proposed.link_type),
        ] {
            if before != after && !(attr == "type" && after.is_null()) {
                replace.push(path(attr));
            }
        }
        if replace.is_empty() {
            let mut planned = proposed;
            if planned.link_type.is_null() {
                planned.link_type = prior.link_type.clone();
            }
            return Some((planned, private, replace));
        }
        let client = self.client.get();
        if let Some(c) = client {
            check_cloud(diags, c, &self.facts, &proposed).await;
        }
        let planned = plan_new(&self.facts, client, proposed).await;
        let private = Private {
            client_token: Some(uuid::Uuid::new_v4().to_string()),
        };
        Some((planned, Some(private), replace))
    }

    async fn plan_destroy<'a>(
        &self,
        _diags: &mut Diagnostics,
        _prior: State,
        private: Option<Private>,
        _meta: Value<StructEmpty>,
    ) -> Option<Option<Private>> {
        Some(private)
    }

    async fn create<'a>(
        &self,
        diags: &mut Diagnostics,
        planned: State,
        _config: State,
        private: Option<Private>,
        _meta: Value<StructEmpty>,
    ) -> Option<(State, Option<Private>)> {
        check_config(diags, &planned);
        if !diags.errors.is_empty() {
            return None;
        }
        let client = client(&self.client, diags)?;
        // Values unknown at plan time (made by other resources in this apply) are known now:
        // the same checks run before anything is created.
        if !check_cloud(diags, client, &self.facts, &planned).await {
            return None;
        }
        let name = known(&planned.name)?.to_string();
        let token = private
            .as_ref()
            .and_then(|p| p.client_token.clone())
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let request = CreateNetworkLink {
            name: &name,
            link_type: known(&planned.link_type).unwrap_or(DEFAULT_TYPE),
            vpc_id: known(&planned.vpc_id)?,
            vswitch_id: known(&planned.vswitch_id)?,
            security_group_id: known(&planned.security_group_id)?,
            description: known(&planned.description),
            client_token: &token,
        };
        let created = match client.maxcompute().create_network_link(&request).await {
            Ok(link) => link,
            Err(e) if e.code() == Some(maxcompute::ENI_AUTHORIZATION_REQUIRED) => {
                diags.root_error(
                    "MaxCompute may not create ENIs in your VPC",
                    format!(
                        "{}\n\n{e}",
                        validate::cloud::eni_authorization_detail(client.region())
                    ),
                );
                return None;
            }
            Err(e) if e.code() == Some(maxcompute::ALREADY_EXISTS) => {
                match adoptable(client, &request).await {
                    // A link with this name and exactly these targets: this configuration's own link,
                    // created by an apply that was interrupted before it could record it. Adopt it.
                    Some(link) => {
                        tracing::info!(network_link = %name, "adopting existing network link {name} (same VPC, vSwitch and security group)");
                        link
                    }
                    None => {
                        diags.error(
                            format!("A network link named {name} already exists"),
                            format!(
                        "{e}\n\nChoose another name, or bring the existing link under Terraform: \
                         `terraform import <address> {name}`."
                    ),
                            path("name"),
                        );
                        return None;
                    }
                }
            }
            Err(e) => {
                client_error(diags, client, &format!("creating network link {name}"), &e);
                return None;
            }
        };
        tracing::info!(network_link = %name, "network link {name} created, status {}", created.status.as_str());
        // From here on the link exists: always return a state so it is never untracked.
        let mut state = planned.clone();
        state.fill(&created);
        let timeout = timeouts::get(&planned.timeouts, "create", CREATE_TIMEOUT);
        match wait_available(client, &name, timeout).await {
            Ok(link) => state.fill(&link),
            Err(reason) => {
                diags.root_error(
                    format!("Network link {name} did not become available"),
                    format!("{reason}\n\nThe link is kept in the state as tainted; the next apply replaces it."),
                );
            }
        }
        state.timeouts = planned.timeouts;
        Some((state, None))
    }

    async fn update<'a>(
        &self,
        diags: &mut Diagnostics,
        prior: State,
        planned: State,
        _config: State,
        _private: Option<Private>,
        _meta: Value<StructEmpty>,
    ) -> Option<(State, Option<Private>)> {
        check_config(diags, &planned);
        if !diags.errors.is_empty() {
            return None;
        }
        let client = client(&self.client, diags)?;
        let name = known(&prior.id)?.to_string();
        let mut state = planned.clone();
        if planned.description != prior.description {
            if let Some(d) = known(&planned.description) {
                match client
                    .maxcompute()
                    .update_network_link_description(&name, d)
                    .await
                {
                    Ok(link) => state.fill(&link),
                    Err(e) => {
                        client_error(diags, client, &format!("updating network link {name}"), &e);
                        return Some((prior, None));
                    }
                }
            }
        }
        state.timeouts = planned.timeouts;
        Some((state, None))
    }

    async fn destroy<'a>(
        &self,
        diags: &mut Diagnostics,
        prior: State,
        _private: Option<Private>,
        _meta: Value<StructEmpty>,
    ) -> Option<()> {
        let client = client(&self.client, diags)?;
        let name = known(&prior.id)?.to_string();
        match client.maxcompute().delete_network_link(&name).await {
            Ok(false) => return Some(()),
            Ok(true) => {}
            Err(e) => {
                client_error(diags, client, &format!("deleting network link {name}"), &e);
                return None;
            }
        }
        let timeout = timeouts::get(&prior.timeouts, "delete", DELETE_TIMEOUT);
        let started = tokio::time::Instant::now();
        let mut wait = Duration::from_millis(500);
        loop {
            match client.maxcompute().get_network_link(&name).await {
                Ok(None) => return Some(()),
                Ok(Some(link)) => tracing::info!(
                    network_link = %name,
                    "waiting for network link {name} to be deleted (status {}, {} s)",
                    link.status.as_str(),
                    started.elapsed().as_secs()
                ),
                Err(e) => {
                    client_error(
                        diags,
                        client,
                        &format!("waiting for network link {name} to be deleted"),
                        &e,
                    );
                    return None;
                }
            }
            if started.elapsed() + wait > timeout {
                diags.root_error(
                    format!("Network link {name} was not deleted in time"),
                    format!(
                        "Still there after {} s. Raise `timeouts.delete` and run destroy again.",
                        timeout.as_secs()
                    ),
                );
                return None;
            }
            let paused = client
                .stop_signal()
                .pause(wait, || "the deletion was still in progress".into());
            if let Err(e) = paused.await {
                diags.root_error(
                    format!("Network link {name} is still being deleted"),
                    format!("{e}. The link stays in the state; run destroy again to finish."),
                );
                return None;
            }
            wait = (wait * 3 / 2).min(Duration::from_secs(10));
        }
    }

    async fn import<'a>(
        &self,
        diags: &mut Diagnostics,
        id: String,
    ) -> Option<(State, Option<Private>)> {
        let client = client(&self.client, diags)?;
        if let Err(e) = validate::network_link::link_name(&id) {
            diags.root_error(
                "Invalid import ID",
                format!("{e}. Import a network link by its name: `terraform import maxcompute_network_link.NAME <link name>`."),
            );
            return None;
        }
        match client.maxcompute().get_network_link(&id).await {
            Ok(Some(link)) => {
                let mut s = State {
                    description: Value::Unknown,
                    ..Default::default()
                };
                s.fill(&link);
                if s.description.is_unknown() {
                    s.description = Value::Null;
                }
                Some((s, None))
            }
            Ok(None) => {
                diags.root_error(
                    format!("Network link {id} not found"),
                    format!(
                        "No network link of that name in region {}.",
                        client.region()
                    ),
                );
                None
            }
            Err(e) => {
                client_error(diags, client, &format!("reading network link {id}"), &e);
                None
            }
        }
    }
}
