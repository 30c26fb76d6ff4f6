//! Data source `maxcompute_access_inventory`: what already grants a network link's addresses
//! access — RDS and HBase whitelist groups, EMR rules on the Hadoop ports, project IP whitelist
//! entries — each with the import ID our resources take, whether it can be owned as it is, and
//! the safe path when it cannot. Read-only; for adopting a console-made setup.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tf_provider::schema::AttributeType as T;
use tf_provider::value::Value;

use crate::client::footprint::reverse_endpoints;
use crate::client::ids::{SecurityGroupId, VpcId};
use crate::client::net::{Cidr, PortRange};
use crate::client::privatelink::{Endpoint, EndpointType};
use crate::client::Client;
use crate::data_sources::dataworks_resource_group::footprint;
use crate::field;
use crate::framework::attr::AttrDecl;
use crate::framework::data_source::{Answer, LookupSource};
use crate::framework::resource::{Ctx, Findings, Problem};
use crate::framework::schema::Attr;
use crate::framework::values::strings_of as strings;
use crate::resources::emr_whitelist_attachment::rule_description;
use crate::resources::hbase_whitelist_attachment::Hbase;
use crate::resources::rds_whitelist_attachment::Rds;
use crate::resources::whitelist_attachment::{Group, Target};
use crate::validate::privatelink::is_maxcompute;

/// Hive Metastore, HDFS NameNode, DataNode (Hadoop 2 and 3).
const HADOOP_PORTS: [u16; 4] = [9083, 8020, 50010, 9866];

/// One grant found.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Grant {
    pub key: Value<String>,
    pub kind: Value<String>,
    pub target: Value<String>,
    pub name: Value<String>,
    pub entries: Value<Vec<Value<String>>>,
    pub other_entries: Value<Vec<Value<String>>>,
    pub resource_type: Value<String>,
    pub import_id: Value<String>,
    pub importable: Value<bool>,
    pub reason: Value<String>,
    pub grantees: Value<Vec<Value<String>>>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct State {
    #[serde(default)]
    pub id: Value<String>,
    #[serde(default)]
    pub cidrs: Value<Vec<Value<String>>>,
    #[serde(default)]
    pub security_group_id: Value<String>,
    #[serde(default)]
    pub rds_instance_ids: Value<Vec<Value<String>>>,
    #[serde(default)]
    pub hbase_cluster_ids: Value<Vec<Value<String>>>,
    #[serde(default)]
    pub emr_cluster_ids: Value<Vec<Value<String>>>,
    #[serde(default)]
    pub projects: Value<Vec<Value<String>>>,
    #[serde(default)]
    pub vpc_id: Value<String>,
    #[serde(default)]
    pub dataworks_resource_group_ids: Value<Vec<Value<String>>>,
    #[serde(default)]
    pub dataworks_cidrs: Value<Vec<Value<String>>>,
    #[serde(default)]
    pub grants: Value<Vec<Value<Grant>>>,
}

pub struct AccessInventoryDataSource;

type D = AttrDecl<State>;
type P = Problem<State>;

fn list(items: &[String]) -> Value<Vec<Value<String>>> {
    Value::Value(items.iter().cloned().map(Value::Value).collect())
}

fn ids(description: &str) -> Attr {
    Attr::string_list(description).optional()
}

#[async_trait]
impl LookupSource for AccessInventoryDataSource {
    type State = State;
    const DESCRIPTION: &'static str = "Finds what already grants a network link's addresses access (RDS and HBase whitelist groups, EMR rules on the Hadoop ports, project IP whitelist entries, PrivateLink endpoints to MaxCompute, the reverse endpoints a console-made link may consist of, entries admitting DataWorks resource groups), with the import ID each of this provider's resources takes, whether it can be owned as it is, and the safe path when it cannot. Read-only: for adopting a setup made in the console.";

