//! YAML merge keys (`<<: *base`), which `serde_yaml` leaves in the value as a
//! member named `<<` when it reads into JSON values. Hand-written AsyncAPI
//! documents use them, and the AsyncAPI tools apply them, so we do too: a
//! mapping gets the members of the mapping (or mappings) it merges that it does
//! not have itself; among several merged mappings the first that has a key wins.

use serde_json::{Map, Value};

use crate::pointer;

const MERGE_KEY: &str = "<<";

/// Applies the merge keys of `value`, inner ones first. An error names the
/// pointer of the offending `<<` member (`at` is the pointer of `value`).
pub fn apply(value: &mut Value, at: &str) -> Result<(), (String, String)> {
    let mut path = Vec::new();
    walk(value, &mut path).map_err(|message| {
        let mut pointer = at.to_owned();
        for token in &path {
            pointer = pointer::join(&pointer, token);
        }
        (pointer, message)
    })
}

/// `path` holds the tokens down to the node being walked; on error it is left
/// pointing at the offending member.
fn walk(value: &mut Value, path: &mut Vec<String>) -> Result<(), String> {
    match value {
        Value::Array(items) => {
            for (index, item) in items.iter_mut().enumerate() {
                path.push(index.to_string());
                walk(item, path)?;
                path.pop();
            }
        }
        Value::Object(members) => {
            for (key, child) in members.iter_mut() {
                path.push(key.clone());
                walk(child, path)?;
                path.pop();
            }
            if members.contains_key(MERGE_KEY) {
                path.push(MERGE_KEY.to_owned());
                *members = merged(std::mem::take(members))?;
                path.pop();
            }
        }
        _ => {}
    }
    Ok(())
}

/// `members` with its `<<` member replaced by the members it brings in.
fn merged(members: Map<String, Value>) -> Result<Map<String, Value>, String> {
    let mut result = Map::new();
    let explicit: Vec<String> = members.keys().filter(|k| *k != MERGE_KEY).cloned().collect();
    for (key, value) in members {
        if key != MERGE_KEY {
            result.insert(key, value);
            continue;
        }
        let sources = match value {
            Value::Object(source) => vec![source],
            Value::Array(items) => items
                .into_iter()
                .map(|item| match item {
                    Value::Object(source) => Ok(source),
                    other => Err(format!(
                        "a merge key `<<` lists {}, which is not a mapping",
                        super::kind_of(&other)
                    )),
                })
                .collect::<Result<Vec<_>, _>>()?,
            other => {
                return Err(format!("a merge key `<<` must name a mapping, not {}", super::kind_of(&other)));
            }
        };
        for source in sources {
            for (key, value) in source {
                if !explicit.contains(&key) && !result.contains_key(&key) {
                    result.insert(key, value);
                }
            }
        }
    }
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn applied(mut value: Value) -> Result<Value, (String, String)> {
        apply(&mut value, "").map(|()| value)
    }

    #[test]
    fn own_members_win_then_the_first_merged_mapping() {
        let value = json!({"a": 1, "<<": [{"a": 2, "b": 2}, {"b": 3, "c": 3}], "d": 4});
        let merged = applied(value).unwrap();
        assert_eq!(merged, json!({"a": 1, "b": 2, "c": 3, "d": 4}));
        let keys: Vec<&String> = merged.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["a", "b", "c", "d"], "merged members take the place of `<<`");
    }

    #[test]
    fn an_own_member_after_the_merge_key_still_wins() {
        let merged = applied(json!({"<<": {"type": "number", "minimum": 0}, "type": "integer"})).unwrap();
        assert_eq!(merged, json!({"type": "integer", "minimum": 0}));
    }

    #[test]
    fn inner_merge_keys_are_applied_too() {
        let value = json!({"list": [{"x": {"<<": {"a": 1}}}]});
        assert_eq!(applied(value).unwrap(), json!({"list": [{"x": {"a": 1}}]}));
    }

    #[test]
    fn a_merge_of_something_else_is_an_error_at_its_pointer() {
        let error = applied(json!({"a": {"b": {"<<": "text"}}})).unwrap_err();
        assert_eq!(
            error,
            ("/a/b/<<".to_owned(), "a merge key `<<` must name a mapping, not a string".to_owned())
        );
        let error = applied(json!({"a": [{"<<": [{}, 1]}]})).unwrap_err();
        assert_eq!(error.0, "/a/0/<<");
    }
}
