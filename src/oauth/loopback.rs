//! The loopback redirect listener of a native app (RFC 8252 §7.3): bound to 127.0.0.1 or
//! [::1] (never the name `localhost`, §8.3, which may resolve elsewhere) only while a flow
//! waits, it takes exactly one callback, checks it (state, RFC 9207 `iss`, `error=`), answers
//! a small static page and closes, so a second connection is refused.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};

use super::error::ErrorCode;
use crate::sensitive::Sensitive;

/// How long a flow waits for the browser unless told otherwise.
pub const DEFAULT_CALLBACK_TIMEOUT: Duration = Duration::from_secs(5 * 60);

/// The path of the redirect URI when the profile gives none.
pub const DEFAULT_CALLBACK_PATH: &str = "/callback";

/// How long one connection may take to send its request line; a stalled connection must not
/// hold the listener.
const REQUEST_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// The most of a request that is read; a callback URL is far shorter.
const MAX_REQUEST_BYTES: usize = 16 * 1024;

const PAGE_DONE: &str = "<!doctype html><meta charset=utf-8><title>tokenscope</title>\
<p>Signed in: tokenscope has the authorization response. You can close this tab.</p>";

const PAGE_REFUSED: &str = "<!doctype html><meta charset=utf-8><title>tokenscope</title>\
<p>tokenscope did not accept this authorization response; see the app for why. You can close this tab.</p>";

/// Why a callback was not accepted, or never came. None of these sends a token request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallbackError {
    #[error(
        "the redirect URI {uri:?} is not a loopback URI: it must be http://127.0.0.1:PORT/PATH or http://[::1]:PORT/PATH (RFC 8252 §7.3; not \"localhost\")"
    )]
    NotLoopback { uri: String },
    #[error("cannot listen on {addr} for the redirect: {reason}")]
    Bind { addr: String, reason: String },
    #[error(
        "the callback's state {} is not the one this flow sent: the response belongs to another login or was forged (CSRF); no token was requested",
        received.as_deref().map(|s| format!("{s:?}")).unwrap_or_else(|| "is missing and".into())
    )]
    StateMismatch { received: Option<String> },
    #[error(
        "the authorization server answered {error}{}: {} ; no token was requested",
        description.as_deref().map(|d| format!(" \"{d}\"")).unwrap_or_default(),
        error.advice()
    )]
    Denied {
        error: ErrorCode,
        description: Option<String>,
        uri: Option<String>,
    },
    #[error(
        "the callback came from issuer \"{received}\", not \"{expected}\" (RFC 9207 mix-up defence); no token was requested"
    )]
    IssuerMismatch { expected: String, received: String },
    #[error(
        "the callback has no iss parameter, but {expected} says it always sends one (authorization_response_iss_parameter_supported); no token was requested"
    )]
    IssuerMissing { expected: String },
    #[error("the callback has neither a code nor an error; no token was requested")]
    NoCode,
    #[error("no callback arrived within {seconds} s; start the flow again")]
    TimedOut { seconds: u64 },
    #[error("the flow was cancelled")]
    Cancelled,
    #[error("the loopback listener failed: {0}")]
    Io(String),
}

/// What the callback must match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackExpectation {
    pub state: String,
    /// The profile's issuer; an `iss` parameter must equal it.
    pub issuer: Option<String>,
    /// The server advertises `authorization_response_iss_parameter_supported`: `iss` must be
    /// present.
    pub iss_required: bool,
}

/// An accepted callback: the code to exchange.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Callback {
    pub code: Sensitive,
    /// The `iss` parameter when the server sent one (already checked).
    pub iss: Option<String>,
}

/// A bound listener waiting for its one callback.
#[derive(Debug)]
pub struct LoopbackListener {
    listener: TcpListener,
    path: String,
    redirect_uri: String,
}

impl LoopbackListener {
    /// Binds `http://127.0.0.1:<ephemeral port>/callback`.
    pub async fn bind_default() -> Result<Self, CallbackError> {
        Self::bind(IpAddr::V4(Ipv4Addr::LOCALHOST), 0, DEFAULT_CALLBACK_PATH).await
    }

