//! Services and their endpoints.

use std::collections::BTreeMap;
use std::net::IpAddr;

use reqwest::Url;

use super::Error;

/// The cloud services the provider calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Service {
    Ecs,
    Vpc,
    Rds,
    Hbase,
    Emr,
    MaxCompute,
    DataWorks,
    PrivateLink,
    /// Only for credentials (assumed roles, OIDC): no resource calls it.
    Sts,
}

impl Service {
    pub const ALL: [Service; 8] = [
        Service::Ecs,
        Service::Vpc,
        Service::Rds,
        Service::Hbase,
        Service::Emr,
        Service::MaxCompute,
        Service::DataWorks,
        Service::PrivateLink,
    ];

    /// Every service with an endpoint setting: [`Service::ALL`] and STS.
    pub const CONFIGURABLE: [Service; 9] = {
        let mut all = [Service::Sts; 9];
        let mut i = 0;
        while i < Self::ALL.len() {
            all[i] = Self::ALL[i];
            i += 1;
        }
        all
    };

    /// The name used in the provider's `endpoints` block and in the host name.
    pub fn key(self) -> &'static str {
        match self {
            Service::Ecs => "ecs",
            Service::Vpc => "vpc",
            Service::Rds => "rds",
            Service::Hbase => "hbase",
            Service::Emr => "emr",
            Service::MaxCompute => "maxcompute",
            Service::DataWorks => "dataworks",
            Service::PrivateLink => "privatelink",
            Service::Sts => "sts",
        }
    }

    /// The API version sent with every call to this service.
    pub fn version(self) -> &'static str {
        match self {
            Service::Ecs => "2014-05-26",
            Service::Vpc => "2016-04-28",
            Service::Rds => "2014-08-15",
            Service::Hbase => "2019-01-01",
            Service::Emr => "2021-03-20",
            Service::MaxCompute => "2022-01-04",
            Service::DataWorks => "2024-05-18",
            Service::PrivateLink => "2020-04-15",
            Service::Sts => "2015-04-01",
        }
    }
}

/// Per-service endpoint overrides; everything else goes to
/// `https://<service>.<region>.aliyuncs.com` (the regional host, served for every public region
/// of these products).
#[derive(Debug, Clone, Default)]
pub struct Endpoints {
    overrides: BTreeMap<Service, Url>,
}

impl Endpoints {
    /// Sets an override after checking it: only `https://`, or `http://` to a loopback host
    /// (the emulator) — never plain HTTP across a network.
    pub fn set(&mut self, service: Service, url: &str) -> Result<(), Error> {
        let parsed = parse_endpoint(url).map_err(|reason| Error::Endpoint {
            service: service.key(),
            url: url.to_string(),
            reason,
        })?;
        self.overrides.insert(service, parsed);
        Ok(())
    }

    /// The service's URL: the override, or the regional host. A region that makes no host (the
    /// provider refuses such regions at configure) is a configuration error, never a panic.
    pub fn url(&self, service: Service, region: &str) -> Result<Url, Error> {
        match self.overrides.get(&service) {
            Some(url) => Ok(url.clone()),
            None => {
                let host = format!("https://{}.{region}.aliyuncs.com/", service.key());
                Url::parse(&host)
                    .map_err(|e| Error::Config(format!("no endpoint for region {region:?}: {e}")))
            }
        }
    }
}

/// Parses and checks an endpoint; the error is a sentence for the user.
pub fn parse_endpoint(url: &str) -> Result<Url, String> {
    // `ecs.cn-hangzhou.aliyuncs.com` fails to parse and `localhost:8080` parses with the
    // scheme `localhost`: both are a missing scheme, and the fix is the same.
    if !url.contains("://") {
        if let Ok(with) = Url::parse(&format!("https://{url}")) {
            // Suggest plain http only where it would be accepted: a loopback host.
            let loopback = with.host_str().is_some_and(is_loopback);
            return Err(if loopback {
                format!(
                    "the URL needs a scheme: `https://{url}` (or `http://{url}` for the local \
                     emulator)"
                )
            } else {
                format!("the URL needs a scheme: `https://{url}`")
            });
        }
    }
    let parsed = Url::parse(url).map_err(|e| format!("not a valid URL ({e})"))?;
    let host = parsed.host_str().ok_or("the URL has no host")?;
    match parsed.scheme() {
        "https" => Ok(parsed),
        "http" if is_loopback(host) => Ok(parsed),
        "http" => Err(format!(
            "plain http:// is only allowed to a loopback host (127.0.0.1, ::1, localhost), not \
             `{host}`: requests carry signed credentials; use https://"
        )),
        other => Err(format!("the scheme must be https, not `{other}`")),
    }
}

pub fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            .map(|ip| ip.is_loopback())
            .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_only_to_loopback() {
        assert!(parse_endpoint("http://127.0.0.1:8080").is_ok());
        assert!(parse_endpoint("http://[::1]:8080/").is_ok());
        assert!(parse_endpoint("http://localhost:1").is_ok());
        assert!(parse_endpoint("https://ecs.cn-hangzhou.aliyuncs.com").is_ok());
        let err = parse_endpoint("http://ecs.cn-hangzhou.aliyuncs.com").unwrap_err();
        assert!(err.contains("loopback"), "{err}");
        assert!(parse_endpoint("http://127.0.0.1.example.com").is_err());
        assert!(parse_endpoint("ftp://127.0.0.1").is_err());
        assert!(parse_endpoint("not a url").is_err());
        assert!(parse_endpoint("not a url")
            .unwrap_err()
            .contains("not a valid URL"));
        for bare in [
            "ecs.cn-hangzhou.aliyuncs.com",
            "localhost:8080",
            "127.0.0.1:8080",
        ] {
            let err = parse_endpoint(bare).unwrap_err();
            assert!(err.contains(&format!("`https://{bare}`")), "{bare}: {err}");
            // Plain http is suggested only where it is accepted.
            let http = format!("`http://{bare}`");
            assert_eq!(
                err.contains(&http),
                parse_endpoint(&http[1..http.len() - 1]).is_ok(),
                "{bare}: {err}"
            );
        }
    }

    #[test]
    fn default_is_the_regional_https_host() {
        let e = Endpoints::default();
        assert_eq!(
            e.url(Service::Ecs, "cn-shanghai").unwrap().as_str(),
            "https://ecs.cn-shanghai.aliyuncs.com/"
        );
    }
}
