//! The link's state: what the configuration says, and what the service reports into it (shared
//! with the data source).

use std::collections::BTreeMap;

use tf_provider::value::Value;

use crate::client::ids::{LinkName, SecurityGroupId, VSwitchId, VpcId};
use crate::client::maxcompute::NetworkLink;
use crate::framework::declare::TimeoutsBlock;
use crate::framework::schema::Attr;
use crate::framework::timeouts::Timeouts;
use crate::framework::values::string_list;
use crate::validate;

pub const DEFAULT_TYPE: &str = "Passthrough";

crate::state! {
    /// The resource's state. Also the data source's: its own declarations of the attributes it
    /// takes, and those the service reports (computed here) as declared here.
    pub struct State {
        id: Value<String> =
            Attr::string("The link's name (links are addressed by name).").computed(),
        name: Value<String> = Attr::string(
            "The link name: 3–64 characters, letters, digits and `_`, starting with a \
                letter. Jobs refer to the link by this name. Changing it replaces the \
                link.",
        )
        .required()
            => .replace()
               .valid(LinkName::check),
        link_type as "type": Value<String> =
            Attr::string("The link type; `Passthrough` (the default) is the only one.")
                .optional_computed()
            => .replace()
               .default(|s| s.link_type = Value::Value(DEFAULT_TYPE.into()))
               .valid(|t| validate::network_link::link_type(t).map_err(|e| format!("{e}."))),
        description: Value<String> =
            Attr::string("A description, at most 256 characters. Updated in place.").optional()
            => .valid(|d| match d.chars().count() {
                0..=256 => Ok(()),
                _ => Err("The description must be at most 256 characters.".into()),
            }),
        vpc_id: Value<String> =
            Attr::string("The VPC holding the target services. Changing it replaces the link.")
                .required()
            => .replace()
               .valid(VpcId::check),
        vswitch_id: Value<String> = Attr::string(
            "The vSwitch (in `vpc_id`, in a supported zone) where MaxCompute places its \
                ENIs. Changing it replaces the link.",
        )
        .required()
            => .replace()
               .valid(VSwitchId::check),
        security_group_id: Value<String> = Attr::string(
            "A **basic** security group of `vpc_id` for the ENIs, e.g. \
                `maxcompute_security_group.x.id`. Advanced groups and the auto-created \
                `MaxCompute-vpc-*` groups are refused at plan time. Changing it replaces \
                the link.",
        )
        .required()
            => .replace()
               .valid(SecurityGroupId::check),
        region: Value<String> = text("The region of the link (the provider's region)."),
        zone_id: Value<String> = text("The zone of the vSwitch, where MaxCompute places its ENIs."),
        vswitch_cidr: Value<String> = text(
            "The CIDR block of the vSwitch. Whitelist this on target services, never the ENI \
                IPs (they can change).",
        ),
        status: Value<String> = text(
            "`AVAILABLE` once the link is usable (`CREATING`, `FAILED`, `DELETING` otherwise).",
        ),
        eni_ips: Value<Vec<Value<String>>> = texts(
            "The private IPs of the two ENIs MaxCompute placed in the vSwitch. They can \
                change; whitelist `vswitch_cidr` instead.",
        ),
        return_security_group_ids: Value<Vec<Value<String>>> = texts(
            "The two return-traffic groups MaxCompute created in the VPC \
                (`MaxCompute-vpc-<vpc>`, `MaxCompute-backup-vpc-<vpc>`). Never modify or reuse \
                them.",
        ),
        sql_setting: Value<String> = text(
            "The session setting for SQL and UDF jobs: `SET odps.session.networklink=<name>;`.",
        ),
        table_property: Value<String> = text(
            "The table property for foreign tables: `'networklink'='<name>'` (inside \
                `TBLPROPERTIES(...)`).",
        ),
        spark_conf: Value<BTreeMap<String, Value<String>>> = Attr::string_map(
            "The Spark settings for jobs using the link: `spark.hadoop.odps.cupid.eni.enable = \
                true`, `spark.hadoop.odps.cupid.eni.info = <region>:<vpc>`.",
        )
        .computed(),
        /// Left out when null: the data source shares this state and has no `timeouts` (terraform
        /// reads an absent attribute as null, and refuses one its schema lacks).
        #[serde(skip_serializing_if = "Value::is_null")]
        timeouts: Value<Vec<Timeouts>> = TimeoutsBlock(&[("create", "20m"), ("delete", "10m")]),
    }
}

/// `SET odps.session.networklink=<name>;`
pub fn sql_setting(name: &str) -> String {
    format!("SET odps.session.networklink={name};")
}

/// `'networklink'='<name>'`, for `TBLPROPERTIES(...)` of foreign tables.
pub fn table_property(name: &str) -> String {
    format!("'networklink'='{name}'")
}

/// The two Spark settings that route a job through the link's VPC.
pub fn spark_conf(region: &str, vpc_id: &str) -> BTreeMap<String, Value<String>> {
    BTreeMap::from([
        (
            "spark.hadoop.odps.cupid.eni.enable".to_string(),
            Value::Value("true".to_string()),
        ),
        (
            "spark.hadoop.odps.cupid.eni.info".to_string(),
            Value::Value(format!("{region}:{vpc_id}")),
        ),
    ])
}

impl State {
    /// Fills every attribute the service reports; keeps configuration-only ones.
    pub fn fill(&mut self, link: &NetworkLink) {
        self.id = Value::Value(link.name.clone());
        self.name = Value::Value(link.name.clone());
        self.link_type = Value::Value(if link.link_type.is_empty() {
            DEFAULT_TYPE.into()
        } else {
            link.link_type.clone()
        });
        self.vpc_id = Value::Value(link.vpc_id.clone());
        self.vswitch_id = Value::Value(link.vswitch_id.clone());
        self.security_group_id = Value::Value(link.security_group_id.clone());
        // A description left out of the configuration stays out of the state. Callers that want
        // whatever the service has (import, the data source) pass it as Unknown.
        if self.description.is_value()
            || !link.description.is_empty() && self.description.is_unknown()
        {
            self.description = if link.description.is_empty() {
                Value::Null
            } else {
                Value::Value(link.description.clone())
            };
        }
        self.region = Value::Value(link.region_id.clone());
        self.zone_id = Value::Value(link.zone_id.clone());
        self.vswitch_cidr = Value::Value(link.vswitch_cidr.clone());
        self.status = Value::Value(link.status.as_str().to_string());
        self.eni_ips = string_list(link.eni_ips.iter().cloned());
        self.return_security_group_ids =
            string_list(link.return_security_group_ids.iter().cloned());
        self.sql_setting = Value::Value(sql_setting(&link.name));
        self.table_property = Value::Value(table_property(&link.name));
        self.spark_conf = Value::Value(spark_conf(&link.region_id, &link.vpc_id));
        if self.timeouts.is_null() {
            self.timeouts = Value::Value(Vec::new());
        }
    }
}

/// An attribute the service reports: text.
fn text(doc: &str) -> Attr {
    Attr::string(doc).computed()
}

/// An attribute the service reports: a list of texts.
fn texts(doc: &str) -> Attr {
    Attr::string_list(doc).computed()
}
