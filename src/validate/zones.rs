//! Where MaxCompute's VPC access is supported: regions and zones from the product documentation
//! (seed 001, "network enablement"). This table lives here once; the network-link checks and the
//! `maxcompute_vpc_access_zones` data source both read it.

/// (region ID, zone letters).
pub const SUPPORTED: &[(&str, &[char])] = &[
    ("cn-hangzhou", &['h', 'i', 'j', 'k']),
    ("cn-beijing", &['f', 'g', 'h', 'i', 'l']),
    ("cn-shanghai", &['b', 'e', 'g', 'm', 'n']),
    ("cn-zhangjiakou", &['a', 'b', 'c']),
    ("cn-wulanchabu", &['b', 'c']),
    ("cn-shenzhen", &['c', 'd', 'e', 'f']),
    ("cn-hongkong", &['b', 'c']),
    ("cn-shanghai-finance-1", &['f']),
    ("ap-northeast-1", &['a', 'b']),
    ("ap-southeast-1", &['a', 'b', 'c']),
    ("ap-southeast-3", &['a', 'b']),
    ("ap-southeast-5", &['a', 'b']),
    ("eu-central-1", &['a', 'b', 'c']),
    ("us-west-1", &['a', 'b']),
    ("us-east-1", &['a', 'b']),
];

/// A zone ID: the region ID plus the zone letter — with a `-` unless the region ends in a digit
/// (`cn-hangzhou-h`, `ap-southeast-1a`, `cn-shanghai-finance-1f`).
pub fn zone_id(region: &str, letter: char) -> String {
    if region.ends_with(|c: char| c.is_ascii_digit()) {
        format!("{region}{letter}")
    } else {
        format!("{region}-{letter}")
    }
}

/// The supported zone IDs of a region; `None` when the region is not supported at all.
pub fn supported_zones(region: &str) -> Option<Vec<String>> {
    SUPPORTED
        .iter()
        .find(|(r, _)| *r == region)
        .map(|(r, letters)| letters.iter().map(|l| zone_id(r, *l)).collect())
}

/// The supported region IDs.
pub fn supported_regions() -> Vec<&'static str> {
    SUPPORTED.iter().map(|(r, _)| *r).collect()
}

/// Checks that the region supports VPC access; the error lists the regions that do.
pub fn check_region(region: &str) -> Result<(), String> {
    match supported_zones(region) {
        Some(_) => Ok(()),
        None => Err(format!(
            "MaxCompute VPC access is not available in region `{region}`. Supported regions: {}.",
            supported_regions().join(", ")
        )),
    }
}

/// Checks that a zone of `region` supports VPC access; the error lists the zones that do.
pub fn check_zone(region: &str, zone: &str) -> Result<(), String> {
    check_region(region)?;
    let zones = supported_zones(region).unwrap_or_default();
    if zones.iter().any(|z| z == zone) {
        Ok(())
    } else {
        Err(format!(
            "MaxCompute VPC access is not available in zone `{zone}`. Supported zones in {region}: \
                {}. Use a vSwitch in one of them.",
            zones.join(", ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zone_ids() {
        assert_eq!(supported_zones("cn-hangzhou").unwrap()[0], "cn-hangzhou-h");
        assert_eq!(
            supported_zones("ap-southeast-1").unwrap(),
            vec!["ap-southeast-1a", "ap-southeast-1b", "ap-southeast-1c"]
        );
        assert_eq!(
            supported_zones("cn-shanghai-finance-1").unwrap(),
            vec!["cn-shanghai-finance-1f"]
        );
        assert_eq!(supported_zones("cn-qingdao"), None);
        assert_eq!(SUPPORTED.len(), 15);
    }

    #[test]
    fn checks() {
        assert!(check_zone("cn-hangzhou", "cn-hangzhou-i").is_ok());
        let e = check_zone("cn-hangzhou", "cn-hangzhou-b").unwrap_err();
        assert!(
            e.contains("cn-hangzhou-h, cn-hangzhou-i, cn-hangzhou-j, cn-hangzhou-k"),
            "{e}"
        );
        let e = check_region("cn-qingdao").unwrap_err();
        assert!(e.contains("cn-hangzhou") && e.contains("us-east-1"), "{e}");
    }
}
