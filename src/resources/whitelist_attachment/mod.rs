//! What the RDS and HBase whitelist attachments share: each owns exactly one named whitelist
//! group on its target and never reads-modifies-writes any other group. Entries are compared as
//! sets; the group is addressed by name, never by position.
//!
//! The per-service parts (API calls, names) are a [`Target`]; the resource is written once here
//! on the resource core. Every check that reads the target's groups and the write that follows
//! it happen under the target's lock, so two attachments naming one group in one apply cannot
//! both "succeed".

mod checks;
mod cloud;
mod entries;
mod problems;
mod resource;
mod state;
#[cfg(test)]
mod tests;

use std::marker::PhantomData;

use async_trait::async_trait;

use crate::client::retry::Idempotency;
use crate::client::{Client, Error};
use crate::framework::attr::Getter;
use crate::validate::cloud::Facts;

pub use crate::validate::whitelist::Group;
pub(crate) use state::whitelist_state;
pub use state::{WhitelistState, F};

use entries::known;

pub const DEFAULT_GROUP: &str = "maxcompute";

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
    /// The target ID's shape, as its ID type has it.
    fn parse_id(id: &str) -> Result<(), crate::client::ids::IdError>;
    /// The target's groups, read now (what a write starts from).
    async fn read_groups(client: &Client, target: &str) -> Result<Option<Vec<Group>>, Error>;
    /// The target's groups through the run's shared read of it (the reachability verdicts read
    /// it too): for plans and refreshes, never for a write.
    async fn read_groups_shared(
        client: &Client,
        facts: &Facts,
        target: &str,
    ) -> Result<Option<Vec<Group>>, Error>;
    /// The VPC the target serves, when it says (feeds a warning only, so best effort).
    async fn vpc_of(client: &Client, target: &str) -> Option<String>;
    /// Reads into the run's facts what a write to the target will need, during the plan's own
    /// reads, so the write does not wait for it (best effort: the write reads it if missing).
    async fn warm(_client: &Client, _facts: &Facts, _target: &str) {}
    /// Sets the content of one group (creating it if needed).
    async fn write_group(
        client: &Client,
        facts: &Facts,
        write: GroupWrite<'_>,
    ) -> Result<(), Error>;
}

/// One write of a whitelist group: its target, its name, what it holds after the write, and
/// whether sending it twice is safe.
#[derive(Debug, Clone, Copy)]
pub struct GroupWrite<'a> {
    pub target: &'a str,
    pub group: &'a str,
    pub entries: &'a [String],
    pub idempotency: Idempotency,
}

pub struct WhitelistAttachment<T: Target>(PhantomData<T>);

impl<T: Target> Default for WhitelistAttachment<T> {
    fn default() -> Self {
        Self(PhantomData)
    }
}

impl<T: Target> WhitelistAttachment<T> {
    pub(super) fn at(f: F) -> Getter<T::State> {
        T::State::field(f).0
    }

    pub(super) fn target_and_group(s: &T::State) -> (String, String) {
        (
            known(s.target()).unwrap_or_default().to_string(),
            known(s.group_name()).unwrap_or(DEFAULT_GROUP).to_string(),
        )
    }

    pub(super) fn lock_key(target: &str) -> String {
        format!("{}:{target}", T::LOCK)
    }
}
