//! The provider block's schema: its attributes and the `assume_role`, `assume_role_with_oidc`
//! and `endpoints` blocks.

use std::collections::HashMap;

use tf_provider::map;
use tf_provider::schema::{Attribute, Block, Description, NestedBlock, Schema};

use crate::client::Service;
use crate::framework::schema::Attr;

pub(super) fn schema() -> Schema {
    Schema {
        version: 1,
        block: Block {
            version: 1,
            description: Description::markdown(
                "Connects MaxCompute to services in a VPC: basic security groups, network links \
                 and target-service whitelists, checked at plan time.",
            ),
            attributes: attributes(),
            blocks: map! {
                "assume_role" => NestedBlock::Optional(assume_role_block()),
                "assume_role_with_oidc" => NestedBlock::Optional(oidc_block()),
                "endpoints" => NestedBlock::Optional(endpoints_block())
            },
            ..Default::default()
        },
    }
}

/// The provider block's own attributes: region, the static pair, endpoints, the other
/// credential sources, retries.
fn attributes() -> HashMap<String, Attribute> {
    map! {
        "region" => Attr::string(
            "Region ID, e.g. `cn-hangzhou`. Falls back to `ALIBABA_CLOUD_REGION_ID`, then \
             `ALICLOUD_REGION`.",
        )
        .optional(),
        "access_key" => Attr::string(
            "Access key ID. Falls back to `ALIBABA_CLOUD_ACCESS_KEY_ID`, then \
             `ALICLOUD_ACCESS_KEY`.",
        )
        .optional()
        .sensitive(),
        "secret_key" => Attr::string(
            "Access key secret. Falls back to `ALIBABA_CLOUD_ACCESS_KEY_SECRET`, then \
             `ALICLOUD_SECRET_KEY`.",
        )
        .optional()
        .sensitive(),
        "security_token" => Attr::string(
            "STS security token, for temporary credentials. Falls back to \
             `ALIBABA_CLOUD_SECURITY_TOKEN`, then `ALICLOUD_SECURITY_TOKEN`.",
        )
        .optional()
        .sensitive(),
        "endpoint" => Attr::string(
            "One endpoint URL for every service, e.g. the local emulator's \
             `http://127.0.0.1:8080`: nothing can reach the real cloud by a service left out. A \
             service's own entry in `endpoints` wins.",
        )
        .optional(),
        "skip_credentials_validation" => Attr::bool(
            "Skip the check made when the provider is configured: one signed `DescribeRegions` \
             call to ECS that proves the credentials and the region, plus a TCP connect to every \
             other endpoint override. Default `false`.",
        )
        .optional(),
        "profile" => Attr::string(
            "Profile of the Alibaba Cloud CLI's configuration file (`aliyun configure`), modes AK, \
             StsToken, RamRoleArn, EcsRamRole, OIDC, ChainableRamRoleArn. Without it the \
             environment's `ALIBABA_CLOUD_PROFILE` / `ALICLOUD_PROFILE` is a step of the default \
             chain.",
        )
        .optional(),
        "shared_credentials_file" => Attr::string(
            "Path of the CLI configuration file. Falls back to `ALICLOUD_SHARED_CREDENTIALS_FILE`, \
             then `~/.aliyun/config.json`.",
        )
        .optional(),
        "ecs_role_name" => Attr::string(
            "RAM role of the ECS instance terraform runs on; credentials come from the instance \
             metadata service (hardened mode) and are refreshed before they expire.",
        )
        .optional(),
        "credentials_uri" => Attr::string(
            "URL answering temporary credentials as JSON (`AccessKeyId`, `AccessKeySecret`, \
             `SecurityToken`, `Expiration`). Without it `ALIBABA_CLOUD_CREDENTIALS_URI` is the \
             last step of the default chain.",
        )
        .optional(),
        "ecs_metadata_endpoint" => Attr::string(
            "Base URL of the instance metadata service (default `http://100.100.100.200`). This \
             provider's own setting, also `MAXCOMPUTE_ECS_METADATA_ENDPOINT`; for tests and \
             proxies.",
        )
        .optional(),
        "max_retries" => Attr::number(
            "Retries of one API call on throttling, server errors and connection failures (default \
             8, at most 50). Waits grow exponentially with jitter. A busy target is waited out \
             until the resource's timeout.",
        )
        .optional()
    }
}

/// A nested block of the provider block: at most one, with its description.
fn block(description: &str, attributes: HashMap<String, Attribute>) -> Block {
    Block {
        version: 1,
        description: Description::markdown(description),
        attributes,
        ..Default::default()
    }
}

/// What both role blocks have: the role, the session's name (`session_name` in `assume_role`,
/// `role_session_name` in `assume_role_with_oidc`, as the alicloud provider names them), the
/// session's policy and its length.
fn role_attributes(session_name: &str) -> HashMap<String, Attribute> {
    map! {
        "role_arn" => Attr::string(
            "ARN of the role to assume, e.g. `acs:ram::123456789012****:role/terraform`.",
        )
        .optional(),
        session_name => Attr::string("Role session name (default `terraform`).").optional(),
        "policy" => Attr::string("A policy that narrows the session's permissions (JSON).")
            .optional(),
        "session_expiration" => Attr::number(
            "Session length in seconds, 900 up to the role's maximum (default 3600).",
        )
        .optional()
    }
}

/// `assume_role { … }`.
fn assume_role_block() -> Block {
    role_block(
        "Assume a RAM role (STS `AssumeRole`) with the identity the other settings give.",
        "session_name",
        &[(
            "external_id",
            "External ID the role's trust policy requires.",
        )],
    )
}

/// `assume_role_with_oidc { … }`.
fn oidc_block() -> Block {
    role_block(
        "Assume a RAM role with an OIDC token (STS `AssumeRoleWithOIDC`), e.g. from a CI system \
         or ACK RRSA; the token file is read again at each refresh.",
        "role_session_name",
        &[
            (
                "oidc_provider_arn",
                "ARN of the OIDC identity provider in RAM.",
            ),
            (
                "oidc_token_file",
                "Path of the file holding the OIDC token.",
            ),
        ],
    )
}

/// A role block: [`role_attributes`], then its own optional strings (name, description).
fn role_block(description: &str, session_name: &str, own: &[(&str, &str)]) -> Block {
    let mut attributes = role_attributes(session_name);
    for (name, about) in own {
        attributes.insert(name.to_string(), Attr::string(about).optional().into());
    }
    block(description, attributes)
}

/// `endpoints { ecs = "…" … }`: one URL per service.
fn endpoints_block() -> Block {
    let endpoint = |s: Service| {
        Attr::string(&format!(
            "Endpoint URL for {} calls. Defaults to `https://{}.<region>.aliyuncs.com`. \
             `http://` is accepted only for a loopback host (the local emulator).",
            s.key(),
            s.key()
        ))
        .optional()
    };
    let attributes = Service::CONFIGURABLE
        .iter()
        .map(|s| (s.key().to_string(), endpoint(*s).into()))
        .collect();
    block("Per-service endpoint overrides.", attributes)
}
