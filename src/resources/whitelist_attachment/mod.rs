//! What the RDS and HBase whitelist attachments share: each owns exactly one named whitelist
//! group on its target and never reads-modifies-writes any other group. Entries are compared as
//! sets; the group is addressed by name, never by position.
//!
//! The per-service parts (API calls, names) are a [`Target`]; the resource is written once here
//! on the resource core. Every check that reads the target's groups and the write that follows
//! it happen under the target's lock, so two attachments naming one group in one apply cannot
//! both "succeed".

use std::collections::BTreeSet;
use std::fmt::Debug;
use std::marker::PhantomData;

use async_trait::async_trait;
use serde::de::DeserializeOwned;
use serde::Serialize;
use tf_provider::value::Value;

use crate::client::net::Cidr;
use crate::client::rds::DENY_ALL;
use crate::client::retry::{retryable, Idempotency};
use crate::client::{Client, Error, WaitPolicy, Waiter};
use crate::framework::attr::{AttrDecl, Getter, Setter, Slot as _};
use crate::framework::busy::until_not_busy;
use crate::framework::journal::claimed_elsewhere_text;
use crate::framework::resource::{Ctx, Failed, ManagedResource, Planning, Problem};
use crate::framework::schema::Attr;
use crate::validate;
use crate::validate::cloud::Facts;

pub const DEFAULT_GROUP: &str = "maxcompute";

/// The fields of an attachment's state, for declarations and findings.
#[derive(Debug, Clone, Copy)]
pub enum F {
    Id,
    Target,
    GroupName,
    Cidrs,
    AllowPublic,
    Timeouts,
}

/// The attributes every whitelist attachment has; the target ID's name differs per service.
pub trait WhitelistState:
    Serialize + DeserializeOwned + Clone + Default + Debug + Send + Sync + 'static
{
    /// `instance_id` / `cluster_id`: the one place the target attribute is named.
    const TARGET_ATTR: &'static str;
    fn field(f: F) -> (Getter<Self>, Setter<Self>);
    fn target(&self) -> &Value<String>;
    fn target_mut(&mut self) -> &mut Value<String>;
    fn id_mut(&mut self) -> &mut Value<String>;
    fn group_name(&self) -> &Value<String>;
    fn group_name_mut(&mut self) -> &mut Value<String>;
    fn cidrs(&self) -> &Value<BTreeSet<Value<String>>>;
    fn cidrs_mut(&mut self) -> &mut Value<BTreeSet<Value<String>>>;
    fn allow_public(&self) -> bool;
    fn allow_public_mut(&mut self) -> &mut Value<bool>;
}

/// Declares the state struct of one attachment, with its target attribute's name.
macro_rules! whitelist_state {
    ($name:ident, $target:ident) => {
        #[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
        pub struct $name {
            #[serde(default)]
            pub id: tf_provider::value::Value<String>,
            #[serde(default)]
            pub $target: tf_provider::value::Value<String>,
            #[serde(default)]
            pub group_name: tf_provider::value::Value<String>,
            #[serde(default)]
            pub cidrs: tf_provider::value::Value<
                std::collections::BTreeSet<tf_provider::value::Value<String>>,
            >,
            #[serde(default)]
            pub allow_public: tf_provider::value::Value<bool>,
            #[serde(default)]
            pub timeouts: tf_provider::value::Value<Vec<$crate::framework::timeouts::TimeoutsCud>>,
        }

        impl $crate::resources::whitelist_attachment::WhitelistState for $name {
            const TARGET_ATTR: &'static str = stringify!($target);
            fn field(
                f: $crate::resources::whitelist_attachment::F,
            ) -> (
                $crate::framework::attr::Getter<Self>,
                $crate::framework::attr::Setter<Self>,
            ) {
                use $crate::resources::whitelist_attachment::F;
                match f {
                    F::Id => $crate::field!(id),
                    F::Target => $crate::field!($target),
                    F::GroupName => $crate::field!(group_name),
                    F::Cidrs => $crate::field!(cidrs),
                    F::AllowPublic => $crate::field!(allow_public),
                    F::Timeouts => $crate::field!(timeouts),
                }
            }
            fn target(&self) -> &tf_provider::value::Value<String> {
                &self.$target
            }
            fn target_mut(&mut self) -> &mut tf_provider::value::Value<String> {
                &mut self.$target
            }
            fn id_mut(&mut self) -> &mut tf_provider::value::Value<String> {
                &mut self.id
            }
            fn group_name(&self) -> &tf_provider::value::Value<String> {
                &self.group_name
            }
            fn group_name_mut(&mut self) -> &mut tf_provider::value::Value<String> {
                &mut self.group_name
            }
            fn cidrs(
                &self,
            ) -> &tf_provider::value::Value<
                std::collections::BTreeSet<tf_provider::value::Value<String>>,
            > {
                &self.cidrs
            }
            fn cidrs_mut(
                &mut self,
            ) -> &mut tf_provider::value::Value<
                std::collections::BTreeSet<tf_provider::value::Value<String>>,
            > {
                &mut self.cidrs
            }
            fn allow_public(&self) -> bool {
                matches!(self.allow_public, tf_provider::value::Value::Value(true))
            }
            fn allow_public_mut(&mut self) -> &mut tf_provider::value::Value<bool> {
                &mut self.allow_public
            }
        }
    };
}
pub(crate) use whitelist_state;

