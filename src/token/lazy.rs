//! The parts of a report that are built the first time they are read. Inspecting a token reads
//! a handful of claims; the whole payload tree and the claim rows are only needed when the
//! window draws them or `--json` prints them, and a paste of fifty tokens need not pay for
//! trees nobody opens.

use std::fmt;
use std::ops::Deref;
use std::sync::{Arc, OnceLock};

use serde::{Serialize, Serializer};
use serde_json::Value;

use super::claims::{ClaimView, TokenType, claim_views};

/// A JSON document held as the bytes it was read from and parsed on first use. Clones share
/// the parsed tree.
#[derive(Clone)]
pub struct LazyJson(Arc<Document>);

struct Document {
    bytes: Box<[u8]>,
    value: OnceLock<Value>,
}

impl LazyJson {
    /// A value that is already built (a text payload, an absent one).
    #[must_use]
    pub fn ready(value: Value) -> Self {
        Self(Arc::new(Document {
            bytes: Box::default(),
            value: OnceLock::from(value),
        }))
    }

    /// Bytes that `scan` has already found to be one well-formed JSON value.
    pub(super) fn parse_later(bytes: Vec<u8>) -> Self {
        Self(Arc::new(Document {
            bytes: bytes.into_boxed_slice(),
            value: OnceLock::new(),
        }))
    }

    /// Whether the tree has been built yet.
    #[cfg(test)]
    pub(super) fn is_built(&self) -> bool {
        self.0.value.get().is_some()
    }

    #[must_use]
    pub fn value(&self) -> &Value {
        // The scan ran the same parser over the same bytes (nesting limit included), so this
        // cannot fail; Null rather than a panic if it ever did. Read as text, the UTF-8 check
        // is one pass over the document rather than one per string.
        self.0.value.get_or_init(|| {
            let parsed = match std::str::from_utf8(&self.0.bytes) {
                Ok(text) => serde_json::from_str(text),
                Err(_) => serde_json::from_slice(&self.0.bytes),
            };
            parsed.unwrap_or(Value::Null)
        })
    }
}

impl Deref for LazyJson {
    type Target = Value;

    fn deref(&self) -> &Value {
        self.value()
    }
}

impl PartialEq for LazyJson {
    fn eq(&self, other: &Self) -> bool {
        self.value() == other.value()
    }
}

impl PartialEq<Value> for LazyJson {
    fn eq(&self, other: &Value) -> bool {
        self.value() == other
    }
}

impl fmt::Debug for LazyJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.value().fmt(f)
    }
}

impl Serialize for LazyJson {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value().serialize(serializer)
    }
}

/// The claim rows of a report (name, explanation, human time, items, problem), built from
/// the payload when first read.
#[derive(Clone)]
pub struct ClaimRows {
    payload: LazyJson,
    now: i64,
    token_type: TokenType,
    rows: OnceLock<Vec<ClaimView>>,
}

impl ClaimRows {
    pub(super) fn new(payload: LazyJson, now: i64, token_type: TokenType) -> Self {
        Self {
            payload,
            now,
            token_type,
            rows: OnceLock::new(),
        }
    }

    /// No rows: a token whose claims cannot be read.
    pub(super) fn none() -> Self {
        Self {
            payload: LazyJson::ready(Value::Null),
            now: 0,
            token_type: TokenType::Jwt,
            rows: OnceLock::from(Vec::new()),
        }
    }

    #[must_use]
    pub fn rows(&self) -> &[ClaimView] {
        self.rows.get_or_init(|| {
            self.payload
                .as_object()
                .map(|claims| claim_views(claims, self.now, self.token_type))
                .unwrap_or_default()
        })
    }
}

impl Deref for ClaimRows {
    type Target = [ClaimView];

    fn deref(&self) -> &[ClaimView] {
        self.rows()
    }
}

impl PartialEq for ClaimRows {
    fn eq(&self, other: &Self) -> bool {
        self.rows() == other.rows()
    }
}

impl fmt::Debug for ClaimRows {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.rows().fmt(f)
    }
}

impl Serialize for ClaimRows {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.rows().serialize(serializer)
    }
}

impl<'a> IntoIterator for &'a ClaimRows {
    type Item = &'a ClaimView;
    type IntoIter = std::slice::Iter<'a, ClaimView>;

    fn into_iter(self) -> Self::IntoIter {
        self.rows().iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::{Options, inspect};
    use serde_json::json;

    /// {"alg":"HS256"} . {"sub":"a","exp":1900000000,"name":"Jane"} . "sig"
    const TOKEN: &str =
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIiwiZXhwIjoxOTAwMDAwMDAwLCJuYW1lIjoiSmFuZSJ9.c2ln";

    #[test]
    fn a_report_reads_and_prints_as_if_built_at_once() {
        let found = inspect(TOKEN, &Options::at(1_899_998_000)).unwrap();
        let report = found[0].result.as_ref().unwrap();
        let expected = json!({"sub": "a", "exp": 1_900_000_000, "name": "Jane"});
        assert_eq!(report.payload, expected);
        let names: Vec<&str> = report.claims.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["sub", "exp", "name"]);
        assert!(report.claims[1].time.is_some(), "exp shows its human time");
        let printed = serde_json::to_value(report).unwrap();
        assert_eq!(printed["payload"], expected);
        assert_eq!(printed["claims"][2]["name"], "name");
        // A clone shares the tree and the rows and compares equal.
        assert_eq!(report.clone(), *report);
    }

    #[test]
    fn the_issuer_and_subject_are_read_without_building_the_tree() {
        let found = inspect(TOKEN, &Options::at(1_899_998_000)).unwrap();
        let report = found[0].result.as_ref().unwrap();
        assert_eq!(report.claim_str("sub"), Some("a"));
        assert_eq!(report.claim_str("iss"), None);
        assert!(
            !report.payload.is_built(),
            "the window lists every entry by its iss"
        );
        // A claim the checks do not read comes from the tree.
        assert_eq!(report.claim_str("name"), Some("Jane"));
        assert!(report.payload.is_built());
    }

    #[test]
    fn a_payload_that_is_not_an_object_has_no_claim_rows() {
        let rows = ClaimRows::new(LazyJson::parse_later(b"[1,2]".to_vec()), 0, TokenType::Jwt);
        assert!(rows.is_empty());
        assert!(ClaimRows::none().is_empty());
    }
}
