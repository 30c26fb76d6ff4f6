//! A small "framework-lite" over `tf-provider`: schema builders, canned diagnostics and the
//! configured client shared by all resources, so each resource file stays declarative.

pub mod diag;
pub mod schema;

use std::sync::{Arc, OnceLock};

use tf_provider::Diagnostics;

use crate::client::Client;

/// The client, set once by `ConfigureProvider`; resources are built before that happens.
pub type ClientCell = Arc<OnceLock<Client>>;

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
