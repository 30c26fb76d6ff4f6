//! The parameters of one RPC request (query string and form body merged).

use std::collections::BTreeMap;

use crate::error::ApiError;

#[derive(Debug, Clone, Default)]
pub struct Params(pub BTreeMap<String, String>);

impl Params {
    /// Parameters from `(name, value)` pairs, as a test sends them.
    pub fn of(pairs: &[(&str, &str)]) -> Self {
        Self(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    pub fn require(&self, name: &str) -> Result<&str, ApiError> {
        self.get(name).ok_or_else(|| ApiError::missing(name))
    }

    /// A positive integer parameter with a default and an upper bound.
    pub fn number(&self, name: &str, default: usize, max: usize) -> Result<usize, ApiError> {
        match self.get(name) {
            None => Ok(default),
            Some(v) => match v.parse::<usize>() {
                Ok(n) if n >= 1 && n <= max => Ok(n),
                _ => Err(ApiError::invalid(
                    &format!("InvalidParameter.{name}"),
                    format!("The specified parameter \"{name}\" is not valid: it must be between 1 and {max}."),
                )),
            },
        }
    }

    /// One page of `items` by `PageNumber` (from 1) and `PageSize` (`default` when absent, at most
    /// `max`): the page, its number and its size.
    pub fn numbered_page<T: Clone>(
        &self,
        items: &[T],
        default: usize,
        max: usize,
    ) -> Result<(Vec<T>, usize, usize), ApiError> {
        let size = self.number("PageSize", default, max)?;
        let page = self.number("PageNumber", 1, usize::MAX)?;
        let out = items
            .iter()
            .skip((page - 1).saturating_mul(size))
            .take(size)
            .cloned()
            .collect();
        Ok((out, page, size))
    }

    /// Where a page starts: `NextToken` as this emulator issues it (an offset), 0 without one; a
    /// token it did not issue is refused, as the cloud refuses one.
    pub fn next_token(&self) -> Result<usize, ApiError> {
        match self.get("NextToken") {
            Some(t) => t.parse().map_err(|_| {
                ApiError::invalid(
                    "InvalidNextToken.Malformed",
                    "The specified NextToken is not valid.",
                )
            }),
            None => Ok(0),
        }
    }

    /// `Prefix.N.Field` entries grouped by N (1-based, in order of N).
    pub fn repeated(&self, prefix: &str) -> BTreeMap<u32, BTreeMap<String, String>> {
        let mut out: BTreeMap<u32, BTreeMap<String, String>> = BTreeMap::new();
        let lead = format!("{prefix}.");
        for (k, v) in &self.0 {
            let Some(rest) = k.strip_prefix(&lead) else {
                continue;
            };
            let (n, field) = match rest.split_once('.') {
                Some((n, field)) => (n, field.to_string()),
                None => (rest, String::new()),
            };
            if let Ok(n) = n.parse::<u32>() {
                out.entry(n).or_default().insert(field, v.clone());
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_next_token_this_emulator_did_not_issue_is_refused_not_read_as_page_one() {
        let p = |t: &str| Params::of(&[("NextToken", t)]);
        assert_eq!(p("20").next_token().unwrap(), 20);
        assert!(p("not-a-token").next_token().is_err());
        assert_eq!(Params::of(&[]).next_token().unwrap(), 0);
    }
}
