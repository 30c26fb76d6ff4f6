//! `timeouts { create = "20m" delete = "10m" }`: how long an operation may wait.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use tf_provider::schema::{Block, Description, NestedBlock};
use tf_provider::value::Value;

use super::schema::Attr;

/// The block's values as terraform sends them, for resources that wait on create and delete.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Timeouts {
    pub create: Value<String>,
    pub delete: Value<String>,
}

/// The same for resources that also wait on update.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TimeoutsCud {
    pub create: Value<String>,
    pub update: Value<String>,
    pub delete: Value<String>,
}

/// The operations a timeouts block has, with their values.
pub trait TimeoutValues {
    fn entries(&self) -> Vec<(&'static str, &Value<String>)>;
}

impl TimeoutValues for Timeouts {
    fn entries(&self) -> Vec<(&'static str, &Value<String>)> {
        vec![("create", &self.create), ("delete", &self.delete)]
    }
}

impl TimeoutValues for TimeoutsCud {
    fn entries(&self) -> Vec<(&'static str, &Value<String>)> {
        vec![
            ("create", &self.create),
            ("update", &self.update),
            ("delete", &self.delete),
        ]
    }
}

/// The `timeouts` block (at most one): `(operation, default)` pairs.
pub fn block(ops: &[(&str, &str)]) -> NestedBlock {
    NestedBlock::Optional(Block {
        version: 1,
        description: Description::markdown(
            "How long operations may wait, e.g. `30s`, `20m`, `1h30m`.",
        ),
        attributes: ops
            .iter()
            .map(|(op, default)| {
                let d = format!("Time to wait for the {op} to finish (default `{default}`).");
                (op.to_string(), Attr::string(&d).optional().into())
            })
            .collect(),
        ..Default::default()
    })
}

/// Parses `90s`, `20m`, `1h30m`, `2h`.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let err =
        || format!("`{s}` is not a duration; use a number with a unit, e.g. `30s`, `20m`, `1h30m`");
    if s.is_empty() {
        return Err(err());
    }
    let mut total = 0u64;
    let mut number = String::new();
    for c in s.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let n: u64 = number.parse().map_err(|_| err())?;
        number.clear();
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            _ => return Err(err()),
        };
        total = total
            .checked_add(n.checked_mul(unit).ok_or_else(err)?)
            .ok_or_else(err)?;
    }
    if !number.is_empty() || total == 0 {
        return Err(err());
    }
    Ok(Duration::from_secs(total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
        for bad in [
            "",
            "10",
            "m",
            "5d",
            "0s",
            "1.5h",
            "-1m",
            "99999999999999999999h",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }
}
