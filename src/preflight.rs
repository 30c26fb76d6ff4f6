//! What the provider checks once, when terraform configures it: the credentials and the region
//! (one signed `DescribeRegions` to ECS) and that every endpoint override answers. Problems found
//! here are the provider's, so they are reported on the provider block — not on the first
//! resource that happens to make a call.

use std::time::Duration;

use reqwest::Url;
use tf_provider::{AttributePath, Diagnostics};

use crate::client::{Client, Error, Service};
use crate::framework::diag;

/// How long the signed check may take. Generous for a far region; an unreachable host fails
/// much sooner (connect failures are retried twice, then reported).
const CALL_LIMIT: Duration = Duration::from_secs(10);
/// How long a TCP connect to another overridden endpoint may take.
const CONNECT_LIMIT: Duration = Duration::from_secs(5);

/// Where each override was set: `endpoints.<service>`, or the one `endpoint`.
pub type Paths = [(Service, AttributePath)];

fn path_of(paths: &Paths, service: Service) -> AttributePath {
    paths
        .iter()
        .find(|(s, _)| *s == service)
        .map(|(_, p)| p.clone())
        .unwrap_or_else(|| AttributePath::new("endpoints"))
}

/// Runs the checks. `overrides` are the endpoint overrides as set in the provider block.
pub async fn check(
    diags: &mut Diagnostics,
    client: &Client,
    overrides: &[(Service, Url)],
    paths: &Paths,
) {
    let ecs_override = overrides.iter().find(|(s, _)| *s == Service::Ecs);
    let ecs_path = ecs_override.map(|(s, _)| path_of(paths, *s));
    let others = other_hosts(overrides);
    let ecs = client.ecs();
    let (regions, connects) = tokio::join!(
        tokio::time::timeout(CALL_LIMIT, ecs.describe_regions()),
        connect_all(others)
    );
    match regions {
        Err(_elapsed) => {
            let url = ecs_override
                .map(|(_, u)| u.to_string())
                .unwrap_or_else(|| format!("https://ecs.{}.aliyuncs.com/", client.region()));
            error_at(
                diags,
                ecs_path,
                "The ECS endpoint did not answer",
                format!(
                    "No answer from {url} within {} s while checking the credentials \
                     (DescribeRegions). Check that it answers from this machine (`curl -sI \
                     {url}`). Set `skip_credentials_validation = true` to skip this check.",
                    CALL_LIMIT.as_secs()
                ),
            );
        }
        Ok(Ok(regions)) => {
            if !regions.iter().any(|r| r.region_id == client.region()) {
                let offered: Vec<&str> = regions.iter().map(|r| r.region_id.as_str()).collect();
                diags.error(
                    "Unknown region",
                    format!(
                        "`{}` is not a region ECS offers to these credentials. Regions it offers: \
                         {}.",
                        client.region(),
                        offered.join(", ")
                    ),
                    AttributePath::new("region"),
                );
            }
        }
        Ok(Err(e)) => report(diags, client, &e, ecs_path),
    }
    for (service, url, reason) in connects.into_iter().flatten() {
        diags.error(
            format!("Cannot reach the {} endpoint", service.key()),
            format!(
                "{url}: {reason}.\n\nIs the endpoint reachable? Check that it answers from this \
                 machine (`curl -sI {url}`) and the URL in the provider's `endpoints` block."
            ),
            path_of(paths, service),
        );
    }
}

/// The signed call failed: say which setting is wrong.
fn report(diags: &mut Diagnostics, client: &Client, e: &Error, ecs_path: Option<AttributePath>) {
    let detail = diag::detail(client, e);
    let credential = e.code().and_then(|c| {
        if c.starts_with("InvalidAccessKeyId") {
            Some("access_key")
        } else if c.starts_with("InvalidSecurityToken") {
            Some("security_token")
        } else if c == "SignatureDoesNotMatch" || c == "IncompleteSignature" {
            Some("secret_key")
        } else {
            None
        }
    });
    match (e, credential) {
        (_, Some(attr)) => {
            diags.error("Invalid credentials", detail, AttributePath::new(attr));
        }
        // Authenticated, only not allowed to list regions: the credentials work.
        (Error::Api { code, .. }, None) if code.starts_with("Forbidden") => {}
        (Error::Connection { .. } | Error::Tls { .. } | Error::Decode { .. }, None) => {
            error_at(diags, ecs_path, "Cannot reach the ECS endpoint", detail);
        }
        // Throttled or a server error past the retries: the check says nothing either way.
        _ => diags.root_warning(
            "Could not check the credentials",
            format!(
                "{detail}\n\nPlanning goes on; set `skip_credentials_validation = true` to skip \
                 this check."
            ),
        ),
    }
}

fn error_at(diags: &mut Diagnostics, path: Option<AttributePath>, summary: &str, detail: String) {
    match path {
        Some(path) => diags.error(summary.to_string(), detail, path),
        None => diags.root_error(summary.to_string(), detail),
    }
}

