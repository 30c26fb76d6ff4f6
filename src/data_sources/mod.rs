//! One file per data source, named after it.

pub mod access_inventory;
pub mod caller_identity;
pub mod dataworks_resource_group;
pub mod network_link;
pub mod privatelink_service;
pub mod reachability;
pub mod security_group;
pub mod vpc_access;
pub mod vpc_access_zones;
