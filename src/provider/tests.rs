//! The provider block → client settings, without terraform, the environment or a client:
//! endpoints, region, retries, and the checks `validate` makes on the arguments.

use tf_provider::value::Value;
use tf_provider::{AttributePath, Diagnostics};

use super::config::{check_region, endpoint_settings, retry_config, validate};
use super::credentials::{missing, resolve};
use super::{Config, EndpointsBlock};
use crate::client::{Endpoints, Service};
use crate::provider_credentials::AssumeRoleConfig;

const EMULATOR: &str = "http://127.0.0.1:8080";

fn text(s: &str) -> Value<String> {
    Value::Value(s.to_string())
}

fn with_endpoints(block: EndpointsBlock) -> Config {
    Config {
        endpoints: Value::Value(vec![block]),
        ..Config::default()
    }
}

/// Every configurable service's entry in `endpoints` set to `url`.
fn every_endpoint(url: &str) -> EndpointsBlock {
    EndpointsBlock {
        ecs: text(url),
        vpc: text(url),
        rds: text(url),
        hbase: text(url),
        emr: text(url),
        maxcompute: text(url),
        dataworks: text(url),
        privatelink: text(url),
        sts: text(url),
    }
}

fn summaries(d: &[tf_provider::Diagnostic]) -> Vec<String> {
    d.iter().map(|d| d.summary.to_string()).collect()
}

fn validated(config: &Config) -> Diagnostics {
    let mut diags = Diagnostics::default();
    validate(&mut diags, config);
    diags
}

/// The URL each service ends up with once the settings are applied in order, as the client
/// builder applies them.
fn applied(config: &Config) -> Endpoints {
    let mut endpoints = Endpoints::default();
    for s in endpoint_settings(config) {
        endpoints.set(s.service, &s.url).unwrap();
    }
    endpoints
}

fn url_of(endpoints: &Endpoints, service: Service) -> String {
    endpoints.url(service, "cn-hangzhou").unwrap().to_string()
}

#[test]
fn without_overrides_every_service_uses_its_regional_host() {
    let config = Config::default();
    assert!(endpoint_settings(&config).is_empty());
    assert!(config.overrides().is_empty());
    assert!(config.set_services().is_empty());
    assert_eq!(
        url_of(&applied(&config), Service::Ecs),
        "https://ecs.cn-hangzhou.aliyuncs.com/"
    );
}

#[test]
fn one_endpoint_serves_every_service_and_a_services_own_entry_wins() {
    let config = Config {
        endpoint: text(EMULATOR),
        endpoints: Value::Value(vec![EndpointsBlock {
            rds: text("http://127.0.0.1:9090"),
            ..EndpointsBlock::default()
        }]),
        ..Config::default()
    };
    let settings = endpoint_settings(&config);
    assert_eq!(settings.len(), Service::CONFIGURABLE.len() + 1);
    // The shared one first, for every service; the service's own entry last, so it replaces it.
    assert!(settings[..Service::CONFIGURABLE.len()]
        .iter()
        .all(|s| s.url == EMULATOR && s.path == AttributePath::new("endpoint")));
    let own = settings.last().unwrap();
    assert_eq!(own.service, Service::Rds);
    assert_eq!(own.summary, "Invalid endpoint for rds");
    assert_eq!(
        own.path,
        AttributePath::new("endpoints").index(0).attribute("rds")
    );
    let endpoints = applied(&config);
    assert_eq!(url_of(&endpoints, Service::Rds), "http://127.0.0.1:9090/");
    assert_eq!(url_of(&endpoints, Service::Ecs), "http://127.0.0.1:8080/");
    assert_eq!(url_of(&endpoints, Service::Sts), "http://127.0.0.1:8080/");
    // With `endpoint` set, every configurable service counts as set.
    assert_eq!(config.set_services(), Service::CONFIGURABLE.to_vec());
}

