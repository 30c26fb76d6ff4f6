//! Data source `maxcompute_security_group`: looks a group up by ID, or by name within a VPC,
//! and exposes its type so a module can assert it is basic before building a link on it.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tf_provider::schema::{Block, Description, Schema};
use tf_provider::value::{StructEmpty, Value};
use tf_provider::{map, AttributePath, DataSource, Diagnostics};

use crate::client::ecs::SecurityGroupFilter;
use crate::client::ids::{SecurityGroupId, VpcId};
use crate::framework::diag::client_error;
use crate::framework::schema::Attr;
use crate::framework::{client, ClientCell};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct State {
    #[serde(default)]
    pub id: Value<String>,
    #[serde(default)]
    pub name: Value<String>,
    #[serde(default)]
    pub vpc_id: Value<String>,
    #[serde(default)]
    pub description: Value<String>,
    #[serde(default, rename = "type")]
    pub group_type: Value<String>,
}

pub struct SecurityGroupDataSource {
    client: ClientCell,
}

impl SecurityGroupDataSource {
    pub fn new(client: ClientCell) -> Self {
        Self { client }
    }
}

fn check(diags: &mut Diagnostics, config: &State) {
    if let Value::Value(id) = &config.id {
        if let Err(e) = SecurityGroupId::parse(id) {
            diags.error("Invalid id", e.to_string(), AttributePath::new("id"));
        }
    }
    if let Value::Value(v) = &config.vpc_id {
        if let Err(e) = VpcId::parse(v) {
            diags.error(
                "Invalid vpc_id",
                e.to_string(),
                AttributePath::new("vpc_id"),
            );
        }
    }
    let by_id = !config.id.is_null();
    let by_name = !config.name.is_null();
    if by_id == by_name {
        diags.root_error(
            "Set either `id`, or `name` with `vpc_id`",
            "The security group is looked up by its ID, or by its exact name inside one VPC.",
        );
    } else if by_name && config.vpc_id.is_null() {
        diags.error(
            "`vpc_id` is required with `name`",
            "Names are unique only within a VPC; add the `vpc_id` the group belongs to.",
            AttributePath::new("vpc_id"),
        );
    }
}

#[async_trait]
impl DataSource for SecurityGroupDataSource {
    type State<'a> = State;
    type ProviderMetaState<'a> = Value<StructEmpty>;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(Schema {
            version: 1,
            block: Block {
                version: 1,
                description: Description::markdown(
                    "Looks up an ECS security group by `id`, or by `name` within `vpc_id`, and exposes its `type` (`normal` = basic, `enterprise` = advanced).",
                ),
                attributes: map! {
                    "id" => Attr::string("The security group ID. Set this, or `name` with `vpc_id`.").optional_computed(),
                    "name" => Attr::string("The exact group name, looked up within `vpc_id`.").optional_computed(),
                    "vpc_id" => Attr::string("The VPC of the group; required with `name`.").optional_computed(),
                    "description" => Attr::string("The group description.").computed(),
                    "type" => Attr::string("`normal` (basic) or `enterprise` (advanced). MaxCompute network links need `normal`.").computed()
                },
                ..Default::default()
            },
        })
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: State) -> Option<()> {
        if config.id.is_unknown() || config.name.is_unknown() {
            return Some(());
        }
        check(diags, &config);
        Some(())
    }

    async fn read<'a>(
        &self,
        diags: &mut Diagnostics,
        config: State,
        _meta: Value<StructEmpty>,
    ) -> Option<State> {
        check(diags, &config);
        if !diags.errors.is_empty() {
            return None;
        }
        let client = client(&self.client, diags)?;
        let filter = match (&config.id, &config.name) {
            (Value::Value(id), _) => SecurityGroupFilter {
                ids: vec![SecurityGroupId::parse(id).ok()?],
                vpc_id: config
                    .vpc_id
                    .as_ref_option()
                    .and_then(|v| VpcId::parse(v).ok()),
                ..Default::default()
            },
            (_, Value::Value(name)) => SecurityGroupFilter {
                name: Some(name.clone()),
                vpc_id: config
                    .vpc_id
                    .as_ref_option()
                    .and_then(|v| VpcId::parse(v).ok()),
                ..Default::default()
            },
            _ => return None,
        };
        let groups = match client.ecs().describe_security_groups(&filter).await {
            Ok(g) => g,
            Err(e) => {
                client_error(diags, client, "looking up the security group", &e);
                return None;
            }
        };
        // The name filter may be fuzzy on the cloud side: keep exact matches only.
        let matches: Vec<_> = groups
            .into_iter()
            .filter(|g| config.name.as_ref_option().is_none_or(|n| &g.name == n))
            .filter(|g| config.id.as_ref_option().is_none_or(|i| g.id.as_str() == i))
            .collect();
        let group = match matches.as_slice() {
            [one] => one.clone(),
            [] => {
                diags.root_error(
                    "Security group not found",
                    format!("No security group matches in region {}.", client.region()),
                );
                return None;
            }
            many => {
                let ids: Vec<&str> = many.iter().map(|g| g.id.as_str()).collect();
                diags.root_error(
                    "Several security groups match",
                    format!(
                        "{} groups are named like this: {}. Look the group up by `id`.",
                        many.len(),
                        ids.join(", ")
                    ),
                );
                return None;
            }
        };
        Some(State {
            id: Value::Value(group.id.to_string()),
            name: Value::Value(group.name),
            vpc_id: Value::Value(group.vpc_id),
            description: Value::Value(group.description),
            group_type: Value::Value(group.group_type.as_str().to_string()),
        })
    }
}
