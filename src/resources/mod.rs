//! One module per resource, named after it: a file, or a directory whose parts each have one
//! job (attributes and operations, cloud calls, plan-time checks, tests) once it grows large.

pub mod emr_whitelist_attachment;
pub mod hbase_whitelist_attachment;
pub mod network_link;
pub mod privatelink_endpoint;
pub mod project_ip_whitelist;
pub mod rds_whitelist_attachment;
pub mod security_group;
pub mod whitelist_attachment;