    fn attributes() -> Vec<AttrDecl<State>> {
        vec![
            D::new("id", field!(id), Attr::string("`inventory-<n>`, n the number of grants found.").computed()),
            D::new("cidrs", field!(cidrs), Attr::string_list("The link's addresses: its vSwitch CIDR blocks and ENI IPs (e.g. `maxcompute_vpc_access`'s `vswitch_cidrs` and `eni_ips`). An entry or rule grants the link access when it admits one of them or an address inside one (an ENI's address in the vSwitch block).").required())
                .rule(bad_cidrs),
            D::new("security_group_id", field!(security_group_id), Attr::string("The link's security group: EMR rules naming it as their source grant access too, and reverse PrivateLink endpoints carrying it (with `vpc_id`) are the link itself.").optional())
                .rule(|s| s.security_group_id.as_ref_option().and_then(|v| SecurityGroupId::parse(v).err()).map(|e| vec![e.to_string()]).unwrap_or_default()),
            D::new("rds_instance_ids", field!(rds_instance_ids), ids("RDS instances to look at. Left out with `vpc_id` set: every RDS instance of that VPC (`DescribeDBInstances`).")),
            D::new("hbase_cluster_ids", field!(hbase_cluster_ids), ids("HBase clusters to look at. Left out with `vpc_id` set: every HBase cluster of that VPC (`DescribeInstances`).")),
            D::new("emr_cluster_ids", field!(emr_cluster_ids), ids("EMR clusters to look at (rules on ports 9083, 8020, 50010, 9866 of the cluster's security group). Left out with `vpc_id` set: every live EMR cluster of that VPC (`ListClusters`, then `GetCluster` of each for its VPC).")),
            D::new("projects", field!(projects), ids("MaxCompute projects whose IP whitelist to look at.")),
            D::new("vpc_id", field!(vpc_id), Attr::string("The link's VPC: PrivateLink endpoints to MaxCompute in it are reported, and, with `security_group_id`, the reverse endpoints that make up a console-made link.").optional())
                .rule(|s| s.vpc_id.as_ref_option().and_then(|v| VpcId::parse(v).err()).map(|e| vec![e.to_string()]).unwrap_or_default()),
            D::new("dataworks_resource_group_ids", field!(dataworks_resource_group_ids), ids("DataWorks resource groups whose vSwitch CIDR blocks to look for as well (entries admitting them are reported, with `dataworks:<id>` in `grantees`).")),
            D::new("dataworks_cidrs", field!(dataworks_cidrs), Attr::string_list("The CIDR blocks of those resource groups' vSwitches.").computed()),
            D::new("grants", field!(grants), Attr::object_list(
                "One entry per grant and owner: `key` (stable, for `for_each`), `kind` (`rds_whitelist_group`, `hbase_whitelist_group`, `emr_rules`, `project_ip_whitelist`, `privatelink_endpoint`, `network_link_endpoint`), `target` (instance, cluster, project or VPC), `name` (group, rule source, list or endpoint), `entries` (what admits the link: entries, ports for EMR, the domain of an endpoint), `other_entries` (entries of the same group that are neither the link's nor DataWorks'), `resource_type` and `import_id` (this provider's resource and the ID its import takes), `importable`, `reason` (why not, and the safe path), and `grantees` (`link`, `dataworks:<id>`, `vpc`: whom the grant serves).",
                &[("key", T::String), ("kind", T::String), ("target", T::String), ("name", T::String),
                  ("entries", T::List(Box::new(T::String))), ("other_entries", T::List(Box::new(T::String))),
                  ("resource_type", T::String), ("import_id", T::String), ("importable", T::Bool), ("reason", T::String),
                  ("grantees", T::List(Box::new(T::String)))],
            ).computed()),
        ]
    }

    async fn read(&self, ctx: &Ctx<'_>, config: State) -> Answer<State> {
        let mut seek = Seek::default();
        seek.add(
            "link",
            strings(&config.cidrs).iter().filter_map(|c| Cidr::parse(c)),
        );
        let mut dataworks = Vec::new();
        for id in strings(&config.dataworks_resource_group_ids) {
            let found = footprint(ctx, &id, dataworks_ids, "dataworks_resource_group_ids").await?;
            seek.add(
                &format!("dataworks:{id}"),
                found.cidrs.iter().filter_map(|c| Cidr::parse(c)),
            );
            dataworks.extend(found.cidrs);
        }
        let sg = config.security_group_id.as_ref_option().cloned();
        let mut grants = Vec::new();
        for id in rds_targets(ctx.client, &config).await? {
            let groups = read_groups::<Rds>(ctx.client, &id, "rds_instance_ids").await?;
            grants.extend(whitelist_grants(&groups, &seek, &id, WhitelistKind::Rds));
        }
        for id in hbase_targets(ctx.client, &config).await? {
            let groups = read_groups::<Hbase>(ctx.client, &id, "hbase_cluster_ids").await?;
            grants.extend(whitelist_grants(&groups, &seek, &id, WhitelistKind::Hbase));
        }
        for id in emr_targets(ctx.client, &config).await? {
            grants.extend(emr_grants(ctx.client, &id, &seek, sg.as_deref()).await?);
        }
        for name in strings(&config.projects) {
            grants.extend(project_grants(ctx.client, &name, &seek).await?);
        }
        if let Some(vpc) = config.vpc_id.as_ref_option() {
            grants.extend(endpoint_grants(ctx.client, vpc, sg.as_deref()).await?);
        }
        let mut state = config;
        state.id = Value::Value(format!("inventory-{}", grants.len()));
        state.dataworks_cidrs = list(&dataworks);
        state.grants = Value::Value(grants.into_iter().map(Value::Value).collect());
        Ok((state, Findings::default()))
    }
}

