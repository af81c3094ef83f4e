//! Two tokens side by side: before and after a refresh, an access token against its ID token,
//! two pasted ones. Claims and header parameters added, removed and changed (nested objects
//! by path), and the two lifetimes, so "what did the refresh change?" has one answer.

use serde::Serialize;
use serde_json::{Map, Value};

use super::lifetime::Lifetime;
use super::report::Report;

/// What happened to one member between A and B.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
}

impl ChangeKind {
    /// `+`, `-` or `~`, as a terminal diff writes them.
    #[must_use]
    pub fn mark(self) -> char {
        match self {
            Self::Added => '+',
            Self::Removed => '-',
            Self::Changed => '~',
        }
    }
}

/// One member that differs; `path` is dotted for nested objects (`realm_access.roles`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub path: String,
    pub kind: ChangeKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<Value>,
}

/// The differences between two reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diff {
    pub header: Vec<Change>,
    pub claims: Vec<Change>,
    /// The two lifetimes as each report has them (same clock).
    pub lifetimes: [Lifetime; 2],
    /// True when nothing in header or claims differs.
    pub same: bool,
}

/// Compares A and B. Objects are compared member by member, to any depth; arrays and
/// scalars as whole values.
#[must_use]
pub fn diff(a: &Report, b: &Report) -> Diff {
    let mut header = Vec::new();
    compare(&a.header, &b.header, "", &mut header);
    let mut claims = Vec::new();
    compare(&a.payload, &b.payload, "", &mut claims);
    Diff {
        same: header.is_empty() && claims.is_empty(),
        header,
        claims,
        lifetimes: [a.lifetime.clone(), b.lifetime.clone()],
    }
}

fn compare(a: &Value, b: &Value, path: &str, out: &mut Vec<Change>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => compare_maps(x, y, path, out),
        _ if a == b => {}
        _ => out.push(Change {
            path: if path.is_empty() {
                "(whole)".into()
            } else {
                path.into()
            },
            kind: ChangeKind::Changed,
            before: Some(a.clone()),
            after: Some(b.clone()),
        }),
    }
}

fn compare_maps(a: &Map<String, Value>, b: &Map<String, Value>, path: &str, out: &mut Vec<Change>) {
    let join = |key: &str| {
        if path.is_empty() {
            key.to_string()
        } else {
            format!("{path}.{key}")
        }
    };
    for (key, before) in a {
        match b.get(key) {
            Some(after) => compare(before, after, &join(key), out),
            None => out.push(Change {
                path: join(key),
                kind: ChangeKind::Removed,
                before: Some(before.clone()),
                after: None,
            }),
        }
    }
    for (key, after) in b.iter().filter(|(k, _)| !a.contains_key(*k)) {
        out.push(Change {
            path: join(key),
            kind: ChangeKind::Added,
            before: None,
            after: Some(after.clone()),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::{Options, inspect};

    fn report(header: &Value, claims: &Value) -> Report {
        use base64::Engine as _;
        let b64 =
            |v: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
        let token = format!("{}.{}.{}", b64(header), b64(claims), "A".repeat(43));
        inspect(&token, &Options::at(1_800_000_000))
            .unwrap()
            .remove(0)
            .result
            .unwrap()
    }

    #[test]
    fn a_refresh_changes_exp_and_jti_and_nested_roles() {
        let h = serde_json::json!({"alg": "HS256"});
        let a = report(
            &h,
            &serde_json::json!({"sub": "u", "exp": 1_800_000_100, "jti": "1",
            "realm_access": {"roles": ["a"]}, "nonce": "n"}),
        );
        let b = report(
            &h,
            &serde_json::json!({"sub": "u", "exp": 1_800_003_600, "jti": "2",
            "realm_access": {"roles": ["a", "b"]}, "sid": "s"}),
        );
        let d = diff(&a, &b);
        assert!(d.header.is_empty());
        let seen: Vec<(&str, char)> = d
            .claims
            .iter()
            .map(|c| (c.path.as_str(), c.kind.mark()))
            .collect();
        assert_eq!(
            seen,
            [
                ("exp", '~'),
                ("jti", '~'),
                ("realm_access.roles", '~'),
                ("nonce", '-'),
                ("sid", '+')
            ]
        );
        assert!(!d.same);
        assert!(diff(&a, &a).same);
    }
}
