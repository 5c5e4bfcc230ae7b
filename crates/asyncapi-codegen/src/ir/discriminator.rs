//! Telling messages (or union alternatives) apart by what is in the body.
//!
//! A discriminator is a property that holds one fixed value in every
//! alternative: the schema's `discriminator` when the document names one,
//! else a property with a `const` or a single-value `enum` everywhere
//! (`eventName` in GoToWebinar's events). When alternatives share a value, the
//! ones that share it are told apart by another such property (Slack's
//! `emoji_changed` events by `subtype`), and so on: the result is a decision
//! tree. Before any property, alternatives whose JSON types do not overlap (an
//! object and a string, say) are told apart by the body's JSON type.
//! Alternatives that nothing separates are reported as collisions.

use std::collections::BTreeSet;

/// The JSON kind of a body, as its first character tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Object,
    Array,
    String,
    Number,
    Boolean,
    Null,
}

impl Kind {
    /// The kinds a schema's `type` allows (`integer` and `number` are both numbers).
    pub fn of_types(types: &[super::schema::JsonType]) -> BTreeSet<Kind> {
        use super::schema::JsonType;
        types
            .iter()
            .map(|t| match t {
                JsonType::Object => Kind::Object,
                JsonType::Array => Kind::Array,
                JsonType::String => Kind::String,
                JsonType::Integer | JsonType::Number => Kind::Number,
                JsonType::Boolean => Kind::Boolean,
                JsonType::Null => Kind::Null,
            })
            .collect()
    }
}

/// What routing needs to know of one alternative.
#[derive(Debug, Clone, Default)]
pub struct Candidate {
    /// Properties holding one fixed string value, in document order.
    pub singles: Vec<(String, String)>,
    pub required: BTreeSet<String>,
    /// The property an explicit `discriminator` keyword names.
    pub discriminator: Option<String>,
    /// The value an explicit discriminator takes when the schema fixes none: the
    /// schema's name (AsyncAPI 2.6 inherits this rule from OpenAPI 2).
    pub schema_name: Option<String>,
    /// The JSON kinds the payload can be; `None` when its schema does not say.
    pub kinds: Option<BTreeSet<Kind>>,
}

impl Candidate {
    fn value_of(&self, property: &str) -> Option<&str> {
        self.singles.iter().find(|(p, _)| p == property).map(|(_, v)| v.as_str())
    }
}

/// How to pick one alternative from a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tree {
    /// This alternative.
    Leaf(usize),
    /// Read `property`, then follow the case with its value.
    Switch { property: String, cases: Vec<(String, Tree)> },
    /// Look at the body's JSON kind, then follow the case that allows it.
    Kinds { cases: Vec<(BTreeSet<Kind>, Tree)> },
}

impl Tree {
    /// Every property the tree reads, in the order first read.
    pub fn properties(&self) -> Vec<String> {
        let mut found = Vec::new();
        self.collect_properties(&mut found);
        found
    }

    fn collect_properties(&self, found: &mut Vec<String>) {
        match self {
            Tree::Leaf(_) => {}
            Tree::Switch { property, cases } => {
                if !found.contains(property) {
                    found.push(property.clone());
                }
                for (_, case) in cases {
                    case.collect_properties(found);
                }
            }
            Tree::Kinds { cases } => {
                for (_, case) in cases {
                    case.collect_properties(found);
                }
            }
        }
    }

    /// Every leaf the tree can reach.
    pub fn leaves(&self) -> Vec<usize> {
        match self {
            Tree::Leaf(index) => vec![*index],
            Tree::Switch { cases, .. } => cases.iter().flat_map(|(_, case)| case.leaves()).collect(),
            Tree::Kinds { cases } => cases.iter().flat_map(|(_, case)| case.leaves()).collect(),
        }
    }

    /// The same tree with leaf `i` renamed `members[i]`.
    pub fn map_leaves(self, members: &[usize]) -> Tree {
        match self {
            Tree::Leaf(index) => Tree::Leaf(members.get(index).copied().unwrap_or(0)),
            Tree::Switch { property, cases } => Tree::Switch {
                property,
                cases: cases.into_iter().map(|(value, case)| (value, case.map_leaves(members))).collect(),
            },
            Tree::Kinds { cases } => Tree::Kinds {
                cases: cases.into_iter().map(|(kinds, case)| (kinds, case.map_leaves(members))).collect(),
            },
        }
    }

