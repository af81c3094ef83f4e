//! One HTTP client for every call to an authorization server: timeouts, a body cap, a strict
//! redirect policy, and errors that name the URL, the status and what the server said.
//! `send` records every OAuth call as an `Exchange`, also when it fails after a response.

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use chrono::Utc;
use reqwest::redirect;

use super::exchange::{Exchange, ExchangeResponse, Header};
use super::failure::plain_reason;
use serde_json::Value;

pub use super::request::{CallError, Endpoint, Failed, HttpRequest, JsonBody, Received};

/// Largest response body accepted (discovery documents and JWKS are a few KiB).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The default total time for one call, body included (DESIGN.md: 30 s, `--timeout`).
pub const TOTAL_TIMEOUT: Duration = Duration::from_secs(30);
const MAX_REDIRECTS: usize = 3;

/// What a response body looked like, for error messages and `--json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BodyKind {
    Json,
    Html,
    Text,
    Empty,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HttpError {
    #[error("{url} is not a valid URL: {reason}")]
    InvalidUrl { url: String, reason: String },
    #[error(
        "refusing plain http:// for {url}: only loopback hosts (127.0.0.1, ::1, localhost) may use http"
    )]
    InsecureUrl { url: String },
    #[error("cannot reach {url}: {reason}")]
    Network { url: String, reason: String },
    #[error("{url} did not answer within {seconds} s")]
    Timeout { url: String, seconds: u64 },
    #[error("{url} redirected {detail}; tokenscope follows at most 3 same-origin https redirects")]
    Redirect { url: String, detail: String },
    #[error("{url} answered HTTP {status} with {}: {excerpt}", body_words(*.body_kind))]
    Status {
        url: String,
        status: u16,
        body_kind: BodyKind,
        excerpt: String,
    },
    #[error("{url} answered with {} instead of JSON: {excerpt}", body_words(*.body_kind))]
    NotJson {
        url: String,
        body_kind: BodyKind,
        excerpt: String,
    },
    #[error("{url} sent more than 1 MiB; refusing a response that large")]
    TooLarge { url: String },
}

impl HttpError {
    /// True when the URL itself is unusable (the user's input), not the network or server.
    #[must_use]
    pub fn is_bad_url(&self) -> bool {
        matches!(self, Self::InvalidUrl { .. } | Self::InsecureUrl { .. })
    }
}

fn body_words(kind: BodyKind) -> &'static str {
    match kind {
        BodyKind::Json => "JSON",
        BodyKind::Html => "an HTML page",
        BodyKind::Text => "text",
        BodyKind::Empty => "an empty body",
    }
}

/// A JSON response as received.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonResponse {
    pub url: String,
    pub status: u16,
    pub value: Value,
}

/// The shared client. Cloning is cheap (the connections and their pools are shared).
#[derive(Debug, Clone)]
pub struct HttpClient {
    clients: Clients,
    pub(super) timeout: Duration,
    pub(super) allow_http: bool,
    pub(super) log: Option<ExchangeLog>,
}

/// Where every exchange goes as it completes (the window's exchange log, the CLI's `-v`):
/// OAuth calls, discovery and JWKS fetches alike, failures included. In memory only.
#[derive(Clone)]
pub struct ExchangeLog(Arc<dyn Fn(&Exchange) + Send + Sync>);

impl ExchangeLog {
    /// A log that hands each exchange to `sink`.
    pub fn new(sink: impl Fn(&Exchange) + Send + Sync + 'static) -> Self {
        Self(Arc::new(sink))
    }

    pub(super) fn record(&self, exchange: &Exchange) {
        (self.0)(exchange);
    }
}

impl std::fmt::Debug for ExchangeLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ExchangeLog")
    }
}

/// reqwest's two clients, built on first use: building one loads and parses the system's root
/// certificates, which a window that never calls a server (and every `tokenscope inspect`)
/// should not pay for in start-up time and resident memory.
#[derive(Debug, Clone, Default)]
struct Clients(Arc<OnceLock<Built>>);

#[derive(Debug)]
struct Built {
    /// For discovery and JWKS: follows a few same-origin https redirects.
    following: reqwest::Client,
    /// For OAuth calls: never follows a redirect (credentials must not travel on).
    direct: reqwest::Client,
}

impl Clients {
    fn get(&self) -> &Built {
        self.0.get_or_init(|| Built {
            following: following_client(),
            direct: builder()
                .redirect(redirect::Policy::none())
                .build()
                .unwrap_or_default(),
        })
    }
}