    /// Binds the loopback redirect URI a profile gives (a fixed port or path; port 0 or
    /// none means ephemeral).
    pub async fn bind_uri(uri: &str) -> Result<Self, CallbackError> {
        let not = || CallbackError::NotLoopback {
            uri: uri.to_string(),
        };
        let url = reqwest::Url::parse(uri).map_err(|_| not())?;
        if url.scheme() != "http" {
            return Err(not());
        }
        let ip = match url.host() {
            Some(url::Host::Ipv4(ip)) if ip == Ipv4Addr::LOCALHOST => IpAddr::V4(ip),
            Some(url::Host::Ipv6(ip)) if ip == Ipv6Addr::LOCALHOST => IpAddr::V6(ip),
            _ => return Err(not()),
        };
        let path = match url.path() {
            "" => "/",
            p => p,
        };
        Self::bind(ip, url.port().unwrap_or(0), path).await
    }

    /// Binds `ip` (a loopback address only) on `port` (0: ephemeral).
    pub async fn bind(ip: IpAddr, port: u16, path: &str) -> Result<Self, CallbackError> {
        if !ip.is_loopback() {
            return Err(CallbackError::NotLoopback {
                uri: format!("http://{}/", SocketAddr::new(ip, port)),
            });
        }
        let addr = SocketAddr::new(ip, port);
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|e| CallbackError::Bind {
                addr: addr.to_string(),
                reason: e.to_string(),
            })?;
        let bound = listener
            .local_addr()
            .map_err(|e| CallbackError::Io(e.to_string()))?;
        let path = if path.starts_with('/') {
            path.to_string()
        } else {
            format!("/{path}")
        };
        Ok(Self {
            listener,
            redirect_uri: format!("http://{bound}{path}"),
            path,
        })
    }

    /// The redirect URI to put in the authorization request.
    #[must_use]
    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// The bound address (always loopback).
    pub fn local_addr(&self) -> Result<SocketAddr, CallbackError> {
        self.listener
            .local_addr()
            .map_err(|e| CallbackError::Io(e.to_string()))
    }

    /// Waits for the callback, at most `timeout` and until `cancelled` completes. Requests
    /// to other paths (a favicon) get a 404 and are not the callback. The first request on
    /// the callback path decides: accepted or refused, the listener closes either way.
    pub async fn wait(
        self,
        expect: &CallbackExpectation,
        timeout: Duration,
        cancelled: impl Future<Output = ()>,
    ) -> Result<Callback, CallbackError> {
        let accept = async {
            loop {
                let (stream, _) = self
                    .listener
                    .accept()
                    .await
                    .map_err(|e| CallbackError::Io(e.to_string()))?;
                if let Some(result) = self.serve(stream, expect).await {
                    return result;
                }
            }
        };
        tokio::select! {
            biased;
            () = cancelled => Err(CallbackError::Cancelled),
            r = tokio::time::timeout(timeout, accept) => r.unwrap_or(Err(CallbackError::TimedOut {
                seconds: timeout.as_secs(),
            })),
        }
        // `self` drops here: the port closes and a second connection is refused.
    }

    /// One connection: None when it was not the callback.
    async fn serve(
        &self,
        mut stream: TcpStream,
        expect: &CallbackExpectation,
    ) -> Option<Result<Callback, CallbackError>> {
        let target =
            match tokio::time::timeout(REQUEST_READ_TIMEOUT, read_target(&mut stream)).await {
                Ok(Some(t)) => t,
                _ => {
                    respond(&mut stream, 400, "Bad Request", PAGE_REFUSED).await;
                    return None;
                }
            };
        let (path, query) = target.split_once('?').unwrap_or((&target, ""));
        if path != self.path {
            respond(&mut stream, 404, "Not Found", "").await;
            return None;
        }
        let result = judge_callback(query, expect);
        match &result {
            Ok(_) => respond(&mut stream, 200, "OK", PAGE_DONE).await,
            Err(_) => respond(&mut stream, 400, "Bad Request", PAGE_REFUSED).await,
        }
        Some(result)
    }
}

