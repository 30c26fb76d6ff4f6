//! Data source `maxcompute_vpc_access_zones`: where MaxCompute can reach into a VPC, from the same
//! table the network-link checks use.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tf_provider::schema::{Block, Description, Schema};
use tf_provider::value::{StructEmpty, Value};
use tf_provider::{map, AttributePath, DataSource, Diagnostics};

use crate::framework::schema::Attr;
use crate::framework::{client, ClientCell};
use crate::validate::zones;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct State {
    #[serde(default)]
    pub id: Value<String>,
    #[serde(default)]
    pub region: Value<String>,
    #[serde(default)]
    pub zone_ids: Value<Vec<Value<String>>>,
    #[serde(default)]
    pub supported_regions: Value<Vec<Value<String>>>,
}

pub struct VpcAccessZonesDataSource {
    client: ClientCell,
}

impl VpcAccessZonesDataSource {
    pub fn new(client: ClientCell) -> Self {
        Self { client }
    }
}

fn list(items: impl IntoIterator<Item = String>) -> Value<Vec<Value<String>>> {
    Value::Value(items.into_iter().map(Value::Value).collect())
}

#[async_trait]
impl DataSource for VpcAccessZonesDataSource {
    type State<'a> = State;
    type ProviderMetaState<'a> = Value<StructEmpty>;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(Schema {
            version: 1,
            block: Block {
                version: 1,
                description: Description::markdown(
                    "The zones where MaxCompute VPC access (network links) is supported, per the product documentation. Put the link's vSwitch in one of them.",
                ),
                attributes: map! {
                    "id" => Attr::string("The region.").computed(),
                    "region" => Attr::string("The region to list zones for; defaults to the provider's region.").optional_computed(),
                    "zone_ids" => Attr::string_list("The supported zone IDs of the region, e.g. `cn-hangzhou-h`.").computed(),
                    "supported_regions" => Attr::string_list("Every region where VPC access is supported.").computed()
                },
                ..Default::default()
            },
        })
    }

    async fn read<'a>(
        &self,
        diags: &mut Diagnostics,
        config: State,
        _meta: Value<StructEmpty>,
    ) -> Option<State> {
        let region = match config.region.as_ref_option() {
            Some(r) => r.clone(),
            None => client(&self.client, diags)?.region().to_string(),
        };
        let Some(zone_ids) = zones::supported_zones(&region) else {
            diags.error(
                format!("Region {region} does not support MaxCompute VPC access"),
                zones::check_region(&region).err().unwrap_or_default(),
                AttributePath::new("region"),
            );
            return None;
        };
        Some(State {
            id: Value::Value(region.clone()),
            region: Value::Value(region),
            zone_ids: list(zone_ids),
            supported_regions: list(zones::supported_regions().into_iter().map(String::from)),
        })
    }
}
