//! RPC-style signature v1 (ECS, VPC, RDS, HBase, EMR).

use crate::encode::percent_encode;

/// `name=value` pairs sorted by name (byte order), both sides percent-encoded, joined by `&`.
/// `Signature` itself is never part of the signed set.
pub fn canonical_query<K: AsRef<str>, V: AsRef<str>>(params: &[(K, V)]) -> String {
    let mut pairs: Vec<(String, String)> = params
        .iter()
        .filter(|(k, _)| k.as_ref() != "Signature")
        .map(|(k, v)| (percent_encode(k.as_ref()), percent_encode(v.as_ref())))
        .collect();
    pairs.sort();
    let mut out = String::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(k);
        out.push('=');
        out.push_str(v);
    }
    out
}

/// `METHOD&%2F&` + the canonical query string encoded once more.
pub fn string_to_sign<K: AsRef<str>, V: AsRef<str>>(method: &str, params: &[(K, V)]) -> String {
    format!(
        "{}&{}&{}",
        method,
        percent_encode("/"),
        percent_encode(&canonical_query(params))
    )
}

/// Base64(HMAC-SHA1(secret + "&", string to sign)).
pub fn sign<K: AsRef<str>, V: AsRef<str>>(secret: &str, method: &str, params: &[(K, V)]) -> String {
    let key = format!("{secret}&");
    crate::hmac_sha1_base64(key.as_bytes(), string_to_sign(method, params).as_bytes())
}