/// `rds_instance_ids`; left out with `vpc_id` set, every RDS instance of the VPC
/// (`DescribeDBInstances` by `VpcId`).
async fn rds_targets(client: &Client, config: &State) -> Result<Vec<String>, P> {
    match (
        config.rds_instance_ids.is_null(),
        config.vpc_id.as_ref_option(),
    ) {
        (true, Some(vpc)) => Ok(client
            .rds()
            .instances_in_vpc(vpc)
            .await
            .map_err(|e| {
                Problem::client(client, &format!("listing the RDS instances of {vpc}"), &e)
            })?
            .into_iter()
            .map(|i| i.id)
            .collect()),
        _ => Ok(strings(&config.rds_instance_ids)),
    }
}

/// `hbase_cluster_ids`; left out with `vpc_id` set, every HBase cluster of the VPC
/// (`DescribeInstances` has no VPC filter: the region's clusters, kept by their `VpcId`).
async fn hbase_targets(client: &Client, config: &State) -> Result<Vec<String>, P> {
    match (
        config.hbase_cluster_ids.is_null(),
        config.vpc_id.as_ref_option(),
    ) {
        (true, Some(vpc)) => Ok(client
            .hbase()
            .instances_in_vpc(vpc)
            .await
            .map_err(|e| {
                Problem::client(client, &format!("listing the HBase clusters of {vpc}"), &e)
            })?
            .into_iter()
            .map(|i| i.cluster_id)
            .collect()),
        _ => Ok(strings(&config.hbase_cluster_ids)),
    }
}

/// `emr_cluster_ids`; left out with `vpc_id` set, every live EMR cluster of the VPC
/// (`ListClusters` does not say a cluster's VPC: `GetCluster` of each does).
async fn emr_targets(client: &Client, config: &State) -> Result<Vec<String>, P> {
    let (true, Some(vpc)) = (
        config.emr_cluster_ids.is_null(),
        config.vpc_id.as_ref_option(),
    ) else {
        return Ok(strings(&config.emr_cluster_ids));
    };
    let fail = |e: crate::client::Error| {
        Problem::client(client, &format!("listing the EMR clusters of {vpc}"), &e)
    };
    let mut out = Vec::new();
    for c in client.emr().live_clusters().await.map_err(fail)? {
        let found = client
            .emr()
            .get_cluster(&c.cluster_id)
            .await
            .map_err(fail)?;
        if found.is_some_and(|f| &f.vpc_id == vpc) {
            out.push(c.cluster_id);
        }
    }
    Ok(out)
}

fn dataworks_ids(s: &State) -> &dyn crate::framework::attr::Slot {
    &s.dataworks_resource_group_ids
}

fn bad_cidrs(s: &State) -> Vec<String> {
    strings(&s.cidrs)
        .iter()
        .filter(|c| Cidr::parse(c).is_none())
        .map(|c| format!("`{c}` is not an IPv4 address or CIDR block."))
        .collect()
}

async fn read_groups<R: Target>(
    client: &Client,
    id: &str,
    attr: &'static str,
) -> Result<Vec<Group>, P> {
    R::read_groups(client, id)
        .await
        .map_err(|e| {
            Problem::client(
                client,
                &format!("reading the whitelist of {} {id}", R::TARGET_KIND),
                &e,
            )
        })?
        .ok_or_else(|| {
            Problem::new(
                format!("{} {id} not found", R::TARGET_KIND),
                format!(
                    "No {} with this ID in region {}: check `{attr}` and the provider's region.",
                    R::TARGET_KIND,
                    client.region()
                ),
            )
        })
}

/// The addresses looked for, each under the label of whom it serves (`link`, `dataworks:<id>`).
#[derive(Default)]
struct Seek {
    principals: Vec<(String, Vec<Cidr>)>,
}

