//! Cloud object IDs as types: parsed once, at the boundary, with a message that says what is wrong.

use std::fmt;

/// Why a string is not a valid ID of some kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not a valid {kind} ID: {reason} (expected something like `{example}`)")]
pub struct IdError {
    pub kind: &'static str,
    pub value: String,
    pub reason: String,
    pub example: &'static str,
}

/// An ID type: `$rule` judges a text (`Err`: why it is not one).
macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $kind:literal, $example:literal, $rule:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(String);

        impl $name {
            pub fn parse(value: &str) -> Result<Self, IdError> {
                let rule: fn(&str) -> Result<(), String> = $rule;
                rule(value).map(|()| Self(value.to_string())).map_err(|reason| IdError {
                    kind: $kind,
                    value: value.to_string(),
                    reason,
                    example: $example,
                })
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The attribute validator: `Err` says what is wrong with `value`.
            pub fn check(value: &str) -> Result<(), String> {
                Self::parse(value).map(|_| ()).map_err(|e| e.to_string())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = IdError;
            fn from_str(value: &str) -> Result<Self, IdError> {
                Self::parse(value)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

id_type!(
    /// `vpc-…`
    VpcId,
    "VPC",
    "vpc-bp1example0000000000",
    |v| prefixed(v, "vpc-")
);
id_type!(
    /// `vsw-…`
    VSwitchId,
    "vSwitch",
    "vsw-bp1example0000000000",
    |v| prefixed(v, "vsw-")
);
id_type!(
    /// `sg-…`
    SecurityGroupId,
    "security group",
    "sg-bp1example0000000000",
    |v| prefixed(v, "sg-")
);

id_type!(
    /// `ep-…`: a PrivateLink endpoint.
    EndpointId,
    "PrivateLink endpoint",
    "ep-bp1example0000000000",
    |v| prefixed(v, "ep-")
);
id_type!(
    /// `c-…`: an EMR cluster.
    EmrClusterId,
    "EMR cluster",
    "c-b933c5aac8fe4a3e",
    |v| prefixed(v, "c-")
);
id_type!(
    /// `pl-…`: an ECS prefix list.
    PrefixListId,
    "prefix list",
    "pl-bp1example0000000000",
    |v| prefixed(v, "pl-")
);
id_type!(
    /// `prl-…`: an ECS port range list.
    PortRangeListId,
    "port range list",
    "prl-bp1example0000000000",
    |v| prefixed(v, "prl-")
);

id_type!(
    /// An RDS instance (`rm-…`, `pgm-…`, …).
    RdsInstanceId,
    "RDS instance",
    "rm-bp1example0000000000",
    shaped
);
id_type!(
    /// An HBase cluster (`ld-…`, `hb-…`).
    HbaseClusterId,
    "HBase cluster",
    "ld-bp1example0000000000",
    shaped
);

/// IDs whose prefix tells the engine or edition (`rm-`, `pgm-`, `pgc-` for RDS; `ld-`, `hb-` for
/// HBase): a lower-case prefix, `-`, then lower-case letters, digits and `-`; or the older shape
/// without one (`rdsaiiabnaiiabn`, the RDS API reference's own example): lower-case letters and
/// digits, starting with a letter.
fn shaped(id: &str) -> Result<(), String> {
    let Some((prefix, rest)) = id.split_once('-') else {
        let legacy = (1..=64).contains(&id.len())
            && id.starts_with(|c: char| c.is_ascii_lowercase())
            && id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
        return match legacy {
            true => Ok(()),
            false => Err("it is neither `<kind>-…` nor lower-case letters and digits".into()),
        };
    };
    if !(1..=8).contains(&prefix.len()) || !prefix.bytes().all(|b| b.is_ascii_lowercase()) {
        return Err("its prefix must be 1 to 8 lower-case letters".into());
    }
    if rest.is_empty() || rest.len() > 64 {
        return Err("1 to 64 characters must follow the prefix".into());
    }
    if !rest
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err("only lower-case letters, digits and `-` may follow the prefix".into());
    }
    Ok(())
}

/// `prefix`, then 1 to 64 lower-case letters and digits.
fn prefixed(value: &str, prefix: &str) -> Result<(), String> {
    let Some(rest) = value.strip_prefix(prefix) else {
        return Err(format!("it must start with `{prefix}`"));
    };
    if rest.is_empty() {
        return Err("nothing follows the prefix".into());
    }
    if rest.len() > 64 {
        return Err("it is longer than 64 characters".into());
    }
    if !rest
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    {
        return Err("only lower-case letters and digits may follow the prefix".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_refuses() {
        assert!(SecurityGroupId::parse("sg-bp1abc").is_ok());
        assert!(VpcId::parse("vpc-123").is_ok());
        for bad in [
            "",
            "sg-",
            "vpc-abc",
            "sg-ABC",
            "sg- a",
            "sg-测试",
            " sg-abc",
        ] {
            assert!(SecurityGroupId::parse(bad).is_err(), "{bad}");
        }
        let e = VSwitchId::parse("vpc-abc").unwrap_err();
        assert!(e.to_string().contains("must start with `vsw-`"), "{e}");
        let e = EndpointId::parse("sg-1").unwrap_err();
        assert!(e.to_string().contains("must start with `ep-`"), "{e}");
        for ok in ["rm-bp1abc", "pgm-bp1abc", "ld-bp1abc", "hb-bp-1"] {
            assert!(RdsInstanceId::parse(ok).is_ok(), "{ok}");
        }
        assert!(
            RdsInstanceId::parse("rdsaiiabnaiiabn").is_ok(),
            "the API reference's example"
        );
        for bad in [
            "",
            "rm-",
            "RM-abc",
            "rm abc",
            "toolongprefix-abc",
            "rm-ABC",
            "No_Prefix",
            "1abc",
        ] {
            assert!(HbaseClusterId::parse(bad).is_err(), "{bad}");
        }
    }

    proptest::proptest! {
        #[test]
        fn never_panics_and_round_trips(s in "\\PC*") {
            if let Ok(id) = SecurityGroupId::parse(&s) {
                proptest::prop_assert_eq!(id.as_str(), s.as_str());
            }
        }
    }
}
