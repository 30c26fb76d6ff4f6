//! Rules for a PrivateLink endpoint to MaxCompute (seed 004; seed 001 solution 4), each with its
//! source.

use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

use crate::client::ecs::{Direction, IpProtocol, Permission, Policy};
use crate::client::net::PortRange;
use crate::client::privatelink::EndpointService;

/// How a region offers MaxCompute over PrivateLink.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Offer {
    /// Open to every account.
    Direct,
    /// Only after a ticket to MaxCompute.
    ByTicket,
}

/// MaxCompute "VPC PrivateLink" docs (reference cloud-api-2.md §5): direct in Hangzhou, Shanghai,
/// Beijing, Zhangjiakou, Ulanqab, Shenzhen, Chengdu, Hong Kong; by ticket in Singapore, Kuala
/// Lumpur, Jakarta, Tokyo, Frankfurt, Silicon Valley, Virginia. Region IDs: seeds/README.md
/// (Chengdu: `cn-chengdu`, the standard ID).
const REGIONS: [(&str, Offer); 15] = [
    ("cn-hangzhou", Offer::Direct),
    ("cn-shanghai", Offer::Direct),
    ("cn-beijing", Offer::Direct),
    ("cn-zhangjiakou", Offer::Direct),
    ("cn-wulanchabu", Offer::Direct),
    ("cn-shenzhen", Offer::Direct),
    ("cn-chengdu", Offer::Direct),
    ("cn-hongkong", Offer::Direct),
    ("ap-southeast-1", Offer::ByTicket),
    ("ap-southeast-3", Offer::ByTicket),
    ("ap-southeast-5", Offer::ByTicket),
    ("ap-northeast-1", Offer::ByTicket),
    ("eu-central-1", Offer::ByTicket),
    ("us-west-1", Offer::ByTicket),
    ("us-east-1", Offer::ByTicket),
];

pub fn offer(region: &str) -> Option<Offer> {
    REGIONS.iter().find(|(r, _)| *r == region).map(|(_, o)| *o)
}

/// The regions that offer it, for messages.
pub fn regions(kind: Offer) -> Vec<&'static str> {
    REGIONS
        .iter()
        .filter(|(_, o)| *o == kind)
        .map(|(r, _)| *r)
        .collect()
}

/// Whether a service is MaxCompute's. Its name is not published (reference cloud-api-2.md §5), so
/// it is recognised by the product's names in the service name or domain — MaxCompute's API
/// domains are `service.<region>.maxcompute.aliyun.com` and its former name is ODPS.
pub fn is_maxcompute(s: &EndpointService) -> bool {
    let text = format!("{} {}", s.service_name, s.service_domain).to_ascii_lowercase();
    text.contains("maxcompute") || text.contains("odps")
}

