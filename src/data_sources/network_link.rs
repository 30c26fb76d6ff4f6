//! Data source `maxcompute_network_link`: a link by name, with everything jobs need to use it.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tf_provider::schema::{Block, Description, Schema};
use tf_provider::value::{StructEmpty, Value};
use tf_provider::{map, AttributePath, DataSource, Diagnostics};

use crate::framework::diag::client_error;
use crate::framework::schema::Attr;
use crate::framework::{client, ClientCell};
use crate::resources::network_link::{computed_attributes, State as LinkState};
use crate::validate;

/// The resource's attributes without `timeouts`.
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
    pub spark_conf: Value<std::collections::BTreeMap<String, Value<String>>>,
}

impl From<LinkState> for State {
    fn from(s: LinkState) -> Self {
        Self {
            id: s.id,
            name: s.name,
            link_type: s.link_type,
            vpc_id: s.vpc_id,
            vswitch_id: s.vswitch_id,
            security_group_id: s.security_group_id,
            description: s.description,
            region: s.region,
            zone_id: s.zone_id,
            vswitch_cidr: s.vswitch_cidr,
            status: s.status,
            eni_ips: s.eni_ips,
            return_security_group_ids: s.return_security_group_ids,
            sql_setting: s.sql_setting,
            table_property: s.table_property,
            spark_conf: s.spark_conf,
        }
    }
}

pub struct NetworkLinkDataSource {
    client: ClientCell,
}

impl NetworkLinkDataSource {
    pub fn new(client: ClientCell) -> Self {
        Self { client }
    }
}

#[async_trait]
impl DataSource for NetworkLinkDataSource {
    type State<'a> = State;
    type ProviderMetaState<'a> = Value<StructEmpty>;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        let mut attributes = map! {
            "id" => Attr::string("The link's name.").computed(),
            "name" => Attr::string("The name of the network link to read.").required(),
            "type" => Attr::string("The link type (`Passthrough`).").computed(),
            "vpc_id" => Attr::string("The VPC of the link.").computed(),
            "vswitch_id" => Attr::string("The vSwitch of the link's ENIs.").computed(),
            "security_group_id" => Attr::string("The security group of the link's ENIs.").computed(),
            "description" => Attr::string("The description.").computed()
        };
        for (name, attr) in computed_attributes() {
            attributes.insert(name.to_string(), attr.into());
        }
        Some(Schema {
            version: 1,
            block: Block {
                version: 1,
                description: Description::markdown(
                    "Reads a MaxCompute network link by name, with the settings jobs need (`sql_setting`, `table_property`, `spark_conf`). **Provisional** API contract, as for the resource.",
                ),
                attributes,
                ..Default::default()
            },
        })
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: State) -> Option<()> {
        if let Value::Value(n) = &config.name {
            if let Err(e) = validate::network_link::link_name(n) {
                diags.error("Invalid name", format!("{e}."), AttributePath::new("name"));
            }
        }
        Some(())
    }

    async fn read<'a>(
        &self,
        diags: &mut Diagnostics,
        config: State,
        _meta: Value<StructEmpty>,
    ) -> Option<State> {
        let client = client(&self.client, diags)?;
        let name = config.name.as_ref_option()?.clone();
        match client.maxcompute().get_network_link(&name).await {
            Ok(Some(link)) => {
                let mut s = LinkState {
                    description: Value::Unknown,
                    ..Default::default()
                };
                s.fill(&link);
                if s.description.is_unknown() {
                    s.description = Value::Value(String::new());
                }
                Some(s.into())
            }
            Ok(None) => {
                diags.error(
                    format!("Network link {name} not found"),
                    format!(
                        "No network link of that name in region {}.",
                        client.region()
                    ),
                    AttributePath::new("name"),
                );
                None
            }
            Err(e) => {
                client_error(diags, client, &format!("reading network link {name}"), &e);
                None
            }
        }
    }
}
