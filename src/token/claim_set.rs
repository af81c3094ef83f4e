//! Reading claims by name, from the whole payload or from the few that the checks read.

use serde_json::{Map, Value};

use super::scan::{CHECKED_NAMES, checked_index};

/// Claims looked up by name: the checks, the token type and the lifetime read through this.
pub trait Claims {
    fn get(&self, name: &str) -> Option<&Value>;

    fn contains_key(&self, name: &str) -> bool {
        self.get(name).is_some()
    }
}

impl Claims for Map<String, Value> {
    fn get(&self, name: &str) -> Option<&Value> {
        member(self, name)
    }
}

/// `map[name]`. serde_json's map hashes every look-up (SipHash); a JOSE header holds a
/// handful of members and is read a dozen times per token, and comparing that many names is
/// several times cheaper. A large map is hashed.
#[must_use]
pub fn member<'a>(map: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    if map.len() > 8 {
        return map.get(name);
    }
    map.iter().find(|(k, _)| *k == name).map(|(_, v)| v)
}

/// `map[name]` when it is a string.
#[must_use]
pub fn member_str<'a>(map: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    member(map, name).and_then(Value::as_str)
}

/// The claims the checks read (`scan::CHECKED_NAMES`), one slot per name: a claim is found
/// by its slot (`scan::checked_index`), not by comparing it with each claim kept. Empty (no
/// slots) for a token without claims.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CheckedClaims(Vec<Option<Value>>);

impl CheckedClaims {
    /// A slot for each checked claim, all empty.
    pub(super) fn for_a_token() -> Self {
        Self(vec![None; CHECKED_NAMES.len()])
    }

    /// The claim at `index` of `CHECKED_NAMES`. A name given twice keeps its last value, as
    /// in the whole tree.
    pub(super) fn insert(&mut self, index: usize, value: Value) {
        if let Some(slot) = self.0.get_mut(index) {
            *slot = Some(value);
        }
    }

    /// How many checked claims the token has.
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.iter().flatten().count()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Claims for CheckedClaims {
    fn get(&self, name: &str) -> Option<&Value> {
        self.0.get(checked_index(name)?)?.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_checked_name_has_its_own_slot() {
        for (i, name) in CHECKED_NAMES.iter().enumerate() {
            assert_eq!(checked_index(name), Some(i), "{name}");
        }
        assert_eq!(checked_index("name"), None);
        assert_eq!(checked_index("Exp"), None, "claim names are case-sensitive");
    }

    #[test]
    fn member_reads_small_and_large_maps_as_get_does() {
        let many: String = (0..20).map(|i| format!(",\"k{i}\":{i}")).collect();
        for text in [
            r#"{"alg":"RS256","typ":"JWT","alg":"ES256"}"#.to_string(),
            format!("{{\"alg\":\"RS256\"{many}}}"),
        ] {
            let map: Map<String, Value> = serde_json::from_str(&text).unwrap();
            for name in ["alg", "typ", "k7", "k19", "kid", ""] {
                assert_eq!(member(&map, name), map.get(name), "{name} in {text}");
            }
            assert_eq!(member_str(&map, "alg"), map["alg"].as_str());
        }
    }
}
