//! One OAuth call through the shared client: the request as built, sent without following any
//! redirect, its body read in chunks up to the cap, everything recorded as an `Exchange`, and
//! each way it can go wrong a distinct `CallError` naming the endpoint, the HTTP status and
//! what came back.

use std::time::Instant;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::client_auth::{ClientAuth, ClientAuthError};
pub use super::exchange::Endpoint;
use super::exchange::{Exchange, ExchangeResponse, Header, redact_body_text};
use super::failure::{Failure, failure_of, tls_error};
use super::http::{BodyKind, HttpClient, MAX_BODY_BYTES, body_kind, is_loopback, short};
use super::warning::Warning;
use crate::sensitive::Sensitive;

/// A request as it will be sent. Header values and the body may hold secrets.
#[derive(Debug, Clone)]
pub struct HttpRequest {
    pub endpoint: Endpoint,
    pub method: reqwest::Method,
    pub url: String,
    pub headers: Vec<Header>,
    pub body: Option<Sensitive>,
}

impl HttpRequest {
    /// A POST of `form` (application/x-www-form-urlencoded) expecting JSON back.
    #[must_use]
    pub fn form(endpoint: Endpoint, url: &str, form: &[(String, Sensitive)]) -> Self {
        let mut encoder = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in form {
            encoder.append_pair(name, value);
        }
        Self {
            endpoint,
            method: reqwest::Method::POST,
            url: url.to_string(),
            headers: Vec::new(),
            body: Some(encoder.finish().into()),
        }
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Accept", "application/json")
    }

    /// A form POST to the token, introspection or revocation endpoint, with the client's
    /// credentials in the one place its auth method puts them.
    pub fn authenticated_form(
        endpoint: Endpoint,
        url: &str,
        client: &ClientAuth,
        mut form: Vec<(String, Sensitive)>,
    ) -> Result<Self, ClientAuthError> {
        let authorization = client.apply(&mut form)?;
        let request = Self::form(endpoint, url, &form);
        Ok(match authorization {
            Some(value) => request.header("Authorization", value),
            None => request,
        })
    }

    /// A GET with no body.
    #[must_use]
    pub fn get(endpoint: Endpoint, url: &str) -> Self {
        Self {
            endpoint,
            method: reqwest::Method::GET,
            url: url.to_string(),
            headers: Vec::new(),
            body: None,
        }
    }

    /// Adds a header (several with one name are sent in order).
    #[must_use]
    pub fn header(mut self, name: &str, value: impl Into<Sensitive>) -> Self {
        self.headers.push(Header {
            name: name.to_string(),
            value: value.into(),
        });
        self
    }

    /// Adds `Authorization: Bearer <token>`.
    #[must_use]
    pub fn bearer(self, token: &Sensitive) -> Self {
        self.header("Authorization", format!("Bearer {}", &**token))
    }
}

