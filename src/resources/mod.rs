//! One file per resource, named after it.

pub mod security_group;