/// The request target of a GET, read up to the end of its request line.
async fn read_target(stream: &mut TcpStream) -> Option<String> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    while !buf.windows(2).any(|w| w == b"\r\n") {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 || buf.len() + n > MAX_REQUEST_BYTES {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let line = std::str::from_utf8(&buf).ok()?.lines().next()?;
    let mut parts = line.split(' ');
    (parts.next()? == "GET").then_some(())?;
    Some(parts.next()?.to_string())
}

async fn respond(stream: &mut TcpStream, status: u16, reason: &str, body: &str) {
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\n\
         Content-Length: {}\r\nCache-Control: no-store\r\nReferrer-Policy: no-referrer\r\n\
         Connection: close\r\n\r\n",
        body.len()
    );
    // The browser's page is a courtesy; the verdict stands whether or not it arrives.
    let _ = stream.write_all(head.as_bytes()).await;
    let _ = stream.write_all(body.as_bytes()).await;
    let _ = stream.shutdown().await;
}

/// Checks the query of a callback: state first (nothing else is trusted before it matches),
/// then `iss` (RFC 9207 §2.4: error responses carry it too), then an `error=`, then the code.
pub fn judge_callback(
    query: &str,
    expect: &CallbackExpectation,
) -> Result<Callback, CallbackError> {
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let state = get("state");
    if state.as_deref() != Some(expect.state.as_str()) {
        return Err(CallbackError::StateMismatch { received: state });
    }
    let iss = get("iss");
    if let Some(expected) = &expect.issuer {
        match &iss {
            Some(got) if got != expected => {
                return Err(CallbackError::IssuerMismatch {
                    expected: expected.clone(),
                    received: got.clone(),
                });
            }
            None if expect.iss_required => {
                return Err(CallbackError::IssuerMissing {
                    expected: expected.clone(),
                });
            }
            _ => {}
        }
    }
    if let Some(error) = get("error") {
        return Err(CallbackError::Denied {
            error: ErrorCode::parse(&error),
            description: get("error_description"),
            uri: get("error_uri"),
        });
    }
    match get("code").filter(|c| !c.is_empty()) {
        Some(code) => Ok(Callback {
            code: code.into(),
            iss,
        }),
        None => Err(CallbackError::NoCode),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expect(required: bool) -> CallbackExpectation {
        CallbackExpectation {
            state: "s1".into(),
            issuer: Some("https://as.example".into()),
            iss_required: required,
        }
    }

    #[test]
    fn each_bad_callback_is_its_own_error() {
        let e = expect(true);
        let iss = "iss=https%3A%2F%2Fas.example";
        assert!(matches!(
            judge_callback(&format!("code=c&state=s2&{iss}"), &e),
            Err(CallbackError::StateMismatch { received: Some(s) }) if s == "s2"
        ));
        assert!(matches!(
            judge_callback(&format!("code=c&{iss}"), &e),
            Err(CallbackError::StateMismatch { received: None })
        ));
        assert!(matches!(
            judge_callback("code=c&state=s1&iss=https%3A%2F%2Fevil.example", &e),
            Err(CallbackError::IssuerMismatch { .. })
        ));
        assert!(matches!(
            judge_callback("code=c&state=s1", &e),
            Err(CallbackError::IssuerMissing { .. })
        ));
        assert!(judge_callback("code=c&state=s1", &expect(false)).is_ok());
        let denied = judge_callback(
            &format!("error=access_denied&error_description=no+way&state=s1&{iss}"),
            &e,
        )
        .unwrap_err();
        assert!(
            matches!(&denied, CallbackError::Denied { error: ErrorCode::AccessDenied, description: Some(d), .. } if d == "no way")
        );
        assert!(denied.to_string().contains("no way"));
        assert_eq!(
            judge_callback(&format!("state=s1&{iss}"), &e),
            Err(CallbackError::NoCode)
        );
        let ok = judge_callback(&format!("code=abc&state=s1&{iss}"), &e).unwrap();
        assert_eq!(ok.code.reveal(), "abc");
    }

    #[tokio::test]
    async fn localhost_and_other_hosts_are_refused() {
        for uri in [
            "http://localhost:0/callback",
            "https://127.0.0.1/callback",
            "http://10.0.0.1/callback",
        ] {
            assert!(matches!(
                LoopbackListener::bind_uri(uri).await,
                Err(CallbackError::NotLoopback { .. })
            ));
        }
        let l = LoopbackListener::bind_uri("http://127.0.0.1:0/cb")
            .await
            .unwrap();
        assert!(l.redirect_uri().starts_with("http://127.0.0.1:"));
        assert!(l.redirect_uri().ends_with("/cb"));
    }
}
