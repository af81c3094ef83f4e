//! A token's decoded claims set against what the authorization server said about it
//! (RFC 7662 introspection): where the two disagree, the server is right and the token is
//! being misread somewhere — an exp the server shortened, a scope it narrowed, a subject that
//! is not who the claims say.

use serde_json::{Map, Value};

use super::claims::string_list;

/// Members RFC 7662 §2.2 and RFC 9068 share with the token's claims, in display order.
pub const COMPARED: [&str; 7] = ["exp", "iat", "nbf", "sub", "client_id", "aud", "scope"];

/// One member the token and the server disagree on, or that only one side has.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Difference {
    pub member: &'static str,
    /// The value in the token's claims, as compact JSON; `None` when the token lacks it.
    pub in_token: Option<String>,
    /// The value in the introspection response; `None` when the server did not say.
    pub from_server: Option<String>,
}

impl Difference {
    /// One line for the window and the CLI.
    #[must_use]
    pub fn describe(&self) -> String {
        match (&self.in_token, &self.from_server) {
            (Some(t), Some(s)) => {
                format!("{}: the token says {t}, the server says {s}", self.member)
            }
            (None, Some(s)) => format!("{}: not in the token; the server says {s}", self.member),
            (Some(t), None) => format!(
                "{}: the token says {t}; the server does not say",
                self.member
            ),
            (None, None) => format!("{}: absent on both sides", self.member),
        }
    }
}

/// The members where `claims` and `introspection` disagree. Only members the server states
/// are compared (RFC 7662 makes all but `active` optional); lists (`aud`, `scope`) are
/// compared as sets, so order and spelling as a string or an array do not matter.
#[must_use]
pub fn compare(claims: &Map<String, Value>, introspection: &Map<String, Value>) -> Vec<Difference> {
    COMPARED
        .into_iter()
        .filter_map(|member| {
            let server = introspection.get(member)?;
            let token = claims.get(member);
            if token.is_some_and(|t| same(member, t, server)) {
                return None;
            }
            Some(Difference {
                member,
                in_token: token.map(Value::to_string),
                from_server: Some(server.to_string()),
            })
        })
        .collect()
}

fn same(member: &str, a: &Value, b: &Value) -> bool {
    match member {
        "aud" => set(a, false) == set(b, false),
        "scope" => set(a, true) == set(b, true),
        // A NumericDate may be written 1.7e9 or 1700000000.0 on either side.
        "exp" | "iat" | "nbf" => a.as_f64().zip(b.as_f64()).is_some_and(|(x, y)| x == y),
        _ => a == b,
    }
}

fn set(value: &Value, space_separated: bool) -> Option<Vec<String>> {
    let mut items = match value {
        Value::String(s) if space_separated => s.split_whitespace().map(str::to_string).collect(),
        other => string_list(other).ok()?,
    };
    items.sort();
    items.dedup();
    Some(items)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn agreement_in_another_spelling_is_agreement() {
        let claims = map(json!({"exp": 1_700_000_000, "aud": "api", "scope": "b a", "sub": "u"}));
        let server =
            map(json!({"active": true, "exp": 1.7e9, "aud": ["api"], "scope": "a b", "sub": "u"}));
        assert_eq!(compare(&claims, &server), []);
    }

    #[test]
    fn a_shortened_exp_and_a_narrowed_scope_are_named() {
        let claims = map(json!({"exp": 1_700_000_000, "scope": "orders:read orders:write"}));
        let server = map(
            json!({"active": true, "exp": 1_699_999_000, "scope": "orders:read", "client_id": "c"}),
        );
        let found = compare(&claims, &server);
        let members: Vec<&str> = found.iter().map(|d| d.member).collect();
        assert_eq!(members, ["exp", "client_id", "scope"]);
        assert_eq!(
            found[0].describe(),
            "exp: the token says 1700000000, the server says 1699999000"
        );
        assert_eq!(
            found[1].describe(),
            "client_id: not in the token; the server says \"c\""
        );
    }
}
