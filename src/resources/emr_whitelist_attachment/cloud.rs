//! The attachment's cloud calls: the cluster's group, its rules read back into the state, and
//! the writes that make the owned rules what is wanted (under the group's lock).

use std::collections::BTreeSet;

use tf_provider::value::Value;

use crate::client::ecs::{IngressRule, RuleSource, SecurityGroupAttribute};
use crate::client::ids::SecurityGroupId;
use crate::client::net::Cidr;
use crate::client::{Client, Error};
use crate::framework::busy::until_not_busy;
use crate::framework::resource::Ctx;
use crate::validate::cloud::Facts;

use super::rules::{covers, existing, from_source, owned, rule_ids};
use super::state::{id_of, known, write_tag, Ownership};
use super::{rule_description, EmrWhitelistAttachment, State};

impl EmrWhitelistAttachment {
    /// The group's edit lock, waited for within the operation's time.
    pub(super) async fn group_locked(
        ctx: &Ctx<'_>,
        sg: &SecurityGroupId,
    ) -> Result<tokio::sync::OwnedMutexGuard<()>, crate::framework::resource::Problem<State>> {
        let what = format!("security group {sg}");
        ctx.lock(&format!("sg:{sg}"), &what).await.map_err(|e| {
            crate::framework::resource::Problem::client(ctx.client, &format!("changing {what}"), &e)
        })
    }

    /// The cluster's node security group; `Ok(None)` when the cluster is gone.
    pub(super) async fn cluster_group(
        client: &Client,
        facts: &Facts,
        cluster_id: &str,
    ) -> Result<Option<(SecurityGroupId, crate::client::emr::Cluster)>, Error> {
        let Some(cluster) = facts.emr_cluster(client, cluster_id).await? else {
            return Ok(None);
        };
        let id = SecurityGroupId::parse(&cluster.security_group_id).map_err(|e| Error::Decode {
            action: "GetCluster",
            status: 200,
            reason: e.to_string(),
        })?;
        Ok(Some((id, cluster)))
    }

    pub(super) async fn group_rules(
        client: &Client,
        sg: &SecurityGroupId,
    ) -> Result<SecurityGroupAttribute, Error> {
        let read = client.ecs().describe_security_group_attribute(sg).await?;
        Ok(read.unwrap_or_else(|| Self::no_rules(sg)))
    }

    /// Where the rules are: the cluster's group, or, the cluster gone, the group the state
    /// recorded (it may outlive the cluster). `Ok(None)`: neither is known.
    pub(super) async fn rules_group(
        client: &Client,
        facts: &Facts,
        s: &State,
    ) -> Result<Option<SecurityGroupId>, Error> {
        let cluster_id = known(&s.cluster_id).unwrap_or_default();
        Ok(
            match Self::cluster_group(client, facts, cluster_id).await? {
                Some((sg, _)) => Some(sg),
                None => recorded_group(s),
            },
        )
    }

    /// A group that is gone holds no rules.
    pub(super) fn no_rules(sg: &SecurityGroupId) -> SecurityGroupAttribute {
        SecurityGroupAttribute {
            id: sg.clone(),
            name: String::new(),
            description: String::new(),
            vpc_id: String::new(),
            permissions: Vec::new(),
        }
    }

