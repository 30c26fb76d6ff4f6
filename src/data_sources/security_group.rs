//! Data source `maxcompute_security_group`: looks a group up by ID, or by name within a VPC,
//! and exposes its type so a module can assert it is basic before building a link on it.

use async_trait::async_trait;
use tf_provider::value::Value;

use crate::client::ecs::SecurityGroupFilter;
use crate::client::ids::{SecurityGroupId, VpcId};
use crate::framework::attr::AttrDecl;
use crate::framework::data_source::LookupSource;
use crate::framework::resource::{Ctx, Findings, Problem};
use crate::framework::schema::Attr;

crate::state! {
    pub struct State {
        id: Value<String> =
            Attr::string("The security group ID. Set this, or `name` with `vpc_id`.")
                .optional_computed()
            => .valid(SecurityGroupId::check),
        name: Value<String> = Attr::string("The exact group name, looked up within `vpc_id`.")
            .optional_computed(),
        vpc_id: Value<String> =
            Attr::string("The VPC of the group; required with `name`.").optional_computed()
            => .valid(VpcId::check),
        description: Value<String> = Attr::string("The group description.").computed(),
        group_type as "type": Value<String> = Attr::string(
            "`normal` (basic) or `enterprise` (advanced). MaxCompute network links need \
             `normal`.",
        )
        .computed(),
    }
}

pub struct SecurityGroupDataSource;

type P = Problem<State>;

#[async_trait]
impl LookupSource for SecurityGroupDataSource {
    type State = State;
    const DESCRIPTION: &'static str =
        "Looks up an ECS security group by `id`, or by `name` within `vpc_id`, and exposes its \
         `type` (`normal` = basic, `enterprise` = advanced).";

    fn attributes() -> Vec<AttrDecl<State>> {
        State::attributes()
    }

    fn check(config: &State, out: &mut Findings<State>) {
        let by_id = !config.id.is_null();
        let by_name = !config.name.is_null();
        if by_id == by_name {
            out.error(P::new(
                "Set either `id`, or `name` with `vpc_id`",
                "The security group is looked up by its ID, or by its exact name inside one VPC.",
            ));
        } else if by_name && config.vpc_id.is_null() {
            out.error(P::at(
                |s| &s.vpc_id,
                "`vpc_id` is required with `name`",
                "Names are unique only within a VPC; add the `vpc_id` the group belongs to.",
            ));
        }
    }

    async fn read(&self, ctx: &Ctx<'_>, config: State) -> Result<(State, Findings<State>), P> {
        let client = ctx.client;
        let vpc_id = config
            .vpc_id
            .as_ref_option()
            .and_then(|v| VpcId::parse(v).ok());
        let filter = match (&config.id, &config.name) {
            (Value::Value(id), _) => SecurityGroupFilter {
                ids: SecurityGroupId::parse(id).into_iter().collect(),
                vpc_id,
                ..Default::default()
            },
            _ => SecurityGroupFilter {
                name: config.name.as_ref_option().cloned(),
                vpc_id,
                ..Default::default()
            },
        };
        let groups = client
            .ecs()
            .describe_security_groups(&filter)
            .await
            .map_err(|e| Problem::client(client, "looking up the security group", &e))?;
        // The name filter may be fuzzy on the cloud side: keep exact matches only.
        let matches: Vec<_> = groups
            .into_iter()
            .filter(|g| config.name.as_ref_option().is_none_or(|n| &g.name == n))
            .filter(|g| config.id.as_ref_option().is_none_or(|i| g.id.as_str() == i))
            .collect();
        let group = match matches.as_slice() {
            [one] => one.clone(),
            [] => {
                return Err(P::new(
                    "Security group not found",
                    format!("No security group matches in region {}.", client.region()),
                ))
            }
            many => {
                let ids: Vec<&str> = many.iter().map(|g| g.id.as_str()).collect();
                return Err(P::new(
                    "Several security groups match",
                    format!(
                        "{} groups are named like this: {}. Look the group up by `id`.",
                        many.len(),
                        ids.join(", ")
                    ),
                ));
            }
        };
        let state = State {
            id: Value::Value(group.id.to_string()),
            name: Value::Value(group.name),
            vpc_id: Value::Value(group.vpc_id),
            description: Value::Value(group.description),
            group_type: Value::Value(group.group_type.as_str().to_string()),
        };
        Ok((state, Findings::default()))
    }
}