impl Seek {
    fn add(&mut self, label: &str, cidrs: impl Iterator<Item = Cidr>) {
        self.principals.push((label.to_string(), cidrs.collect()));
    }

    /// Whom an entry (an address or block) admits: the labels with addresses in it — a block of
    /// theirs inside the entry, or the entry inside a block of theirs (an ENI's address in the
    /// link's vSwitch block, say).
    fn admitted_by(&self, entry: &str) -> Vec<String> {
        let Some(e) = Cidr::parse(entry) else {
            return Vec::new();
        };
        let overlaps = |c: &Cidr| e.net().contains(&c.net()) || c.net().contains(&e.net());
        self.principals
            .iter()
            .filter(|(_, cidrs)| cidrs.iter().any(overlaps))
            .map(|(label, _)| label.clone())
            .collect()
    }

    fn admits(&self, entry: &str) -> bool {
        !self.admitted_by(entry).is_empty()
    }

    /// Whether an entry is one of the principals' own (inside one of their blocks).
    fn owns(&self, entry: &str) -> bool {
        let Some(e) = Cidr::parse(entry) else {
            return false;
        };
        self.principals
            .iter()
            .any(|(_, cidrs)| cidrs.iter().any(|c| c.net().contains(&e.net())))
    }

    /// The principals' own blocks that one of `entries` admits, each once: what a group of our
    /// own would list instead of a wider entry.
    fn admitted_blocks(&self, entries: &[String]) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for (_, cidrs) in &self.principals {
            for c in cidrs {
                let inside = entries
                    .iter()
                    .filter_map(|e| Cidr::parse(e))
                    .any(|e| e.net().contains(&c.net()));
                let text = c.as_str().to_string();
                if inside && !out.contains(&text) {
                    out.push(text);
                }
            }
        }
        out
    }

    /// The labels admitted by any of `entries`, each once.
    fn grantees<'a>(&self, entries: impl IntoIterator<Item = &'a String>) -> Vec<String> {
        let mut out: Vec<String> = entries
            .into_iter()
            .flat_map(|e| self.admitted_by(e))
            .collect();
        out.sort();
        out.dedup();
        out
    }
}

#[derive(Clone, Copy)]
enum WhitelistKind {
    Rds,
    Hbase,
}

impl WhitelistKind {
    fn names(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Self::Rds => (
                "rds_whitelist_group",
                "maxcompute_rds_whitelist_attachment",
                "RDS instance",
            ),
            Self::Hbase => (
                "hbase_whitelist_group",
                "maxcompute_hbase_whitelist_attachment",
                "HBase cluster",
            ),
        }
    }
}

fn whitelist_grants(
    groups: &[Group],
    seek: &Seek,
    target: &str,
    kind: WhitelistKind,
) -> Vec<Grant> {
    let (kind_name, resource, what) = kind.names();
    groups
        .iter()
        .filter(|g| g.entries.iter().any(|e| seek.admits(e)))
        .map(|g| {
            let (mine, others): (Vec<String>, Vec<String>) =
                g.entries.iter().cloned().partition(|e| seek.owns(e));
            // A group of our own lists the link's entries — or, where only a wider entry admits
            // the link, the link's own blocks.
            let ours_to_be = match mine.is_empty() {
                true => seek.admitted_blocks(&g.entries),
                false => mine.clone(),
            };
            let reason = whitelist_reason(g, &ours_to_be, &others, target, what, resource);
            Grant {
                key: Value::Value(format!("{target}:{}", g.name)),
                kind: Value::Value(kind_name.into()),
                target: Value::Value(target.into()),
                name: Value::Value(g.name.clone()),
                entries: list(&mine),
                other_entries: list(&others),
                resource_type: Value::Value(resource.into()),
                import_id: Value::Value(format!("{target}:{}", g.name)),
                importable: Value::Value(reason.is_none()),
                reason: reason.map(Value::Value).unwrap_or(Value::Null),
                grantees: list(&seek.grantees(&g.entries)),
            }
        })
        .collect()
}

