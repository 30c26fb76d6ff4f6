//! The "Alibaba" percent-encoding used by both signature styles.

/// Percent-encodes `input` byte by byte: `A-Z a-z 0-9 - _ . ~` stay literal, every other byte of
/// the UTF-8 form becomes `%XX` with upper-case hex (so a space is `%20`, never `+`).
pub fn percent_encode(input: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(input.len() * 3 / 2);
    for &b in input.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 0xf) as usize] as char);
        }
    }
    out
}

/// Decodes `%XX` escapes (and `+` as a space when `plus_is_space`, as in form bodies).
/// Returns `None` on a malformed escape or when the bytes are not UTF-8.
pub fn percent_decode(input: &str, plus_is_space: bool) -> Option<String> {
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = bytes.get(i + 1..i + 3)?;
                let hex = std::str::from_utf8(hex).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// Parses an `application/x-www-form-urlencoded` string (a query string or a form body).
pub fn parse_query(input: &str) -> Option<Vec<(String, String)>> {
    input
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            Some((percent_decode(name, true)?, percent_decode(value, true)?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_characters() {
        assert_eq!(
            percent_encode("a b*c~d/e+f=g&h:i,j"),
            "a%20b%2Ac~d%2Fe%2Bf%3Dg%26h%3Ai%2Cj"
        );
        assert_eq!(percent_encode("测试 é"), "%E6%B5%8B%E8%AF%95%20%C3%A9");
    }

    #[test]
    fn decode_round_trip() {
        let s = "a b*c~d/e+f=g&h%i 测试";
        assert_eq!(percent_decode(&percent_encode(s), false).unwrap(), s);
        assert_eq!(percent_decode("%zz", false), None);
        assert_eq!(percent_decode("%4", false), None);
    }
}
