//! Data source `maxcompute_vpc_access_zones`: where MaxCompute can reach into a VPC, from the same
//! table the network-link checks use.

use async_trait::async_trait;
use tf_provider::value::Value;

use crate::framework::attr::AttrDecl;
use crate::framework::data_source::{Answer, LookupSource};
use crate::framework::resource::{Ctx, Findings, Problem};
use crate::framework::schema::Attr;
use crate::framework::values::string_list as list;
use crate::validate::zones;

crate::state! {
    pub struct State {
        id: Value<String> = Attr::string("The region.").computed(),
        region: Value<String> =
            Attr::string("The region to list zones for; defaults to the provider's region.")
                .optional_computed(),
        zone_ids: Value<Vec<Value<String>>> =
            Attr::string_list("The supported zone IDs of the region, e.g. `cn-hangzhou-h`.")
                .computed(),
        supported_regions: Value<Vec<Value<String>>> =
            Attr::string_list("Every region where VPC access is supported.").computed(),
    }
}

pub struct VpcAccessZonesDataSource;

#[async_trait]
impl LookupSource for VpcAccessZonesDataSource {
    type State = State;
    const DESCRIPTION: &'static str =
        "The zones where MaxCompute VPC access (network links) is supported, per the product \
         documentation. Put the link's vSwitch in one of them.";

    fn attributes() -> Vec<AttrDecl<State>> {
        State::attributes()
    }

    /// A table lookup: with `region` set it needs no client at all.
    fn read_offline(&self, config: &State) -> Option<Answer<State>> {
        config.region.as_ref_option().map(|r| table(r.clone()))
    }

    async fn read(&self, ctx: &Ctx<'_>, config: State) -> Answer<State> {
        let region = match config.region.as_ref_option() {
            Some(r) => r.clone(),
            None => ctx.client.region().to_string(),
        };
        table(region)
    }
}

/// The product documentation's table, for one region.
fn table(region: String) -> Answer<State> {
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
