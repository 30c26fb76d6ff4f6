//! Data source `maxcompute_vpc_access_zones`: where MaxCompute can reach into a VPC, from the same
//! table the network-link checks use.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tf_provider::value::Value;

use crate::field;
use crate::framework::attr::AttrDecl;
use crate::framework::data_source::LookupSource;
use crate::framework::resource::{Ctx, Findings, Problem};
use crate::framework::schema::Attr;
use crate::framework::values::string_list as list;
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

pub struct VpcAccessZonesDataSource;

type D = AttrDecl<State>;

#[async_trait]
impl LookupSource for VpcAccessZonesDataSource {
    type State = State;
    const DESCRIPTION: &'static str = "The zones where MaxCompute VPC access (network links) is supported, per the product documentation. Put the link's vSwitch in one of them.";
    /// A table lookup: with `region` set it needs no cloud call.
    const NEEDS_CLIENT: bool = false;

    fn attributes() -> Vec<AttrDecl<State>> {
        vec![
            D::new("id", field!(id), Attr::string("The region.").computed()),
            D::new(
                "region",
                field!(region),
                Attr::string("The region to list zones for; defaults to the provider's region.")
                    .optional_computed(),
            ),
            D::new(
                "zone_ids",
                field!(zone_ids),
                Attr::string_list("The supported zone IDs of the region, e.g. `cn-hangzhou-h`.")
                    .computed(),
            ),
            D::new(
                "supported_regions",
                field!(supported_regions),
                Attr::string_list("Every region where VPC access is supported.").computed(),
            ),
        ]
    }

    async fn read(
        &self,
        ctx: Option<&Ctx<'_>>,
        config: State,
    ) -> Result<(State, Findings<State>), Problem<State>> {
        let region = match (config.region.as_ref_option(), ctx) {
            (Some(r), _) => r.clone(),
            (None, Some(ctx)) => ctx.client.region().to_string(),
            (None, None) => {
                return Err(Problem::new(
                    "The maxcompute provider is not configured",
                    "Set `region` on the data source, or configure the provider.",
                ))
            }
        };
        let Some(zone_ids) = zones::supported_zones(&region) else {
            return Err(Problem::at(
                |s| &s.region,
                format!("Region {region} does not support MaxCompute VPC access"),
                zones::check_region(&region).err().unwrap_or_default(),
            ));
        };
        let state = State {
            id: Value::Value(region.clone()),
            region: Value::Value(region),
            zone_ids: list(zone_ids),
            supported_regions: list(zones::supported_regions().into_iter().map(String::from)),
        };
        Ok((state, Findings::default()))
    }
}