#[test]
fn overrides_name_the_attribute_each_came_from_and_leave_invalid_ones_out() {
    let config = Config {
        endpoint: text(EMULATOR),
        endpoints: Value::Value(vec![EndpointsBlock {
            ecs: text("ftp://127.0.0.1:1"),
            vpc: text("http://127.0.0.1:7070"),
            ..EndpointsBlock::default()
        }]),
        ..Config::default()
    };
    let found = config.override_paths();
    let services: Vec<Service> = found.iter().map(|(s, _, _)| *s).collect();
    assert!(
        !services.contains(&Service::Ecs),
        "an invalid own entry: no override"
    );
    assert_eq!(services.len(), Service::ALL.len() - 1);
    let vpc = found.iter().find(|(s, _, _)| *s == Service::Vpc).unwrap();
    assert_eq!(vpc.1.as_str(), "http://127.0.0.1:7070/");
    assert_eq!(
        vpc.2,
        AttributePath::new("endpoints").index(0).attribute("vpc")
    );
    let rds = found.iter().find(|(s, _, _)| *s == Service::Rds).unwrap();
    assert_eq!(
        (rds.1.as_str(), &rds.2),
        ("http://127.0.0.1:8080/", &AttributePath::new("endpoint"))
    );
    // Without `endpoint`, the services set are those with an entry, valid or not.
    let config = with_endpoints(EndpointsBlock {
        ecs: text("ftp://127.0.0.1:1"),
        emr: text(EMULATOR),
        ..EndpointsBlock::default()
    });
    assert_eq!(config.set_services(), vec![Service::Ecs, Service::Emr]);
    assert_eq!(config.overrides().len(), 1);
}

#[test]
fn retries_are_max_retries_within_bounds_else_the_default() {
    let retries = |v: Value<i64>| {
        retry_config(&Config {
            max_retries: v,
            ..Config::default()
        })
        .max_retries
    };
    assert_eq!(retries(Value::Null), 8);
    assert_eq!(retries(Value::Value(0)), 0);
    assert_eq!(retries(Value::Value(3)), 3);
    assert_eq!(retries(Value::Value(99)), 50);
    assert_eq!(retries(Value::Value(-4)), 0);
}

#[test]
fn region_ids_are_checked() {
    for good in ["cn-hangzhou", "ap-southeast-1", "us-west-1"] {
        let mut diags = Diagnostics::default();
        assert!(check_region(&mut diags, good), "{good}");
        assert!(diags.errors.is_empty());
    }
    for bad in [
        "Hangzhou",
        "cn_hangzhou",
        "-cn-hangzhou",
        "",
        "China (Hangzhou)",
    ] {
        let mut diags = Diagnostics::default();
        assert!(!check_region(&mut diags, bad), "{bad}");
        assert_eq!(summaries(&diags.errors), ["Invalid region"]);
        assert_eq!(diags.errors[0].attribute, AttributePath::new("region"));
    }
}

#[test]
fn a_valid_block_passes_validation_silently() {
    let config = Config {
        region: text("cn-hangzhou"),
        max_retries: Value::Value(50),
        endpoint: text("https://ecs.example.com"),
        ..with_endpoints(EndpointsBlock {
            rds: text("https://rds.example.com"),
            ..EndpointsBlock::default()
        })
    };
    let diags = validated(&config);
    assert!(diags.errors.is_empty(), "{:?}", diags.errors);
    assert!(diags.warnings.is_empty(), "{:?}", diags.warnings);
}

#[test]
fn validation_reports_each_bad_argument_on_its_attribute() {
    let config = Config {
        region: text("Hangzhou"),
        max_retries: Value::Value(51),
        endpoint: text("ecs.cn-hangzhou.aliyuncs.com"),
        ..with_endpoints(EndpointsBlock {
            hbase: text("http://10.0.0.1:80"),
            ..EndpointsBlock::default()
        })
    };
    let diags = validated(&config);
    assert_eq!(
        summaries(&diags.errors),
        [
            "Invalid max_retries",
            "Invalid endpoint for hbase",
            "Invalid endpoint",
            "Invalid region",
        ]
    );
    let paths: Vec<&AttributePath> = diags.errors.iter().map(|d| &d.attribute).collect();
    assert_eq!(
        paths,
        [
            &AttributePath::new("max_retries"),
            &AttributePath::new("endpoints").index(0).attribute("hbase"),
            &AttributePath::new("endpoint"),
            &AttributePath::new("region"),
        ]
    );
    assert_eq!(
        diags.errors[0].detail,
        "`max_retries` must be between 0 and 50, got 51."
    );
    assert!(
        diags.errors[1]
            .detail
            .contains("only allowed to a loopback host"),
        "{}",
        diags.errors[1].detail
    );
    assert!(diags.errors[2]
        .detail
        .contains("the URL needs a scheme: `https://ecs.cn-hangzhou.aliyuncs.com`"));
}

