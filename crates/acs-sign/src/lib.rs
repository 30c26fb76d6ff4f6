//! Alibaba Cloud request signatures, version 1 (HMAC-SHA1).
//!
//! Two styles exist: RPC (ECS, VPC, RDS, HBase, EMR), where every parameter is signed, and ROA
//! (MaxCompute), where method, a few headers, the `x-acs-*` headers and the resource are signed.
//! The rules are in the project's reference (`cloud-api.md` §9); the test vectors in
//! `tests/signature-vectors.json` were computed with the official SDK.
//!
//! This crate is pure: no clock, no randomness, no I/O. Both the provider (to sign) and the
//! emulator (to verify) use it, so a request the provider signs is checked against the same rules.

pub mod encode;
pub mod roa;
pub mod rpc;
pub mod time;

use base64::Engine;
use hmac::{Hmac, Mac};

/// Base64(HMAC-SHA1(key, data)).
pub fn hmac_sha1_base64(key: &[u8], data: &[u8]) -> String {
    // HMAC accepts keys of any length, so `new_from_slice` cannot fail here.
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(data);
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// Base64(MD5(body)), the ROA `Content-MD5` header.
pub fn content_md5(body: &[u8]) -> String {
    use md5::Digest;
    base64::engine::general_purpose::STANDARD.encode(md5::Md5::digest(body))
}

/// Compares two signatures without leaking where they differ through timing.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}