fn following_client() -> reqwest::Client {
    let policy = redirect::Policy::custom(|attempt| {
        let first = attempt.previous().first().cloned();
        if attempt.previous().len() > MAX_REDIRECTS {
            return attempt.error("more than 3 times");
        }
        let next = attempt.url();
        let same_origin = first.is_some_and(|f| f.origin() == next.origin());
        let secure = next.scheme() == "https" || is_loopback(next);
        if same_origin && secure {
            attempt.follow()
        } else {
            let to = next.to_string();
            attempt.error(format!("to another origin or to plain http ({to})"))
        }
    });
    builder()
        .timeout(TOTAL_TIMEOUT)
        .redirect(policy)
        .build()
        .unwrap_or_default()
}

/// What both clients share: the connect timeout and tokenscope's user agent.
fn builder() -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .user_agent(USER_AGENT)
}

impl Default for HttpClient {
    fn default() -> Self {
        Self::new()
    }
}

impl HttpClient {
    #[must_use]
    pub fn new() -> Self {
        Self {
            clients: Clients::default(),
            timeout: TOTAL_TIMEOUT,
            allow_http: false,
            log: None,
        }
    }

    /// The client that never follows a redirect, for OAuth calls.
    pub(super) fn direct(&self) -> &reqwest::Client {
        &self.clients.get().direct
    }

    /// The same client, reporting every exchange to `log`.
    #[must_use]
    pub fn with_log(mut self, log: ExchangeLog) -> Self {
        self.log = Some(log);
        self
    }

    /// The same client with another total time per call (body included).
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The same client, accepting plain http:// to any host (a profile's `allow_http`).
    #[must_use]
    pub fn allow_http(mut self, yes: bool) -> Self {
        self.allow_http = yes;
        self
    }

    /// The total time allowed per call.
    #[must_use]
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Checks the URL is https, or http on a loopback host.
    pub fn check_url(url: &str) -> Result<reqwest::Url, HttpError> {
        let parsed = reqwest::Url::parse(url).map_err(|e| HttpError::InvalidUrl {
            url: url.to_string(),
            reason: e.to_string(),
        })?;
        match parsed.scheme() {
            "https" => Ok(parsed),
            "http" if is_loopback(&parsed) => Ok(parsed),
            "http" => Err(HttpError::InsecureUrl {
                url: url.to_string(),
            }),
            other => Err(HttpError::InvalidUrl {
                url: url.to_string(),
                reason: format!("the scheme must be https, not {other}"),
            }),
        }
    }

    /// GET a JSON document: 2xx with a JSON body, or an error that says what came instead.
    /// Recorded in the exchange log as a discovery fetch.
    pub async fn get_json(&self, url: &str) -> Result<JsonResponse, HttpError> {
        self.get_json_as(Endpoint::Discovery, url).await
    }

    /// `get_json` for `endpoint` (discovery or JWKS), which names it in the exchange log.
    /// Unlike OAuth calls, a few same-origin https redirects are followed: no credentials.
    pub async fn get_json_as(
        &self,
        endpoint: Endpoint,
        url: &str,
    ) -> Result<JsonResponse, HttpError> {
        let started_at = Utc::now();
        let clock = Instant::now();
        let mut seen = None;
        let result = self.get_json_recording(url, &mut seen).await;
        if let Some(log) = &self.log {
            log.record(&Exchange {
                endpoint,
                method: "GET".into(),
                url: url.to_string(),
                request_headers: vec![
                    Header {
                        name: "Accept".into(),
                        value: JSON_DOCUMENT_TYPES.into(),
                    },
                    Header {
                        name: "User-Agent".into(),
                        value: USER_AGENT.into(),
                    },
                ],
                request_body: None,
                started_at,
                duration: clock.elapsed(),
                response: seen,
            });
        }
        result
    }

    async fn get_json_recording(
        &self,
        url: &str,
        seen: &mut Option<ExchangeResponse>,
    ) -> Result<JsonResponse, HttpError> {
        let parsed = Self::check_url(url)?;
        let response = self
            .clients
            .get()
            .following
            .get(parsed)
            .header(reqwest::header::ACCEPT, JSON_DOCUMENT_TYPES)
            .timeout(self.timeout)
            .send()
            .await
            .map_err(|e| classify(url, &e, self.timeout))?;
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        let headers: Vec<Header> = response
            .headers()
            .iter()
            .map(|(n, v)| Header {
                name: n.as_str().to_string(),
                value: String::from_utf8_lossy(v.as_bytes()).into_owned().into(),
            })
            .collect();
        let server_date = response
            .headers()
            .get(reqwest::header::DATE)
            .and_then(|v| v.to_str().ok())
            .and_then(|d| chrono::DateTime::parse_from_rfc2822(d).ok())
            .map(|d| d.with_timezone(&Utc));
        *seen = Some(ExchangeResponse {
            status,
            headers,
            body: Vec::new(),
            capped: false,
            server_date,
        });
        let body = read_capped(url, response, self.timeout).await;
        if let (Some(seen), Err(HttpError::TooLarge { .. })) = (seen.as_mut(), &body) {
            seen.capped = true;
        }
        let body = body?;
        if let Some(seen) = seen.as_mut() {
            seen.body.clone_from(&body);
        }
        let kind = body_kind(&content_type, &body);
        if !(200..300).contains(&status) {
            return Err(HttpError::Status {
                url: url.to_string(),
                status,
                body_kind: kind,
                excerpt: excerpt(&body),
            });
        }
        // RFC 8259 §8.1 lets a parser ignore a byte order mark; some servers send one.
        let json = body.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&body);
        match serde_json::from_slice::<Value>(json) {
            Ok(value) => Ok(JsonResponse {
                url: url.to_string(),
                status,
                value,
            }),
            Err(_) => Err(HttpError::NotJson {
                url: url.to_string(),
                body_kind: if kind == BodyKind::Json {
                    BodyKind::Text
                } else {
                    kind
                },
                excerpt: excerpt(&body),
            }),
        }
    }
}

