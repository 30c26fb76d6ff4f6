//! What the RDS and HBase whitelist attachments share: each owns exactly one named whitelist
//! group on its target and never reads-modifies-writes any other group. Entries are compared as
//! sets; the group is addressed by name, never by position.
//!
//! The per-service parts (API calls, attribute and type names) are a [`Target`]; the resource
//! logic is written once in [`WhitelistAttachment`].

use std::collections::BTreeSet;
use std::marker::PhantomData;
use std::time::Duration;

use async_trait::async_trait;
use serde::de::DeserializeOwned;
use serde::Serialize;
use tf_provider::schema::{Block, Description, Schema};
use tf_provider::value::{StructEmpty, Value};
use tf_provider::{map, AttributePath, Diagnostics, Resource};

use crate::client::ecs::same_cidr;
use crate::client::rds::DENY_ALL;
use crate::client::{Client, Error};
use crate::framework::busy::until_not_busy;
use crate::framework::diag::client_error;
use crate::framework::schema::Attr;
use crate::framework::timeouts::{self, TimeoutsCud};
use crate::framework::{client, ClientCell, SharedFacts, SharedLocks};
use crate::validate;

const TIMEOUT: Duration = Duration::from_secs(10 * 60);
pub const DEFAULT_GROUP: &str = "maxcompute";

/// The attributes every whitelist attachment has; the target ID's name differs per service.
pub trait WhitelistState:
    Serialize + DeserializeOwned + Clone + Default + Send + Sync + 'static
{
    fn target(&self) -> &Value<String>;
    fn target_mut(&mut self) -> &mut Value<String>;
    fn id(&mut self) -> &mut Value<String>;
    fn group_name(&self) -> &Value<String>;
    fn group_name_mut(&mut self) -> &mut Value<String>;
    fn cidrs(&self) -> &Value<BTreeSet<Value<String>>>;
    fn cidrs_mut(&mut self) -> &mut Value<BTreeSet<Value<String>>>;
    fn allow_public(&self) -> bool;
    fn timeouts(&self) -> &Value<Vec<TimeoutsCud>>;
    fn timeouts_mut(&mut self) -> &mut Value<Vec<TimeoutsCud>>;
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
            fn target(&self) -> &tf_provider::value::Value<String> {
                &self.$target
            }
            fn target_mut(&mut self) -> &mut tf_provider::value::Value<String> {
                &mut self.$target
            }
            fn id(&mut self) -> &mut tf_provider::value::Value<String> {
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
            fn timeouts(
                &self,
            ) -> &tf_provider::value::Value<Vec<$crate::framework::timeouts::TimeoutsCud>> {
                &self.timeouts
            }
            fn timeouts_mut(
                &mut self,
            ) -> &mut tf_provider::value::Value<Vec<$crate::framework::timeouts::TimeoutsCud>> {
                &mut self.timeouts
            }
        }
    };
}
pub(crate) use whitelist_state;

/// A group as read from the target: `None` = the group does not exist.
pub type Group = Option<Vec<String>>;

/// One service's side of an attachment.
#[async_trait]
pub trait Target: Send + Sync + 'static {
    type State: WhitelistState;
    /// `instance_id` / `cluster_id`.
    const TARGET_ATTR: &'static str;
    /// "RDS instance" / "HBase cluster".
    const TARGET_KIND: &'static str;
    /// Prefix of the target's IDs (`rm-`, `hb-`).
    const ID_PREFIX: &'static str;
    /// Key prefix of the per-target edit lock.
    const LOCK: &'static str;
    const RESOURCE: &'static str;
    const DESCRIPTION: &'static str;

    /// The target's groups by name; `Ok(None)` when the target does not exist.
    async fn read_groups(
        client: &Client,
        target: &str,
    ) -> Result<Option<Vec<(String, Vec<String>)>>, Error>;
    /// Sets the content of one group (creating it if needed).
    async fn write_group(
        client: &Client,
        target: &str,
        group: &str,
        entries: &[String],
    ) -> Result<(), Error>;
}

pub struct WhitelistAttachment<T: Target> {
    client: ClientCell,
    facts: SharedFacts,
    locks: SharedLocks,
    _t: PhantomData<T>,
}

