//! What an OAuth call returns when the server answered in OAuth terms: its answer (what was
//! asked for, or an OAuth error response), the exchange, and what was tolerated on the way.

use super::error::{ErrorResponse, parse_www_authenticate};
use super::exchange::{Exchange, redact_body_text};
use super::request::{CallError, JsonBody, Received};
use super::warning::Warning;

/// The server's answer: what was asked for, or its OAuth error response. Both are results;
/// a failed call is an `OAuthError` instead.
#[derive(Debug, Clone)]
pub enum Reply<T> {
    Success(T),
    Error(ErrorResponse),
}

/// An answered call, with its exchange for the log and `-v`.
#[derive(Debug, Clone)]
#[must_use]
pub struct Outcome<T> {
    pub reply: Reply<T>,
    pub exchange: Exchange,
    pub warnings: Vec<Warning>,
}

impl<T> Outcome<T> {
    /// The answer when it is a success.
    #[must_use]
    pub fn success(&self) -> Option<&T> {
        match &self.reply {
            Reply::Success(t) => Some(t),
            Reply::Error(_) => None,
        }
    }

    /// The OAuth error response, when that is the answer.
    #[must_use]
    pub fn error(&self) -> Option<&ErrorResponse> {
        match &self.reply {
            Reply::Success(_) => None,
            Reply::Error(e) => Some(e),
        }
    }

    /// The answer alone, as a `Result`.
    pub fn into_result(self) -> Result<T, ErrorResponse> {
        match self.reply {
            Reply::Success(t) => Ok(t),
            Reply::Error(e) => Err(e),
        }
    }

    /// The CLI's exit status for it (DESIGN.md): 0 for what was asked, 1 when the server
    /// said no. `active: false` and an accepted revocation are 0.
    #[must_use]
    pub fn exit_status(&self) -> u8 {
        match self.reply {
            Reply::Success(_) => 0,
            Reply::Error(_) => 1,
        }
    }

    /// The HTTP status of the answer.
    #[must_use]
    pub fn http_status(&self) -> u16 {
        self.exchange.status().unwrap_or_default()
    }

    /// Server clock minus local clock when more than 60 s apart: a `clock` finding.
    #[must_use]
    pub fn clock_skew_finding(&self) -> Option<i64> {
        self.exchange.clock_skew_finding()
    }
}

/// A JSON answer judged: the body to read, or an OAuth error response.
pub(crate) enum Judged {
    Body(JsonBody),
    Error(ErrorResponse, Vec<Warning>),
}

/// An OAuth error JSON is an error response whatever the status (200 included); a Bearer
/// challenge with an `error` stands in for a body that is not JSON; any other non-2xx is a
/// `CallError::Status`.
pub(crate) fn judge(received: &Received) -> Result<Judged, CallError> {
    let status = received.status;
    let challenges = received
        .exchange
        .response
        .as_ref()
        .map(|r| parse_www_authenticate(r.headers_named("www-authenticate")))
        .unwrap_or_default();
    let body = match received.json() {
        Ok(body) => body,
        Err(e) => {
            return match ErrorResponse::from_challenges(&challenges, status) {
                Some(error) if !(200..300).contains(&status) => {
                    Ok(Judged::Error(error, Vec::new()))
                }
                _ => Err(e),
            };
        }
    };
    if let Some(mut error) = ErrorResponse::from_json(&body.value, status) {
        error.challenges = challenges;
        return Ok(Judged::Error(error, body.warnings));
    }
    if !(200..300).contains(&status) {
        if let Some(error) = ErrorResponse::from_challenges(&challenges, status) {
            return Ok(Judged::Error(error, body.warnings));
        }
        return Err(CallError::Status {
            endpoint: received.endpoint,
            status,
            excerpt: super::http::excerpt(
                redact_body_text(&String::from_utf8_lossy(received.body())).as_bytes(),
            ),
        });
    }
    Ok(Judged::Body(body))
}