pub use crate::validate::whitelist::Group;

/// One service's side of an attachment.
#[async_trait]
pub trait Target: Send + Sync + 'static {
    type State: WhitelistState;
    /// "RDS instance" / "HBase cluster".
    const TARGET_KIND: &'static str;
    /// An example ID, for messages.
    const EXAMPLE_ID: &'static str;
    /// Key prefix of the per-target edit lock and the create journal.
    const LOCK: &'static str;
    const RESOURCE: &'static str;
    const DESCRIPTION: &'static str;
    /// Entries all groups of one target may hold together.
    const MAX_ENTRIES: usize;
    /// Groups one target may hold (`usize::MAX` where the service publishes none).
    const MAX_GROUPS: usize;

    /// The target's groups; `Ok(None)` when the target does not exist.
    async fn read_groups(client: &Client, target: &str) -> Result<Option<Vec<Group>>, Error>;
    /// The VPC the target serves, when it says (feeds a warning only, so best effort).
    async fn vpc_of(client: &Client, target: &str) -> Option<String>;
    /// Reads into the run's facts what a write to the target will need, during the plan's own
    /// reads, so the write does not wait for it (best effort: the write reads it if missing).
    async fn warm(_client: &Client, _facts: &Facts, _target: &str) {}
    /// Sets the content of one group (creating it if needed).
    async fn write_group(
        client: &Client,
        facts: &Facts,
        target: &str,
        group: &str,
        entries: &[String],
        idempotency: Idempotency,
    ) -> Result<(), Error>;
}

pub struct WhitelistAttachment<T: Target>(PhantomData<T>);

/// The target check's reads.
struct TargetReads {
    groups: Result<Option<Vec<Group>>, Error>,
    vpc: Option<String>,
}

impl<T: Target> Default for WhitelistAttachment<T> {
    fn default() -> Self {
        Self(PhantomData)
    }
}

fn known(v: &Value<String>) -> Option<&str> {
    v.as_ref_option().map(|s| s.as_str())
}

fn cidr_strings(v: &Value<BTreeSet<Value<String>>>) -> Vec<String> {
    v.as_ref_option()
        .map(|s| {
            s.iter()
                .filter_map(|c| c.as_ref_option().cloned())
                .collect()
        })
        .unwrap_or_default()
}

/// A whitelist entry as compared: its block when it is one (`10.0.0.5` = `10.0.0.5/32`), else
/// its text.
#[derive(Debug, PartialEq, Eq)]
enum Entry<'a> {
    Block(Cidr),
    Text(&'a str),
}

fn entry(s: &str) -> Entry<'_> {
    Cidr::parse(s).map_or(Entry::Text(s), Entry::Block)
}

/// The same entries, whatever the order and spelling.
fn same_set(a: &[String], b: &[String]) -> bool {
    let a: Vec<Entry> = a.iter().map(|x| entry(x)).collect();
    let b: Vec<Entry> = b.iter().map(|y| entry(y)).collect();
    a.len() == b.len() && a.iter().all(|x| b.contains(x)) && b.iter().all(|y| a.contains(y))
}

/// A group that only holds the deny-all placeholder is as good as absent.
fn is_placeholder(entries: &[String]) -> bool {
    entries.iter().all(|e| e == DENY_ALL || e == "127.0.0.1/32")
}

/// The group of that name, unless absent or only the placeholder.
fn live<'a>(groups: &'a [Group], name: &str) -> Option<&'a Group> {
    groups
        .iter()
        .find(|g| g.name == name)
        .filter(|g| !is_placeholder(&g.entries))
}

/// An ID's shape (`rm-…`, `pgm-…`, `hb-…`, `ld-…`): a lower-case prefix, `-`, lower-case letters
/// and digits. Existence is checked at plan; no prefix list can keep up with the cloud's.
fn id_shape(id: &str) -> bool {
    id.split_once('-').is_some_and(|(prefix, rest)| {
        (1..=8).contains(&prefix.len())
            && prefix.bytes().all(|b| b.is_ascii_lowercase())
            && !rest.is_empty()
            && rest.len() <= 64
            && rest
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    })
}

