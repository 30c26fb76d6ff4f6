//! Project IP whitelist entries that admit the link.

use tf_provider::value::Value;

use crate::client::ids::ProjectName;
use crate::client::Client;
use crate::framework::resource::Problem;

use super::seek::Seek;
use super::{list, Grant, P};

pub(super) async fn project_grants(
    client: &Client,
    name: &ProjectName,
    seek: &Seek,
) -> Result<Vec<Grant>, P> {
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
            target: Value::Value(name.to_string()),
            name: Value::Value(list_name.into()),
            entries: list(&mine),
            other_entries: list(&others),
            resource_type: Value::Value("maxcompute_project_ip_whitelist".into()),
            import_id: Value::Value(name.to_string()),
            importable: Value::Value(false),
            reason: Value::Value(format!(
                "An import of project {name} would take every entry of both lists as the \
                 resource's own, others' included. Safe path: declare \
                 `maxcompute_project_ip_whitelist` with `project` = \"{name}\" and only the link's \
                 entries in `{list_name}`; every other entry stays its maker's."
            )),
            grantees: list(&seek.grantees(&mine)),
        });
    }
    Ok(out)
}