fn whitelist_reason(
    g: &Group,
    mine: &[String],
    others: &[String],
    target: &str,
    what: &str,
    resource: &str,
) -> Option<String> {
    let create_ours = format!(
        "create `{resource}` with `instance_id`/`cluster_id` = \"{target}\", `group_name` = \"maxcompute\" and `cidrs` = [{}], apply, then remove those entries from group `{}` by hand",
        mine.iter().map(|m| format!("\"{m}\"")).collect::<Vec<_>>().join(", "),
        g.name
    );
    if g.protected {
        return Some(format!("Group `{}` of {what} {target} is a hidden group another cloud service owns; it is never written. Safe path: {create_ours} only if that service does not need them.", g.name));
    }
    if g.name == "default" {
        return Some(format!("The `default` group of {what} {target} is never owned (the provider never writes it). Safe path: {create_ours}."));
    }
    if !others.is_empty() {
        return Some(format!("Group `{}` also holds entries that are not the link's ({}); importing it would make destroy remove them. Safe path: {create_ours}.", g.name, others.join(", ")));
    }
    None
}

async fn emr_grants(
    client: &Client,
    cluster: &str,
    seek: &Seek,
    sg: Option<&str>,
) -> Result<Vec<Grant>, P> {
    let fail = |e: &crate::client::Error| {
        Problem::client(client, &format!("reading EMR cluster {cluster}"), e)
    };
    let found = client
        .emr()
        .get_cluster(cluster)
        .await
        .map_err(|e| fail(&e))?
        .ok_or_else(|| {
            Problem::new(
                format!("EMR cluster {cluster} not found"),
                format!(
                    "No EMR cluster with this ID in region {}: check `emr_cluster_ids`.",
                    client.region()
                ),
            )
        })?;
    let group = SecurityGroupId::parse(&found.security_group_id)
        .map_err(|e| Problem::new("EMR cluster without a security group", e.to_string()))?;
    let rules = client
        .ecs()
        .describe_security_group_attribute(&group)
        .await
        .map_err(|e| fail(&e))?;
    let marker = rule_description(cluster);
    // Per source: the Hadoop ports it is admitted on, and whether every such rule is ours.
    let mut by_source: std::collections::BTreeMap<String, (Vec<String>, bool)> = Default::default();
    for p in rules.map(|r| r.permissions).unwrap_or_default() {
        let source = match (&p.source_cidr, &p.source_group_id) {
            (Some(c), _) if seek.admits(c.as_str()) => c.as_str().to_string(),
            (_, Some(g)) if Some(g.as_str()) == sg => g.clone(),
            _ => continue,
        };
        let ports: Vec<String> = HADOOP_PORTS
            .iter()
            .filter(|port| match p.port_range {
                Some(PortRange::All) => true,
                Some(PortRange::Range(a, b)) => (a..=b).contains(port),
                None => false,
            })
            .map(|port| port.to_string())
            .collect();
        if ports.is_empty() || p.policy == Some(crate::client::ecs::Policy::Drop) {
            continue;
        }
        let entry = by_source.entry(source).or_insert((Vec::new(), true));
        entry.0.extend(ports);
        entry.1 &= p.description == marker;
    }
    Ok(by_source
        .into_iter()
        .map(|(source, (mut ports, ours))| {
            ports.sort();
            ports.dedup();
            let grantees = if source.starts_with("sg-") {
                vec!["link".to_string()]
            } else {
                seek.admitted_by(&source)
            };
            emr_grant(cluster, &source, &ports, ours, &grantees)
        })
        .collect())
}

fn emr_grant(
    cluster: &str,
    source: &str,
    ports: &[String],
    ours: bool,
    grantees: &[String],
) -> Grant {
    let attr = if source.starts_with("sg-") {
        "source_security_group_id"
    } else {
        "cidrs"
    };
    let reason = (!ours).then(|| format!(
        "Rules made outside this provider are never owned (the cloud keeps one rule per content, so ownership cannot be inferred). Safe path: declare `maxcompute_emr_whitelist_attachment` with `cluster_id` = \"{cluster}\", `{attr}` = {} and `ports` = [{}]; its apply finds these rules, adds nothing and lists them in `existing_rule_ids`; destroy leaves them.",
        if attr == "cidrs" { format!("[\"{source}\"]") } else { format!("\"{source}\"") },
        ports.join(", ")
    ));
    Grant {
        key: Value::Value(format!("{cluster}:{source}")),
        kind: Value::Value("emr_rules".into()),
        target: Value::Value(cluster.into()),
        name: Value::Value(source.into()),
        entries: list(ports),
        other_entries: list(&[]),
        resource_type: Value::Value("maxcompute_emr_whitelist_attachment".into()),
        import_id: Value::Value(format!("{cluster}:{source}")),
        importable: Value::Value(ours),
        reason: reason.map(Value::Value).unwrap_or(Value::Null),
        grantees: list(grantees),
    }
}