pub(super) fn is_loopback(url: &reqwest::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

const JSON_DOCUMENT_TYPES: &str = "application/json, application/jwk-set+json";

pub(super) const USER_AGENT: &str = concat!("tokenscope/", env!("CARGO_PKG_VERSION"));

fn classify(url: &str, e: &reqwest::Error, timeout: Duration) -> HttpError {
    if e.is_timeout() {
        return HttpError::Timeout {
            url: url.to_string(),
            seconds: timeout.as_secs(),
        };
    }
    if e.is_redirect() {
        let detail = std::error::Error::source(e).map_or_else(|| e.to_string(), |s| s.to_string());
        return HttpError::Redirect {
            url: url.to_string(),
            detail,
        };
    }
    HttpError::Network {
        url: url.to_string(),
        reason: plain_reason(e),
    }
}

async fn read_capped(
    url: &str,
    mut response: reqwest::Response,
    timeout: Duration,
) -> Result<Vec<u8>, HttpError> {
    if response
        .content_length()
        .is_some_and(|l| l > MAX_BODY_BYTES as u64)
    {
        return Err(HttpError::TooLarge {
            url: url.to_string(),
        });
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| classify(url, &e, timeout))?
    {
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(HttpError::TooLarge {
                url: url.to_string(),
            });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// What a body is, from its content type and first bytes.
#[must_use]
pub fn body_kind(content_type: &str, body: &[u8]) -> BodyKind {
    let start = String::from_utf8_lossy(&body[..body.len().min(256)])
        .trim_start()
        .to_ascii_lowercase();
    if body.iter().all(u8::is_ascii_whitespace) {
        BodyKind::Empty
    } else if content_type.contains("html")
        || start.starts_with("<!doctype")
        || start.starts_with("<html")
        || start.starts_with("<head")
        || start.starts_with("<body")
    {
        BodyKind::Html
    } else if content_type.contains("json") || start.starts_with('{') || start.starts_with('[') {
        BodyKind::Json
    } else {
        BodyKind::Text
    }
}

/// The server's own words, short: an HTML page's title, else the first 200 characters.
#[must_use]
pub fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let lower = text.to_ascii_lowercase();
    if let (Some(a), Some(b)) = (lower.find("<title>"), lower.find("</title>"))
        && a + 7 <= b
    {
        return format!("page titled \"{}\"", short(&text[a + 7..b]));
    }
    let flat = short(&text);
    if flat.is_empty() {
        return "(empty body)".into();
    }
    flat
}

/// Whitespace folded to single spaces, at most 200 characters.
pub(super) fn short(text: &str) -> String {
    const MAX_CHARS: usize = 200;
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.char_indices().nth(MAX_CHARS) {
        Some((cut, _)) => format!("{}…", &flat[..cut]),
        None => flat,
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn an_excerpt_is_short_even_for_a_huge_title() {
        let page = format!("<html><title>{}</title></html>", "Sign in ".repeat(100));
        let said = super::excerpt(page.as_bytes());
        assert!(said.starts_with("page titled \"Sign in Sign in"), "{said}");
        assert!(
            said.chars().count() < 220 && said.ends_with("…\""),
            "{said}"
        );
        assert_eq!(super::excerpt(b"  \n "), "(empty body)");
    }

    #[test]
    fn a_long_cause_is_folded_and_cut() {
        let said = super::short(&format!(
            "invalid peer certificate:\n  {}",
            "DnsName(\"a.example\") or ".repeat(40)
        ));
        assert!(
            said.starts_with("invalid peer certificate: DnsName"),
            "{said}"
        );
        assert!(said.chars().count() == 201 && said.ends_with('…'), "{said}");
    }
}
