//! One file per resource, named after it.

pub mod network_link;
pub mod security_group;
