//! The two timestamp formats the signatures use, without a date library.

const DAY_NAMES: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const MONTH_NAMES: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Days since 1970-01-01 → (year, month 1..=12, day 1..=31). Howard Hinnant's civil_from_days.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// (year, month, day) → days since 1970-01-01.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn split(unix: i64) -> (i64, i64) {
    (unix.div_euclid(86_400), unix.rem_euclid(86_400))
}

/// `YYYY-MM-DDThh:mm:ssZ`, the RPC `Timestamp` parameter.
pub fn iso8601(unix: i64) -> String {
    let (days, secs) = split(unix);
    let (y, mo, d) = civil_from_days(days);
    format!(
        "{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// Parses `YYYY-MM-DDThh:mm:ssZ` back to Unix seconds; `None` for anything else.
pub fn parse_iso8601(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
        || b[19] != b'Z'
    {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = s.get(r)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, se) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 60 {
        return None;
    }
    Some(days_from_civil(y, mo as u32, d as u32) * 86_400 + h * 3600 + mi * 60 + se)
}

/// RFC 2616 date (`Tue, 23 Feb 2016 12:46:24 GMT`), the ROA `Date` header.
pub fn http_date(unix: i64) -> String {
    let (days, secs) = split(unix);
    let (y, mo, d) = civil_from_days(days);
    format!(
        "{}, {d:02} {} {y:04} {:02}:{:02}:{:02} GMT",
        DAY_NAMES[days.rem_euclid(7) as usize],
        MONTH_NAMES[(mo - 1) as usize],
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// Parses an RFC 2616 date (`Tue, 23 Feb 2016 12:46:24 GMT`) back to Unix seconds.
pub fn parse_http_date(s: &str) -> Option<i64> {
    let mut parts = s.split_ascii_whitespace();
    let _day = parts.next()?.strip_suffix(',')?;
    let d: u32 = parts.next()?.parse().ok()?;
    let month = parts.next()?;
    let mo = MONTH_NAMES.iter().position(|m| *m == month)? as u32 + 1;
    let y: i64 = parts.next()?.parse().ok()?;
    let hms: Vec<i64> = parts
        .next()?
        .split(':')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    if parts.next()? != "GMT" || parts.next().is_some() || hms.len() != 3 || !(1..=31).contains(&d)
    {
        return None;
    }
    if hms[0] > 23 || hms[1] > 59 || hms[2] > 60 {
        return None;
    }
    Some(days_from_civil(y, mo, d) * 86_400 + hms[0] * 3600 + hms[1] * 60 + hms[2])
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: i64 = 1_456_231_584; // 2016-02-23T12:46:24Z, the reference vectors' time

    #[test]
    fn formats_the_reference_time() {
        assert_eq!(iso8601(T), "2016-02-23T12:46:24Z");
        assert_eq!(http_date(T), "Tue, 23 Feb 2016 12:46:24 GMT");
        assert_eq!(parse_iso8601("2016-02-23T12:46:24Z"), Some(T));
        assert_eq!(parse_http_date("Tue, 23 Feb 2016 12:46:24 GMT"), Some(T));
        assert_eq!(parse_http_date("Tue, 23 Feb 2016 12:46:24"), None);
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "",
            "2016-02-23 12:46:24Z",
            "2016-13-23T12:46:24Z",
            "2016-02-23T12:46:24",
            "２016-02-23T12:46:24Z",
        ] {
            assert_eq!(parse_iso8601(bad), None, "{bad}");
        }
    }

    proptest::proptest! {
        #[test]
        fn iso8601_round_trips(t in 0i64..8_000_000_000) {
            proptest::prop_assert_eq!(parse_iso8601(&iso8601(t)), Some(t));
            proptest::prop_assert_eq!(parse_http_date(&http_date(t)), Some(t));
        }
    }
}
