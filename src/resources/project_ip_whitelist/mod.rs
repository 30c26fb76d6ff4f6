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

use tf_provider::value::Value;

use crate::client::ids::ProjectName;
use crate::framework::attr::Getter;
use crate::framework::resource::Problem;
use crate::framework::schema::Attr;
use lists::list_problems;

crate::state! {
    /// The resource's state, attribute for attribute.
    pub struct State {
        id: Value<String> = Attr::string("The project name.").computed(),
        project: Value<String> = Attr::string(
            "The MaxCompute project, made anywhere (console, alicloud provider). Changing \
             it moves the entries to the new project.",
        )
        .required()
            => .replace()
               .valid(ProjectName::check),
        ip_list: Value<BTreeSet<Value<String>>> = Attr::string_set(
            "Entries for internet and classic-network clients: addresses, `a-b` ranges or \
             CIDR blocks. Once any list of the project is set, only listed addresses get \
             in.",
        )
        .optional()
            => .rule(|s| list_problems(&s.ip_list)),
        vpc_ip_list: Value<BTreeSet<Value<String>>> = Attr::string_set(
            "Entries for VPC clients, in the same forms. Setting only one of the two lists \
             blocks the other network type; `[\"0.0.0.0/0\"]` keeps it open.",
        )
        .optional()
            => .rule(|s| list_problems(&s.vpc_ip_list)),
        allow_unsafe_destroy: Value<bool> = Attr::bool(
            "Let destroy go through when removing this resource's entries would lock a \
             network type out (one of the project's lists emptied while the other is not) \
             or leave both lists empty (the project open to every network). Default \
             `false`: such a destroy is refused, at plan and at apply. It is read from the \
             state, so set it and apply before destroying.",
        )
        .optional_computed()
            => .default(|s| s.allow_unsafe_destroy = Value::Value(false)),
    }
}

type P = Problem<State>;
type List = Value<BTreeSet<Value<String>>>;

/// The two lists, named as in the schema, with their getters.
const LISTS: [(&str, Getter<State>); 2] = [
    ("ip_list", |s| &s.ip_list),
    ("vpc_ip_list", |s| &s.vpc_ip_list),
];

pub struct ProjectIpWhitelist;
