//! One request and its response as they went over the wire, for the exchange log and `-v`.
//! Everything secret inside (the Authorization header, client secrets, passwords, codes,
//! refresh tokens, tokens in response bodies) is masked unless the caller reveals it, and
//! "copy as curl" writes `$CLIENT_SECRET`-style placeholders by default.

use std::fmt;
use std::time::Duration;

use base64::Engine as _;
use chrono::{DateTime, Utc};
use reqwest::header::{AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, HeaderName, USER_AGENT};
use serde_json::Value;

use crate::sensitive::Sensitive;

/// A clock difference larger than this is a `clock` finding (DESIGN.md: 60 s).
pub const CLOCK_SKEW_LIMIT_SECONDS: i64 = 60;

/// Form fields and JSON members whose values are secrets or tokens.
const SECRET_FIELDS: &[&str] = &[
    "client_secret",
    "client_assertion",
    "refresh_token",
    "password",
    "code",
    "code_verifier",
    "device_code",
    "token",
    "access_token",
    "id_token",
    "subject_token",
    "actor_token",
    "assertion",
];

/// Headers whose values are credentials.
const SECRET_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "dpop",
];

/// Which endpoint a call goes to; it names the endpoint in every message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Endpoint {
    Token,
    /// The device authorization endpoint (RFC 8628 §3.1).
    DeviceAuthorization,
    Introspection,
    Revocation,
    Userinfo,
    /// Any API the user calls with a token (`call`).
    Api,
    /// An OIDC discovery or RFC 8414 metadata document.
    Discovery,
    /// A JWKS (the server's public keys).
    Jwks,
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Token => "the token endpoint",
            Self::DeviceAuthorization => "the device authorization endpoint",
            Self::Introspection => "the introspection endpoint",
            Self::Revocation => "the revocation endpoint",
            Self::Userinfo => "the userinfo endpoint",
            Self::Api => "the API",
            Self::Discovery => "the discovery document",
            Self::Jwks => "the JWKS",
        })
    }
}

/// One HTTP header as sent or received. The value is kept whole; `Exchange` masks it.
#[derive(Clone, PartialEq, Eq)]
pub struct Header {
    pub name: String,
    pub value: Sensitive,
}

impl fmt::Debug for Header {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}",
            self.name,
            mask_header(&self.name, &self.value, false)
        )
    }
}

/// The response half of an exchange.
#[derive(Clone, PartialEq, Eq)]
pub struct ExchangeResponse {
    pub status: u16,
    pub headers: Vec<Header>,
    /// The body as received, at most `http::MAX_BODY_BYTES`.
    pub body: Vec<u8>,
    /// True when reading stopped at the size cap: `body` is only the start of what was sent.
    pub capped: bool,
    /// The server's `Date` header, when it sent a valid one.
    pub server_date: Option<DateTime<Utc>>,
}

impl ExchangeResponse {
    /// The first value of header `name` (case-insensitive).
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&str> {
        header_in(&self.headers, name)
    }

    /// Every value of header `name`, in order (e.g. several `WWW-Authenticate` lines).
    pub fn headers_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |h| h.name.eq_ignore_ascii_case(name))
            .map(|h| &*h.value)
    }
}

/// A request and, when one came back, its response.
#[derive(Clone, PartialEq, Eq)]
pub struct Exchange {
    /// What was called.
    pub endpoint: Endpoint,
    pub method: String,
    pub url: String,
    pub request_headers: Vec<Header>,
    /// The request body as sent (a form for OAuth endpoints).
    pub request_body: Option<Sensitive>,
    /// When the request started (local clock).
    pub started_at: DateTime<Utc>,
    /// From sending to the end of the body (or to the failure).
    pub duration: Duration,
    /// None when no response came back (DNS, refused, TLS, timeout before the headers).
    pub response: Option<ExchangeResponse>,
}

impl fmt::Debug for Exchange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Exchange")
            .field("endpoint", &self.endpoint)
            .field("method", &self.method)
            .field("url", &self.url)
            .field("request_body", &self.request_body_text(false))
            .field("status", &self.response.as_ref().map(|r| r.status))
            .field("duration", &self.duration)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for ExchangeResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExchangeResponse")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body_bytes", &self.body.len())
            .field("capped", &self.capped)
            .finish()
    }
}

