//! Names and descriptions of ECS security groups (rules from the ECS API reference).

/// `SecurityGroupName`: 2–128 characters, starts with a letter (any script), then letters,
/// digits, `:` `_` `.` `-`; must not start with `http://` or `https://`.
pub fn security_group_name(name: &str) -> Result<(), String> {
    let len = name.chars().count();
    if !(2..=128).contains(&len) {
        return Err(format!(
            "the name must be 2 to 128 characters long, `{name}` has {len}"
        ));
    }
    if name.starts_with("http://") || name.starts_with("https://") {
        return Err("the name must not start with `http://` or `https://`".into());
    }
    if !name.chars().next().is_some_and(char::is_alphabetic) {
        return Err(format!(
            "the name must start with a letter, `{name}` does not"
        ));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_alphanumeric() || matches!(c, ':' | '_' | '.' | '-')))
    {
        return Err(format!(
            "the name may contain letters, digits, `:`, `_`, `.` and `-` only; `{bad}` is not \
                allowed"
        ));
    }
    Ok(())
}

/// `Description`: 2–256 characters, must not start with `http://` or `https://`.
pub fn security_group_description(description: &str) -> Result<(), String> {
    let len = description.chars().count();
    if !(2..=256).contains(&len) {
        return Err(format!(
            "the description must be 2 to 256 characters long, it has {len}"
        ));
    }
    if description.starts_with("http://") || description.starts_with("https://") {
        return Err("the description must not start with `http://` or `https://`".into());
    }
    Ok(())
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

    #[test]
    fn names() {
        assert!(security_group_name("maxcompute-link_1.a:b").is_ok());
        assert!(security_group_name("安全组").is_ok());
        assert!(security_group_name("a").is_err());
        assert!(security_group_name("1abc").is_err());
        assert!(security_group_name("http://x").is_err());
        assert!(security_group_name("has space")
            .unwrap_err()
            .contains("` `"));
        assert!(security_group_name(&"a".repeat(129)).is_err());
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
        assert!(security_group_description("x").is_err());
        assert!(security_group_description("https://evil").is_err());
    }
}
