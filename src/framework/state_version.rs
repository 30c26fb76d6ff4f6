//! Versions of a resource's state shape. Each resource declares the version it writes
//! ([`ManagedResource::SCHEMA_VERSION`], in the schema terraform stores beside every state) and the
//! steps from each older version ([`ManagedResource::upgrade_state`]); terraform hands an older
//! state to `UpgradeResourceState`, which walks the steps, one version at a time, as JSON, then
//! reads the result as today's state. A state newer than this release is refused, never guessed.

use serde_json::Value as Json;

use super::resource::ManagedResource;

/// Today's state from `state`, written at `version`.
pub fn upgrade<R: ManagedResource>(version: i64, mut state: Json) -> Result<R::State, String> {
    if version > R::SCHEMA_VERSION {
        return Err(format!(
            "This state was written by a newer release of the provider (state version \
             {version}; this release reads versions up to {}). Use that release or a newer \
             one: an older release cannot know what the newer one recorded.",
            R::SCHEMA_VERSION
        ));
    }
    for from in version..R::SCHEMA_VERSION {
        state = R::upgrade_state(from, state)?;
    }
    serde_json::from_value(state).map_err(|e| {
        format!(
            "The state (version {version}) does not read as this release's (version {}): {e}. \
             Report this with the state entry (`terraform state show`).",
            R::SCHEMA_VERSION
        )
    })
}

/// The error of a step nobody wrote: a version this release has no way up from.
pub fn no_step(from: i64) -> String {
    format!(
        "This release cannot read a state of version {from} (no upgrade step from it). Apply the \
         configuration with the release that wrote it first, or import the object again."
    )
}

#[cfg(test)]
mod tests {
    use async_trait::async_trait;
    use serde::{Deserialize, Serialize};
    use serde_json::{json, Value as Json};

    use super::upgrade;
    use crate::framework::attr::AttrDecl;
    use crate::framework::resource::{Ctx, Failed, ManagedResource, Problem};
    use crate::resources::{
        emr_whitelist_attachment::EmrWhitelistAttachment,
        hbase_whitelist_attachment::HbaseWhitelistAttachment, network_link::NetworkLinkResource,
        privatelink_endpoint::PrivateLinkEndpointResource,
        project_ip_whitelist::ProjectIpWhitelist, rds_whitelist_attachment::RdsWhitelistAttachment,
        security_group::SecurityGroupResource,
    };

    /// States as this release writes them: `terraform.tfstate` entries of every resource, taken
    /// from an apply of the lakehouse demo (and a project whitelist) against the emulator.
    fn written_today() -> Json {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src/framework/testdata/states-v1.json"
        );
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    fn reads<R: ManagedResource>(name: &str) {
        let entry = &written_today()[name];
        assert_eq!(entry["schema_version"], json!(R::SCHEMA_VERSION), "{name}");
        let state =
            upgrade::<R>(1, entry["attributes"].clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let back = serde_json::to_value(&state).unwrap();
        assert_eq!(back["id"], entry["attributes"]["id"], "{name}");
    }

    #[test]
    fn every_resource_reads_the_states_this_release_writes() {
        reads::<SecurityGroupResource>("security_group");
        reads::<NetworkLinkResource>("network_link");
        reads::<PrivateLinkEndpointResource>("privatelink_endpoint");
        reads::<RdsWhitelistAttachment>("rds_whitelist_attachment");
        reads::<HbaseWhitelistAttachment>("hbase_whitelist_attachment");
        reads::<EmrWhitelistAttachment>("emr_whitelist_attachment");
        reads::<ProjectIpWhitelist>("project_ip_whitelist");
    }

    /// A later release of the security group, version 3: `ingress_cidrs` renamed (step 1 → 2),
    /// then a `rules` count added (step 2 → 3).
    #[derive(Debug, Clone, Default, Serialize, Deserialize)]
    struct Later {
        id: String,
        name: String,
        ingress_blocks: Vec<String>,
        rules: usize,
    }

    struct LaterGroup;

    #[async_trait]
    impl ManagedResource for LaterGroup {
        type State = Later;
        const DESCRIPTION: &'static str = "a later security group";
        const SCHEMA_VERSION: i64 = 3;

        fn upgrade_state(from: i64, mut state: Json) -> Result<Json, String> {
            let obj = state.as_object_mut().ok_or("not an object")?;
            match from {
                1 => {
                    let cidrs = obj.remove("ingress_cidrs").unwrap_or(json!([]));
                    obj.insert("ingress_blocks".into(), cidrs);
                }
                2 => {
                    let n = obj["ingress_blocks"].as_array().map_or(0, Vec::len);
                    obj.insert("rules".into(), json!(n));
                }
                other => return Err(super::no_step(other)),
            }
            Ok(state)
        }

        fn attributes() -> Vec<AttrDecl<Later>> {
            Vec::new()
        }
        fn describe(s: &Later) -> String {
            s.id.clone()
        }
        async fn refresh(&self, _: &Ctx<'_>, s: Later) -> Result<Option<Later>, Problem<Later>> {
            Ok(Some(s))
        }
        async fn create(&self, _: &Ctx<'_>, s: Later) -> Result<Later, Failed<Later>> {
            Ok(s)
        }
        async fn update(&self, _: &Ctx<'_>, _: Later, s: Later) -> Result<Later, Failed<Later>> {
            Ok(s)
        }
        async fn delete(&self, _: &Ctx<'_>, _: Later) -> Result<(), Problem<Later>> {
            Ok(())
        }
        async fn import(&self, _: &Ctx<'_>, id: &str) -> Result<Later, Problem<Later>> {
            Err(Problem::new("not here", id.to_string()))
        }
    }

    #[test]
    fn a_later_release_upgrades_todays_state_step_by_step() {
        let today = written_today()["security_group"]["attributes"].clone();
        let later = upgrade::<LaterGroup>(1, today.clone()).unwrap();
        assert_eq!(json!(later.id), today["id"]);
        assert_eq!(json!(later.ingress_blocks), today["ingress_cidrs"]);
        assert_eq!(later.rules, later.ingress_blocks.len());
        assert!(later.rules > 0);
    }

    #[test]
    fn a_state_of_a_newer_release_or_an_unknown_version_is_refused_with_the_way_out() {
        let today = written_today()["security_group"]["attributes"].clone();
        let newer = upgrade::<SecurityGroupResource>(2, today.clone()).unwrap_err();
        assert!(newer.contains("newer release"), "{newer}");
        let older = upgrade::<SecurityGroupResource>(0, today).unwrap_err();
        assert!(older.contains("no upgrade step from it"), "{older}");
    }
}