/// The overrides other than ECS whose host and port the ECS call does not already prove, one
/// per host and port.
fn other_hosts(overrides: &[(Service, Url)]) -> Vec<(Service, Url)> {
    let key = |u: &Url| (u.host_str().map(str::to_string), u.port_or_known_default());
    let mut seen: Vec<_> = overrides
        .iter()
        .filter(|(s, _)| *s == Service::Ecs)
        .map(|(_, u)| key(u))
        .collect();
    let mut out = Vec::new();
    for (service, url) in overrides.iter().filter(|(s, _)| *s != Service::Ecs) {
        if !seen.contains(&key(url)) {
            seen.push(key(url));
            out.push((*service, url.clone()));
        }
    }
    out
}

/// TCP connects to each endpoint at once; the ones that failed, with why.
async fn connect_all(endpoints: Vec<(Service, Url)>) -> Vec<Option<(Service, Url, String)>> {
    let mut set = tokio::task::JoinSet::new();
    for (service, url) in endpoints {
        set.spawn(async move {
            let host = url.host_str().unwrap_or_default().to_string();
            let port = url.port_or_known_default().unwrap_or(443);
            let reason = match tokio::time::timeout(
                CONNECT_LIMIT,
                tokio::net::TcpStream::connect((host.trim_matches(['[', ']']), port)),
            )
            .await
            {
                Ok(Ok(_)) => return None,
                Ok(Err(e)) => format!("could not connect: {e}"),
                Err(_) => format!("no connection within {} s", CONNECT_LIMIT.as_secs()),
            };
            Some((service, url, reason))
        });
    }
    let mut out = Vec::new();
    while let Some(r) = set.join_next().await {
        out.push(r.ok().flatten());
    }
    out.sort_by_key(|r| r.as_ref().map(|(s, _, _)| *s));
    out
}

/// The services left on their public endpoint while others point at a loopback emulator: their
/// calls would carry the emulator's credentials to the real cloud.
/// `overrides` are the valid ones; `set` every service with a value in the block (valid or not).
pub fn partly_emulated(
    overrides: &[(Service, Url)],
    set: &[Service],
    uses_sts: bool,
) -> Option<String> {
    let loopback = overrides.iter().any(|(_, u)| {
        u.host_str()
            .is_some_and(crate::client::endpoint::is_loopback)
    });
    let unset: Vec<&str> = Service::CONFIGURABLE
        .iter()
        .filter(|s| uses_sts || **s != Service::Sts)
        .filter(|s| !set.contains(s))
        .map(|s| s.key())
        .collect();
    (loopback && !unset.is_empty()).then(|| {
        format!(
            "Some endpoints point at a local emulator, but {} {} not set: calls to {} go to the \
             public endpoint (`https://<service>.<region>.aliyuncs.com`) with the same \
             credentials. Set every endpoint in the block to the emulator's URL.",
            unset.join(", "),
            if unset.len() == 1 { "is" } else { "are" },
            if unset.len() == 1 { "it" } else { "them" },
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn one_probe_per_host_other_than_ecs() {
        let o = vec![
            (Service::Ecs, url("http://127.0.0.1:1/")),
            (Service::Vpc, url("http://127.0.0.1:1/")),
            (Service::Rds, url("http://127.0.0.1:2/")),
            (Service::Hbase, url("http://127.0.0.1:2/x")),
            (Service::Emr, url("https://emr.example.com/")),
        ];
        let hosts: Vec<Service> = other_hosts(&o).into_iter().map(|(s, _)| s).collect();
        assert_eq!(hosts, vec![Service::Rds, Service::Emr]);
    }

    #[test]
    fn a_partly_emulated_block_names_the_services_left_public() {
        let all: Vec<_> = Service::ALL
            .iter()
            .map(|s| (*s, url("http://127.0.0.1:1/")))
            .collect();
        let services = |o: &[(Service, Url)]| o.iter().map(|(s, _)| *s).collect::<Vec<_>>();
        assert_eq!(partly_emulated(&all, &services(&all), false), None);
        assert_eq!(partly_emulated(&[], &[], false), None);
        let some = &all[..4];
        let w = partly_emulated(some, &services(some), false).unwrap();
        assert!(
            w.contains("emr, maxcompute, dataworks, privatelink are not set"),
            "{w}"
        );
        // An invalid value is set: its own error says what is wrong with it.
        assert_eq!(partly_emulated(some, &Service::ALL, false), None);
        let remote = vec![(Service::Ecs, url("https://ecs.example.com/"))];
        assert_eq!(partly_emulated(&remote, &services(&remote), false), None);
        // With an assumed role, STS left public is named too.
        let w = partly_emulated(&all, &services(&all), true).unwrap();
        assert!(w.contains("sts is not set"), "{w}");
    }
}