impl<T: Target> WhitelistAttachment<T> {
    fn at(f: F) -> Getter<T::State> {
        T::State::field(f).0
    }

    fn target_and_group(s: &T::State) -> (String, String) {
        (
            known(s.target()).unwrap_or_default().to_string(),
            known(s.group_name()).unwrap_or(DEFAULT_GROUP).to_string(),
        )
    }

    fn lock_key(target: &str) -> String {
        format!("{}:{target}", T::LOCK)
    }

    fn not_found(client: &Client, target: &str) -> Problem<T::State> {
        Problem::at(
            Self::at(F::Target),
            format!("{} {target} not found", T::TARGET_KIND),
            format!(
                "No {} with this ID in region {}. Check the ID and the provider's region.",
                T::TARGET_KIND,
                client.region()
            ),
        )
    }

    fn protected(target: &str, group: &str) -> Problem<T::State> {
        Problem::at(
            Self::at(F::GroupName),
            format!(
                "Whitelist group {group} of {} {target} belongs to another service",
                T::TARGET_KIND
            ),
            "It is a hidden group that a cloud service (DMS, DTS, DAS …) owns; writing it would \
             break that service. Pick another `group_name`, e.g. `maxcompute`.",
        )
    }

    fn exists(target: &str, group: &Group) -> Problem<T::State> {
        Problem::at(
            Self::at(F::GroupName),
            format!(
                "Whitelist group {} already exists on {} {target}",
                group.name,
                T::TARGET_KIND
            ),
            format!(
                "It holds {}; this attachment would overwrite them. Pick another `group_name`. \
                 If no Terraform state manages the group (it was made in the console, or its \
                 state was lost), bring it under this one: `terraform import {}.<name> \
                 {target}:{}`; if another state manages it, leave it to that state — two states \
                 owning one group each remove it on destroy.",
                group.entries.join(", "),
                T::RESOURCE,
                group.name
            ),
        )
    }

    fn made_meanwhile(target: &str, group: &Group) -> Problem<T::State> {
        Problem::at(
            Self::at(F::GroupName),
            format!(
                "Whitelist group {} was made by another writer during this create",
                group.name
            ),
            format!(
                "While this apply was creating it on {} {target}, another writer (another pipeline \
                 or Terraform state, a script, the console) made the group, holding {}. Nothing \
                 was written over it and this configuration does not own it. Let one \
                 configuration own each group: pick another `group_name` here.",
                T::TARGET_KIND,
                group.entries.join(", ")
            ),
        )
    }

    /// Creates the group on condition that it is absent (the services have no conditional
    /// write). Each attempt is one request, not retried inside the transport: after a busy,
    /// throttled or lost answer the group is read again before anything is resent, since another
    /// writer may have made it meanwhile; a group then holding exactly our entries is our own
    /// earlier attempt. The caller holds the target's lock.
    async fn create_group(
        ctx: &Ctx<'_>,
        planned: &T::State,
        wanted: &[String],
    ) -> Result<(), Problem<T::State>> {
        let (target, group) = Self::target_and_group(planned);
        let what = format!("creating {}", Self::describe(planned));
        let failed = |e: &Error| Problem::client(ctx.client, &what, e);
        let mut waiter =
            Waiter::new(WaitPolicy::BUSY, ctx.client.stop_signal()).with_deadline(ctx.deadline);
        let mut sent = false;
        loop {
            if sent {
                let groups = T::read_groups(ctx.client, &target)
                    .await
                    .map_err(|e| failed(&e))?
                    .ok_or_else(|| Self::not_found(ctx.client, &target))?;
                match live(&groups, &group) {
                    Some(g) if same_set(&g.entries, wanted) => return Ok(()),
                    Some(g) => return Err(Self::made_meanwhile(&target, g)),
                    None => {}
                }
            }
            let derived = Idempotency::Derived;
            match T::write_group(ctx.client, ctx.facts, &target, &group, wanted, derived).await {
                Ok(()) => return Ok(()),
                Err(e) if retryable(&e) => {
                    sent = true;
                    let interval = waiter.next_interval();
                    if !waiter.fits(interval) {
                        return Err(failed(&e));
                    }
                    tracing::info!("{what}: {e}; reading the group again before resending");
                    waiter
                        .sleep(interval, || format!("{what}. Last answer: {e}"))
                        .await
                        .map_err(|e| failed(&e))?;
                }
                Err(e) => return Err(failed(&e)),
            }
        }
    }