impl<T: Target> WhitelistAttachment<T> {
    pub fn new(client: ClientCell, facts: SharedFacts, locks: SharedLocks) -> Self {
        Self {
            client,
            facts,
            locks,
            _t: PhantomData,
        }
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

fn group_of<'a>(groups: &'a [(String, Vec<String>)], name: &str) -> Option<&'a Vec<String>> {
    groups.iter().find(|(n, _)| n == name).map(|(_, e)| e)
}

/// The same entries, whatever the order and spelling (`10.0.0.5` = `10.0.0.5/32`).
fn same_set(a: &[String], b: &[String]) -> bool {
    a.len() == b.len()
        && a.iter().all(|x| b.iter().any(|y| same_cidr(x, y)))
        && b.iter().all(|y| a.iter().any(|x| same_cidr(x, y)))
}

/// A group that only holds the deny-all placeholder is as good as absent.
fn is_placeholder(entries: &[String]) -> bool {
    entries.iter().all(|e| e == DENY_ALL || e == "127.0.0.1/32")
}

impl<T: Target> WhitelistAttachment<T> {
    fn check_config(diags: &mut Diagnostics, c: &T::State) {
        if let Some(t) = known(c.target()) {
            if !t.starts_with(T::ID_PREFIX)
                || t.len() <= T::ID_PREFIX.len()
                || t.contains(char::is_whitespace)
            {
                diags.error(
                    format!("Invalid {}", T::TARGET_ATTR),
                    format!(
                        "`{t}` is not a {} ID (they start with `{}`).",
                        T::TARGET_KIND,
                        T::ID_PREFIX
                    ),
                    AttributePath::new(T::TARGET_ATTR),
                );
            }
        }
        if let Some(g) = known(c.group_name()) {
            if let Err(e) = validate::whitelist::group_name(g) {
                diags.error(
                    "Invalid group_name",
                    format!("{e}."),
                    AttributePath::new("group_name"),
                );
            }
        }
        if let Value::Value(set) = c.cidrs() {
            if set.iter().all(|v| v.is_value()) {
                if let Err(errors) = validate::whitelist::entries(
                    set.iter()
                        .filter_map(|v| v.as_ref_option().map(|s| s.as_str())),
                    c.allow_public(),
                ) {
                    for e in errors {
                        diags.error(
                            "Invalid cidrs",
                            format!("{e}."),
                            AttributePath::new("cidrs"),
                        );
                    }
                }
            }
        }
        timeouts::validate(diags, c.timeouts());
    }

    /// Warns when an entry is a network link's ENI address (seed 000: they can change).
    async fn warn_eni_ips(&self, diags: &mut Diagnostics, client: &Client, s: &T::State) {
        let cidrs = cidr_strings(s.cidrs());
        if cidrs.is_empty() {
            return;
        }
        for eni in self.facts.link_enis(client).await {
            if cidrs.iter().any(|c| same_cidr(c, &eni.ip)) {
                diags.warning(
                    format!("{} is an ENI address of network link {}", eni.ip, eni.link),
                    format!(
                        "MaxCompute's ENI addresses can change when the link is reconfigured. Whitelist the \
                         vSwitch CIDR instead: `{}` (`maxcompute_network_link.<name>.vswitch_cidr`).",
                        eni.vswitch_cidr
                    ),
                    AttributePath::new("cidrs"),
                );
            }
        }
    }

    fn lock_key(target: &str) -> String {
        format!("{}:{target}", T::LOCK)
    }

    /// Writes the group under the target's lock, retrying while the target is busy.
    async fn write(
        &self,
        client: &Client,
        s: &T::State,
        entries: &[String],
        op: &str,
    ) -> Result<(), Error> {
        let target = known(s.target()).unwrap_or_default().to_string();
        let group = known(s.group_name()).unwrap_or(DEFAULT_GROUP).to_string();
        let timeout = timeouts::get(s.timeouts(), op, TIMEOUT);
        let _guard = self.locks.lock(&Self::lock_key(&target)).await;
        let what = format!("{} {target} whitelist group {group}", T::TARGET_KIND);
        until_not_busy(&what, timeout, client.stop_signal(), || {
            T::write_group(client, &target, &group, entries)
        })
        .await
    }

