//! The resource core over `tf-provider`: attributes declared once (`attr`; a state struct and its
//! attributes from one list, `declare`), one adapter for every resource (`resource`) and data
//! source (`data_source`), the create journal, per-target locks, the busy-target loop,
//! diagnostics and timeouts — so each resource file is its attribute list, its cloud calls and
//! nothing else.

mod adapter;
pub mod attr;
pub mod busy;
pub mod check;
pub mod check_record;
pub mod claims;
pub mod data_source;
pub mod declare;
pub mod deletion;
pub mod diag;
pub mod journal;
pub mod locks;
mod managed;
pub mod problem;
pub mod resource;
pub mod schema;
pub mod state_version;
pub mod timeouts;
pub mod values;

#[cfg(test)]
mod adapter_tests;

use std::sync::{Arc, OnceLock};

use tf_provider::Diagnostics;

use crate::client::Client;

/// The client, set once by `ConfigureProvider`; resources are built before that happens.
pub type ClientCell = Arc<OnceLock<Client>>;

/// Cloud lookups cached for the provider process (see `validate::cloud`).
pub type SharedFacts = Arc<crate::validate::cloud::Facts>;

/// Per-target edit locks shared by all resources (see `locks`).
pub type SharedLocks = Arc<locks::TargetLocks>;

/// Data a resource carries from plan to apply (terraform's "private" state). Only the plan →
/// apply leg needs it: read, create and update return none, so nothing is stored in the state
/// (terraform copies private bytes for every instance of a `count` resource, per instance).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Private {
    /// The idempotency token of a create, fixed at plan time so every retry — and a re-run of the
    /// same saved plan — reuses it and never makes a duplicate.
    #[serde(default)]
    pub client_token: Option<String>,
}

/// The configured client, or an error saying the provider was not configured.
pub fn client<'a>(cell: &'a ClientCell, diags: &mut Diagnostics) -> Option<&'a Client> {
    let client = cell.get();
    if client.is_none() {
        diags.root_error(
            "The maxcompute provider is not configured",
            "A resource was used before the provider block was configured. This is a bug in \
             terraform or the provider; please report it with the output of `TF_LOG=DEBUG`.",
        );
    }
    client
}

#[cfg(test)]
mod tests {
    use tf_provider::{Diagnostics, RawValue};

    /// tf-provider patch `raw-value-public`: the raw state is usable from outside the crate,
    /// which `Resource::upgrade` (UpgradeResourceState) needs.
    #[test]
    fn raw_state_values_can_be_decoded_here() {
        let raw = RawValue::Json(br#"{"id":"sg-1","name":"mc"}"#.to_vec());
        let mut diags = Diagnostics::default();
        let v: serde_json::Value = raw.deserialize(&mut diags).unwrap();
        assert_eq!(v["id"], "sg-1");
        assert!(diags.errors.is_empty());
    }
}
