//! ROA-style signature v1 (MaxCompute 2022-01-04).

/// The string to sign: method, `Accept`, `Content-MD5`, `Content-Type`, `Date` (each line empty
/// when the header is absent), the `x-acs-*` headers lower-cased and sorted, then the resource:
/// the path and, if any, `?` and the query sorted by key with values *not* encoded.
pub fn string_to_sign<H, V, Q, W>(
    method: &str,
    headers: &[(H, V)],
    path: &str,
    query: &[(Q, W)],
) -> String
where
    H: AsRef<str>,
    V: AsRef<str>,
    Q: AsRef<str>,
    W: AsRef<str>,
{
    let header = |name: &str| {
        headers
            .iter()
            .find(|(h, _)| h.as_ref().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_ref())
            .unwrap_or("")
    };
    let mut out = format!(
        "{}\n{}\n{}\n{}\n{}\n",
        method,
        header("Accept"),
        header("Content-MD5"),
        header("Content-Type"),
        header("Date")
    );
    let mut acs: Vec<(String, &str)> = headers
        .iter()
        .map(|(h, v)| (h.as_ref().to_ascii_lowercase(), v.as_ref()))
        .filter(|(h, _)| h.starts_with("x-acs-"))
        .collect();
    acs.sort();
    for (h, v) in acs {
        out.push_str(&h);
        out.push(':');
        out.push_str(v);
        out.push('\n');
    }
    out.push_str(path);
    if !query.is_empty() {
        let mut q: Vec<(&str, &str)> = query
            .iter()
            .map(|(k, v)| (k.as_ref(), v.as_ref()))
            .collect();
        q.sort();
        out.push('?');
        for (i, (k, v)) in q.iter().enumerate() {
            if i > 0 {
                out.push('&');
            }
            out.push_str(k);
            out.push('=');
            out.push_str(v);
        }
    }
    out
}

/// Base64(HMAC-SHA1(secret, string to sign)) — note: no trailing `&` on the key, unlike RPC.
pub fn sign(secret: &str, string_to_sign: &str) -> String {
    crate::hmac_sha1_base64(secret.as_bytes(), string_to_sign.as_bytes())
}

/// The `Authorization` header value.
pub fn authorization(access_key_id: &str, signature: &str) -> String {
    format!("acs {access_key_id}:{signature}")
}
