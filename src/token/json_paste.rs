//! A pasted JSON object: a token response (its tokens, labelled), an OAuth error response, an
//! object that holds tokens somewhere inside (a headers object, a log record), or something
//! else, named by its members.

use serde_json::Value;

use super::locate::{self, Located};
use super::normalize::{Found, TOKEN_FIELDS};

/// What a pasted JSON object turned out to be.
pub(super) enum JsonPaste {
    /// A token response: its tokens, and its other members.
    Tokens(Vec<Found>, Vec<(String, Value)>),
    /// Another object holding tokens (a headers object, a log record).
    Located(Vec<Located>),
    /// An OAuth error response (RFC 6749 §5.2): the server's words, to show as they are.
    Error {
        error: String,
        description: Option<String>,
    },
    Other {
        members: String,
        is_key: bool,
    },
}

/// `{"access_token": …, "id_token": …}`: every token it holds, labelled, plus the rest; or an
/// error response, or another object. `None` when `text` is not a JSON object.
pub(super) fn read_json_paste(text: &str) -> Option<JsonPaste> {
    let Ok(Value::Object(map)) = serde_json::from_str::<Value>(text) else {
        return None;
    };
    let tokens: Vec<Found> = TOKEN_FIELDS
        .iter()
        .filter_map(|name| {
            let token = map.get(*name)?.as_str()?.trim();
            (!token.is_empty()).then(|| Found::bare(Some((*name).to_string()), token.to_string()))
        })
        .collect();
    if tokens.is_empty() {
        if let Some(error) = map.get("error").and_then(Value::as_str) {
            return Some(JsonPaste::Error {
                error: error.to_string(),
                description: map
                    .get("error_description")
                    .and_then(Value::as_str)
                    .map(str::to_string),
            });
        }
        let map = Value::Object(map);
        let found = locate::in_json(&map);
        if !found.is_empty() {
            return Some(JsonPaste::Located(found));
        }
        let Value::Object(map) = map else {
            return None;
        };
        let mut members: Vec<&str> = map.keys().map(String::as_str).take(8).collect();
        if map.len() > members.len() {
            members.push("…");
        }
        return Some(JsonPaste::Other {
            members: members.join(", "),
            is_key: map.contains_key("kty") || map.contains_key("keys"),
        });
    }
    let rest = map
        .into_iter()
        .filter(|(k, _)| !TOKEN_FIELDS.contains(&k.as_str()))
        .collect();
    Some(JsonPaste::Tokens(tokens, rest))
}
