//! `maxcompute_emr_whitelist_attachment`: seed 000 step 4 for a Hadoop cluster on E-MapReduce.
//! EMR has no whitelist API: access is inbound rules on the ECS security group of the cluster's
//! nodes (`GetCluster` → `NodeAttributes.SecurityGroupId`). This resource adds one TCP rule per
//! port and source, and owns only those rules: their IDs, read back under the group's lock after
//! each write, are recorded in the state (`rule_ids`). They also carry a description naming the
//! cluster, by which import (and a state that has no IDs yet) finds them: the description cannot
//! tell two states' rules for one cluster and block apart, the IDs can. Rules other people added
//! are untouched.

mod checks;
mod cloud;
mod resource;
mod rules;
mod state;

use crate::framework::resource::Problem;

pub use state::{provider_made, rule_description, State};

/// Hive Metastore, HDFS NameNode, HDFS DataNode (Hadoop 2).
pub const DEFAULT_PORTS: [i64; 3] = [9083, 8020, 50010];
/// Inbound + outbound rules one security group may hold (AuthorizeSecurityGroup docs, doc-detail
/// 25554; reference cloud-api-2.md §1).
pub const MAX_RULES_PER_GROUP: usize = 200;

pub struct EmrWhitelistAttachment;

type P = Problem<State>;