impl Exchange {
    /// The HTTP status, when a response came back.
    #[must_use]
    pub fn status(&self) -> Option<u16> {
        self.response.as_ref().map(|r| r.status)
    }

    /// When the response was complete (local clock).
    #[must_use]
    pub fn received_at(&self) -> DateTime<Utc> {
        self.started_at + chrono::Duration::from_std(self.duration).unwrap_or_default()
    }

    /// Server clock minus local clock, in whole seconds (positive: the server is ahead).
    /// None when the server sent no usable `Date` header.
    #[must_use]
    pub fn clock_skew_seconds(&self) -> Option<i64> {
        let date = self.response.as_ref()?.server_date?;
        // Date has one-second resolution and was written while the response was on its way:
        // compare with the middle of the exchange.
        let midpoint =
            self.started_at + chrono::Duration::from_std(self.duration / 2).unwrap_or_default();
        Some(((date - midpoint).num_milliseconds() + 500).div_euclid(1000))
    }

    /// The skew when it is larger than `CLOCK_SKEW_LIMIT_SECONDS` either way: a finding.
    #[must_use]
    pub fn clock_skew_finding(&self) -> Option<i64> {
        self.clock_skew_seconds()
            .filter(|s| s.abs() > CLOCK_SKEW_LIMIT_SECONDS)
    }

    /// Request headers for display, credentials masked unless `reveal`.
    #[must_use]
    pub fn request_headers_text(&self, reveal: bool) -> Vec<(String, String)> {
        headers_text(&self.request_headers, reveal)
    }

    /// Response headers for display, cookies masked unless `reveal`.
    #[must_use]
    pub fn response_headers_text(&self, reveal: bool) -> Vec<(String, String)> {
        self.response
            .as_ref()
            .map(|r| headers_text(&r.headers, reveal))
            .unwrap_or_default()
    }

    /// The request body for display: form fields holding secrets masked unless `reveal`.
    #[must_use]
    pub fn request_body_text(&self, reveal: bool) -> Option<String> {
        let body = self.request_body.as_ref()?;
        if reveal {
            return Some(body.reveal().to_string());
        }
        if is_form(&self.request_headers) {
            return Some(mask_form(body));
        }
        Some(mask_text_body(body))
    }

    /// The response body for display (lossy UTF-8): tokens in a JSON body masked unless
    /// `reveal`. HTML stays text: the caller shows it escaped, never rendered.
    #[must_use]
    pub fn response_body_text(&self, reveal: bool) -> Option<String> {
        let body = &self.response.as_ref()?.body;
        let text = String::from_utf8_lossy(body).into_owned();
        if reveal {
            return Some(text);
        }
        Some(mask_text_body(&text))
    }

    /// The request as a curl command. Without `reveal`, every secret is a shell variable
    /// (`$CLIENT_SECRET`, `$REFRESH_TOKEN`, `$ACCESS_TOKEN` …) the user sets first.
    #[must_use]
    pub fn to_curl(&self, reveal: bool) -> String {
        let mut parts = vec![if self.method == "GET" {
            format!("curl {}", shell_quote(&self.url))
        } else {
            format!("curl -X {} {}", self.method, shell_quote(&self.url))
        }];
        let form = is_form(&self.request_headers);
        for h in &self.request_headers {
            let is = |name: HeaderName| h.name.eq_ignore_ascii_case(name.as_str());
            if is(USER_AGENT) || is(CONTENT_LENGTH) {
                continue;
            }
            if is(CONTENT_TYPE) && form {
                continue; // --data-urlencode sets it
            }
            if is(AUTHORIZATION) && !reveal {
                parts.push(curl_authorization(&h.value));
                continue;
            }
            let value = if reveal {
                h.value.reveal().to_string()
            } else {
                mask_header(&h.name, &h.value, false)
            };
            parts.push(format!(
                "-H {}",
                shell_quote(&format!("{}: {value}", h.name))
            ));
        }
        if let Some(body) = &self.request_body {
            if form {
                for (name, value) in url::form_urlencoded::parse(body.as_bytes()) {
                    if !reveal && is_secret_field(&name) {
                        parts.push(format!(
                            "--data-urlencode \"{name}=${}\"",
                            placeholder(&name)
                        ));
                    } else {
                        parts.push(format!(
                            "--data-urlencode {}",
                            shell_quote(&format!("{name}={value}"))
                        ));
                    }
                }
            } else {
                let text = if reveal {
                    body.reveal().to_string()
                } else {
                    mask_text_body(body)
                };
                parts.push(format!("--data-raw {}", shell_quote(&text)));
            }
        }
        parts.join(" \\\n  ")
    }
}

