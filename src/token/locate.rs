//! Tokens inside other text: a log line (`… token=eyJ… user=42`), a curl command with
//! `-H 'Authorization: Bearer …'`, a raw HTTP request, a JSON object of headers, a URL-encoded
//! header value. Each token found says where it was, so a token is never picked out of prose
//! silently.

use serde_json::Value;

/// A token found inside other text, and where.
#[derive(Clone, PartialEq, Eq)]
pub(super) struct Located {
    pub token: String,
    /// The name it had there (`access_token`, a JSON member), when it had one.
    pub label: Option<String>,
    /// Where it was found, in words: "the Authorization header of a curl command".
    pub context: String,
}

/// What kind of text surrounds the tokens, for the context phrase.
fn container(text: &str) -> &'static str {
    let first_line = text.lines().next().unwrap_or("").trim();
    let word = first_line.split_whitespace().next().unwrap_or("");
    if word == "curl" || word.ends_with("/curl") {
        "a curl command"
    } else if first_line.ends_with("HTTP/1.1")
        || first_line.ends_with("HTTP/1.0")
        || first_line.ends_with("HTTP/2")
    {
        "an HTTP request"
    } else if text.lines().filter(|l| !l.trim().is_empty()).count() > 1 {
        "the pasted text"
    } else {
        "a log line"
    }
}

/// Every token in `text`, or none when it holds no recognisable token. Authorization headers
/// first (their value is a token by definition), then JWT-shaped words, then `name=value`
/// pairs with a token's name.
pub(super) fn locate(text: &str) -> Vec<Located> {
    let place = container(text);
    let mut found: Vec<Located> = Vec::new();
    let mut push = |token: &str, label: Option<String>, context: String| {
        if !token.is_empty() && !found.iter().any(|f| f.token == token) {
            found.push(Located {
                token: token.to_string(),
                label,
                context,
            });
        }
    };
    for value in authorization_values(text) {
        push(value, None, format!("the Authorization header of {place}"));
    }
    for (start, jwt) in jwt_words(text) {
        let before = lead_in(&text[..start]);
        let context = match before {
            Some(name) => format!("{place}, after \"{name}\""),
            None => format!("{place}, at byte {start}"),
        };
        push(jwt, None, context);
    }
    for (name, value) in named_values(text) {
        push(
            value,
            Some(name.to_string()),
            format!("{place}, as {name}="),
        );
    }
    found
}

/// The token after `Authorization: Bearer` (or `DPoP`), wherever the header sits: a curl `-H`
/// argument, a line of a request, a log line.
fn authorization_values(text: &str) -> Vec<&str> {
    let lower = text.to_ascii_lowercase();
    let mut values = Vec::new();
    let mut from = 0;
    while let Some(at) = lower[from..].find("authorization") {
        let rest_start = from + at + "authorization".len();
        from = rest_start;
        let rest = &text[rest_start..];
        // `Authorization: …`, `"Authorization": "…"`, `authorization=…`
        let rest = rest.trim_start_matches(['"', '\'']).trim_start();
        let Some(rest) = rest.strip_prefix([':', '=']) else {
            continue;
        };
        let rest = rest.trim_start().trim_start_matches(['"', '\'']);
        let Some((scheme, value)) = rest.split_once(char::is_whitespace) else {
            continue;
        };
        if !scheme.eq_ignore_ascii_case("bearer") && !scheme.eq_ignore_ascii_case("dpop") {
            continue;
        }
        let value = value.trim_start();
        let end = value
            .find(|c: char| !is_token_char(c))
            .unwrap_or(value.len());
        values.push(&value[..end]);
    }
    values
}

/// RFC 6750's b64token characters, plus `=` padding: what a bearer token is made of.
fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~' | '+' | '/' | '=')
}

/// Words shaped like a JWS or JWE: `eyJ…` with two or four dots, base64url in between.
fn jwt_words(text: &str) -> Vec<(usize, &str)> {
    let mut words = Vec::new();
    let mut from = 0;
    while let Some(at) = text[from..].find("eyJ") {
        let start = from + at;
        let len = text[start..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
            .unwrap_or(text.len() - start);
        let word = text[start..start + len].trim_end_matches('.');
        let dots = word.bytes().filter(|&b| b == b'.').count();
        // Part of a longer word (`xeyJ…`) is not a token start.
        let standalone = text[..start]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_ascii_alphanumeric());
        if standalone && (dots == 2 || dots == 4) {
            words.push((start, word));
        }
        from = start + len.max(3);
    }
    words
}

