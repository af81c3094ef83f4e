//! Reading claims by name, from the whole payload or from the few that the checks read.

use serde_json::{Map, Value};

/// Claims looked up by name: the checks, the token type and the lifetime read through this.
pub trait Claims {
    fn get(&self, name: &str) -> Option<&Value>;

    fn contains_key(&self, name: &str) -> bool {
        self.get(name).is_some()
    }
}

impl Claims for Map<String, Value> {
    fn get(&self, name: &str) -> Option<&Value> {
        Map::get(self, name)
    }
}

/// The claims the checks read (`scan::checked_name`), kept in a list: a dozen entries are
/// found sooner by comparing names than by hashing them, and the names are not copied.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CheckedClaims(Vec<(&'static str, Value)>);

impl CheckedClaims {
    /// Room for the claims a full token carries (a dozen), so the list is not grown four times.
    pub(super) fn for_a_token() -> Self {
        Self(Vec::with_capacity(16))
    }

    /// A name given twice keeps its first place and its last value, as in the whole tree.
    pub(super) fn insert(&mut self, name: &'static str, value: Value) {
        match self.0.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => self.0.push((name, value)),
        }
    }

    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Claims for CheckedClaims {
    fn get(&self, name: &str) -> Option<&Value> {
        self.0.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
    }
}
