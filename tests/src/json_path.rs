//! Places in a JSON value, as paths of keys and indexes: what the mutations
//! of bodies (`differential::mutate`) and of documents (`document_mutations`)
//! aim at.

use serde_json::Value;

/// One step from a value to its property or item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Key(String),
    Index(usize),
}

/// The value at `path`, if there is one.
pub fn get<'v>(value: &'v Value, path: &[Segment]) -> Option<&'v Value> {
    path.iter().try_fold(value, |value, segment| match segment {
        Segment::Key(key) => value.get(key),
        Segment::Index(index) => value.get(index),
    })
}

/// The value at `path`, to change.
pub fn get_mut<'v>(value: &'v mut Value, path: &[Segment]) -> Option<&'v mut Value> {
    path.iter().try_fold(value, |value, segment| match segment {
        Segment::Key(key) => value.get_mut(key),
        Segment::Index(index) => value.get_mut(index),
    })
}

/// Removes the value at `path` from its object or array (the root stays).
pub fn remove(value: &mut Value, path: &[Segment]) {
    let Some((last, parent)) = path.split_last() else { return };
    match (get_mut(value, parent), last) {
        (Some(Value::Object(object)), Segment::Key(key)) => {
            object.remove(key);
        }
        (Some(Value::Array(items)), Segment::Index(index)) if *index < items.len() => {
            items.remove(*index);
        }
        _ => {}
    }
}

/// The RFC 6901 pointer of `path`.
pub fn pointer(path: &[Segment]) -> String {
    path.iter()
        .map(|segment| match segment {
            Segment::Key(key) => format!("/{}", key.replace('~', "~0").replace('/', "~1")),
            Segment::Index(index) => format!("/{index}"),
        })
        .collect()
}

/// Every path in `value`, the root's (empty) first.
pub fn paths(value: &Value) -> Vec<Vec<Segment>> {
    fn walk(value: &Value, here: &mut Vec<Segment>, out: &mut Vec<Vec<Segment>>) {
        out.push(here.clone());
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    here.push(Segment::Key(key.clone()));
                    walk(child, here, out);
                    here.pop();
                }
            }
            Value::Array(items) => {
                for (index, child) in items.iter().enumerate() {
                    here.push(Segment::Index(index));
                    walk(child, here, out);
                    here.pop();
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(value, &mut Vec::new(), &mut out);
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn pointers_escape_keys() {
        let path = [Segment::Key("a/b~c".to_owned()), Segment::Index(3)];
        assert_eq!(pointer(&path), "/a~1b~0c/3");
    }

    #[test]
    fn paths_reach_every_value_and_removal_takes_one() {
        let mut value = json!({"a": [1, {"b": 2}], "c": 3});
        let all = paths(&value);
        assert_eq!(all.len(), 6);
        assert!(all.iter().all(|path| get(&value, path).is_some()));
        remove(&mut value, &[Segment::Key("a".to_owned()), Segment::Index(0)]);
        assert_eq!(value, json!({"a": [{"b": 2}], "c": 3}));
    }
}
