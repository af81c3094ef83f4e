//! What a server says when it says no. An OAuth error response (RFC 6749 §5.2) is a result to
//! show with advice, not a transport failure — also when it comes with HTTP 200. A protected
//! resource says no in its `WWW-Authenticate` header (RFC 6750 §3), parsed here too.
//! `OAuthError` is everything else: the call failed, or the answer was not OAuth.
//! The `WWW-Authenticate` parser itself is in `www_authenticate.rs`.

use std::fmt;

use serde_json::Value;

pub use super::www_authenticate::{Challenge, parse_www_authenticate};

use super::client_auth::ClientAuthError;
use super::exchange::Exchange;
use super::http::{CallError, Failed};

/// An error code from RFC 6749 §5.2, RFC 6750 §3.1, RFC 7009, RFC 8628 or RFC 8707.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorCode {
    InvalidRequest,
    InvalidClient,
    InvalidGrant,
    UnauthorizedClient,
    UnsupportedGrantType,
    InvalidScope,
    UnsupportedTokenType,
    InvalidTarget,
    InvalidToken,
    InsufficientScope,
    AccessDenied,
    AuthorizationPending,
    SlowDown,
    ExpiredToken,
    ServerError,
    TemporarilyUnavailable,
    /// A code none of those RFCs define, as the server wrote it.
    Other(String),
}

impl ErrorCode {
    /// The code from its wire form.
    #[must_use]
    pub fn parse(code: &str) -> Self {
        match code {
            "invalid_request" => Self::InvalidRequest,
            "invalid_client" => Self::InvalidClient,
            "invalid_grant" => Self::InvalidGrant,
            "unauthorized_client" => Self::UnauthorizedClient,
            "unsupported_grant_type" => Self::UnsupportedGrantType,
            "invalid_scope" => Self::InvalidScope,
            "unsupported_token_type" => Self::UnsupportedTokenType,
            "invalid_target" => Self::InvalidTarget,
            "invalid_token" => Self::InvalidToken,
            "insufficient_scope" => Self::InsufficientScope,
            "access_denied" => Self::AccessDenied,
            "authorization_pending" => Self::AuthorizationPending,
            "slow_down" => Self::SlowDown,
            "expired_token" => Self::ExpiredToken,
            "server_error" => Self::ServerError,
            "temporarily_unavailable" => Self::TemporarilyUnavailable,
            other => Self::Other(other.to_string()),
        }
    }

    /// The wire form.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Self::InvalidRequest => "invalid_request",
            Self::InvalidClient => "invalid_client",
            Self::InvalidGrant => "invalid_grant",
            Self::UnauthorizedClient => "unauthorized_client",
            Self::UnsupportedGrantType => "unsupported_grant_type",
            Self::InvalidScope => "invalid_scope",
            Self::UnsupportedTokenType => "unsupported_token_type",
            Self::InvalidTarget => "invalid_target",
            Self::InvalidToken => "invalid_token",
            Self::InsufficientScope => "insufficient_scope",
            Self::AccessDenied => "access_denied",
            Self::AuthorizationPending => "authorization_pending",
            Self::SlowDown => "slow_down",
            Self::ExpiredToken => "expired_token",
            Self::ServerError => "server_error",
            Self::TemporarilyUnavailable => "temporarily_unavailable",
            Self::Other(code) => code,
        }
    }

    /// What the user can do about it.
    #[must_use]
    pub fn advice(&self) -> &'static str {
        match self {
            Self::InvalidGrant => {
                "the refresh token or authorization code is dead (expired, revoked or already \
                 used), or the username/password is wrong; fetch a new token rather than retrying"
            }
            Self::InvalidClient => {
                "client authentication failed: check the client_id and secret, and that the \
                 profile's auth method (basic, post or none) is the one registered for this client"
            }
            Self::InvalidScope => {
                "a requested scope is unknown to the server or not allowed for this client; \
                 ask for fewer or other scopes"
            }
            Self::UnauthorizedClient => {
                "this client is not allowed to use this grant type; enable it for the client \
                 on the server or use another grant"
            }
            Self::UnsupportedGrantType => "the server does not support this grant type at all",
            Self::UnsupportedTokenType => {
                "the server cannot introspect or revoke this kind of token (some servers refuse \
                 JWT access tokens here); try the other token_type_hint or the refresh token"
            }
            Self::InvalidTarget => {
                "the server does not know the requested resource (RFC 8707) or will not issue \
                 a token for it; check the resource/audience value"
            }
            Self::InvalidRequest => {
                "the server found the request malformed; its description says which parameter"
            }
            Self::InvalidToken => {
                "the token is expired, revoked, malformed or not meant for this API; inspect it \
                 and fetch a new one"
            }
            Self::InsufficientScope => {
                "the token lacks a scope this API needs; fetch one with the scope the API names"
            }
            Self::AccessDenied => "the user or the server's policy denied the request",
            Self::AuthorizationPending => {
                "the user has not finished approving yet; poll again after the interval"
            }
            Self::SlowDown => "polling too fast: add 5 seconds to the interval (RFC 8628 §3.5)",
            Self::ExpiredToken => "the device code expired; start the flow again",
            Self::ServerError => "the server failed internally; try again later",
            Self::TemporarilyUnavailable => "the server is overloaded or down; try again later",
            Self::Other(_) => "the server's description is all there is to go on",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An OAuth error response as the server sent it: a result, not a failure of the call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorResponse {
    pub code: ErrorCode,
    pub description: Option<String>,
    pub uri: Option<String>,
    /// The HTTP status it came with (RFC 6749 says 400 or 401; some servers send 200).
    pub http_status: u16,
    /// The `WWW-Authenticate` challenges that came with it (a userinfo 401 may have no body).
    pub challenges: Vec<Challenge>,
}

impl ErrorResponse {
    /// An error response from a JSON body: an object whose `error` is a string.
    #[must_use]
    pub fn from_json(value: &Value, http_status: u16) -> Option<Self> {
        let code = value.get("error")?.as_str()?;
        let text = |k: &str| value.get(k).and_then(Value::as_str).map(str::to_string);
        Some(Self {
            code: ErrorCode::parse(code),
            description: text("error_description"),
            uri: text("error_uri"),
            http_status,
            challenges: Vec::new(),
        })
    }

    /// An error from the first Bearer challenge that carries an `error` (RFC 6750 §3).
    #[must_use]
    pub fn from_challenges(challenges: &[Challenge], http_status: u16) -> Option<Self> {
        let bearer = challenges
            .iter()
            .find(|c| c.is_bearer() && c.param("error").is_some())?;
        Some(Self {
            code: ErrorCode::parse(bearer.param("error")?),
            description: bearer.param("error_description").map(str::to_string),
            uri: bearer.param("error_uri").map(str::to_string),
            http_status,
            challenges: challenges.to_vec(),
        })
    }

    /// The advice for its code.
    #[must_use]
    pub fn advice(&self) -> &'static str {
        self.code.advice()
    }
}