/// The `name=` or `name: ` just before a token in a log line, when there is one.
fn lead_in(before: &str) -> Option<&str> {
    let trimmed = before.trim_end_matches(['"', '\'', ' ']);
    let stripped = trimmed
        .strip_suffix('=')
        .or_else(|| trimmed.strip_suffix(':'))?
        .trim_end_matches(['"', '\'']);
    let name_start = stripped
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')))
        .map_or(0, |i| i + 1);
    let name = &stripped[name_start..];
    (!name.is_empty()).then(|| &trimmed[name_start..])
}

/// `access_token=…`, `id_token=…`, `refresh_token=…`, `token=…` among whitespace-separated
/// words: how log lines write opaque tokens.
fn named_values(text: &str) -> Vec<(&str, &str)> {
    const NAMES: [&str; 5] = [
        "access_token",
        "id_token",
        "refresh_token",
        "token",
        "bearer_token",
    ];
    text.split(|c: char| c.is_whitespace() || c == ',' || c == '&')
        .filter_map(|word| {
            let (name, value) = word.split_once('=')?;
            let value = value.trim_matches(['"', '\'']);
            let name = name.trim_matches(['"', '\'']);
            let long_enough = value.len() >= 16 && value.chars().all(is_token_char);
            (NAMES.contains(&name) && long_enough).then_some((name, value))
        })
        .collect()
}

/// Tokens inside a JSON object that is not a token response: a headers object
/// (`{"Authorization": "Bearer …"}`) or any member whose value is a whole JWT. Members are
/// searched at any depth; the label is the member's path.
pub(super) fn in_json(value: &Value) -> Vec<Located> {
    let mut found = Vec::new();
    walk(value, "", &mut found);
    found
}

fn walk(value: &Value, path: &str, found: &mut Vec<Located>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                let child = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                if let Value::String(s) = v
                    && key.eq_ignore_ascii_case("authorization")
                    && let Some(token) = authorization_values(&format!("Authorization: {s}"))
                        .first()
                        .filter(|t| !t.is_empty())
                {
                    found.push(Located {
                        token: (*token).to_string(),
                        label: None,
                        context: format!("the JSON member \"{child}\" (an Authorization header)"),
                    });
                    continue;
                }
                walk(v, &child, found);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                walk(v, &format!("{path}[{i}]"), found);
            }
        }
        Value::String(s) => {
            if let [(0, jwt)] = jwt_words(s).as_slice()
                && jwt.len() == s.len()
            {
                found.push(Located {
                    token: s.clone(),
                    label: Some(path.to_string()),
                    context: format!("the JSON member \"{path}\""),
                });
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln";

    #[test]
    fn a_log_line_names_what_came_before() {
        let found = locate(&format!("2026-12-03 WARN auth failed token={JWT} user=42"));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].token, JWT);
        assert_eq!(found[0].context, "a log line, after \"token=\"");
    }

    #[test]
    fn curl_and_http_requests() {
        let curl = format!("curl -s -H 'Authorization: Bearer {JWT}' https://api.example/orders");
        let found = locate(&curl);
        assert_eq!(found.len(), 1, "one token, not twice");
        assert_eq!(
            found[0].context,
            "the Authorization header of a curl command"
        );
        let request = "GET /orders HTTP/1.1\r\nHost: api.example\r\nAuthorization: Bearer 2YotnFZFEjr1zCsicMWpAA\r\n\r\n";
        let found = locate(request);
        assert_eq!(found[0].token, "2YotnFZFEjr1zCsicMWpAA");
        assert_eq!(
            found[0].context,
            "the Authorization header of an HTTP request"
        );
    }

    #[test]
    fn prose_without_a_token_finds_nothing() {
        assert!(locate("the token expired yesterday. Try again. Later").is_empty());
        assert!(locate("token=short user=42").is_empty());
    }

    #[test]
    fn a_headers_object() {
        let v: Value = serde_json::from_str(&format!(
            r#"{{"headers": {{"Content-Type": "application/json", "Authorization": "Bearer {JWT}"}}}}"#
        ))
        .unwrap();
        let found = in_json(&v);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].token, JWT);
        assert!(
            found[0].context.contains("headers.Authorization"),
            "{}",
            found[0].context
        );
    }
}