    /// What this process saw of the target after writing `group`: the entries written (the
    /// write answered), or nothing known (it failed, or its answer was lost).
    fn saw_write(ctx: &Ctx<'_>, key: &str, group: &str, wrote: Option<&[String]>) {
        let Some(entries) = wrote else {
            return ctx.facts.whitelists.forget(key);
        };
        ctx.facts.whitelists.written(key, |groups| {
            match groups.iter_mut().find(|g| g.name == group) {
                Some(g) => g.entries = entries.to_vec(),
                None => groups.push(Group {
                    name: group.to_string(),
                    entries: entries.to_vec(),
                    protected: false,
                }),
            }
        });
    }

    /// A new group must fit the target's group limit, counting the groups this run's other
    /// planned attachments add to it (each would otherwise pass alone and the last ones fail at
    /// apply with `QuotaExceeded`).
    fn check_group_count(
        ctx: &Ctx<'_>,
        plan: &mut Planning<'_, T::State>,
        groups: &[Group],
        target: &str,
        group: &str,
    ) {
        if plan.prior.is_some() || groups.iter().any(|g| g.name == group) {
            return;
        }
        // Ours first, so two attachments planned at once each count the other.
        let prefix = format!("{}:{target}:", T::LOCK);
        let config = serde_json::to_string(plan.config).unwrap_or_default();
        ctx.claims.claim(&format!("{prefix}{group}"), &config);
        let added = ctx
            .claims
            .planned_under(&prefix)
            .iter()
            .filter_map(|k| k.strip_prefix(&prefix))
            .filter(|g| *g != group && !groups.iter().any(|e| e.name == *g))
            .count();
        if groups.len() + added < T::MAX_GROUPS {
            return;
        }
        plan.findings.error(Problem::at(
            Self::at(F::GroupName),
            format!("Too many whitelist groups for {} {target}", T::TARGET_KIND),
            format!(
                "The {} allows {} groups; it has {}, and this configuration adds {} more with \
                 this one. Put the entries of several attachments into one group (one attachment \
                 with all their `cidrs`), or remove groups nobody uses.",
                T::TARGET_KIND,
                T::MAX_GROUPS,
                groups.len(),
                added + 1
            ),
        ));
    }

    /// Entries the other groups of the target hold, for the per-target limit.
    fn others_count(groups: &[Group], mine: &str) -> usize {
        groups
            .iter()
            .filter(|g| g.name != mine && !is_placeholder(&g.entries))
            .map(|g| g.entries.len())
            .sum()
    }

    /// Writes the group, retrying while the target is busy. The caller holds the target's lock.
    async fn write(ctx: &Ctx<'_>, s: &T::State, entries: &[String]) -> Result<(), Error> {
        let (target, group) = Self::target_and_group(s);
        let what = format!("{} {target} whitelist group {group}", T::TARGET_KIND);
        let write = T::write_group(
            ctx.client,
            ctx.facts,
            &target,
            &group,
            entries,
            Idempotency::Safe,
        );
        until_not_busy(&what, ctx.deadline, write).await
    }

    /// The state from the target's groups; `Ok(None)` when the target or the group is gone.
    async fn read_state(client: &Client, s: T::State) -> Result<Option<T::State>, Error> {
        let (target, _) = Self::target_and_group(&s);
        let groups = T::read_groups(client, &target).await?;
        Ok(groups.and_then(|groups| Self::state_of(&groups, s)))
    }

    /// The state from the target's groups; `None` when the group is gone.
    fn state_of(groups: &[Group], mut s: T::State) -> Option<T::State> {
        let (target, group) = Self::target_and_group(&s);
        let found = live(groups, &group)?;
        // Keep the configured spelling of entries the service reports differently (`/32`).
        let prior = cidr_strings(s.cidrs());
        let prior: Vec<(Entry, &String)> = prior.iter().map(|p| (entry(p), p)).collect();
        let set: BTreeSet<Value<String>> = found
            .entries
            .iter()
            .filter(|e| *e != DENY_ALL)
            .map(|e| {
                let key = entry(e);
                let spelled = prior.iter().find(|(p, _)| *p == key).map(|(_, p)| *p);
                Value::Value(spelled.unwrap_or(e).clone())
            })
            .collect();
        *s.cidrs_mut() = Value::Value(set);
        *s.id_mut() = Value::Value(format!("{target}:{group}"));
        *s.group_name_mut() = Value::Value(group);
        if s.allow_public_mut().is_null() {
            *s.allow_public_mut() = Value::Value(false);
        }
        Some(s)
    }

