//! Names and descriptions of ECS security groups (rules from the ECS API reference).

/// `SecurityGroupName`: 2–128 characters, starts with a letter (any script), then letters,
/// digits, `:` `_` `.` `-`; must not start with `http://` or `https://`.
pub fn security_group_name(name: &str) -> Result<(), String> {
    length("name", name, 2, 128, Shown::Quoted)?;
    not_a_url("name", name)?;
    first(name, char::is_alphabetic, "a letter")?;
    only(
        name,
        |c| c.is_alphanumeric() || matches!(c, ':' | '_' | '.' | '-'),
        "letters, digits, `:`, `_`, `.` and `-`",
    )
}

/// `Description`: 2–256 characters, must not start with `http://` or `https://`.
pub fn security_group_description(description: &str) -> Result<(), String> {
    length("description", description, 2, 256, Shown::It)?;
    not_a_url("description", description)
}

// The parts of the cloud's rules for names and descriptions, each in the same words wherever
// they apply (security groups here, network links in `network_link.rs`).

/// How a length error shows the text: a name is quoted, a description (up to 256 characters)
/// is "it".
pub(crate) enum Shown {
    Quoted,
    It,
}

/// `text` is `min` to `max` characters (not bytes) long.
pub(crate) fn length(
    what: &str,
    text: &str,
    min: usize,
    max: usize,
    shown: Shown,
) -> Result<(), String> {
    let len = text.chars().count();
    if (min..=max).contains(&len) {
        return Ok(());
    }
    let who = match shown {
        Shown::Quoted => format!("`{text}`"),
        Shown::It => "it".into(),
    };
    Err(format!(
        "the {what} must be {min} to {max} characters long, {who} has {len}"
    ))
}

/// The APIs refuse a name or description that starts like a web address.
pub(crate) fn starts_like_a_url(text: &str) -> bool {
    text.starts_with("http://") || text.starts_with("https://")
}

fn not_a_url(what: &str, text: &str) -> Result<(), String> {
    if starts_like_a_url(text) {
        return Err(format!(
            "the {what} must not start with `http://` or `https://`"
        ));
    }
    Ok(())
}

/// The name's first character passes `ok` (`a` says which characters do).
pub(crate) fn first(name: &str, ok: fn(char) -> bool, a: &str) -> Result<(), String> {
    if name.chars().next().is_some_and(ok) {
        return Ok(());
    }
    Err(format!("the name must start with {a}, `{name}` does not"))
}

/// Every character of the name passes `ok` (`listed` says which do).
pub(crate) fn only(name: &str, ok: fn(char) -> bool, listed: &str) -> Result<(), String> {
    match name.chars().find(|c| !ok(*c)) {
        None => Ok(()),
        Some(bad) => Err(format!(
            "the name may contain {listed} only; `{bad}` is not allowed"
        )),
    }
}

/// A region ID: lower-case letters, digits and `-`, like `cn-hangzhou` or `ap-southeast-1`.
pub fn region_id(region: &str) -> Result<(), String> {
    let ok = (2..=32).contains(&region.len())
        && region.contains('-')
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !region.starts_with('-')
        && !region.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{region}` is not a region ID; use the ID, not the display name, e.g. `cn-hangzhou` \
                or `ap-southeast-1`."
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // What each rule refuses, in its words, is in `the_words_of_each_error`.
    #[test]
    fn names() {
        assert!(security_group_name("maxcompute-link_1.a:b").is_ok());
        assert!(security_group_name("安全组").is_ok());
        assert!(security_group_name("has space")
            .unwrap_err()
            .contains("` `"));
        assert!(security_group_name(&"a".repeat(129)).is_err());
    }

    /// The words of every name and description error, pinned: the rules share their parts.
    #[test]
    fn the_words_of_each_error() {
        use crate::validate::network_link::link_name;
        let cases = [
            (
                security_group_name("a"),
                "the name must be 2 to 128 characters long, `a` has 1",
            ),
            (
                security_group_name("http://x"),
                "the name must not start with `http://` or `https://`",
            ),
            (
                security_group_name("1abc"),
                "the name must start with a letter, `1abc` does not",
            ),
            (
                security_group_name("a/b"),
                "the name may contain letters, digits, `:`, `_`, `.` and `-` only; `/` is not \
                 allowed",
            ),
            (
                security_group_description("x"),
                "the description must be 2 to 256 characters long, it has 1",
            ),
            (
                security_group_description("https://evil"),
                "the description must not start with `http://` or `https://`",
            ),
            (
                link_name("ab"),
                "the name must be 3 to 64 characters long, `ab` has 2",
            ),
            (
                link_name("_ab"),
                "the name must start with a letter (a-z, A-Z), `_ab` does not",
            ),
            (
                link_name("ab-c"),
                "the name may contain letters, digits and `_` only; `-` is not allowed",
            ),
        ];
        for (got, words) in cases {
            assert_eq!(got.unwrap_err(), words);
        }
    }

    #[test]
    fn regions() {
        assert!(region_id("cn-hangzhou").is_ok());
        assert!(region_id("ap-southeast-1").is_ok());
        assert!(region_id("Hangzhou").is_err());
        assert!(region_id("cn-").is_err());
    }

    #[test]
    fn descriptions() {
        assert!(security_group_description("Return traffic for MaxCompute").is_ok());
    }
}
