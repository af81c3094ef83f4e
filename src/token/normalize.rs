//! What people paste is rarely a bare token: an `Authorization` header, a redirect URL with
//! `#access_token=…`, a quoted string from a log, or a whole token-endpoint response. This
//! module finds the token(s) in it and says what it stripped, so nothing happens silently.

use serde_json::Value;

use super::json_paste::{JsonPaste, read_json_paste};
use super::locate::{self, Located};
use super::parse::{MAX_TOKEN_BYTES, ParseError};
use super::text::has_whitespace;

/// One token found in the input, with the name it had there (`access_token`, `id_token` …).
#[derive(Clone, PartialEq, Eq)]
pub struct Found {
    pub label: Option<String>,
    pub token: String,
    /// Where in surrounding text it was found ("a log line, after \"token=\""), when the
    /// paste was more than the token.
    pub context: Option<String>,
}

impl Found {
    pub(super) fn bare(label: Option<String>, token: String) -> Self {
        Self {
            label,
            token,
            context: None,
        }
    }
}

impl From<Located> for Found {
    fn from(l: Located) -> Self {
        Self {
            label: l.label,
            token: l.token,
            context: Some(l.context),
        }
    }
}

// By hand: the token (a refresh token is a credential) never reaches Debug output.
impl std::fmt::Debug for Found {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Found")
            .field("label", &self.label)
            .field("token", &format_args!("<{} bytes>", self.token.len()))
            .field("context", &self.context)
            .finish()
    }
}

/// The tokens found in a paste and what was removed to find them.
#[derive(Clone, PartialEq, Eq)]
pub struct Normalized {
    pub tokens: Vec<Found>,
    /// One plain phrase per thing removed, in the order it was removed.
    pub stripped: Vec<String>,
    /// Non-token members of a pasted token response (`token_type`, `expires_in`, `scope` …).
    pub response_fields: Vec<(String, Value)>,
}

// By hand: a response's other members may hold a secret of their own (`device_secret`).
impl std::fmt::Debug for Normalized {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self
            .response_fields
            .iter()
            .map(|(k, _)| k.as_str())
            .collect();
        f.debug_struct("Normalized")
            .field("tokens", &self.tokens)
            .field("stripped", &self.stripped)
            .field("response_fields", &names)
            .finish()
    }
}

/// Token names a token-endpoint response (RFC 6749 §5.1, OIDC Core §3.1.3.3, RFC 8693) or a
/// redirect fragment can carry, in display order.
pub(super) const TOKEN_FIELDS: [&str; 4] =
    ["access_token", "id_token", "refresh_token", "issued_token"];

/// Finds the token or tokens in what the user pasted.
pub fn normalize(input: &str) -> Result<Normalized, ParseError> {
    normalize_at(input, 0)
}

