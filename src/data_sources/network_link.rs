//! Data source `maxcompute_network_link`: a link by name, with everything jobs need to use it.

use async_trait::async_trait;
use tf_provider::value::Value;

use crate::client::ids::LinkName;
use crate::framework::attr::AttrDecl;
use crate::framework::data_source::LookupSource;
use crate::framework::resource::{Ctx, Findings, Problem};
use crate::framework::schema::Attr;
use crate::resources::network_link::{whole_state, State as LinkState};

/// The resource's state; the schema below leaves out `timeouts`, and the read leaves it null.
pub type State = LinkState;

pub struct NetworkLinkDataSource;

#[async_trait]
impl LookupSource for NetworkLinkDataSource {
    type State = State;
    const DESCRIPTION: &'static str =
        "Reads a MaxCompute network link by name, with the settings jobs need (`sql_setting`, \
         `table_property`, `spark_conf`). **Provisional** API contract, as for the resource.";

    /// Its own declarations of what it takes and of the link's settings, then what the service
    /// reports, as the resource declares it.
    fn attributes() -> Vec<AttrDecl<State>> {
        let mut decls = crate::state!(@list State {
            id = Attr::string("The link's name.").computed(),
            name = Attr::string("The name of the network link to read.").required()
                => .valid(LinkName::check),
            link_type as "type" = Attr::string("The link type (`Passthrough`).").computed(),
            vpc_id = Attr::string("The VPC of the link.").computed(),
            vswitch_id = Attr::string("The vSwitch of the link's ENIs.").computed(),
            security_group_id = Attr::string("The security group of the link's ENIs.").computed(),
            description = Attr::string("The description.").computed(),
        });
        let reported: Vec<_> = State::attributes()
            .into_iter()
            .filter(|d| d.is_computed_only() && !decls.iter().any(|own| own.name == d.name))
            .collect();
        decls.extend(reported);
        decls
    }

    async fn read(
        &self,
        ctx: &Ctx<'_>,
        config: State,
    ) -> Result<(State, Findings<State>), Problem<State>> {
        // Checked by `name`'s validator before the read.
        let name = LinkName::parse(config.name.as_ref_option().map_or("", |n| n.as_str()))
            .map_err(|e| Problem::at(|s: &State| &s.name, "Invalid name", e.to_string()))?;
        match ctx.client.maxcompute().get_network_link(&name).await {
            Ok(Some(link)) => {
                let mut s = whole_state(&link, Value::Value(String::new()));
                // The data source has no `timeouts`: left null, it is left out of the state.
                s.timeouts = Value::Null;
                Ok((s, Findings::default()))
            }
            Ok(None) => Err(Problem::at(
                |s| &s.name,
                format!("Network link {name} not found"),
                format!(
                    "No network link of that name in region {}.",
                    ctx.client.region()
                ),
            )),
            Err(e) => Err(Problem::client(
                ctx.client,
                &format!("reading network link {name}"),
                &e,
            )),
        }
    }
}