    /// The state from the target's groups; `Ok(None)` when the target or the group is gone.
    async fn refresh(client: &Client, mut s: T::State) -> Result<Option<T::State>, Error> {
        let target = known(s.target()).unwrap_or_default().to_string();
        let group = known(s.group_name()).unwrap_or(DEFAULT_GROUP).to_string();
        let Some(groups) = T::read_groups(client, &target).await? else {
            return Ok(None);
        };
        let Some(entries) = group_of(&groups, &group).filter(|e| !is_placeholder(e)) else {
            return Ok(None);
        };
        // Keep the configured spelling of entries the service reports differently (`/32`).
        let prior = cidr_strings(s.cidrs());
        let set: BTreeSet<Value<String>> = entries
            .iter()
            .filter(|e| *e != DENY_ALL)
            .map(|e| {
                Value::Value(
                    prior
                        .iter()
                        .find(|p| same_cidr(p, e))
                        .cloned()
                        .unwrap_or_else(|| e.clone()),
                )
            })
            .collect();
        *s.cidrs_mut() = Value::Value(set);
        *s.id() = Value::Value(format!("{target}:{group}"));
        *s.group_name_mut() = Value::Value(group);
        if s.timeouts().is_null() {
            *s.timeouts_mut() = Value::Value(Vec::new());
        }
        Ok(Some(s))
    }
}