    /// Warns when an entry is a network link's ENI address (they can change).
    async fn warn_eni_ips(ctx: &Ctx<'_>, plan: &mut Planning<'_, T::State>) {
        let texts = cidr_strings(plan.planned.cidrs());
        let cidrs: Vec<Entry> = texts.iter().map(|c| entry(c)).collect();
        if cidrs.is_empty() {
            return;
        }
        for eni in ctx.facts.link_enis(ctx.client).await {
            if cidrs.contains(&entry(&eni.ip)) {
                plan.findings.warning(Problem::at(
                    Self::at(F::Cidrs),
                    format!("{} is an ENI address of network link {}", eni.ip, eni.link),
                    format!(
                        "MaxCompute's ENI addresses can change when the link is reconfigured. \
                         Whitelist the vSwitch CIDR instead: `{}` \
                         (`maxcompute_network_link.<name>.vswitch_cidr`).",
                        eni.vswitch_cidr
                    ),
                ));
            }
        }
    }

    /// As planned, does the whitelist (this group's planned entries and every other group's) admit
    /// a network link's ENIs? A job runs from those addresses: when no link of the target's VPC
    /// (every link, when the target does not say) is admitted whole, say which ENIs are left out
    /// and what to whitelist. Nothing is said while the entries are unknown (a link made in the
    /// same run) or no such link is listed.
    async fn warn_links_left_out(
        ctx: &Ctx<'_>,
        plan: &mut Planning<'_, T::State>,
        groups: &[Group],
        group: &str,
        vpc: Option<String>,
    ) {
        if !plan.planned.cidrs().is_known() {
            return;
        }
        let all = ctx.facts.link_enis(ctx.client).await;
        if all.is_empty() {
            return;
        }
        let enis: Vec<&crate::validate::cloud::LinkEni> = all
            .iter()
            .filter(|e| {
                vpc.as_ref()
                    .is_none_or(|v| e.vpc_id.is_empty() || &e.vpc_id == v)
            })
            .collect();
        let mut entries = cidr_strings(plan.planned.cidrs());
        entries.extend(
            groups
                .iter()
                .filter(|g| g.name != group)
                .flat_map(|g| g.entries.iter().cloned()),
        );
        let admitted = |ip: &str| {
            ip.parse()
                .ok()
                .and_then(|a| crate::reachability::whitelist_admits(&entries, a))
                .is_some()
        };
        let mut links: Vec<&str> = enis.iter().map(|e| e.link.as_str()).collect();
        links.dedup();
        let left_out = |link: &str| -> Vec<&crate::validate::cloud::LinkEni> {
            enis.iter()
                .copied()
                .filter(|e| e.link == link && !admitted(&e.ip))
                .collect()
        };
        if links.is_empty() || links.iter().any(|l| left_out(l).is_empty()) {
            return;
        }
        let detail: Vec<String> = links
            .iter()
            .map(|l| {
                let out = left_out(l);
                let ips: Vec<&str> = out.iter().map(|e| e.ip.as_str()).collect();
                let cidr = out.first().map(|e| e.vswitch_cidr.as_str()).unwrap_or("");
                format!(
                    "network link {l}: ENI {} (vSwitch CIDR {cidr})",
                    ips.join(", ")
                )
            })
            .collect();
        plan.findings.warning(Problem::at(
            Self::at(F::Cidrs),
            format!(
                "No network link is admitted by the whitelist of {} {}",
                T::TARGET_KIND,
                known(plan.planned.target()).unwrap_or_default()
            ),
            format!(
                "MaxCompute jobs connect from the link's ENI addresses, and after this change no \
                 whitelist group of the {} covers them — {}. Add the link's vSwitch CIDR \
                 (`maxcompute_network_link.<name>.vswitch_cidr`) to `cidrs`.",
                T::TARGET_KIND,
                detail.join("; ")
            ),
        ));
    }

    /// What the target check reads, at once: the target's groups and its VPC, the run's links,
    /// and what a write will need.
    async fn target_reads(ctx: &Ctx<'_>, planned: &T::State) -> TargetReads {
        let (target, _) = Self::target_and_group(planned);
        let key = Self::lock_key(&target);
        let facts = ctx.facts;
        // Many attachments on one target: its groups and VPC are read once per run.
        let (groups, vpc, _, ()) = tokio::join!(
            facts
                .whitelists
                .for_plan(&key, T::read_groups(ctx.client, &target)),
            facts
                .target_vpcs
                .for_plan(&key, async { Ok(T::vpc_of(ctx.client, &target).await) }),
            facts.link_enis(ctx.client),
            T::warm(ctx.client, facts, &target),
        );
        TargetReads {
            groups,
            vpc: vpc.ok().flatten(),
        }
    }

