//! The tree view's model: header and payload flattened into rows once per token, so drawing
//! is a slice of rows (`ScrollArea::show_rows`) and expand, collapse and search are passes
//! over plain vectors — never over the JSON — however big the payload is.

use std::collections::HashSet;

use serde_json::Value;

use crate::token::text::escape_format_chars;
use crate::token::time::HumanTime;
use crate::ui::widgets::mask;
use crate::ui::widgets::style::Syntax;

/// Leaf values longer than this are cut in the row; "Copy value" gives the whole value.
const MAX_PREVIEW_CHARS: usize = 300;
/// Claims whose number is a NumericDate, annotated with the local time.
const DATE_KEYS: [&str; 6] = ["exp", "nbf", "iat", "auth_time", "updated_at", "toe"];

/// One line of the tree.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub depth: u16,
    /// The member name, `[i]` for an array item, `header`/`payload` for the roots.
    pub key: String,
    /// A path a developer can paste into code: `payload.realm_access.roles[0]`.
    pub path: String,
    /// The RFC 6901 pointer into `header` or `payload`, to copy the full value.
    pub pointer: String,
    pub in_payload: bool,
    pub value: RowValue,
    /// Index just past this row's last descendant.
    pub end: usize,
    pub parent: Option<usize>,
    /// A personal claim (`email`, `name` …) or part of one: hidden in presenter mode.
    pub personal: bool,
    /// Lower-case key and value, for the search filter.
    haystack: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RowValue {
    Container {
        array: bool,
        len: usize,
    },
    Leaf {
        text: String,
        syntax: Syntax,
        /// A date's local time, shown beside the number.
        note: Option<String>,
    },
}

/// All rows of one token.
#[derive(Debug, Clone, Default)]
pub struct TreeModel {
    pub rows: Vec<Row>,
}

impl TreeModel {
    /// Flattens `header` and `payload`; a `Null` root is left out.
    #[must_use]
    pub fn build(header: &Value, payload: &Value, now: i64) -> Self {
        let mut model = Self::default();
        for (name, value, in_payload) in [("header", header, false), ("payload", payload, true)] {
            if !value.is_null() {
                model.push(
                    0,
                    name.into(),
                    name.into(),
                    String::new(),
                    in_payload,
                    value,
                    None,
                    now,
                );
            }
        }
        model
    }

    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        depth: u16,
        key: String,
        path: String,
        pointer: String,
        in_payload: bool,
        value: &Value,
        parent: Option<usize>,
        now: i64,
    ) {
        let index = self.rows.len();
        let row_value = match value {
            Value::Object(map) => RowValue::Container {
                array: false,
                len: map.len(),
            },
            Value::Array(items) => RowValue::Container {
                array: true,
                len: items.len(),
            },
            leaf => leaf_value(&key, leaf, depth == 1 && in_payload, now),
        };
        let haystack = match &row_value {
            RowValue::Leaf { text, .. } => format!("{key}\u{0}{text}").to_lowercase(),
            RowValue::Container { .. } => key.to_lowercase(),
        };
        let personal = in_payload
            && ((depth == 1 && mask::is_personal(&key))
                || parent.is_some_and(|p| self.rows[p].personal));
        self.rows.push(Row {
            depth,
            key: escape_format_chars(&key).into_owned(),
            path: path.clone(),
            pointer: pointer.clone(),
            in_payload,
            value: row_value,
            end: index + 1,
            parent,
            personal,
            haystack,
        });
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    let child_path = member_path(&path, k);
                    let child_pointer =
                        format!("{pointer}/{}", k.replace('~', "~0").replace('/', "~1"));
                    self.push(
                        depth + 1,
                        k.clone(),
                        child_path,
                        child_pointer,
                        in_payload,
                        v,
                        Some(index),
                        now,
                    );
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    self.push(
                        depth + 1,
                        format!("[{i}]"),
                        format!("{path}[{i}]"),
                        format!("{pointer}/{i}"),
                        in_payload,
                        v,
                        Some(index),
                        now,
                    );
                }
            }
            _ => {}
        }
        self.rows[index].end = self.rows.len();
    }

    /// The rows to draw: collapsed subtrees skipped; with a query, the matching rows, their
    /// ancestors (for context) and their descendants, whatever is collapsed. With
    /// `hide_personal`, a personal value is not searched (a match would give it away), only
    /// its key.
    #[must_use]
    pub fn visible(
        &self,
        collapsed: &HashSet<usize>,
        query: &str,
        hide_personal: bool,
    ) -> Vec<usize> {
        let query = query.trim().to_lowercase();
        let mut out = Vec::new();
        if query.is_empty() {
            let mut i = 0;
            while i < self.rows.len() {
                out.push(i);
                i = if collapsed.contains(&i) {
                    self.rows[i].end
                } else {
                    i + 1
                };
            }
            return out;
        }
        let mut keep = vec![false; self.rows.len()];
        let mut i = 0;
        while i < self.rows.len() {
            let row = &self.rows[i];
            let searched = if hide_personal && row.personal {
                row.haystack.split('\0').next().unwrap_or_default()
            } else {
                row.haystack.as_str()
            };
            if searched.contains(&query) {
                keep[i..self.rows[i].end].fill(true);
                let mut parent = self.rows[i].parent;
                while let Some(p) = parent {
                    if keep[p] {
                        break;
                    }
                    keep[p] = true;
                    parent = self.rows[p].parent;
                }
                i = self.rows[i].end;
            } else {
                i += 1;
            }
        }
        out.extend(keep.iter().enumerate().filter(|(_, k)| **k).map(|(i, _)| i));
        out
    }

    /// Every container row: "Collapse all".
    #[must_use]
    pub fn containers(&self) -> HashSet<usize> {
        (0..self.rows.len())
            .filter(|&i| {
                matches!(self.rows[i].value, RowValue::Container { .. }) && self.rows[i].depth > 0
            })
            .collect()
    }
}

