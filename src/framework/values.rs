//! Plain values to and from terraform's: lists of strings, the shape most computed attributes have.

use tf_provider::value::Value;

/// A known string (none while it is null or unknown).
pub fn known(v: &Value<String>) -> Option<&str> {
    v.as_ref_option().map(String::as_str)
}

/// How an object addressed by ID or name is named in messages: its ID once it has one (the
/// state's), else the name it is planned with, else nothing.
pub fn id_or_name<'a>(id: &'a Value<String>, name: &'a Value<String>) -> &'a str {
    known(id).or(known(name)).unwrap_or_default()
}

/// A known list of known strings.
pub fn string_list(items: impl IntoIterator<Item = String>) -> Value<Vec<Value<String>>> {
    Value::Value(items.into_iter().map(Value::Value).collect())
}

/// The known strings of a list (none while it is null or unknown).
pub fn strings_of(list: &Value<Vec<Value<String>>>) -> Vec<String> {
    list.as_ref_option()
        .map(|l| {
            l.iter()
                .filter_map(|x| x.as_ref_option().cloned())
                .collect()
        })
        .unwrap_or_default()
}

/// The known members of two sets, together (unknown when neither is known): what either of a
/// prior and a planned state names.
pub fn union<T: Ord + Clone>(
    a: &Value<std::collections::BTreeSet<Value<T>>>,
    b: &Value<std::collections::BTreeSet<Value<T>>>,
) -> Value<std::collections::BTreeSet<Value<T>>> {
    match (a, b) {
        (Value::Value(a), Value::Value(b)) => Value::Value(a.union(b).cloned().collect()),
        (Value::Value(one), _) | (_, Value::Value(one)) => Value::Value(one.clone()),
        _ => b.clone(),
    }
}
