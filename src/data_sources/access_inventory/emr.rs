//! EMR rules on the Hadoop ports that admit the link, per source, and whether they are ours.

use tf_provider::value::Value;

use crate::client::ids::{EmrClusterId, SecurityGroupId};
use crate::client::net::PortRange;
use crate::client::Client;
use crate::framework::resource::Problem;
use crate::resources::emr_whitelist_attachment::provider_made;

use super::seek::Seek;
use super::{list, Grant, P};

/// Hive Metastore, HDFS NameNode, DataNode (Hadoop 2 and 3).
const HADOOP_PORTS: [u16; 4] = [9083, 8020, 50010, 9866];

pub(super) async fn emr_grants(
    client: &Client,
    cluster: &EmrClusterId,
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
        entry.1 &= provider_made(&p.description, cluster.as_str());
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
            emr_grant(cluster.as_str(), &source, &ports, ours, &grantees)
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
    let reason = (!ours).then(|| {
        format!(
        "Rules made outside this provider are never owned (the cloud keeps one rule per content, \
         so ownership cannot be inferred). Safe path: declare \
         `maxcompute_emr_whitelist_attachment` with `cluster_id` = \"{cluster}\", `{attr}` = {} \
         and `ports` = [{}]; its apply finds these rules, adds nothing and lists them in \
         `existing_rule_ids`; destroy leaves them.",
        if attr == "cidrs" { format!("[\"{source}\"]") } else { format!("\"{source}\"") },
        ports.join(", ")
    )
    });
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
