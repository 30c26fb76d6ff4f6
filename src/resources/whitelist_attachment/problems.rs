//! The problems the attachment reports about its target and group, worded once.

use crate::client::Client;
use crate::framework::resource::Problem;

use super::{Group, Target, WhitelistAttachment, F};

impl<T: Target> WhitelistAttachment<T> {
    pub(super) fn not_found(client: &Client, target: &str) -> Problem<T::State> {
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

    pub(super) fn protected(target: &str, group: &str) -> Problem<T::State> {
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

    pub(super) fn exists(target: &str, group: &Group) -> Problem<T::State> {
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

    pub(super) fn made_meanwhile(target: &str, group: &Group) -> Problem<T::State> {
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
}