fn normalize_at(input: &str, depth: usize) -> Result<Normalized, ParseError> {
    if input.len() > MAX_TOKEN_BYTES + 64 * 1024 {
        return Err(ParseError::TooLarge {
            len: input.len(),
            max: MAX_TOKEN_BYTES,
        });
    }
    // The common paste, a bare compact token, has nothing to strip: every step below would
    // scan it once more to find that out.
    if is_bare_compact(input) {
        return Ok(Normalized {
            tokens: vec![Found::bare(None, input.to_string())],
            stripped: Vec::new(),
            response_fields: Vec::new(),
        });
    }
    let mut stripped = Vec::new();
    let mut text = trim_noting(input, &mut stripped);

    if text.starts_with('{') {
        match read_json_paste(text) {
            Some(JsonPaste::Tokens(tokens, response_fields)) => {
                stripped.push("token endpoint response JSON".to_string());
                return Ok(Normalized {
                    tokens,
                    stripped,
                    response_fields,
                });
            }
            Some(JsonPaste::Located(found)) => {
                stripped.push("the JSON around the token".to_string());
                return Ok(Normalized {
                    tokens: found.into_iter().map(Found::from).collect(),
                    stripped,
                    response_fields: Vec::new(),
                });
            }
            Some(JsonPaste::Error { error, description }) => {
                return Err(ParseError::ErrorResponse { error, description });
            }
            Some(JsonPaste::Other { members, is_key }) => {
                return Err(ParseError::NoTokenInJson {
                    members,
                    hint: if is_key {
                        "; it is a key: give it to verify a signature"
                    } else {
                        ""
                    },
                });
            }
            // Not JSON after all: the token parser says what is wrong with it.
            None => {}
        }
    }

    loop {
        let before = text;
        text = strip_quotes(text, &mut stripped);
        text = strip_authorization(text, &mut stripped);
        text = trim_noting(text, &mut stripped);
        if text == before {
            break;
        }
    }

    if let Some(found) = from_url_parameters(text, &mut stripped) {
        return Ok(Normalized {
            tokens: found,
            stripped,
            response_fields: Vec::new(),
        });
    }

    if text.is_empty() {
        return Err(ParseError::Empty);
    }
    // `Bearer%20eyJ…`: a header value that went through URL encoding.
    if depth == 0 && text.contains('%') {
        let decoded = percent_decode(text);
        if decoded != text && decoded.contains([' ', '"', '.']) {
            let mut inner = normalize_at(&decoded, depth + 1)?;
            stripped.push("URL encoding".to_string());
            stripped.append(&mut inner.stripped);
            inner.stripped = stripped;
            return Ok(inner);
        }
    }
    if let Some(joined) = unwrapped_jws(text) {
        note(&mut stripped, "line breaks inside the token");
        return Ok(Normalized {
            tokens: vec![Found::bare(None, joined)],
            stripped,
            response_fields: Vec::new(),
        });
    }
    // More than a token: a log line, a curl command, an HTTP request.
    if has_whitespace(text) || text.contains("://") {
        let found = locate::locate(text);
        if !found.is_empty() {
            stripped.push("the text around the token".to_string());
            return Ok(Normalized {
                tokens: found.into_iter().map(Found::from).collect(),
                stripped,
                response_fields: Vec::new(),
            });
        }
    }
    // A page the server sent instead of a token (a login form, an error page).
    if text.starts_with('<') {
        return Err(ParseError::NotAToken {
            what: "this is HTML or XML (a page the server sent?)",
        });
    }
    if text.contains("://") {
        return Err(ParseError::NotAToken {
            what: if text.contains("code=") {
                "this URL carries an authorization code (code=), which is exchanged for tokens at the token endpoint"
            } else {
                "this URL carries no access_token, id_token or refresh_token"
            },
        });
    }
    Ok(Normalized {
        tokens: vec![Found::bare(None, text.to_string())],
        stripped,
        response_fields: Vec::new(),
    })
}

/// Only base64url characters and dots: no quotes, prefix, whitespace, URL or JSON around it.
/// Without branches or an early exit, which the compiler turns into 16 bytes a step: faster
/// over a token than stopping at the first other byte (a paste that is not a bare token is
/// read whole once more, at a fraction of what the steps below cost it).
fn is_bare_compact(text: &str) -> bool {
    !text.is_empty()
        && text.as_bytes().iter().fold(true, |ok, &b| {
            ok & (b.is_ascii_alphanumeric() | (b == b'-') | (b == b'_') | (b == b'.'))
        })
}

/// A JWS that a terminal, an e-mail or a log viewer wrapped over several lines: it starts
/// like a JWT, every line but the last has the same width, the pieces are base64url and
/// dots, and joined they hold exactly two dots. Two tokens on two lines (four dots), or a JWT
/// and a refresh token (lines of other widths), are left for the parser to name.
fn unwrapped_jws(text: &str) -> Option<String> {
    // Wrapping breaks lines; a space alone is more likely a paste gone wrong, and the parser
    // names it.
    let bytes = text.as_bytes();
    if !text.starts_with("eyJ") || !(bytes.contains(&b'\n') || bytes.contains(&b'\r')) {
        return None;
    }
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let width = lines.first()?.len();
    let (last, full) = lines.split_last()?;
    if full.iter().any(|l| l.len() != width) || last.len() > width {
        return None;
    }
    // Two lines whose first is a whole JWS already: a token and something else after it.
    if lines.len() == 2 && lines[0].matches('.').count() >= 2 {
        return None;
    }
    let joined: String = lines.concat();
    let token_chars = joined
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    (token_chars && joined.bytes().filter(|&b| b == b'.').count() == 2).then_some(joined)
}

fn trim_noting<'a>(text: &'a str, stripped: &mut Vec<String>) -> &'a str {
    let trimmed = text.trim();
    if trimmed.len() != text.len() {
        note(stripped, "surrounding whitespace");
    }
    trimmed
}

fn note(stripped: &mut Vec<String>, what: &str) {
    if !stripped.iter().any(|s| s == what) {
        stripped.push(what.to_string());
    }
}

