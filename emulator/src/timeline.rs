//! When each API call started and ended, for `make bench`: the longest chain of calls made one
//! after another is the number of round trips a user waits for at the cloud's latency, whatever
//! the machine's speed (calls that overlap were made in parallel and cost one round trip).

use std::cell::RefCell;

use serde::Serialize;

/// One API call, in microseconds since the emulator started.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Span {
    pub action: String,
    pub start_us: u64,
    pub end_us: u64,
}

/// The most spans kept: a long test run must not grow the emulator without bound.
pub const MAX_SPANS: usize = 200_000;

tokio::task_local! {
    /// The action of the request this task serves, set by the handler once it knows it.
    pub static ACTION: RefCell<Option<String>>;
}

/// Names the action of the request being served (a no-op outside a timed request).
pub fn name_action(action: &str) {
    let _ = ACTION.try_with(|a| *a.borrow_mut() = Some(action.to_string()));
}

/// The longest chain of calls each starting after the one before it ended: its length is the
/// number of sequential round trips, and its actions are what sat on the critical path.
pub fn critical_path(spans: &[Span]) -> Vec<&Span> {
    let mut order: Vec<&Span> = spans.iter().collect();
    order.sort_by_key(|s| (s.end_us, s.start_us));
    // Sorted by end, the calls that ended before `s` started are a prefix of `order`.
    // best[i]: (length of the longest chain ending with order[i], the index before it);
    // top[k]: the index of the longest chain among the first k + 1.
    let mut best: Vec<(usize, Option<usize>)> = Vec::with_capacity(order.len());
    let mut top: Vec<usize> = Vec::with_capacity(order.len());
    for (i, s) in order.iter().enumerate() {
        let ended = order.partition_point(|o| o.end_us <= s.start_us).min(i);
        best.push(match ended.checked_sub(1).map(|k| top[k]) {
            Some(j) => (best[j].0 + 1, Some(j)),
            None => (1, None),
        });
        let lead = match top.last() {
            Some(&t) if best[t].0 >= best[i].0 => t,
            _ => i,
        };
        top.push(lead);
    }
    let mut at = top.last().copied();
    let mut chain = Vec::new();
    while let Some(i) = at {
        chain.push(order[i]);
        at = best[i].1;
    }
    chain.reverse();
    chain
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(action: &str, start_us: u64, end_us: u64) -> Span {
        Span {
            action: action.into(),
            start_us,
            end_us,
        }
    }

    #[test]
    fn overlapping_calls_count_once_and_sequential_ones_add_up() {
        let spans = [
            span("A", 0, 100),
            span("B", 10, 110), // parallel with A
            span("C", 120, 220),
            span("D", 130, 230), // parallel with C
            span("E", 240, 340),
        ];
        let path: Vec<_> = critical_path(&spans)
            .iter()
            .map(|s| s.action.as_str())
            .collect();
        assert_eq!(path.len(), 3);
        assert_eq!(path.last(), Some(&"E"));
        assert!(critical_path(&[]).is_empty());
    }
}
