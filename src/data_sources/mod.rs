//! One file per data source, named after it.

pub mod security_group;