impl fmt::Display for ErrorResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {} {}", self.http_status, self.code)?;
        if let Some(d) = &self.description {
            write!(f, ": \"{d}\"")?;
        }
        write!(f, " — {}", self.advice())
    }
}

/// Everything that is not an answer from the server in OAuth terms.
#[derive(Debug, thiserror::Error)]
pub enum OAuthError {
    /// The call failed or the server answered with something that is not OAuth. The
    /// exchange is there whenever a request was sent.
    #[error("{error}")]
    Call {
        error: CallError,
        exchange: Option<Box<Exchange>>,
    },
    /// The server answered JSON that lacks what the RFC requires (e.g. no access_token).
    #[error("{endpoint} answered HTTP {status} with JSON that is not a valid {what}: {reason}")]
    Malformed {
        endpoint: super::exchange::Endpoint,
        status: u16,
        what: &'static str,
        reason: String,
        exchange: Box<Exchange>,
    },
    /// The client's credentials cannot be sent as configured.
    #[error(transparent)]
    ClientAuth(#[from] ClientAuthError),
    /// The request itself is unusable (an empty token, a bad header name).
    #[error("{0}")]
    Input(String),
}

impl OAuthError {
    /// The exchange, when a request went out.
    #[must_use]
    pub fn exchange(&self) -> Option<&Exchange> {
        match self {
            Self::Call { exchange, .. } => exchange.as_deref(),
            Self::Malformed { exchange, .. } => Some(exchange),
            Self::ClientAuth(_) | Self::Input(_) => None,
        }
    }

    /// True when the user's input or configuration is at fault (exit 2), not the network
    /// or the server (exit 3).
    #[must_use]
    pub fn is_input(&self) -> bool {
        match self {
            Self::Call { error, .. } => error.is_bad_url(),
            Self::Malformed { .. } => false,
            Self::ClientAuth(_) | Self::Input(_) => true,
        }
    }

    /// The CLI's exit status (DESIGN.md): 2 for unusable input or configuration, 3 when the
    /// network, TLS or the server failed or answered with something that is not OAuth.
    #[must_use]
    pub fn exit_status(&self) -> u8 {
        if self.is_input() { 2 } else { 3 }
    }

    /// The transport error, when that is what it is.
    #[must_use]
    pub fn call_error(&self) -> Option<&CallError> {
        match self {
            Self::Call { error, .. } => Some(error),
            _ => None,
        }
    }
}

impl From<Failed> for OAuthError {
    fn from(f: Failed) -> Self {
        Self::Call {
            error: f.error,
            exchange: f.exchange,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_response_is_read_from_json_or_a_challenge() {
        let json = serde_json::json!({"error": "invalid_grant", "error_description": "grant request is invalid"});
        let e = ErrorResponse::from_json(&json, 200).unwrap();
        assert_eq!(e.code, ErrorCode::InvalidGrant);
        assert_eq!(e.http_status, 200);
        assert!(e.to_string().contains("already used"), "{e}");
        assert!(ErrorResponse::from_json(&serde_json::json!({"error": 3}), 400).is_none());
        let c = parse_www_authenticate([r#"Bearer error="invalid_token""#]);
        let e = ErrorResponse::from_challenges(&c, 401).unwrap();
        assert_eq!(e.code, ErrorCode::InvalidToken);
        assert_eq!(ErrorCode::parse("weird").as_str(), "weird");
    }
}
