//! terraform-provider-maxcompute: connects MaxCompute to services in a VPC.
//!
//! Data path, one way only:
//! terraform → [`provider`] / [`resources`] / [`data_sources`] → [`validate`] / [`client`] →
//! transport.

pub mod client;
pub mod data_sources;
pub mod framework;
pub mod logging;
pub mod preflight;
pub mod provider;
pub mod provider_credentials;
pub mod reachability;
pub mod resources;
pub mod validate;