    /// The value path that leads to `leaf` (`[("eventName", "registrant.added")]`).
    pub fn path_to(&self, leaf: usize) -> Option<Vec<(String, String)>> {
        match self {
            Tree::Leaf(found) => (*found == leaf).then(Vec::new),
            Tree::Switch { property, cases } => cases.iter().find_map(|(value, case)| {
                let mut path = case.path_to(leaf)?;
                path.insert(0, (property.clone(), value.clone()));
                Some(path)
            }),
            Tree::Kinds { cases } => cases.iter().find_map(|(_, case)| case.path_to(leaf)),
        }
    }
}

/// Alternatives that no discriminator separates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collision {
    /// The values that led to them, from the root of the tree.
    pub path: Vec<(String, String)>,
    /// The alternatives, in document order; the first one wins.
    pub members: Vec<usize>,
}

/// The outcome of looking for a discriminator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Routing {
    /// No property holds a fixed value in every alternative.
    NoDiscriminator,
    /// A tree; `collisions` lists the alternatives it cannot separate (the first
    /// of each collision is the one the tree picks).
    Tree { tree: Tree, collisions: Vec<Collision> },
}

/// Builds the decision tree over `candidates` (all of them).
pub fn route(candidates: &[Candidate]) -> Routing {
    let members: Vec<usize> = (0..candidates.len()).collect();
    if members.len() <= 1 {
        return Routing::Tree { tree: Tree::Leaf(0), collisions: Vec::new() };
    }
    if kind_groups(candidates, &members).len() < 2
        && best_property(candidates, &members, &BTreeSet::new()).is_none()
    {
        return Routing::NoDiscriminator;
    }
    let mut collisions = Vec::new();
    let tree = build(candidates, &members, &mut BTreeSet::new(), &mut Vec::new(), &mut collisions);
    Routing::Tree { tree, collisions }
}

/// A single property whose fixed values tell every alternative apart, present
/// (required) in all of them: what a union needs to be internally tagged.
pub fn single_tag(candidates: &[Candidate]) -> Option<(String, Vec<String>)> {
    if candidates.len() < 2 {
        return None;
    }
    let members: Vec<usize> = (0..candidates.len()).collect();
    let (property, values) = best_property(candidates, &members, &BTreeSet::new())?;
    let distinct: BTreeSet<&String> = values.iter().collect();
    let required_everywhere = candidates.iter().all(|c| c.required.contains(&property));
    (distinct.len() == values.len() && required_everywhere).then_some((property, values))
}

fn build(
    candidates: &[Candidate],
    members: &[usize],
    used: &mut BTreeSet<String>,
    path: &mut Vec<(String, String)>,
    collisions: &mut Vec<Collision>,
) -> Tree {
    if let [only] = members {
        return Tree::Leaf(*only);
    }
    let groups = kind_groups(candidates, members);
    if groups.len() > 1 {
        let cases = groups
            .into_iter()
            .map(|(kinds, group)| (kinds, build(candidates, &group, used, path, collisions)))
            .collect();
        return Tree::Kinds { cases };
    }
    let Some((property, values)) = best_property(candidates, members, used) else {
        // Say what they share, when a fixed property is the same in all of them.
        let mut shared = path.clone();
        shared.extend(common_value(candidates, members, used));
        collisions.push(Collision { path: shared, members: members.to_vec() });
        return Tree::Leaf(members[0]);
    };
    let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
    for (member, value) in members.iter().zip(values) {
        match groups.iter_mut().find(|(v, _)| *v == value) {
            Some((_, group)) => group.push(*member),
            None => groups.push((value, vec![*member])),
        }
    }
    used.insert(property.clone());
    let cases = groups
        .into_iter()
        .map(|(value, group)| {
            path.push((property.clone(), value.clone()));
            let case = build(candidates, &group, used, path, collisions);
            path.pop();
            (value, case)
        })
        .collect();
    used.remove(&property);
    Tree::Switch { property, cases }
}