    /// At plan: the target exists, the group is free (or ours), the target's limit holds.
    async fn check_target(ctx: &Ctx<'_>, plan: &mut Planning<'_, T::State>, reads: TargetReads) {
        let (target, group) = Self::target_and_group(&plan.planned);
        let TargetReads { groups, vpc } = reads;
        let groups = match groups {
            Ok(Some(g)) => g,
            Ok(None) => return plan.findings.error(Self::not_found(ctx.client, &target)),
            Err(e) => {
                let what = format!("looking up {} {target}", T::TARGET_KIND);
                return plan
                    .findings
                    .error(Problem::client(ctx.client, &what, &e).on(Self::at(F::Target)));
            }
        };
        let creating = plan.prior.is_none();
        match groups.iter().find(|g| g.name == group) {
            Some(g) if g.protected => plan.findings.error(Self::protected(&target, &group)),
            Some(g) if creating && !is_placeholder(&g.entries) => {
                let key = format!("{}:{target}:{group}", T::LOCK);
                if ctx.journal.claimed_elsewhere(&key) {
                    let (summary, detail) = claimed_elsewhere_text(&Self::describe(&plan.planned));
                    plan.findings
                        .error(Problem::at(Self::at(F::GroupName), summary, detail));
                } else if !ctx.journal.ours(&key) {
                    plan.findings.error(Self::exists(&target, g));
                }
            }
            _ => {}
        }
        Self::warn_links_left_out(ctx, plan, &groups, &group, vpc).await;
        let wanted = cidr_strings(plan.planned.cidrs()).len();
        let others = Self::others_count(&groups, &group);
        Self::check_group_count(ctx, plan, &groups, &target, &group);
        if plan.planned.cidrs().is_known() && wanted + others > T::MAX_ENTRIES {
            plan.findings.error(Problem::at(
                Self::at(F::Cidrs),
                format!("Too many whitelist entries for {} {target}", T::TARGET_KIND),
                format!(
                    "The other groups of the {} hold {others} entries; with these {wanted} the \
                     total would pass the {} it allows. Use wider CIDR blocks (the link's \
                     `vswitch_cidr`) or remove entries.",
                    T::TARGET_KIND,
                    T::MAX_ENTRIES
                ),
            ));
        }
    }
}

#[async_trait]
impl<T: Target> ManagedResource for WhitelistAttachment<T> {
    type State = T::State;
    const DESCRIPTION: &'static str = T::DESCRIPTION;

    fn attributes() -> Vec<AttrDecl<T::State>> {
        let target_name: &'static str = T::State::TARGET_ATTR;
        vec![
            AttrDecl::new(
                "id",
                T::State::field(F::Id),
                Attr::string(&format!("`<{target_name}>:<group_name>`.")).computed(),
            ),
            AttrDecl::new(
                target_name,
                T::State::field(F::Target),
                Attr::string(&format!(
                    "The {} to open to MaxCompute (e.g. `{}`). Changing it replaces the attachment.",
                    T::TARGET_KIND,
                    T::EXAMPLE_ID
                ))
                .required(),
            )
            .replace()
            .rule(|s| match known(s.target()) {
                Some(id) if !id_shape(id) => vec![format!(
                    "`{id}` is not a {} ID: a lower-case prefix, `-`, then lower-case letters and \
                     digits, e.g. `{}`",
                    T::TARGET_KIND,
                    T::EXAMPLE_ID
                )],
                _ => vec![],
            }),
            AttrDecl::new(
                "group_name",
                T::State::field(F::GroupName),
                Attr::string(&format!(
                    "The whitelist group this attachment owns (default `{DEFAULT_GROUP}`): 2–32 \
                     characters, lower-case letters, digits and `_`, starting with a letter and \
                     ending with a letter or digit. `default` and the groups other cloud services \
                     own are refused. Changing it replaces the attachment."
                ))
                .optional_computed(),
            )
            .replace()
            .default(|s| *s.group_name_mut() = Value::Value(DEFAULT_GROUP.into()))
            .rule(|s| {
                known(s.group_name())
                    .and_then(|g| validate::whitelist::group_name(g).err())
                    .map(|e| vec![format!("{e}.")])
                    .unwrap_or_default()
            }),
            AttrDecl::new(
                "cidrs",
                T::State::field(F::Cidrs),
                Attr::string_set(
                    "The entries of the group: private IPs or CIDR blocks — the network link's \
                     `vswitch_cidr`, never its ENI IPs. At most 1,000 across all groups of the \
                     target. Updated in place.",
                )
                .required(),
            )
            .rule(|s| {
                let list = cidr_strings(s.cidrs());
                validate::whitelist::entries(list.iter().map(String::as_str), s.allow_public())
                    .err()
                    .unwrap_or_default()
                    .into_iter()
                    .map(|e| format!("{e}."))
                    .collect()
            }),
            AttrDecl::new(
                "allow_public",
                T::State::field(F::AllowPublic),
                Attr::bool("Allow public (non-RFC 1918) entries such as `0.0.0.0/0`. Default `false`.")
                    .optional_computed(),
            )
            .default(|s| *s.allow_public_mut() = Value::Value(false)),
            AttrDecl::timeouts(
                T::State::field(F::Timeouts),
                &[("create", "10m"), ("update", "10m"), ("delete", "10m")],
            ),
        ]
    }