    /// The state from the cluster group's rules; `Ok(None)` when the cluster, its group or every
    /// owned rule is gone.
    pub(super) async fn read_state(
        client: &Client,
        facts: &Facts,
        mut s: State,
    ) -> Result<Option<State>, Error> {
        let cluster_id = known(&s.cluster_id).unwrap_or_default().to_string();
        let (sg, cluster_gone) = match Self::cluster_group(client, facts, &cluster_id).await? {
            Some((sg, _)) => (sg, false),
            // The group may outlive its cluster, with our rules in it: tracked until revoked.
            None => match recorded_group(&s) {
                Some(sg) => (sg, true),
                None => return Ok(None),
            },
        };
        // Through the run's facts: a refresh shares the read with the plan's checks and the other
        // attachments on the group; our writes to it make the next read fresh.
        let Some(attr) = facts.security_group_attribute(client, &sg).await? else {
            return Ok(None);
        };
        let sources = s.sources();
        let ownership = s.ownership();
        let found = existing(&attr.permissions, &cluster_id, &s.rules(), &ownership);
        let mut rules = owned(&attr.permissions, &cluster_id, &sources, &ownership);
        if (rules.is_empty() && found.is_empty()) || (cluster_gone && rules.is_empty()) {
            return Ok(None);
        }
        // Ours are the recorded rules still there (or, nothing recorded yet, the described ones).
        s.rule_ids = rule_ids(&rules);
        s.existing_rule_ids = rule_ids(&found);
        rules.extend(found);
        // A block no rule admits any more (all removed by hand; an add that failed) leaves the
        // state: the plan shows it as added, and adding it checks again that no other state's
        // rules from it exist — a block kept in the state would take such rules for its own.
        if let Value::Value(blocks) = &mut s.cidrs {
            blocks.retain(|b| {
                let Some(block) = b.as_ref_option().and_then(|b| Cidr::parse(b)) else {
                    return true;
                };
                let source = RuleSource::Cidr(block);
                rules.iter().any(|r| from_source(r, &source))
            });
        }
        let sources = s.sources();
        // A port counts as present when every source has its rule: a rule removed by hand drops
        // the port from the state, so the plan shows (and the apply makes) the repair.
        let present: Vec<i64> = s
            .port_list()
            .into_iter()
            .filter(|port| {
                sources.iter().all(|src| {
                    rules
                        .iter()
                        .any(|r| covers(r, *port) && from_source(r, src))
                })
            })
            .collect();
        s.ports = Value::Value(present.into_iter().map(Value::Value).collect());
        s.security_group_id = Value::Value(sg.to_string());
        s.id = Value::Value(id_of(&s));
        Ok(Some(s))
    }

    /// Makes the owned rules exactly `want` (adds missing ones, revokes extra owned ones), from
    /// the group's rules as `read` (made under the lock) found them, or as read now. The caller
    /// holds the group's lock. Says what this attachment owns afterwards, whatever the writes
    /// answered: an add whose answer was lost may have landed, so the group is read again.
    pub(super) async fn converge(
        ctx: &Ctx<'_>,
        sg: &SecurityGroupId,
        (s, ownership): (&State, Ownership),
        want: &[IngressRule],
        read: Option<SecurityGroupAttribute>,
    ) -> Converged {
        let cluster_id = known(&s.cluster_id).unwrap_or_default().to_string();
        let attr = match read {
            Some(attr) => attr,
            None => match Self::group_rules(ctx.client, sg).await {
                Ok(attr) => attr,
                Err(e) => return Converged::unwritten(ownership, e),
            },
        };
        // A create's rules carry its token's tag; another write's, a tag of its own.
        let tag = write_tag(
            &ctx.token
                .clone()
                .unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
        );
        let mine = owned(&attr.permissions, &cluster_id, &s.sources(), &ownership);
        let theirs = existing(&attr.permissions, &cluster_id, want, &ownership);
        let missing: Vec<IngressRule> = want
            .iter()
            .filter(|w| {
                !mine.iter().any(|p| w.matches(p))
                    && !theirs.iter().any(|p| w.matches(p) || w.covered_by(p))
            })
            .map(|w| IngressRule {
                description: Some(rule_description(&cluster_id, &tag)),
                ..w.clone()
            })
            .collect();
        let extra: BTreeSet<String> = mine
            .iter()
            .filter(|p| !want.iter().any(|w| w.matches(p)))
            .map(|p| p.security_group_rule_id.clone())
            .filter(|id| !id.is_empty())
            .collect();
        let mut kept: BTreeSet<String> = mine
            .iter()
            .map(|p| p.security_group_rule_id.clone())
            .collect();
        let result = Self::write_rules(ctx, sg, &extra, &missing).await;
        // A failed revoke stops before the add: the rules it names are gone or still ours.
        let revoke_failed = matches!(result, Err(WriteError::Revoke(_)));
        if !revoke_failed {
            kept.retain(|id| !extra.contains(id));
        }
        let owned = match missing.is_empty() || revoke_failed {
            true => Some(kept),
            false => Self::added(ctx, sg, &attr, &missing)
                .await
                .map(|added| kept.into_iter().chain(added).collect()),
        };
        Converged {
            owned,
            result: result.map_err(Error::from),
        }
    }