/// A fixed property with the same value in every candidate: what alternatives
/// that cannot be told apart share.
pub fn shared_value(candidates: &[Candidate]) -> Option<(String, String)> {
    let members: Vec<usize> = (0..candidates.len()).collect();
    if members.is_empty() {
        return None;
    }
    common_value(candidates, &members, &BTreeSet::new())
}

/// A fixed property with the same value in all `members` (what they share).
fn common_value(
    candidates: &[Candidate],
    members: &[usize],
    used: &BTreeSet<String>,
) -> Option<(String, String)> {
    let first = &candidates[members[0]];
    first
        .singles
        .iter()
        .find(|(property, value)| {
            !used.contains(property)
                && members.iter().all(|m| candidates[*m].value_of(property) == Some(value.as_str()))
        })
        .cloned()
}

/// `members` grouped so that no two groups share a JSON kind (members whose
/// kinds overlap, or are unknown, end up together), in document order.
fn kind_groups(candidates: &[Candidate], members: &[usize]) -> Vec<(BTreeSet<Kind>, Vec<usize>)> {
    let all: BTreeSet<Kind> =
        [Kind::Object, Kind::Array, Kind::String, Kind::Number, Kind::Boolean, Kind::Null]
            .into_iter()
            .collect();
    let mut groups: Vec<(BTreeSet<Kind>, Vec<usize>)> = Vec::new();
    for member in members {
        let kinds = candidates[*member].kinds.clone().unwrap_or_else(|| all.clone());
        let (overlapping, mut rest): (Vec<_>, Vec<_>) =
            groups.into_iter().partition(|(group_kinds, _)| !group_kinds.is_disjoint(&kinds));
        let mut merged = (kinds, Vec::new());
        for (group_kinds, group_members) in overlapping {
            merged.0.extend(group_kinds);
            merged.1.extend(group_members);
        }
        merged.1.push(*member);
        merged.1.sort_unstable();
        rest.push(merged);
        rest.sort_by_key(|(_, group_members)| group_members[0]);
        groups = rest;
    }
    groups
}