fn strip_quotes<'a>(text: &'a str, stripped: &mut Vec<String>) -> &'a str {
    for q in ['"', '\'', '`'] {
        if text.len() >= 2 && text.starts_with(q) && text.ends_with(q) {
            note(stripped, "surrounding quotes");
            return &text[1..text.len() - 1];
        }
    }
    // A line copied from code or JSON often keeps a trailing comma.
    if let Some(inner) = text.strip_suffix("\",").and_then(|r| r.strip_prefix('"')) {
        note(stripped, "surrounding quotes");
        return inner;
    }
    text
}

fn strip_authorization<'a>(text: &'a str, stripped: &mut Vec<String>) -> &'a str {
    let mut text = text;
    if let Some(rest) = strip_prefix_ignore_case(text, "authorization:") {
        note(stripped, "\"Authorization:\" header name");
        text = rest.trim_start();
    }
    for scheme in ["bearer", "dpop"] {
        // Any whitespace after the scheme: a copied header may hold a tab.
        if let Some(rest) = strip_prefix_ignore_case(text, scheme)
            && rest.starts_with(char::is_whitespace)
        {
            let label = format!("\"{}\" scheme", &text[..scheme.len()]);
            note(stripped, &label);
            text = rest.trim_start();
        }
    }
    text
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// A redirect URL, a fragment or a form body: `…#access_token=…&id_token=…`.
fn from_url_parameters(text: &str, stripped: &mut Vec<String>) -> Option<Vec<Found>> {
    // A bare JWT has no '=' at all (base64url without padding): one scan rules most out.
    let named = |name: &str| {
        text.match_indices(name)
            .any(|(at, _)| text[at + name.len()..].starts_with('='))
    };
    if !text.contains('=') || !TOKEN_FIELDS.iter().any(|name| named(name)) {
        return None;
    }
    let (params, what) = match (text.find('#'), text.find('?')) {
        (Some(i), _) => (&text[i + 1..], "URL fragment"),
        (None, Some(i)) => (&text[i + 1..], "URL query"),
        (None, None) => (text, "form parameters"),
    };
    let mut found = Vec::new();
    for pair in params.split('&') {
        let Some((key, value)) = pair.split_once('=') else {
            continue;
        };
        if TOKEN_FIELDS.contains(&key) && !value.is_empty() {
            found.push(Found::bare(Some(key.to_string()), percent_decode(value)));
        }
    }
    if found.is_empty() {
        return None;
    }
    note(stripped, what);
    Some(found)
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let decoded = (bytes[i] == b'%')
            .then(|| text.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match decoded {
            Some(b) => {
                out.push(b);
                i += 3;
            }
            None => {
                out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_bare_compact_token_skips_the_stripping() {
        let long = "a".repeat(100);
        for bare in [
            "eyJhbGciOiJub25lIn0.e30.",
            "2YotnFZFEjr1zCsicMWpAA",
            "a-b_c.D9",
            &long,
        ] {
            assert!(is_bare_compact(bare), "{bare}");
            let found = normalize(bare).unwrap();
            assert_eq!(found.tokens[0].token, bare);
            assert!(found.stripped.is_empty());
        }
        // A space past the first 64-byte block, and everything that needs stripping.
        let spaced = format!("{long} x");
        for other in [
            &spaced[..],
            "",
            "Bearer x",
            "'x'",
            "x%2E",
            "a=b",
            "{}",
            "\"x\"",
            "a/b",
        ] {
            assert!(!is_bare_compact(other), "{other:?}");
        }
    }

    fn one(input: &str) -> (String, Vec<String>) {
        let n = normalize(input).unwrap();
        assert_eq!(n.tokens.len(), 1, "{n:?}");
        (n.tokens[0].token.clone(), n.stripped)
    }

    #[test]
    fn authorization_header_line() {
        let (t, s) = one("  Authorization: Bearer abc.def.ghi\n");
        assert_eq!(t, "abc.def.ghi");
        assert_eq!(
            s,
            [
                "surrounding whitespace",
                "\"Authorization:\" header name",
                "\"Bearer\" scheme"
            ]
        );
    }

    #[test]
    fn debug_output_names_tokens_by_length_only() {
        let n = normalize(
            r#"{"access_token": "eyJhbGciOiJub25lIn0.e30.", "refresh_token": "8xLOxBtZp8"}"#,
        )
        .unwrap();
        let debug = format!("{n:?}");
        assert!(
            !debug.contains("8xLOxBtZp8") && !debug.contains("eyJhbGci"),
            "{debug}"
        );
        assert!(debug.contains("<10 bytes>"), "{debug}");
        let parsed =
            super::super::parse::parse("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJl")
                .unwrap();
        let debug = format!("{parsed:?}");
        assert!(
            !debug.contains("eyJzdWIiOiJhIn0") && !debug.contains("115, 105, 103"),
            "{debug}"
        );
        assert!(debug.contains("\"sub\""), "the claims are shown: {debug}");
    }

    #[test]
    fn a_tab_after_the_scheme_is_whitespace_too() {
        let (t, s) = one("Bearer\tabc.def.ghi");
        assert_eq!(t, "abc.def.ghi");
        assert_eq!(s, ["\"Bearer\" scheme"]);
        // A token that merely starts with the letters is left alone.
        assert_eq!(one("bearerish").0, "bearerish");
    }

    #[test]
    fn a_wrapped_token_is_joined_but_two_tokens_are_not() {
        let (t, s) = one("eyJhbGciOiJIUzI1NiJ9.eyJzdWIi\n  OiJhIn0.c2ln\n");
        assert_eq!(t, "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln");
        assert!(
            s.contains(&"line breaks inside the token".to_string()),
            "{s:?}"
        );
        let (t, _) = one("a.b.c\nd.e.f");
        assert_eq!(t, "a.b.c\nd.e.f");
        // A JWT, then something else on the next line: not joined; the JWT is found, and
        // where it was is said.
        let n = normalize("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln\n8xLOxBtZp8").unwrap();
        assert_eq!(n.tokens.len(), 1);
        assert_eq!(
            n.tokens[0].token,
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln"
        );
        assert_eq!(
            n.tokens[0].context.as_deref(),
            Some("the pasted text, at byte 0")
        );
        // Wrapped at a fixed width over three lines, the signature split too.
        let (t, _) = one("eyJhbGciOiJIUzI1\nNiJ9.eyJzdWIiOiJ\nhIn0.c2ln");
        assert_eq!(t, "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln");
        // A space is not wrapping: left alone for the parser to report.
        assert_eq!(one("a.b c.d").0, "a.b c.d");
        assert_eq!(one("a.b\n{c}.d").0, "a.b\n{c}.d");
    }

    #[test]
    fn a_url_without_a_token_says_what_it_holds() {
        let err = normalize("https://app.example/cb?code=abc&state=1")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("authorization code") && err.ends_with("not a token"),
            "{err}"
        );
        let err = normalize("https://app.example/cb").unwrap_err().to_string();
        assert!(err.contains("carries no access_token"), "{err}");
    }

    #[test]
    fn an_error_response_or_other_json_is_not_a_token() {
        let err =
            normalize(r#"{"error":"invalid_grant","error_description":"Refresh token expired"}"#)
                .unwrap_err()
                .to_string();
        assert!(
            err.contains("OAuth error response")
                && err.contains("invalid_grant: Refresh token expired"),
            "{err}"
        );
        let err = normalize(r#"{"kty":"RSA","n":"x","e":"AQAB"}"#)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("members: kty, n, e") && err.contains("it is a key"),
            "{err}"
        );
    }

    #[test]
    fn quoted_lowercase_bearer() {
        let (t, s) = one("\"bearer xyz\"");
        assert_eq!(t, "xyz");
        assert_eq!(s, ["surrounding quotes", "\"bearer\" scheme"]);
    }

    #[test]
    fn fragment_with_several_tokens() {
        let n = normalize(
            "http://127.0.0.1/cb#access_token=a.b.c&token_type=Bearer&id_token=d%2Ee.f&state=x",
        )
        .unwrap();
        let labels: Vec<_> = n.tokens.iter().map(|f| f.label.clone().unwrap()).collect();
        assert_eq!(labels, ["access_token", "id_token"]);
        assert_eq!(n.tokens[1].token, "d.e.f");
        assert_eq!(n.stripped, ["URL fragment"]);
    }

    #[test]
    fn token_response_yields_each_token() {
        let n = normalize(
            r#"{"access_token":"a","token_type":"Bearer","expires_in":300,"refresh_token":"r","id_token":"i"}"#,
        )
        .unwrap();
        let labels: Vec<_> = n
            .tokens
            .iter()
            .map(|f| f.label.as_deref().unwrap())
            .collect();
        assert_eq!(labels, ["access_token", "id_token", "refresh_token"]);
        assert_eq!(n.response_fields.len(), 2);
    }

    #[test]
    fn blank_input_is_empty() {
        assert_eq!(normalize("  \"\" ").unwrap_err(), ParseError::Empty);
    }
}