#[async_trait]
impl<T: Target> Resource for WhitelistAttachment<T> {
    type State<'a> = T::State;
    type PrivateState<'a> = Value<StructEmpty>;
    type ProviderMetaState<'a> = Value<StructEmpty>;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(Schema {
            version: 1,
            block: Block {
                version: 1,
                description: Description::markdown(T::DESCRIPTION),
                attributes: map! {
                    "id" => Attr::string(&format!("`<{}>:<group_name>`.", T::TARGET_ATTR)).computed(),
                    T::TARGET_ATTR => Attr::string(&format!("The {} to open to MaxCompute. Changing it replaces the attachment.", T::TARGET_KIND)).required(),
                    "group_name" => Attr::string(&format!(
                        "The whitelist group this attachment owns (default `{DEFAULT_GROUP}`): 2–32 characters, lower-case letters, digits and `_`, starting with a letter and ending with a letter or digit. `default` is refused. Changing it replaces the attachment."
                    )).optional_computed(),
                    "cidrs" => Attr::string_set(
                        "The entries of the group: private IPs or CIDR blocks — the network link's `vswitch_cidr`, never its ENI IPs. At most 1,000. Updated in place.",
                    ).required(),
                    "allow_public" => Attr::bool("Allow public (non-RFC 1918) entries such as `0.0.0.0/0` (default `false`).").optional()
                },
                blocks: map! { "timeouts" => timeouts::block(&[("create", "10m"), ("update", "10m"), ("delete", "10m")]) },
                ..Default::default()
            },
        })
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: T::State) -> Option<()> {
        Self::check_config(diags, &config);
        Some(())
    }

    async fn read<'a>(
        &self,
        diags: &mut Diagnostics,
        state: T::State,
        private: Value<StructEmpty>,
        _meta: Value<StructEmpty>,
    ) -> Option<(T::State, Value<StructEmpty>)> {
        let client = client(&self.client, diags)?;
        let target = known(state.target()).unwrap_or_default().to_string();
        let group = known(state.group_name())
            .unwrap_or(DEFAULT_GROUP)
            .to_string();
        match Self::refresh(client, state.clone()).await {
            Ok(Some(s)) => Some((s, private)),
            Ok(None) => {
                diags.root_warning(
                    format!("Whitelist group {group} of {} {target} no longer exists", T::TARGET_KIND),
                    "The group (or the target) was removed outside Terraform; it has been removed from the state and the next apply creates it again.",
                );
                None
            }
            Err(e) => {
                client_error(
                    diags,
                    client,
                    &format!(
                        "reading whitelist group {group} of {} {target}",
                        T::TARGET_KIND
                    ),
                    &e,
                );
                Some((state, private))
            }
        }
    }

    async fn plan_create<'a>(
        &self,
        diags: &mut Diagnostics,
        proposed: T::State,
        _config: T::State,
        _meta: Value<StructEmpty>,
    ) -> Option<(T::State, Value<StructEmpty>)> {
        let mut planned = proposed;
        if planned.group_name().is_null() {
            *planned.group_name_mut() = Value::Value(DEFAULT_GROUP.into());
        }
        *planned.id() = match (known(planned.target()), known(planned.group_name())) {
            (Some(t), Some(g)) => Value::Value(format!("{t}:{g}")),
            _ => Value::Unknown,
        };
        if planned.timeouts().is_null() {
            *planned.timeouts_mut() = Value::Value(Vec::new());
        }
        if let Some(c) = self.client.get() {
            self.warn_eni_ips(diags, c, &planned).await;
        }
        Some((planned, Value::Null))
    }

    async fn plan_update<'a>(
        &self,
        diags: &mut Diagnostics,
        prior: T::State,
        proposed: T::State,
        _config: T::State,
        private: Value<StructEmpty>,
        _meta: Value<StructEmpty>,
    ) -> Option<(T::State, Value<StructEmpty>, Vec<AttributePath>)> {
        let mut planned = proposed;
        if planned.group_name().is_null() {
            *planned.group_name_mut() = Value::Value(DEFAULT_GROUP.into());
        }
        let mut replace = Vec::new();
        if planned.target() != prior.target() {
            replace.push(AttributePath::new(T::TARGET_ATTR));
        }
        if planned.group_name() != prior.group_name() {
            replace.push(AttributePath::new("group_name"));
        }
        if !replace.is_empty() {
            *planned.id() = match (known(planned.target()), known(planned.group_name())) {
                (Some(t), Some(g)) => Value::Value(format!("{t}:{g}")),
                _ => Value::Unknown,
            };
        }
        if planned.cidrs() != prior.cidrs() {
            if let Some(c) = self.client.get() {
                self.warn_eni_ips(diags, c, &planned).await;
            }
        }
        Some((planned, private, replace))
    }

    async fn plan_destroy<'a>(
        &self,
        _diags: &mut Diagnostics,
        _prior: T::State,
        private: Value<StructEmpty>,
        _meta: Value<StructEmpty>,
    ) -> Option<Value<StructEmpty>> {
        Some(private)
    }

    async fn create<'a>(
        &self,
        diags: &mut Diagnostics,
        planned: T::State,
        _config: T::State,
        private: Value<StructEmpty>,
        _meta: Value<StructEmpty>,
    ) -> Option<(T::State, Value<StructEmpty>)> {
        Self::check_config(diags, &planned);
        if !diags.errors.is_empty() {
            return None;
        }
        let client = client(&self.client, diags)?;
        let target = known(planned.target())?.to_string();
        let group = known(planned.group_name())
            .unwrap_or(DEFAULT_GROUP)
            .to_string();
        // Never take over a group someone else filled: that would overwrite their entries.
        match T::read_groups(client, &target).await {
            Ok(None) => {
                diags.error(
                    format!("{} {target} not found", T::TARGET_KIND),
                    format!(
                        "No {} with this ID in region {}.",
                        T::TARGET_KIND,
                        client.region()
                    ),
                    AttributePath::new(T::TARGET_ATTR),
                );
                return None;
            }
            Ok(Some(groups)) => {
                let wanted = cidr_strings(planned.cidrs());
                if let Some(entries) = group_of(&groups, &group).filter(|e| !is_placeholder(e)) {
                    // Exactly the wanted entries: this configuration's own group, written by an
                    // apply interrupted before it could record it. Adopt it — nothing is lost.
                    if same_set(entries, &wanted) {
                        tracing::info!("adopting whitelist group {group} of {} {target}: it already holds exactly the wanted entries", T::TARGET_KIND);
                        return match Self::refresh(client, planned.clone()).await {
                            Ok(Some(s)) => Some((s, private)),
                            _ => None,
                        };
                    }
                    diags.error(
                        format!("Whitelist group {group} already exists on {} {target}", T::TARGET_KIND),
                        format!(
                            "It holds {}; this attachment would overwrite them. Pick another `group_name`, or \
                             bring the group under Terraform: `terraform import {}.<name> {target}:{group}`.",
                            entries.join(", "),
                            T::RESOURCE
                        ),
                        AttributePath::new("group_name"),
                    );
                    return None;
                }
            }
            Err(e) => {
                client_error(
                    diags,
                    client,
                    &format!("reading the whitelist of {} {target}", T::TARGET_KIND),
                    &e,
                );
                return None;
            }
        }
        let entries = cidr_strings(planned.cidrs());
        if let Err(e) = self.write(client, &planned, &entries, "create").await {
            client_error(
                diags,
                client,
                &format!(
                    "creating whitelist group {group} on {} {target}",
                    T::TARGET_KIND
                ),
                &e,
            );
            return None;
        }
        tracing::info!("whitelist group {group} set on {} {target}", T::TARGET_KIND);
        match Self::refresh(client, planned.clone()).await {
            Ok(Some(s)) => Some((s, private)),
            _ => {
                let mut s = planned;
                *s.id() = Value::Value(format!("{target}:{group}"));
                Some((s, private))
            }
        }
    }

    async fn update<'a>(
        &self,
        diags: &mut Diagnostics,
        prior: T::State,
        planned: T::State,
        _config: T::State,
        private: Value<StructEmpty>,
        _meta: Value<StructEmpty>,
    ) -> Option<(T::State, Value<StructEmpty>)> {
        Self::check_config(diags, &planned);
        if !diags.errors.is_empty() {
            return None;
        }
        let client = client(&self.client, diags)?;
        let entries = cidr_strings(planned.cidrs());
        if let Err(e) = self.write(client, &planned, &entries, "update").await {
            client_error(diags, client, "updating the whitelist group", &e);
            return Some((prior, private));
        }
        match Self::refresh(client, planned.clone()).await {
            Ok(Some(s)) => Some((s, private)),
            _ => Some((planned, private)),
        }
    }

    async fn destroy<'a>(
        &self,
        diags: &mut Diagnostics,
        prior: T::State,
        _private: Value<StructEmpty>,
        _meta: Value<StructEmpty>,
    ) -> Option<()> {
        let client = client(&self.client, diags)?;
        let target = known(prior.target())?.to_string();
        let group = known(prior.group_name())
            .unwrap_or(DEFAULT_GROUP)
            .to_string();
        // Already gone (target deleted, or the group emptied by hand): nothing to do.
        match T::read_groups(client, &target).await {
            Ok(None) => return Some(()),
            Ok(Some(groups)) if group_of(&groups, &group).is_none_or(|e| is_placeholder(e)) => {
                return Some(())
            }
            Ok(Some(_)) => {}
            Err(e) => {
                client_error(
                    diags,
                    client,
                    &format!("reading the whitelist of {} {target}", T::TARGET_KIND),
                    &e,
                );
                return None;
            }
        }
        // The services cannot leave a group empty: it keeps the deny-all placeholder.
        match self
            .write(client, &prior, &[DENY_ALL.to_string()], "delete")
            .await
        {
            Ok(()) => Some(()),
            Err(e) => {
                client_error(
                    diags,
                    client,
                    &format!(
                        "emptying whitelist group {group} of {} {target}",
                        T::TARGET_KIND
                    ),
                    &e,
                );
                None
            }
        }
    }

    async fn import<'a>(
        &self,
        diags: &mut Diagnostics,
        id: String,
    ) -> Option<(T::State, Value<StructEmpty>)> {
        let client = client(&self.client, diags)?;
        let Some((target, group)) = id
            .split_once(':')
            .filter(|(t, g)| !t.is_empty() && !g.is_empty())
        else {
            diags.root_error(
                "Invalid import ID",
                format!(
                    "Use `<{}>:<group_name>`, e.g. `{}example:maxcompute`.",
                    T::TARGET_ATTR,
                    T::ID_PREFIX
                ),
            );
            return None;
        };
        if let Err(e) = validate::whitelist::group_name(group) {
            diags.root_error("Invalid import ID", format!("The group part: {e}."));
            return None;
        }
        let mut s = T::State::default();
        *s.target_mut() = Value::Value(target.to_string());
        *s.group_name_mut() = Value::Value(group.to_string());
        match Self::refresh(client, s).await {
            Ok(Some(s)) => Some((s, Value::Null)),
            Ok(None) => {
                diags.root_error(
                    format!("Whitelist group {group} not found on {} {target}", T::TARGET_KIND),
                    "The target or the group does not exist (a group holding only 127.0.0.1 counts as absent).",
                );
                None
            }
            Err(e) => {
                client_error(
                    diags,
                    client,
                    &format!("reading the whitelist of {} {target}", T::TARGET_KIND),
                    &e,
                );
                None
            }
        }
    }
}