#[test]
fn a_partly_emulated_block_is_warned_about() {
    // One service on the emulator, the others on the public cloud: a warning naming the rest.
    let config = with_endpoints(EndpointsBlock {
        ecs: text(EMULATOR),
        ..EndpointsBlock::default()
    });
    let diags = validated(&config);
    assert!(diags.errors.is_empty());
    assert_eq!(summaries(&diags.warnings), ["Endpoints partly emulated"]);
    assert_eq!(
        diags.warnings[0].attribute,
        AttributePath::new("endpoints").index(0)
    );
    assert!(diags.warnings[0].detail.contains("vpc, rds"));
    // Every service but STS on the emulator: STS matters only with an assumed role.
    let all_but_sts = EndpointsBlock {
        sts: Value::Null,
        ..every_endpoint(EMULATOR)
    };
    assert!(validated(&with_endpoints(all_but_sts)).warnings.is_empty());
    let config = Config {
        assume_role: Value::Value(vec![AssumeRoleConfig::default()]),
        ..with_endpoints(EndpointsBlock {
            sts: Value::Null,
            ..every_endpoint(EMULATOR)
        })
    };
    let diags = validated(&config);
    assert_eq!(summaries(&diags.warnings), ["Endpoints partly emulated"]);
    assert!(diags.warnings[0].detail.contains("but sts is not set"));
    // The one `endpoint` covers every service: nothing left on the public cloud.
    let config = Config {
        endpoint: text(EMULATOR),
        ..Config::default()
    };
    assert!(validated(&config).warnings.is_empty());
}

#[test]
fn a_value_comes_from_the_block_else_from_the_environment() {
    // Names no one sets, so the test does not depend on the machine's environment.
    const UNSET: [&str; 1] = ["MAXCOMPUTE_PROVIDER_TEST_NEVER_SET"];
    const SET: [&str; 2] = [
        "MAXCOMPUTE_PROVIDER_TEST_NEVER_SET",
        "MAXCOMPUTE_PROVIDER_TEST_REGION",
    ];
    std::env::set_var("MAXCOMPUTE_PROVIDER_TEST_REGION", "cn-shanghai");
    let mut diags = Diagnostics::default();
    assert_eq!(
        resolve(&mut diags, &text("cn-hangzhou"), "region", &SET),
        Some((
            "cn-hangzhou".to_string(),
            "`region` in the provider block".to_string()
        ))
    );
    assert_eq!(
        resolve(&mut diags, &Value::Null, "region", &SET),
        Some((
            "cn-shanghai".to_string(),
            "the environment variable MAXCOMPUTE_PROVIDER_TEST_REGION".to_string()
        ))
    );
    // An empty value in the block is no value.
    assert_eq!(resolve(&mut diags, &text(""), "region", &UNSET), None);
    assert!(diags.errors.is_empty());
    // A value that depends on a resource not made yet: an error on the attribute.
    assert_eq!(resolve(&mut diags, &Value::Unknown, "region", &SET), None);
    assert_eq!(summaries(&diags.errors), ["`region` is not known yet"]);
    assert!(diags.errors[0]
        .detail
        .contains("the MAXCOMPUTE_PROVIDER_TEST_NEVER_SET / MAXCOMPUTE_PROVIDER_TEST_REGION"));
}

#[test]
fn a_missing_argument_is_reported_once_with_where_to_set_it() {
    let mut diags = Diagnostics::default();
    missing(
        &mut diags,
        "region",
        &["A_REGION", "B_REGION"],
        "the region",
    );
    missing(&mut diags, "region", &["A_REGION"], "the region");
    assert_eq!(summaries(&diags.errors), ["Missing `region`"]);
    assert_eq!(
        diags.errors[0].detail,
        "The provider needs the region. Set `region` in the provider \"maxcompute\" block, or \
         the environment variable A_REGION or B_REGION."
    );
    // Credentials name the other sources too.
    missing(&mut diags, "access_key", &["AK"], "the access key ID");
    assert_eq!(diags.errors.len(), 2);
    assert!(diags.errors[1].detail.contains("Other sources: `profile`"));
    assert_eq!(diags.errors[1].attribute, AttributePath::new("access_key"));
}
