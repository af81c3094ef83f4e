//! JSON parsing for token segments: a `serde_json::Value` plus the member names that appear
//! more than once in one object, which `serde_json` would otherwise drop silently (RFC 7515
//! §5.2 and RFC 7519 §4 say such a JWT must be rejected or the last member used; a user
//! should see which).

use std::cell::RefCell;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// A JSON document parsed from a segment, with its duplicate member names (as JSON paths).
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedJson {
    pub value: Value,
    pub duplicates: Vec<String>,
}

/// Why a segment is not JSON: the byte offset into the decoded segment and serde's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    pub offset: usize,
    pub message: String,
}

/// Parses `bytes` as one JSON value, recording duplicate member names.
pub fn parse(bytes: &[u8]) -> Result<ParsedJson, JsonError> {
    let duplicates = RefCell::new(Vec::new());
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let seed = ValueSeed {
        path: Path::Root,
        duplicates: &duplicates,
    };
    let result = seed.deserialize(&mut de).and_then(|v| de.end().map(|()| v));
    match result {
        Ok(value) => Ok(ParsedJson {
            value,
            duplicates: duplicates.into_inner(),
        }),
        Err(err) => Err(JsonError::new(bytes, &err)),
    }
}

impl JsonError {
    pub(super) fn new(bytes: &[u8], err: &serde_json::Error) -> Self {
        Self {
            // At end of input serde points at the last byte; the problem is just past it.
            offset: if err.is_eof() {
                bytes.len()
            } else {
                offset_of(bytes, err.line(), err.column())
            },
            message: strip_position(&err.to_string()),
        }
    }
}

/// serde_json reports 1-based line and column; turn them into a byte offset.
fn offset_of(bytes: &[u8], line: usize, column: usize) -> usize {
    let mut current_line = 1;
    let mut line_start = 0;
    for (i, b) in bytes.iter().enumerate() {
        if current_line == line {
            break;
        }
        if *b == b'\n' {
            current_line += 1;
            line_start = i + 1;
        }
    }
    (line_start + column.saturating_sub(1)).min(bytes.len())
}

/// serde_json appends " at line L column C"; we report a byte offset instead.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// Where a value sits, kept as borrowed links and only written out for a duplicate: building
/// a path string for every value would cost more than the parse itself.
#[derive(Clone, Copy)]
pub(super) enum Path<'a> {
    Root,
    Member(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Root => f.write_str("$"),
            Self::Member(parent, key) => {
                let plain = !key.is_empty()
                    && key
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
                if plain {
                    write!(f, "{parent}.{key}")
                } else {
                    write!(f, "{parent}[{}]", Value::String((*key).to_owned()))
                }
            }
            Self::Index(parent, i) => write!(f, "{parent}[{i}]"),
        }
    }
}

pub(super) struct ValueSeed<'a> {
    pub(super) path: Path<'a>,
    pub(super) duplicates: &'a RefCell<Vec<String>>,
}

impl<'de> DeserializeSeed<'de> for ValueSeed<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueSeed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        // Non-finite numbers cannot come from JSON text, so this never yields Null.
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        loop {
            let path = Path::Index(&self.path, items.len());
            let seed = ValueSeed {
                path,
                duplicates: self.duplicates,
            };
            match seq.next_element_seed(seed)? {
                Some(v) => items.push(v),
                None => return Ok(Value::Array(items)),
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(ValueSeed {
                path: Path::Member(&self.path, &key),
                duplicates: self.duplicates,
            })?;
            // Last one wins, as serde_json and most JWT libraries do; the duplicate is reported.
            match members.entry(key) {
                serde_json::map::Entry::Occupied(mut slot) => {
                    self.duplicates
                        .borrow_mut()
                        .push(Path::Member(&self.path, slot.key()).to_string());
                    slot.insert(value);
                }
                serde_json::map::Entry::Vacant(slot) => {
                    slot.insert(value);
                }
            }
        }
        Ok(Value::Object(members))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_members_are_reported_with_their_path() {
        let parsed = parse(br#"{"a":1,"b":{"c":1,"c":2},"a":3}"#).unwrap();
        assert_eq!(parsed.duplicates, vec!["$.b.c", "$.a"]);
        assert_eq!(parsed.value["a"], 3);
        assert_eq!(parsed.value["b"]["c"], 2);
    }

    #[test]
    fn error_offset_points_at_the_bad_byte() {
        let err = parse(b"{\"a\":1,\n \"b\" 2}").unwrap_err();
        assert_eq!(err.offset, 13, "{err:?}");
        assert!(err.message.contains("expected `:`"), "{}", err.message);
    }
}
