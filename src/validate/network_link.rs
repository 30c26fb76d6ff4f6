//! Pure rules for a network link's targets. Each takes facts already looked up and says what is
//! wrong with the object; `cloud.rs` does the lookups, the resource core puts each finding on the
//! attribute naming the object.

use crate::client::ecs::{SecurityGroup, SecurityGroupType};
use crate::client::vpc::VSwitch;

use super::finding::{Finding, Subject};
use super::in_vpc::{in_vpc, Kind};
use super::name::{first, length, only, Shown};

/// Prefixes of the two return-traffic groups MaxCompute creates in each VPC.
pub const AUTO_CREATED_PREFIXES: [&str; 2] = ["MaxCompute-vpc-", "MaxCompute-backup-vpc-"];

/// `name`: 3–64 characters, letters, digits and `_`, starting with a letter — it is used verbatim
/// in `SET odps.session.networklink=<name>;` and table properties.
pub fn link_name(name: &str) -> Result<(), String> {
    length("name", name, 3, 64, Shown::Quoted)?;
    first(name, |c| c.is_ascii_alphabetic(), "a letter (a-z, A-Z)")?;
    only(
        name,
        |c| c.is_ascii_alphanumeric() || c == '_',
        "letters, digits and `_`",
    )
}

/// The only link type there is today.
pub fn link_type(t: &str) -> Result<(), String> {
    if t == "Passthrough" {
        Ok(())
    } else {
        Err(format!(
            "`{t}` is not a network link type; the only type is `Passthrough`"
        ))
    }
}

/// The security group must be basic, not auto-created, and in the link's VPC.
pub fn security_group(group: &SecurityGroup, vpc_id: &str) -> Option<Finding> {
    let sg = Subject::SecurityGroup;
    if group.group_type == SecurityGroupType::Enterprise {
        return Some(Finding::error(
            sg,
            format!("Security group {} is an advanced (enterprise) group", group.id),
            "Advanced security groups deny all outbound traffic by default, so the MaxCompute ENIs \
             placed in it cannot reach anything in the VPC: jobs fail with no clear error. Use a \
             basic group, e.g. one created by the `maxcompute_security_group` resource.",
        ));
    }
    if let Some(prefix) = AUTO_CREATED_PREFIXES
        .iter()
        .find(|p| group.name.starts_with(*p))
    {
        return Some(Finding::error(
            sg,
            format!(
                "Security group {} ({}) was created by MaxCompute",
                group.id, group.name
            ),
            format!(
                "Groups named `{prefix}<vpc>` carry MaxCompute's return traffic; they must not be \
                 modified or reused. Create a dedicated basic group (`maxcompute_security_group`)."
            ),
        ));
    }
    in_vpc(
        Kind::SecurityGroup,
        group.id.as_str(),
        &group.vpc_id,
        vpc_id,
    )
}

/// The vSwitch must be in the link's VPC and in a zone where VPC access is supported.
pub fn vswitch(vsw: &VSwitch, vpc_id: &str, region: &str) -> Option<Finding> {
    in_vpc(Kind::VSwitch, &vsw.vswitch_id, &vsw.vpc_id, vpc_id).or_else(|| {
        super::zones::check_zone(region, &vsw.zone_id)
            .err()
            .map(|e| {
                Finding::error(
                    Subject::VSwitch,
                    format!("Zone {} is not supported", vsw.zone_id),
                    e,
                )
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::ids::SecurityGroupId;

    fn group(name: &str, t: SecurityGroupType, vpc: &str) -> SecurityGroup {
        SecurityGroup {
            id: SecurityGroupId::parse("sg-abc").unwrap(),
            name: name.into(),
            description: String::new(),
            group_type: t,
            vpc_id: vpc.into(),
        }
    }

    fn vsw(vpc: &str, zone: &str) -> VSwitch {
        VSwitch {
            vswitch_id: "vsw-1".into(),
            vpc_id: vpc.into(),
            zone_id: zone.into(),
            cidr_block: "192.168.1.0/24".into(),
            status: "Available".into(),
            vswitch_name: String::new(),
        }
    }

    #[test]
    fn names() {
        assert!(link_name("lakehouse_link1").is_ok());
        assert!(link_name("ab").is_err());
        assert!(link_name("1link").is_err());
        assert!(link_name("my-link").unwrap_err().contains("`-`"));
        assert!(link_name(&"a".repeat(65)).is_err());
        assert!(link_type("Passthrough").is_ok());
        assert!(link_type("passthrough").is_err());
    }

    #[test]
    fn groups() {
        assert!(
            security_group(&group("mc", SecurityGroupType::Normal, "vpc-1"), "vpc-1").is_none()
        );
        let Finding {
            summary: s,
            detail: d,
            ..
        } = security_group(
            &group("mc", SecurityGroupType::Enterprise, "vpc-1"),
            "vpc-1",
        )
        .unwrap();
        assert!(s.contains("advanced") && d.contains("outbound"), "{s} {d}");
        let s = security_group(
            &group("MaxCompute-vpc-vpc-1", SecurityGroupType::Normal, "vpc-1"),
            "vpc-1",
        )
        .unwrap()
        .summary;
        assert!(s.contains("created by MaxCompute"), "{s}");
        assert!(security_group(
            &group(
                "MaxCompute-backup-vpc-x",
                SecurityGroupType::Normal,
                "vpc-1"
            ),
            "vpc-1"
        )
        .is_some());
        let d = security_group(&group("mc", SecurityGroupType::Normal, "vpc-2"), "vpc-1")
            .unwrap()
            .detail;
        assert!(d.contains("vpc-2") && d.contains("vpc-1"), "{d}");
    }

    #[test]
    fn vswitches() {
        assert!(vswitch(&vsw("vpc-1", "cn-hangzhou-h"), "vpc-1", "cn-hangzhou").is_none());
        let d = vswitch(&vsw("vpc-2", "cn-hangzhou-h"), "vpc-1", "cn-hangzhou")
            .unwrap()
            .detail;
        assert!(d.contains("vpc-2") && d.contains("vpc-1"));
        let Finding {
            summary: s,
            detail: d,
            ..
        } = vswitch(&vsw("vpc-1", "cn-hangzhou-b"), "vpc-1", "cn-hangzhou").unwrap();
        assert!(
            s.contains("cn-hangzhou-b") && d.contains("cn-hangzhou-h"),
            "{s} {d}"
        );
    }
}
