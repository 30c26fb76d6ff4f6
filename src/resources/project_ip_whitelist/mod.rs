//! `maxcompute_project_ip_whitelist`: entries of a MaxCompute project's IP whitelist — who may
//! reach the project over the internet / classic network (`ip_list`) and from VPCs
//! (`vpc_ip_list`).
//!
//! The resource owns **its entries only**. The project's lists also hold entries that others put
//! there — DataWorks adds its default servers itself, people use the console — and those are
//! kept: every write is read-modify-write under one lock per project, adding and removing exactly
//! this resource's entries, then watched for a few seconds so that another process's write made
//! from an older read cannot drop our entries unnoticed. Seed 002's rules are checked at plan and
//! again before each write: setting one list while the other is empty blocks the other network
//! type, so a change — a destroy included — that would newly block it, or would empty both lists
//! (open to all), is refused with the attribute to set.

mod checks;
mod cloud;
mod lists;
mod resource;
#[cfg(test)]
mod tests;

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use tf_provider::value::Value;

use crate::framework::attr::{AttrDecl, Getter};
use crate::framework::resource::Problem;

/// The resource's state, attribute for attribute.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct State {
    #[serde(default)]
    pub id: Value<String>,
    #[serde(default)]
    pub project: Value<String>,
    #[serde(default)]
    pub ip_list: Value<BTreeSet<Value<String>>>,
    #[serde(default)]
    pub vpc_ip_list: Value<BTreeSet<Value<String>>>,
    #[serde(default)]
    pub allow_unsafe_destroy: Value<bool>,
}

type P = Problem<State>;
type D = AttrDecl<State>;
type List = Value<BTreeSet<Value<String>>>;

/// The two lists, named as in the schema, with their getters.
const LISTS: [(&str, Getter<State>); 2] = [
    ("ip_list", |s| &s.ip_list),
    ("vpc_ip_list", |s| &s.vpc_ip_list),
];

pub struct ProjectIpWhitelist;
