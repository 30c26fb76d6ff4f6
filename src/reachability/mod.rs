//! Will a connection get through? A pure evaluator of ECS security-group rules and RDS /
//! HBase-style IP whitelists — no cloud calls, so it can be tested exhaustively and reused by a
//! data source and by plan-time warnings.
//!
//! One module per part: [`rules`] (security-group rules and what decides a direction),
//! [`whitelist`] (RDS / HBase-style whitelists), [`topology`] (a link, a target, and whether
//! the one reaches the other), [`records`] (the cloud's rule records typed for the evaluator),
//! [`explain`] (a rule in words) and [`address`] (targets given by address).

mod address;
mod explain;
#[cfg(test)]
pub(crate) mod fixtures;
mod records;
mod rules;
mod topology;
mod whitelist;

pub use address::AddressTarget;
pub use explain::describe;
pub use records::{prefix_list_of, prefix_list_rules, rule_of};
pub use rules::{connect, decide, Decision, Direction, Endpoint, Group, Hop, Peer, Rule};
pub use topology::{reach, Admitted, Blocked, Link, Target};
pub use whitelist::{whitelist_admits, Whitelist, WhitelistGroup};

/// The ports jobs use on the targets of seed 000: RDS (MySQL), HBase (ZooKeeper), and EMR's Hive
/// Metastore, HDFS NameNode and DataNode (Hadoop 2).
pub const SERVICE_PORTS: [(u16, &str); 5] = [
    (3306, "RDS MySQL"),
    (2181, "HBase ZooKeeper"),
    (9083, "Hive Metastore"),
    (8020, "HDFS NameNode"),
    (50010, "HDFS DataNode"),
];

/// The evaluator checked against an independent, brute-force model of the documentation.
#[cfg(test)]
mod model;