fn leaf_value(key: &str, value: &Value, top_level_claim: bool, now: i64) -> RowValue {
    let (text, syntax) = match value {
        Value::String(s) => (
            escape_format_chars(
                &Value::String(
                    crate::ui::widgets::style::truncate(s, MAX_PREVIEW_CHARS).into_owned(),
                )
                .to_string(),
            )
            .into_owned(),
            Syntax::String,
        ),
        Value::Number(n) => (n.to_string(), Syntax::Number),
        other => (other.to_string(), Syntax::Literal),
    };
    let note = match value {
        Value::Number(n) if top_level_claim && DATE_KEYS.contains(&key) => n
            .as_i64()
            .filter(|t| (0..253_402_300_800).contains(t))
            .map(|t| HumanTime::new(t, now).local()),
        _ => None,
    };
    RowValue::Leaf { text, syntax, note }
}

/// `parent.key`, or `parent["odd key"]` when the key is not an identifier.
fn member_path(parent: &str, key: &str) -> String {
    let plain = key
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain {
        format!("{parent}.{key}")
    } else {
        format!("{parent}[{}]", Value::String(key.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn model() -> TreeModel {
        TreeModel::build(
            &json!({"alg": "RS256"}),
            &json!({"sub": "ada", "exp": 1700000000, "realm_access": {"roles": ["viewer", "editor"]}, "x5t#S256": "t"}),
            1_700_000_000,
        )
    }

    #[test]
    fn rows_carry_paths_pointers_and_subtree_ends() {
        let m = model();
        let paths: Vec<&str> = m.rows.iter().map(|r| r.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "header",
                "header.alg",
                "payload",
                "payload.sub",
                "payload.exp",
                "payload.realm_access",
                "payload.realm_access.roles",
                "payload.realm_access.roles[0]",
                "payload.realm_access.roles[1]",
                "payload[\"x5t#S256\"]",
            ]
        );
        assert_eq!(m.rows[7].pointer, "/realm_access/roles/0");
        assert_eq!(m.rows[5].end, 9);
        assert!(matches!(
            &m.rows[4].value,
            RowValue::Leaf { note: Some(_), .. }
        ));
    }

    #[test]
    fn collapsing_hides_the_subtree() {
        let m = model();
        let visible = m.visible(&HashSet::from([5]), "", false);
        assert!(visible.contains(&5) && !visible.contains(&6) && visible.contains(&9));
    }

    #[test]
    fn search_keeps_ancestors_and_matches_values() {
        let m = model();
        assert_eq!(m.visible(&HashSet::new(), "EDITOR", false), [2, 5, 6, 8]);
        assert_eq!(
            m.visible(&HashSet::from([5]), "roles", false),
            [2, 5, 6, 7, 8]
        );
        assert!(
            m.visible(&HashSet::new(), "nothing-like-this", false)
                .is_empty()
        );
    }

    #[test]
    fn hidden_personal_values_are_not_searched() {
        let m = TreeModel::build(
            &json!({}),
            &json!({"email": "ada@example.org", "address": {"locality": "London"}}),
            0,
        );
        assert!(m.rows.iter().filter(|r| r.personal).count() == 3);
        assert!(m.visible(&HashSet::new(), "ada@", true).is_empty());
        assert!(m.visible(&HashSet::new(), "london", true).is_empty());
        assert!(!m.visible(&HashSet::new(), "email", true).is_empty());
        assert!(!m.visible(&HashSet::new(), "ada@", false).is_empty());
    }
}