fn header_in<'a>(headers: &'a [Header], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case(name))
        .map(|h| &*h.value)
}

fn is_form(headers: &[Header]) -> bool {
    header_in(headers, "content-type")
        .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"))
}

fn headers_text(headers: &[Header], reveal: bool) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|h| (h.name.clone(), mask_header(&h.name, &h.value, reveal)))
        .collect()
}

fn is_secret_field(name: &str) -> bool {
    SECRET_FIELDS.iter().any(|f| name.eq_ignore_ascii_case(f))
}

/// How a hidden value reads: its length only.
fn hidden(value: &str) -> String {
    format!("[hidden: {} chars]", value.chars().count())
}

/// A header value for display: the scheme of an Authorization header stays visible.
fn mask_header(name: &str, value: &str, reveal: bool) -> String {
    if reveal || !SECRET_HEADERS.iter().any(|h| name.eq_ignore_ascii_case(h)) {
        return value.to_string();
    }
    match value.split_once(' ') {
        Some((scheme, rest)) if name.to_ascii_lowercase().ends_with("authorization") => {
            format!("{scheme} {}", hidden(rest))
        }
        _ => hidden(value),
    }
}

/// A form body with secret fields' values replaced (shown decoded, for reading).
fn mask_form(body: &str) -> String {
    url::form_urlencoded::parse(body.as_bytes())
        .map(|(name, value)| {
            if is_secret_field(&name) {
                format!("{name}={}", hidden(&value))
            } else {
                format!("{name}={value}")
            }
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// A JSON body with secret members' string values replaced; other text unchanged.
fn mask_text_body(text: &str) -> String {
    match serde_json::from_str::<Value>(text) {
        Ok(mut value @ (Value::Object(_) | Value::Array(_))) => {
            mask_json(&mut value);
            serde_json::to_string_pretty(&value).unwrap_or_else(|_| text.to_string())
        }
        // Some token endpoints answer form-encoded (GitHub without Accept: JSON).
        _ if looks_like_secret_form(text) => mask_form(text.trim()),
        _ => text.to_string(),
    }
}

fn looks_like_secret_form(text: &str) -> bool {
    let text = text.trim();
    !text.is_empty()
        && !text.contains(char::is_whitespace)
        && url::form_urlencoded::parse(text.as_bytes()).any(|(name, _)| is_secret_field(&name))
}

/// A body's text with tokens and secrets masked (JSON members or form fields), for error
/// messages, which are printed and logged: they never carry a token.
#[must_use]
pub fn redact_body_text(text: &str) -> String {
    mask_text_body(text)
}

fn mask_json(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, member) in map.iter_mut() {
                match member {
                    Value::String(s) if is_secret_field(key) => *s = hidden(s),
                    other => mask_json(other),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(mask_json),
        _ => {}
    }
}

/// `client_secret` → `CLIENT_SECRET`.
fn placeholder(field: &str) -> String {
    field
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// The Authorization header as curl arguments with the secret part as a variable.
fn curl_authorization(value: &str) -> String {
    let (scheme, rest) = value.split_once(' ').unwrap_or((value, ""));
    if scheme.eq_ignore_ascii_case("basic") {
        // RFC 6749 §2.3.1: the id before the colon is form-encoded; it is not a secret.
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(rest.trim())
            .ok()
            .and_then(|b| String::from_utf8(b).ok());
        if let Some((id, _)) = decoded.as_deref().and_then(|d| d.split_once(':')) {
            return format!("-u {}\"$CLIENT_SECRET\"", shell_quote(&format!("{id}:")));
        }
        return "-H \"Authorization: Basic $CLIENT_BASIC\"".to_string();
    }
    if scheme.eq_ignore_ascii_case("bearer") {
        return "-H \"Authorization: Bearer $ACCESS_TOKEN\"".to_string();
    }
    format!("-H \"Authorization: {scheme} $CREDENTIALS\"")
}

/// Single-quoted for a POSIX shell.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(name: &str, value: &str) -> Header {
        Header {
            name: name.into(),
            value: value.into(),
        }
    }

    fn token_exchange() -> Exchange {
        Exchange {
            endpoint: Endpoint::Token,
            method: "POST".into(),
            url: "https://as.example/token".into(),
            request_headers: vec![
                header("Content-Type", "application/x-www-form-urlencoded"),
                header("Authorization", "Basic YXBwOnMzY3JldA=="),
            ],
            request_body: Some(
                "grant_type=refresh_token&refresh_token=rt-SECRET-1&scope=a+b".into(),
            ),
            started_at: DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
                .unwrap()
                .with_timezone(&Utc),
            duration: Duration::from_millis(400),
            response: Some(ExchangeResponse {
                status: 200,
                headers: vec![
                    header("Content-Type", "application/json"),
                    header("Date", "Thu, 01 Jan 2026 00:04:00 GMT"),
                ],
                body: br#"{"access_token":"at-SECRET-2","refresh_token":"rt-SECRET-3","token_type":"Bearer"}"#.to_vec(),
                capped: false,
                server_date: Some(
                    DateTime::parse_from_rfc3339("2026-01-01T00:04:00Z")
                        .unwrap()
                        .with_timezone(&Utc),
                ),
            }),
        }
    }

    #[test]
    fn secrets_are_masked_unless_revealed() {
        let e = token_exchange();
        let all = format!(
            "{:?} {:?} {:?} {:?} {}",
            e,
            e.request_headers_text(false),
            e.request_body_text(false),
            e.response_body_text(false),
            e.to_curl(false)
        );
        for secret in [
            "YXBwOnMzY3JldA",
            "rt-SECRET-1",
            "at-SECRET-2",
            "rt-SECRET-3",
        ] {
            assert!(!all.contains(secret), "{secret} leaked: {all}");
        }
        assert!(all.contains("Basic [hidden: 16 chars]"), "{all}");
        assert!(all.contains("scope=a b"), "{all}");
        assert!(e.response_body_text(true).unwrap().contains("at-SECRET-2"));
        assert!(e.request_body_text(true).unwrap().contains("rt-SECRET-1"));
    }

    #[test]
    fn curl_uses_placeholders_by_default_and_values_when_revealed() {
        let e = token_exchange();
        let curl = e.to_curl(false);
        assert!(curl.contains("-u 'app:'\"$CLIENT_SECRET\""), "{curl}");
        assert!(
            curl.contains("--data-urlencode \"refresh_token=$REFRESH_TOKEN\""),
            "{curl}"
        );
        assert!(curl.contains("--data-urlencode 'grant_type=refresh_token'"));
        assert!(
            curl.contains("-X POST 'https://as.example/token'"),
            "{curl}"
        );
        let revealed = e.to_curl(true);
        assert!(revealed.contains("refresh_token=rt-SECRET-1"), "{revealed}");
        assert!(revealed.contains("Authorization: Basic YXBwOnMzY3JldA=="));
    }

    #[test]
    fn a_server_four_minutes_ahead_is_a_clock_finding() {
        let e = token_exchange();
        assert_eq!(e.clock_skew_seconds(), Some(240));
        assert_eq!(e.clock_skew_finding(), Some(240));
        let mut close = token_exchange();
        close.response.as_mut().unwrap().server_date = Some(close.started_at);
        assert_eq!(close.clock_skew_finding(), None);
        assert_eq!(close.clock_skew_seconds(), Some(0));
    }

    #[test]
    fn a_form_encoded_token_response_is_masked_too() {
        let masked = redact_body_text("access_token=gho_SECRET&token_type=bearer&scope=repo\n");
        assert_eq!(
            masked,
            "access_token=[hidden: 10 chars]&token_type=bearer&scope=repo"
        );
        assert_eq!(redact_body_text("just some text"), "just some text");
    }

    #[test]
    fn quotes_in_values_survive_the_shell() {
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
    }
}
