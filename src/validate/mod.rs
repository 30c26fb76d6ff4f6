//! Plan-time rules. Each rule is a small pure function returning a sentence for the user; the
//! resource schema code decides which rule applies to which attribute.

pub mod cidr;
pub mod cloud;
pub mod endpoint;
pub mod finding;
pub mod in_vpc;
pub mod name;
pub mod network_link;
pub mod once_map;
pub mod privatelink;
pub mod project_whitelist;
pub mod seen;
pub mod whitelist;
pub mod zones;