async fn project_grants(client: &Client, name: &str, seek: &Seek) -> Result<Vec<Grant>, P> {
    let project = client
        .projects()
        .get_project(name)
        .await
        .map_err(|e| Problem::client(client, &format!("reading project {name}"), &e))?
        .ok_or_else(|| {
            Problem::new(
                format!("Project {name} not found"),
                "Check `projects` and the provider's region.",
            )
        })?;
    let w = project.whitelist;
    let mut out = Vec::new();
    for (list_name, entries) in [("ip_list", &w.ip_list), ("vpc_ip_list", &w.vpc_ip_list)] {
        let mine: Vec<String> = entries.iter().filter(|e| seek.admits(e)).cloned().collect();
        if mine.is_empty() {
            continue;
        }
        let others: Vec<String> = entries
            .iter()
            .filter(|e| !mine.contains(e))
            .cloned()
            .collect();
        out.push(Grant {
            key: Value::Value(format!("{name}:{list_name}")),
            kind: Value::Value("project_ip_whitelist".into()),
            target: Value::Value(name.into()),
            name: Value::Value(list_name.into()),
            entries: list(&mine),
            other_entries: list(&others),
            resource_type: Value::Value("maxcompute_project_ip_whitelist".into()),
            import_id: Value::Value(name.into()),
            importable: Value::Value(false),
            reason: Value::Value(format!("An import of project {name} would take every entry of both lists as the resource's own, others' included. Safe path: declare `maxcompute_project_ip_whitelist` with `project` = \"{name}\" and only the link's entries in `{list_name}`; every other entry stays its maker's.")),
            grantees: list(&seek.grantees(&mine)),
        });
    }
    Ok(out)
}

/// PrivateLink endpoints in the VPC: interface endpoints to MaxCompute (importable), and the
/// reverse endpoints carrying the link's group (the link itself: never owned).
async fn endpoint_grants(client: &Client, vpc: &str, sg: Option<&str>) -> Result<Vec<Grant>, P> {
    let api = client.privatelink();
    let fail = |e: crate::client::Error| {
        Problem::client(
            client,
            &format!("listing the PrivateLink endpoints of {vpc}"),
            &e,
        )
    };
    let services: Vec<String> = api
        .services()
        .await
        .map_err(fail)?
        .into_iter()
        .filter(is_maxcompute)
        .map(|s| s.service_id)
        .collect();
    let mut out = Vec::new();
    for e in api
        .in_vpc(vpc, EndpointType::Interface)
        .await
        .map_err(fail)?
    {
        if services.contains(&e.service_id) {
            out.push(endpoint_grant(&e, vpc, None));
        }
    }
    let (Some(sg), Ok(vpc_id)) = (sg.map(SecurityGroupId::parse), VpcId::parse(vpc)) else {
        return Ok(out);
    };
    let sg = sg.map_err(|e| Problem::new("Invalid security group ID", e.to_string()))?;
    let reverse = reverse_endpoints(client, &vpc_id, &sg)
        .await
        .map_err(|f| Problem::client(client, &f.what, &f.error))?;
    for (e, _) in reverse {
        out.push(endpoint_grant(&e, vpc, Some(sg.as_str())));
    }
    Ok(out)
}

/// An endpoint's grant; `link_group` set for a reverse endpoint carrying the link's group.
fn endpoint_grant(e: &Endpoint, vpc: &str, link_group: Option<&str>) -> Grant {
    let id = &e.endpoint_id;
    let (kind, reason, grantees) = match link_group {
        None => ("privatelink_endpoint", None, vec!["vpc".to_string()]),
        Some(sg) => (
            "network_link_endpoint",
            Some(format!("{id} is a reverse endpoint carrying the link's group {sg}: MaxCompute's service-linked role made it, and it is the network link itself. Never import, change or delete it; read it with `maxcompute_vpc_access`.")),
            vec!["link".to_string()],
        ),
    };
    Grant {
        key: Value::Value(id.clone()),
        kind: Value::Value(kind.into()),
        target: Value::Value(vpc.into()),
        name: Value::Value(if e.endpoint_name.is_empty() {
            id.clone()
        } else {
            e.endpoint_name.clone()
        }),
        entries: list(std::slice::from_ref(&e.endpoint_domain)),
        other_entries: list(&[]),
        resource_type: Value::Value("maxcompute_privatelink_endpoint".into()),
        import_id: Value::Value(id.clone()),
        importable: Value::Value(reason.is_none()),
        reason: reason.map(Value::Value).unwrap_or(Value::Null),
        grantees: list(&grantees),
    }
}