/// Why a region has no usable MaxCompute service, in words: what to do.
pub fn no_service(region: &str, seen: &[EndpointService]) -> String {
    let listed = if seen.is_empty() {
        "The account sees no interface endpoint service at all — is PrivateLink activated in this \
            region?"
            .to_string()
    } else {
        format!(
            "Services the account sees: {}.",
            seen.iter()
                .map(|s| s.service_name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    match offer(region) {
        Some(Offer::Direct) => format!(
            "Region {region} offers MaxCompute over PrivateLink directly, yet no MaxCompute \
             service is listed for this account. {listed} Set `service_name` if its name does \
             not contain \"maxcompute\"."
        ),
        Some(Offer::ByTicket) => format!(
            "Region {region} offers MaxCompute over PrivateLink by ticket only: submit a ticket \
             to MaxCompute to have the service opened to this account, then plan again. {listed}"
        ),
        None => format!(
            "MaxCompute is not offered over PrivateLink in region {region}. Directly: {}; by \
             ticket: {}.",
            regions(Offer::Direct).join(", "),
            regions(Offer::ByTicket).join(", ")
        ),
    }
}

/// MaxCompute's interface service among `services` (those the account may use): the one named
/// `configured`, or the one MaxCompute service listed. The error is a sentence for the user.
pub fn pick_service(
    region: &str,
    services: &[EndpointService],
    configured: Option<&str>,
) -> Result<EndpointService, String> {
    if let Some(name) = configured {
        return services
            .iter()
            .find(|s| s.service_name == name)
            .cloned()
            .ok_or_else(|| {
                format!(
                    "No endpoint service named `{name}` is offered to this account in region \
                     {region}. {}",
                    no_service(region, services)
                )
            });
    }
    let found: Vec<&EndpointService> = services.iter().filter(|s| is_maxcompute(s)).collect();
    match found.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(no_service(region, services)),
        many => Err(format!(
            "Several MaxCompute services are offered: {}. Set `service_name` to one of them.",
            many.iter()
                .map(|s| s.service_name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// CreateVpcEndpoint docs: 2–128 characters, starting with a letter; letters, digits, `-`, `_`.
pub fn endpoint_name(n: &str) -> Result<(), String> {
    let len = n.chars().count();
    let ok = (2..=128).contains(&len)
        && n.chars().next().is_some_and(|c| c.is_alphabetic())
        && n.chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_');
    if ok {
        return Ok(());
    }
    Err(format!(
        "`{n}` is not a valid endpoint name: 2–128 characters, starting with a letter, then \
         letters, digits, `-` and `_`."
    ))
}

/// CreateVpcEndpoint docs: 2–256 characters, not starting with `http://` or `https://`.
pub fn endpoint_description(d: &str) -> Result<(), String> {
    if !(2..=256).contains(&d.chars().count()) {
        return Err("The description must be 2–256 characters (CreateVpcEndpoint docs).".into());
    }
    if super::name::starts_like_a_url(d) {
        return Err("The description cannot start with `http://` or `https://` \
                    (CreateVpcEndpoint docs)."
            .into());
    }
    Ok(())
}

/// A fixed address for a zone (an entry of `fixed_ips`): an IPv4 address inside the vSwitch's
/// CIDR block, not its network or broadcast address (the API doc: a system-reserved address
/// cannot be used).
pub fn zone_ip(ip: &str, cidr: &str) -> Result<(), String> {
    let addr: Ipv4Addr = ip.parse().map_err(|_| {
        format!(
            "`{ip}` is not an IPv4 address; give one inside the vSwitch's CIDR \
            block {cidr}, or remove this vSwitch's entry from `fixed_ips`."
        )
    })?;
    let net: Ipv4Net = cidr
        .parse()
        .map_err(|_| format!("the vSwitch's CIDR block `{cidr}` is not valid."))?;
    if !net.contains(&addr) {
        return Err(format!(
            "{ip} is outside the vSwitch's CIDR block {cidr}; pick an address inside it, or remove \
                this vSwitch's entry from `fixed_ips` to let PrivateLink choose."
        ));
    }
    if addr == net.network() || addr == net.broadcast() {
        return Err(format!(
            "{ip} is a reserved address of {cidr}; pick another one, or remove this vSwitch's \
                entry from `fixed_ips` to let PrivateLink choose."
        ));
    }
    Ok(())
}

fn covers(ports: PortRange, port: u16) -> bool {
    match ports {
        PortRange::All => true,
        PortRange::Range(a, b) => (a..=b).contains(&port),
    }
}

/// Whether a group's rules admit HTTP or HTTPS from somewhere in the VPC (seed 004: "the
/// inbound rules of the security group must allow access over HTTP (port 80) and HTTPS (443)").
/// A rule from another group counts: its members are in the VPC.
pub fn admits_web_from(rules: &[Permission], vpc: Option<Ipv4Net>) -> bool {
    let overlaps = |c: &crate::client::net::Cidr| match (c.net(), vpc) {
        (ipnet::IpNet::V4(c), Some(v)) => c.contains(&v.network()) || v.contains(&c.network()),
        (ipnet::IpNet::V4(_), None) => true,
        (ipnet::IpNet::V6(_), _) => false,
    };
    rules.iter().any(|p| {
        p.direction == Some(Direction::Ingress)
            && p.policy != Some(Policy::Drop)
            && matches!(p.ip_protocol, Some(IpProtocol::Tcp | IpProtocol::All))
            && p.port_range
                .is_some_and(|r| covers(r, 80) || covers(r, 443))
            && (p.source_group_id.is_some() || p.source_cidr.as_ref().is_some_and(overlaps))
    })
}

/// Seed 004: "Adding an outbound deny rule with priority 1 to a custom security group may make
/// the service inaccessible." The first such rule, described.
pub fn deny_at_priority_one(rules: &[Permission]) -> Option<String> {
    rules
        .iter()
        .find(|p| {
            p.direction == Some(Direction::Egress)
                && p.policy == Some(Policy::Drop)
                && p.priority == Some(1)
        })
        .map(|p| {
            let to = p
                .dest_cidr
                .as_ref()
                .map(|c| c.as_str().to_string())
                .or_else(|| p.dest_group_id.clone())
                .unwrap_or_else(|| "anywhere".into());
            let id = &p.security_group_rule_id;
            format!("egress drop rule {id} at priority 1 to {to}")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(name: &str, domain: &str) -> EndpointService {
        EndpointService {
            service_id: "epsrv-1".into(),
            service_name: name.into(),
            service_domain: domain.into(),
            service_type: "Interface".into(),
            zones: vec![],
            zone_affinity_enabled: false,
        }
    }

    #[test]
    fn the_service_is_the_named_one_or_the_one_maxcompute_service() {
        let mc = service("com.aliyuncs.privatelink.cn-hangzhou.maxcompute", "");
        let other = service("com.aliyuncs.privatelink.cn-hangzhou.oss", "");
        let all = [mc.clone(), other.clone()];
        assert_eq!(pick_service("cn-hangzhou", &all, None), Ok(mc.clone()));
        let named = pick_service("cn-hangzhou", &all, Some(&other.service_name));
        assert_eq!(named, Ok(other.clone()));
        let missing = pick_service("cn-hangzhou", &all, Some("nope")).unwrap_err();
        assert!(
            missing.contains("No endpoint service named `nope`"),
            "{missing}"
        );
        let two = [mc.clone(), service("odps-second", "")];
        let many = pick_service("cn-hangzhou", &two, None).unwrap_err();
        assert!(many.contains("Set `service_name`"), "{many}");
        let none = pick_service("cn-hangzhou", &[other], None).unwrap_err();
        assert!(
            none.contains("Services the account sees: com.aliyuncs"),
            "{none}"
        );
    }

    #[test]
    fn endpoint_names_and_descriptions_follow_the_create_docs() {
        assert!(endpoint_name("mc-endpoint_1").is_ok());
        assert!(endpoint_name("m").is_err());
        assert!(endpoint_name("1mc").is_err());
        assert!(endpoint_name("mc.endpoint")
            .unwrap_err()
            .contains("2–128 characters"));
        assert!(endpoint_description("ok").is_ok());
        assert!(endpoint_description("x").is_err());
        let e = endpoint_description("https://example").unwrap_err();
        assert!(
            e.contains("cannot start with `http://` or `https://`"),
            "{e}"
        );
    }

    #[test]
    fn regions_say_direct_or_ticket() {
        assert_eq!(offer("cn-hangzhou"), Some(Offer::Direct));
        assert_eq!(offer("ap-southeast-1"), Some(Offer::ByTicket));
        assert_eq!(offer("cn-qingdao"), None);
        assert!(no_service("ap-southeast-1", &[]).contains("by ticket"));
        assert!(no_service("cn-qingdao", &[]).contains("not offered"));
        assert!(no_service("cn-hangzhou", &[]).contains("activated"));
    }

    #[test]
    fn the_service_is_recognised_by_the_product_name() {
        assert!(is_maxcompute(&service(
            "com.aliyuncs.privatelink.cn-hangzhou.maxcompute",
            ""
        )));
        assert!(is_maxcompute(&service(
            "epsrv-x",
            "service.cn-hangzhou-vpc.maxcompute.aliyun-inc.com"
        )));
        assert!(is_maxcompute(&service("com.aliyun.cn-hangzhou.odps", "")));
        assert!(!is_maxcompute(&service(
            "com.aliyuncs.privatelink.cn-hangzhou.oss",
            "oss.aliyuncs.com"
        )));
    }

    #[test]
    fn zone_ips_stay_inside_the_vswitch() {
        assert!(zone_ip("192.168.1.10", "192.168.1.0/24").is_ok());
        assert!(zone_ip("192.168.2.10", "192.168.1.0/24")
            .unwrap_err()
            .contains("outside"));
        assert!(zone_ip("192.168.1.255", "192.168.1.0/24")
            .unwrap_err()
            .contains("reserved"));
        assert!(zone_ip("192.168.1.0", "192.168.1.0/24")
            .unwrap_err()
            .contains("reserved"));
        assert!(zone_ip("x", "192.168.1.0/24").unwrap_err().contains("IPv4"));
    }
}
