//! The addresses looked for, and which entries admit them.

use crate::client::net::Cidr;

/// The addresses looked for, each under the label of whom it serves (`link`, `dataworks:<id>`).
#[derive(Default)]
pub(super) struct Seek {
    principals: Vec<(String, Vec<Cidr>)>,
}

impl Seek {
    pub(super) fn add(&mut self, label: &str, cidrs: impl Iterator<Item = Cidr>) {
        self.principals.push((label.to_string(), cidrs.collect()));
    }

    /// Whom an entry (an address or block) admits: the labels with addresses in it — a block of
    /// theirs inside the entry, or the entry inside a block of theirs (an ENI's address in the
    /// link's vSwitch block, say).
    pub(super) fn admitted_by(&self, entry: &str) -> Vec<String> {
        let Some(e) = Cidr::parse(entry) else {
            return Vec::new();
        };
        let overlaps = |c: &Cidr| e.net().contains(&c.net()) || c.net().contains(&e.net());
        self.principals
            .iter()
            .filter(|(_, cidrs)| cidrs.iter().any(overlaps))
            .map(|(label, _)| label.clone())
            .collect()
    }

    pub(super) fn admits(&self, entry: &str) -> bool {
        !self.admitted_by(entry).is_empty()
    }

    /// Whether an entry is one of the principals' own (inside one of their blocks).
    pub(super) fn owns(&self, entry: &str) -> bool {
        let Some(e) = Cidr::parse(entry) else {
            return false;
        };
        self.principals
            .iter()
            .any(|(_, cidrs)| cidrs.iter().any(|c| c.net().contains(&e.net())))
    }

    /// The principals' own blocks that one of `entries` admits, each once: what a group of our
    /// own would list instead of a wider entry.
    pub(super) fn admitted_blocks(&self, entries: &[String]) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for (_, cidrs) in &self.principals {
            for c in cidrs {
                let inside = entries
                    .iter()
                    .filter_map(|e| Cidr::parse(e))
                    .any(|e| e.net().contains(&c.net()));
                let text = c.as_str().to_string();
                if inside && !out.contains(&text) {
                    out.push(text);
                }
            }
        }
        out
    }

    /// The labels admitted by any of `entries`, each once.
    pub(super) fn grantees<'a>(
        &self,
        entries: impl IntoIterator<Item = &'a String>,
    ) -> Vec<String> {
        let mut out: Vec<String> = entries
            .into_iter()
            .flat_map(|e| self.admitted_by(e))
            .collect();
        out.sort();
        out.dedup();
        out
    }
}