/// The property that best separates `members`, with each member's value: the
/// explicit discriminator when all members name the same one, else the fixed
/// property with the most distinct values (required ones first, then document
/// order). A property that does not separate anything is no use.
fn best_property(
    candidates: &[Candidate],
    members: &[usize],
    used: &BTreeSet<String>,
) -> Option<(String, Vec<String>)> {
    let first = &candidates[members[0]];
    if let Some(explicit) = &first.discriminator {
        let all_name_it = members.iter().all(|m| candidates[*m].discriminator.as_ref() == Some(explicit));
        if all_name_it && !used.contains(explicit) {
            let values: Option<Vec<String>> = members
                .iter()
                .map(|m| {
                    let candidate = &candidates[*m];
                    candidate.value_of(explicit).map(str::to_owned).or_else(|| candidate.schema_name.clone())
                })
                .collect();
            if let Some(values) = values {
                return Some((explicit.clone(), values));
            }
        }
    }
    let mut best: Option<(usize, bool, String, Vec<String>)> = None;
    for (property, _) in &first.singles {
        if used.contains(property) {
            continue;
        }
        let Some(values) = members
            .iter()
            .map(|m| candidates[*m].value_of(property).map(str::to_owned))
            .collect::<Option<Vec<String>>>()
        else {
            continue;
        };
        let distinct = values.iter().collect::<BTreeSet<_>>().len();
        if distinct < 2 {
            continue;
        }
        let required = members.iter().all(|m| candidates[*m].required.contains(property));
        let better = match &best {
            None => true,
            Some((best_distinct, best_required, ..)) => {
                (distinct, required) > (*best_distinct, *best_required)
            }
        };
        if better {
            best = Some((distinct, required, property.clone(), values));
        }
    }
    best.map(|(_, _, property, values)| (property, values))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(singles: &[(&str, &str)]) -> Candidate {
        Candidate {
            singles: singles.iter().map(|(p, v)| ((*p).to_owned(), (*v).to_owned())).collect(),
            required: singles.iter().map(|(p, _)| (*p).to_owned()).collect(),
            ..Candidate::default()
        }
    }

    #[test]
    fn picks_the_property_that_separates_most() {
        let candidates = [
            candidate(&[("product", "g2w"), ("eventName", "a")]),
            candidate(&[("product", "g2w"), ("eventName", "b")]),
            candidate(&[("product", "g2w"), ("eventName", "c"), ("status", "NEW")]),
        ];
        let Routing::Tree { tree, collisions } = route(&candidates) else { panic!("routable") };
        assert!(collisions.is_empty());
        assert_eq!(tree.properties(), ["eventName"]);
        assert_eq!(tree.path_to(2), Some(vec![("eventName".to_owned(), "c".to_owned())]));
    }

    #[test]
    fn separates_shared_values_by_a_second_property() {
        let same = [candidate(&[("eventName", "user.changed")]), candidate(&[("eventName", "user.changed")])];
        assert_eq!(route(&same), Routing::NoDiscriminator);
        assert_eq!(shared_value(&same), Some(("eventName".to_owned(), "user.changed".to_owned())));
        let candidates = [
            candidate(&[("type", "hello")]),
            candidate(&[("type", "emoji_changed"), ("subtype", "remove")]),
            candidate(&[("type", "emoji_changed"), ("subtype", "add")]),
            candidate(&[("type", "bot_added")]),
            candidate(&[("type", "bot_added")]),
        ];
        let Routing::Tree { tree, collisions } = route(&candidates) else { panic!("routable") };
        assert_eq!(tree.properties(), ["type", "subtype"]);
        assert_eq!(
            tree.path_to(2),
            Some(vec![
                ("type".to_owned(), "emoji_changed".to_owned()),
                ("subtype".to_owned(), "add".to_owned())
            ])
        );
        assert_eq!(
            collisions,
            [Collision { path: vec![("type".to_owned(), "bot_added".to_owned())], members: vec![3, 4] }]
        );
    }

    #[test]
    fn separates_json_kinds_before_properties() {
        let mut chat = candidate(&[]);
        chat.kinds = Some([Kind::Object].into_iter().collect());
        let mut heartbeat = candidate(&[]);
        heartbeat.kinds = Some([Kind::String].into_iter().collect());
        let Routing::Tree { tree, collisions } = route(&[chat.clone(), heartbeat]) else {
            panic!("routable by kind")
        };
        assert!(collisions.is_empty());
        assert!(matches!(tree, Tree::Kinds { ref cases } if cases.len() == 2));
        let unknown = candidate(&[]);
        assert_eq!(route(&[chat, unknown]), Routing::NoDiscriminator, "an unknown kind overlaps everything");
    }

    #[test]
    fn reports_when_nothing_discriminates() {
        assert_eq!(route(&[candidate(&[]), candidate(&[("a", "x")])]), Routing::NoDiscriminator);
    }

    #[test]
    fn explicit_discriminators_default_to_schema_names() {
        let mut cat = candidate(&[]);
        cat.discriminator = Some("petType".into());
        cat.schema_name = Some("Cat".into());
        let mut dog = cat.clone();
        dog.schema_name = Some("Dog".into());
        assert_eq!(single_tag(&[cat.clone(), dog.clone()]), None, "petType must be required to tag a union");
        let Routing::Tree { tree, .. } = route(&[cat, dog]) else { panic!() };
        assert_eq!(tree.path_to(1), Some(vec![("petType".to_owned(), "Dog".to_owned())]));
    }

    #[test]
    fn single_tags_need_distinct_required_values() {
        let tagged = [candidate(&[("type", "a")]), candidate(&[("type", "b")])];
        assert_eq!(single_tag(&tagged), Some(("type".to_owned(), vec!["a".to_owned(), "b".to_owned()])));
        let shared = [candidate(&[("type", "a")]), candidate(&[("type", "a")]), candidate(&[("type", "b")])];
        assert_eq!(single_tag(&shared), None);
    }
}
