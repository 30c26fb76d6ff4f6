//! RDS and HBase whitelist groups that admit the link, and whether each can be owned as it is.

use tf_provider::value::Value;

use crate::client::Client;
use crate::framework::resource::Problem;
use crate::resources::whitelist_attachment::{Group, Target};

use super::seek::Seek;
use super::{list, Grant, P};

pub(super) async fn read_groups<R: Target>(
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

#[derive(Clone, Copy)]
pub(super) enum WhitelistKind {
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

pub(super) fn whitelist_grants(
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
        "create `{resource}` with `instance_id`/`cluster_id` = \"{target}\", `group_name` = \
         \"maxcompute\" and `cidrs` = [{}], apply, then remove those entries from group `{}` by \
         hand",
        mine.iter()
            .map(|m| format!("\"{m}\""))
            .collect::<Vec<_>>()
            .join(", "),
        g.name
    );
    if g.protected {
        return Some(format!(
            "Group `{}` of {what} {target} is a hidden group another cloud service owns; it is \
             never written. Safe path: {create_ours} only if that service does not need them.",
            g.name
        ));
    }
    if g.name == "default" {
        return Some(format!(
            "The `default` group of {what} {target} is never owned (the provider never writes it). \
             Safe path: {create_ours}."
        ));
    }
    if !others.is_empty() {
        return Some(format!(
            "Group `{}` also holds entries that are not the link's ({}); importing it would make \
             destroy remove them. Safe path: {create_ours}.",
            g.name,
            others.join(", ")
        ));
    }
    None
}