/// How a call went wrong; each a case a user meets and can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallError {
    #[error("{endpoint} URL {url} is not usable: {reason}")]
    BadUrl {
        endpoint: Endpoint,
        url: String,
        reason: String,
    },
    #[error("{endpoint}: the header {name:?} cannot be sent (not a valid header name or value)")]
    BadHeader { endpoint: Endpoint, name: String },
    #[error("{endpoint} ({url}): the host name does not resolve: {reason}")]
    Dns {
        endpoint: Endpoint,
        url: String,
        reason: String,
    },
    #[error(
        "{endpoint} ({url}): nothing answers on that port (connection refused); is the server running?"
    )]
    Refused { endpoint: Endpoint, url: String },
    #[error("{endpoint} ({url}): TLS failed: {reason}")]
    Tls {
        endpoint: Endpoint,
        url: String,
        reason: String,
    },
    #[error("{endpoint} ({url}) did not answer within {seconds} s; gave up")]
    Timeout {
        endpoint: Endpoint,
        url: String,
        seconds: u64,
    },
    #[error("{endpoint} ({url}): the connection failed: {reason}")]
    Network {
        endpoint: Endpoint,
        url: String,
        reason: String,
    },
    #[error(
        "{endpoint} answered HTTP {status}, a redirect to {}; not followed: credentials never travel on to another URL",
        location.as_deref().unwrap_or("(no Location header)")
    )]
    Redirect {
        endpoint: Endpoint,
        status: u16,
        location: Option<String>,
    },
    #[error(
        "{endpoint} answered HTTP {status} with an HTML page{} (content type {content_type:?}), not JSON: a login page, a proxy or an error page, not the OAuth server",
        title.as_deref().map(|t| format!(" titled \"{t}\"")).unwrap_or_default()
    )]
    Html {
        endpoint: Endpoint,
        status: u16,
        content_type: String,
        title: Option<String>,
    },
    #[error("{endpoint} answered HTTP {status} with an empty body where JSON was expected")]
    Empty { endpoint: Endpoint, status: u16 },
    #[error("{endpoint} answered HTTP {status} with a body cut off before its end: {reason}")]
    Truncated {
        endpoint: Endpoint,
        status: u16,
        reason: String,
    },
    #[error("{endpoint} answered HTTP {status} with text that is not JSON: {excerpt}")]
    NotJson {
        endpoint: Endpoint,
        status: u16,
        excerpt: String,
    },
    #[error("{endpoint} answered HTTP {status} with more than {} KiB; stopped reading there", limit / 1024)]
    TooLarge {
        endpoint: Endpoint,
        status: u16,
        limit: usize,
    },
    #[error("{endpoint} answered HTTP {status} with JSON that is not an OAuth answer: {excerpt}")]
    Status {
        endpoint: Endpoint,
        status: u16,
        excerpt: String,
    },
}

impl CallError {
    /// True when the request itself was unusable (exit 2), not the network or server (exit 3).
    #[must_use]
    pub fn is_bad_url(&self) -> bool {
        matches!(self, Self::BadUrl { .. } | Self::BadHeader { .. })
    }