    fn describe(s: &T::State) -> String {
        let (target, group) = Self::target_and_group(s);
        format!("whitelist group {group} of {} {target}", T::TARGET_KIND)
    }

    fn identity(planned: &T::State) -> Option<String> {
        let (target, group) = Self::target_and_group(planned);
        Some(format!("{}:{target}:{group}", T::LOCK))
    }

    /// One named group of one target: two attachments would overwrite each other's entries.
    fn claims(planned: &T::State) -> Vec<(String, Getter<T::State>)> {
        if !planned.target().is_value() || planned.group_name().is_unknown() {
            return Vec::new();
        }
        Self::identity(planned)
            .map(|key| (key, Self::at(F::GroupName)))
            .into_iter()
            .collect()
    }

    async fn plan(&self, ctx: Option<&Ctx<'_>>, plan: &mut Planning<'_, T::State>) {
        *plan.planned.id_mut() = match (
            known(plan.planned.target()),
            known(plan.planned.group_name()),
        ) {
            (Some(t), Some(g)) => Value::Value(format!("{t}:{g}")),
            _ => Value::Unknown,
        };
        let Some(ctx) = ctx else { return };
        let target_known = known(plan.planned.target()).is_some_and(id_shape)
            && plan.planned.group_name().is_known();
        let check = target_known && (plan.changes(Self::at(F::Cidrs)) || plan.prior.is_none());
        // The check's reads first (the run's links among them), so the ENI warning below finds
        // its one read made: one round trip for both.
        let reads = match check {
            true => Some(Self::target_reads(ctx, &plan.planned).await),
            false => None,
        };
        if plan.changes(Self::at(F::Cidrs)) {
            Self::warn_eni_ips(ctx, plan).await;
        }
        if let Some(reads) = reads {
            Self::check_target(ctx, plan, reads).await;
        }
    }

    async fn refresh(
        &self,
        ctx: &Ctx<'_>,
        s: T::State,
    ) -> Result<Option<T::State>, Problem<T::State>> {
        // Every attachment on a target refreshes from one read of it per run.
        let (target, _) = Self::target_and_group(&s);
        let read = T::read_groups(ctx.client, &target);
        match ctx
            .facts
            .whitelists
            .for_plan(&Self::lock_key(&target), read)
            .await
        {
            Ok(groups) => Ok(groups.and_then(|groups| Self::state_of(&groups, s))),
            Err(e) => Err(Problem::client(
                ctx.client,
                &format!("reading {}", Self::describe(&s)),
                &e,
            )),
        }
    }

    async fn create(&self, ctx: &Ctx<'_>, planned: T::State) -> Result<T::State, Failed<T::State>> {
        let (target, group) = Self::target_and_group(&planned);
        let fail = |what: &str, e: &Error| Problem::client(ctx.client, what, e);
        let key = Self::lock_key(&target);
        let (_guard, handed) = ctx.locks.lock_handed(&key).await;
        let groups = ctx
            .facts
            .whitelists
            .for_write(&key, handed, T::read_groups(ctx.client, &target))
            .await
            .map_err(|e| {
                fail(
                    &format!("reading the whitelist of {} {target}", T::TARGET_KIND),
                    &e,
                )
            })?
            .ok_or_else(|| Self::not_found(ctx.client, &target))?;
        let wanted = cidr_strings(planned.cidrs());
        if let Some(g) = groups.iter().find(|g| g.name == group) {
            if g.protected {
                return Err(Self::protected(&target, &group).into());
            }
        }
        if let Some(existing) = live(&groups, &group) {
            // Only this configuration's own group, written by a run that died before it could
            // record it, is taken over: the journal says so, and the entries are exactly ours.
            if !(ctx.adopt && same_set(&existing.entries, &wanted)) {
                return Err(Self::exists(&target, existing).into());
            }
            tracing::info!(
                "adopting {}: this configuration wrote it in an interrupted run",
                Self::describe(&planned)
            );
        } else {
            let wrote = Self::create_group(ctx, &planned, &wanted).await;
            Self::saw_write(ctx, &key, &group, wrote.as_ref().ok().map(|_| &wanted[..]));
            wrote?;
            tracing::info!("{} set", Self::describe(&planned));
        }
        // The read-back, still under the lock: the next writer of this target starts from it.
        let back = T::read_groups(ctx.client, &target).await;
        if let Ok(groups) = &back {
            ctx.facts.whitelists.settle(&key, groups.clone());
        }
        match back.map(|groups| groups.and_then(|g| Self::state_of(&g, planned.clone()))) {
            Ok(Some(s)) => Ok(s),
            // Written but not readable yet: record what was written.
            _ => {
                let mut s = planned;
                *s.id_mut() = Value::Value(format!("{target}:{group}"));
                Ok(s)
            }
        }
    }