    /// The rules an add made, answered or not: in the group now (read afresh), not before, of our
    /// description and of the content added. `None` when the group cannot be read.
    async fn added(
        ctx: &Ctx<'_>,
        sg: &SecurityGroupId,
        before: &SecurityGroupAttribute,
        missing: &[IngressRule],
    ) -> Option<BTreeSet<String>> {
        let before: BTreeSet<&str> = before
            .permissions
            .iter()
            .map(|p| p.security_group_rule_id.as_str())
            .collect();
        let after = ctx
            .facts
            .security_group_attribute(ctx.client, sg)
            .await
            .ok()?;
        Some(
            after
                .map(|a| a.permissions)
                .unwrap_or_default()
                .iter()
                .filter(|p| !before.contains(p.security_group_rule_id.as_str()))
                .filter(|p| {
                    missing
                        .iter()
                        .any(|w| w.matches(p) && w.description.as_ref() == Some(&p.description))
                })
                .map(|p| p.security_group_rule_id.clone())
                .collect(),
        )
    }

    /// The revoke, then the add; a guard makes the run's next read of the group fresh.
    async fn write_rules(
        ctx: &Ctx<'_>,
        sg: &SecurityGroupId,
        extra: &BTreeSet<String>,
        missing: &[IngressRule],
    ) -> Result<(), WriteError> {
        let ecs = ctx.client.ecs();
        let _writes = ctx.facts.writing_group(sg);
        if !extra.is_empty() {
            let extra: Vec<String> = extra.iter().cloned().collect();
            until_not_busy(
                "revoking EMR access rules",
                ctx.remaining(),
                ecs.revoke_security_group_rules(sg, &extra),
            )
            .await
            .map_err(WriteError::Revoke)?;
        }
        if !missing.is_empty() {
            let token = uuid::Uuid::new_v4().to_string();
            until_not_busy(
                "adding EMR access rules",
                ctx.remaining(),
                ecs.authorize_security_group(sg, missing, &token),
            )
            .await
            .map_err(WriteError::Add)?;
        }
        Ok(())
    }
}

/// The group a state recorded its rules in.
fn recorded_group(s: &State) -> Option<SecurityGroupId> {
    known(&s.security_group_id).and_then(|g| SecurityGroupId::parse(g).ok())
}

/// Which of `converge`'s writes failed.
enum WriteError {
    Revoke(Error),
    Add(Error),
}

impl From<WriteError> for Error {
    fn from(e: WriteError) -> Error {
        match e {
            WriteError::Revoke(e) | WriteError::Add(e) => e,
        }
    }
}

/// What `converge` did: the IDs of the rules the attachment owns afterwards (`None`: rules were
/// added whose IDs could not be read back), and whether every write answered.
pub(super) struct Converged {
    pub owned: Option<BTreeSet<String>>,
    pub result: Result<(), Error>,
}

impl Converged {
    /// Nothing written: the state owns what it did.
    fn unwritten(ownership: Ownership, e: Error) -> Converged {
        let owned = match ownership {
            Ownership::Ids(ids) => Some(ids),
            Ownership::Described | Ownership::Tagged(_) => None,
        };
        Converged {
            owned,
            result: Err(e),
        }
    }
}