    /// The HTTP status, when a response came back.
    #[must_use]
    pub fn http_status(&self) -> Option<u16> {
        match self {
            Self::Redirect { status, .. }
            | Self::Html { status, .. }
            | Self::Empty { status, .. }
            | Self::Truncated { status, .. }
            | Self::NotJson { status, .. }
            | Self::TooLarge { status, .. }
            | Self::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// What the body was, for `--json`'s `body_kind`.
    #[must_use]
    pub fn body_kind(&self) -> Option<BodyKind> {
        match self {
            Self::Html { .. } => Some(BodyKind::Html),
            Self::Empty { .. } => Some(BodyKind::Empty),
            Self::NotJson { .. } | Self::Redirect { .. } => Some(BodyKind::Text),
            Self::Truncated { .. } | Self::TooLarge { .. } | Self::Status { .. } => {
                Some(BodyKind::Json)
            }
            _ => None,
        }
    }
}

/// A failed call and its exchange (none only when nothing was sent: a bad URL or header).
#[derive(Debug)]
pub struct Failed {
    pub error: CallError,
    pub exchange: Option<Box<Exchange>>,
}

/// A response that came back whole (any status but a redirect), recorded.
#[derive(Debug, Clone)]
pub struct Received {
    pub endpoint: Endpoint,
    pub exchange: Exchange,
    pub status: u16,
    /// Lowercased, parameters included ("application/json; charset=utf-8"); empty if absent.
    pub content_type: String,
}

/// A body that parsed as JSON, and what was tolerated to get it.
#[derive(Debug, Clone)]
pub struct JsonBody {
    pub value: Value,
    pub warnings: Vec<Warning>,
}

impl Received {
    /// The body bytes (at most the cap).
    #[must_use]
    pub fn body(&self) -> &[u8] {
        self.exchange
            .response
            .as_ref()
            .map(|r| r.body.as_slice())
            .unwrap_or_default()
    }

    /// The body as JSON. HTML (whatever its content type), an empty body, cut-off JSON and
    /// other text are each their own error; JSON under a non-JSON type is accepted with a
    /// warning.
    pub fn json(&self) -> Result<JsonBody, CallError> {
        let endpoint = self.endpoint;
        let body = self.body();
        let status = self.status;
        match body_kind(&self.content_type, body) {
            BodyKind::Empty => return Err(CallError::Empty { endpoint, status }),
            BodyKind::Html => {
                return Err(CallError::Html {
                    endpoint,
                    status,
                    content_type: self.content_type.clone(),
                    title: html_title(body),
                });
            }
            BodyKind::Json | BodyKind::Text => {}
        }
        // RFC 8259 §8.1 lets a parser ignore a byte order mark; some servers send one.
        let bytes = body.strip_prefix(b"\xef\xbb\xbf").unwrap_or(body);
        match serde_json::from_slice::<Value>(bytes) {
            Ok(value) => {
                let mut warnings = Vec::new();
                if !self.content_type.contains("json") {
                    warnings.push(Warning::JsonAsText {
                        content_type: if self.content_type.is_empty() {
                            "(no content type)".into()
                        } else {
                            self.content_type.clone()
                        },
                    });
                }
                Ok(JsonBody { value, warnings })
            }
            Err(e) if e.is_eof() => Err(CallError::Truncated {
                endpoint,
                status,
                reason: format!("the JSON ends after {} bytes, mid-value", body.len()),
            }),
            Err(_) => Err(CallError::NotJson {
                endpoint,
                status,
                excerpt: short(&redact_body_text(&String::from_utf8_lossy(body))),
            }),
        }
    }

    /// This response turned into a failure with `error`, keeping the exchange.
    #[must_use]
    pub fn fail(self, error: CallError) -> Failed {
        Failed {
            error,
            exchange: Some(Box::new(self.exchange)),
        }
    }
}

/// An HTML page's title, whitespace folded, at most 200 characters.
#[must_use]
pub fn html_title(body: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(body);
    let lower = text.to_ascii_lowercase();
    let open = lower.find("<title")?;
    let start = open + lower[open..].find('>')? + 1;
    let end = start + lower[start..].find("</title")?;
    let title = short(&text[start..end]);
    (!title.is_empty()).then_some(title)
}

impl HttpClient {
    /// Sends `request` without following redirects, reads at most `MAX_BODY_BYTES` of the body
    /// (streaming, so memory stays flat whatever the server sends), and records it all.
    /// A 3xx, a body over the cap (except for `Endpoint::Api`, which keeps the start), a
    /// timeout or a cut connection fail with the exchange attached.
    pub async fn send(&self, request: HttpRequest) -> Result<Received, Failed> {
        let result = self.send_unlogged(request).await;
        if let Some(log) = &self.log {
            match &result {
                Ok(received) => log.record(&received.exchange),
                Err(Failed {
                    exchange: Some(exchange),
                    ..
                }) => log.record(exchange),
                Err(_) => {}
            }
        }
        result
    }

    async fn send_unlogged(&self, request: HttpRequest) -> Result<Received, Failed> {
        let endpoint = request.endpoint;
        let url = self.check_call_url(endpoint, &request.url)?;
        let mut builder = self
            .direct()
            .request(request.method.clone(), url)
            .timeout(self.timeout);
        for h in &request.headers {
            let name = reqwest::header::HeaderName::from_bytes(h.name.as_bytes());
            let value = reqwest::header::HeaderValue::from_str(&h.value);
            let (Ok(name), Ok(value)) = (name, value) else {
                return Err(Failed {
                    error: CallError::BadHeader {
                        endpoint,
                        name: h.name.clone(),
                    },
                    exchange: None,
                });
            };
            builder = builder.header(name, value);
        }
        if let Some(body) = &request.body {
            builder = builder.body(body.reveal().to_string());
        }
        let mut headers = request.headers;
        headers.push(Header {
            name: "User-Agent".into(),
            value: super::http::USER_AGENT.into(),
        });
        let mut exchange = Exchange {
            endpoint,
            method: request.method.to_string(),
            url: request.url.clone(),
            request_headers: headers,
            request_body: request.body,
            started_at: Utc::now(),
            duration: std::time::Duration::ZERO,
            response: None,
        };
        let clock = Instant::now();
        let fail = |exchange: Exchange, error| Failed {
            error,
            exchange: Some(Box::new(exchange)),
        };
        let response = match builder.send().await {
            Ok(r) => r,
            Err(e) => {
                exchange.duration = clock.elapsed();
                let error = self.classify_call(endpoint, &request.url, &e);
                return Err(fail(exchange, error));
            }
        };
        let status = response.status().as_u16();
        let response_headers: Vec<Header> = response
            .headers()
            .iter()
            .map(|(n, v)| Header {
                name: n.as_str().to_string(),
                value: String::from_utf8_lossy(v.as_bytes()).into_owned().into(),
            })
            .collect();
        let (body, capped, read_error) = read_body(response, MAX_BODY_BYTES).await;
        exchange.duration = clock.elapsed();
        let server_date = response_headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case("date"))
            .and_then(|h| DateTime::parse_from_rfc2822(&h.value).ok())
            .map(|d| d.with_timezone(&Utc));
        let content_type = response_headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case("content-type"))
            .map(|h| h.value.to_ascii_lowercase())
            .unwrap_or_default();
        let location = response_headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case("location"))
            .map(|h| h.value.reveal().to_string());
        let read = body.len();
        exchange.response = Some(ExchangeResponse {
            status,
            headers: response_headers,
            body,
            capped,
            server_date,
        });
        if let Some(e) = read_error {
            let error = if e.is_timeout() {
                CallError::Timeout {
                    endpoint,
                    url: request.url,
                    seconds: self.timeout.as_secs(),
                }
            } else {
                CallError::Truncated {
                    endpoint,
                    status,
                    reason: format!("the connection closed after {read} bytes of the body"),
                }
            };
            return Err(fail(exchange, error));
        }
        if (300..400).contains(&status) && endpoint != Endpoint::Api {
            return Err(fail(
                exchange,
                CallError::Redirect {
                    endpoint,
                    status,
                    location,
                },
            ));
        }
        if capped && endpoint != Endpoint::Api {
            return Err(fail(
                exchange,
                CallError::TooLarge {
                    endpoint,
                    status,
                    limit: MAX_BODY_BYTES,
                },
            ));
        }
        Ok(Received {
            endpoint,
            exchange,
            status,
            content_type,
        })
    }

    fn check_call_url(&self, endpoint: Endpoint, url: &str) -> Result<reqwest::Url, Failed> {
        let bad = |reason: String| Failed {
            error: CallError::BadUrl {
                endpoint,
                url: url.to_string(),
                reason,
            },
            exchange: None,
        };
        let parsed = reqwest::Url::parse(url).map_err(|e| bad(e.to_string()))?;
        match parsed.scheme() {
            "https" => Ok(parsed),
            "http" if self.allow_http || is_loopback(&parsed) => Ok(parsed),
            "http" => Err(bad(
                "plain http:// is refused for hosts other than 127.0.0.1, ::1 and localhost unless the profile sets allow_http".into(),
            )),
            other => Err(bad(format!("the scheme must be https, not {other}"))),
        }
    }

    fn classify_call(&self, endpoint: Endpoint, url: &str, e: &reqwest::Error) -> CallError {
        let url = url.to_string();
        if e.is_timeout() {
            return CallError::Timeout {
                endpoint,
                url,
                seconds: self.timeout.as_secs(),
            };
        }
        match failure_of(e) {
            (Some(Failure::Refused), _) => CallError::Refused { endpoint, url },
            (Some(Failure::Tls), root) => CallError::Tls {
                endpoint,
                url,
                // rustls's own words when it has them ("certificate not valid for name …").
                reason: tls_error(e).map_or(root, ToString::to_string),
            },
            (Some(Failure::Dns), reason) => CallError::Dns {
                endpoint,
                url,
                reason,
            },
            (None, reason) => CallError::Network {
                endpoint,
                url,
                reason,
            },
        }
    }
}

/// Reads the body chunk by chunk, stopping at `cap` bytes: the rest is never read and the
/// connection is dropped. Returns the bytes, whether the cap was hit, and a read error.
async fn read_body(
    mut response: reqwest::Response,
    cap: usize,
) -> (Vec<u8>, bool, Option<reqwest::Error>) {
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                let room = cap - body.len();
                if chunk.len() > room {
                    body.extend_from_slice(&chunk[..room]);
                    return (body, true, None);
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => return (body, false, None),
            Err(e) => return (body, false, Some(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::html_title;

    #[test]
    fn an_html_title_is_found_with_attributes_and_any_case() {
        assert_eq!(
            html_title(b"<HTML><head><Title lang=en>\n Sign in </TITLE>").as_deref(),
            Some("Sign in")
        );
        assert_eq!(html_title(b"<html><title></title>"), None);
        assert_eq!(html_title(b"<html>no title"), None);
    }
}
