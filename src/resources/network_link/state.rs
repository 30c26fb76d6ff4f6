//! The link's state: what the configuration says, and what the service reports into it (shared
//! with the data source).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use tf_provider::value::Value;

use crate::client::maxcompute::NetworkLink;
use crate::field;
use crate::framework::attr::AttrDecl;
use crate::framework::schema::Attr;
use crate::framework::timeouts::Timeouts;
use crate::framework::values::string_list;

pub const DEFAULT_TYPE: &str = "Passthrough";

/// The resource's state. Also the data source's, minus `timeouts`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct State {
    pub id: Value<String>,
    pub name: Value<String>,
    #[serde(rename = "type")]
    pub link_type: Value<String>,
    pub vpc_id: Value<String>,
    pub vswitch_id: Value<String>,
    pub security_group_id: Value<String>,
    pub description: Value<String>,
    pub region: Value<String>,
    pub zone_id: Value<String>,
    pub vswitch_cidr: Value<String>,
    pub status: Value<String>,
    pub eni_ips: Value<Vec<Value<String>>>,
    pub return_security_group_ids: Value<Vec<Value<String>>>,
    pub sql_setting: Value<String>,
    pub table_property: Value<String>,
    pub spark_conf: Value<BTreeMap<String, Value<String>>>,
    /// Left out when null: the data source shares this state and has no `timeouts` (terraform
    /// reads an absent attribute as null, and refuses one its schema lacks).
    #[serde(skip_serializing_if = "Value::is_null")]
    pub timeouts: Value<Vec<Timeouts>>,
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

/// The computed attributes documented once, shared with the data source.
pub fn computed_attributes() -> Vec<AttrDecl<State>> {
    type D = AttrDecl<State>;
    let text = |doc: &'static str| Attr::string(doc).computed();
    let texts = |doc: &'static str| Attr::string_list(doc).computed();
    vec![
        D::new(
            "region",
            field!(region),
            text("The region of the link (the provider's region)."),
        ),
        D::new(
            "zone_id",
            field!(zone_id),
            text("The zone of the vSwitch, where MaxCompute places its ENIs."),
        ),
        D::new(
            "vswitch_cidr",
            field!(vswitch_cidr),
            text(
                "The CIDR block of the vSwitch. Whitelist this on target services, never the ENI \
                    IPs (they can change).",
            ),
        ),
        D::new(
            "status",
            field!(status),
            text(
                "`AVAILABLE` once the link is usable (`CREATING`, `FAILED`, `DELETING` otherwise).",
            ),
        ),
        D::new(
            "eni_ips",
            field!(eni_ips),
            texts(
                "The private IPs of the two ENIs MaxCompute placed in the vSwitch. They can \
                    change; whitelist `vswitch_cidr` instead.",
            ),
        ),
        D::new(
            "return_security_group_ids",
            field!(return_security_group_ids),
            texts(
                "The two return-traffic groups MaxCompute created in the VPC \
                    (`MaxCompute-vpc-<vpc>`, `MaxCompute-backup-vpc-<vpc>`). Never modify or reuse \
                    them.",
            ),
        ),
        D::new(
            "sql_setting",
            field!(sql_setting),
            text(
                "The session setting for SQL and UDF jobs: `SET odps.session.networklink=<name>;`.",
            ),
        ),
        D::new(
            "table_property",
            field!(table_property),
            text(
                "The table property for foreign tables: `'networklink'='<name>'` (inside \
                    `TBLPROPERTIES(...)`).",
            ),
        ),
        D::new(
            "spark_conf",
            field!(spark_conf),
            Attr::string_map(
                "The Spark settings for jobs using the link: `spark.hadoop.odps.cupid.eni.enable = \
                    true`, `spark.hadoop.odps.cupid.eni.info = <region>:<vpc>`.",
            )
            .computed(),
        ),
    ]
}