    async fn update(
        &self,
        ctx: &Ctx<'_>,
        _prior: T::State,
        planned: T::State,
    ) -> Result<T::State, Failed<T::State>> {
        let (target, _) = Self::target_and_group(&planned);
        {
            let _guard = ctx.locks.lock(&Self::lock_key(&target)).await;
            let (key, group) = (Self::lock_key(&target), Self::target_and_group(&planned).1);
            let wanted = cidr_strings(planned.cidrs());
            let wrote = Self::write(ctx, &planned, &wanted).await;
            Self::saw_write(ctx, &key, &group, wrote.as_ref().ok().map(|_| &wanted[..]));
            wrote.map_err(|e| {
                Problem::client(
                    ctx.client,
                    &format!("updating {}", Self::describe(&planned)),
                    &e,
                )
            })?;
        }
        match Self::read_state(ctx.client, planned.clone()).await {
            Ok(Some(s)) => Ok(s),
            _ => Ok(planned),
        }
    }

    async fn delete(&self, ctx: &Ctx<'_>, prior: T::State) -> Result<(), Problem<T::State>> {
        let (target, group) = Self::target_and_group(&prior);
        let what = Self::describe(&prior);
        let key = Self::lock_key(&target);
        let (_guard, handed) = ctx.locks.lock_handed(&key).await;
        // Already gone (target deleted, or the group emptied by hand): nothing to do.
        // The groups, and meanwhile what the write needs (no plan in this process read it).
        let read = T::read_groups(ctx.client, &target);
        let (read, ()) = tokio::join!(
            ctx.facts.whitelists.for_write(&key, handed, read),
            T::warm(ctx.client, ctx.facts, &target)
        );
        match read {
            Ok(Some(groups)) if live(&groups, &group).is_some() => {}
            Ok(_) => return Ok(()),
            Err(e) => return Err(Problem::client(ctx.client, &format!("reading {what}"), &e)),
        }
        // The services cannot leave a group empty: it keeps the deny-all placeholder.
        let placeholder = [DENY_ALL.to_string()];
        let wrote = Self::write(ctx, &prior, &placeholder).await;
        Self::saw_write(
            ctx,
            &key,
            &group,
            wrote.as_ref().ok().map(|_| &placeholder[..]),
        );
        wrote.map_err(|e| Problem::client(ctx.client, &format!("emptying {what}"), &e))
    }

    async fn import(&self, ctx: &Ctx<'_>, id: &str) -> Result<T::State, Problem<T::State>> {
        let target_name = T::State::TARGET_ATTR;
        let Some((target, group)) = id
            .split_once(':')
            .filter(|(t, g)| !t.is_empty() && !g.is_empty())
        else {
            return Err(Problem::new(
                "Invalid import ID",
                format!(
                    "Use `<{target_name}>:<group_name>`, e.g. `{}:maxcompute`.",
                    T::EXAMPLE_ID
                ),
            ));
        };
        if let Err(e) = validate::whitelist::group_name(group) {
            return Err(Problem::new(
                "Invalid import ID",
                format!("The group part: {e}."),
            ));
        }
        let mut s = T::State::default();
        *s.target_mut() = Value::Value(target.to_string());
        *s.group_name_mut() = Value::Value(group.to_string());
        // The rule plan applies: a group another service owns is never managed, imported or not
        // (its next apply would rewrite it, its destroy would empty it).
        let groups = T::read_groups(ctx.client, target).await.map_err(|e| {
            Problem::client(ctx.client, &format!("reading {}", Self::describe(&s)), &e)
        })?;
        if groups
            .iter()
            .flatten()
            .any(|g| g.name == group && g.protected)
        {
            return Err(Self::protected(target, group));
        }
        groups
            .and_then(|groups| Self::state_of(&groups, s))
            .ok_or_else(|| {
                Problem::new(
                    format!("Whitelist group {group} not found on {} {target}", T::TARGET_KIND),
                    "The target or the group does not exist (a group holding only 127.0.0.1 counts as absent).",
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_shapes_of_every_kind_the_cloud_issues() {
        for ok in [
            "rm-bp1abc",
            "pgm-bp1abc",
            "hb-bp1abc",
            "ld-bp1abc",
            "rm-emu0000000000000001",
        ] {
            assert!(id_shape(ok), "{ok}");
        }
        for bad in [
            "",
            "rm-",
            "-abc",
            "RM-abc",
            "rm abc",
            "rm_abc",
            "rm-ABC",
            "toolongprefix-abc",
        ] {
            assert!(!id_shape(bad), "{bad}");
        }
    }
}
