//! The device authorization grant (RFC 8628): ask for a user code, then poll the token
//! endpoint while the user approves on another device. The clock is injected so the poll
//! spacing (`interval`, `slow_down`'s +5 s) can be tested without waiting.

use std::fmt;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::{TokenParams, TokenResponse, request_token};
use crate::oauth::client_auth::ClientAuth;
use crate::oauth::error::{ErrorCode, ErrorResponse, OAuthError};
use crate::oauth::exchange::Exchange;
use crate::oauth::http::HttpClient;
use crate::oauth::outcome::{Judged, Outcome, Reply, judge};
use crate::oauth::request::{Endpoint, HttpRequest};
use crate::sensitive::Sensitive;

/// The grant type of the polls (RFC 8628 §3.4).
pub const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// The poll interval when the server names none (RFC 8628 §3.2).
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(5);

/// What `slow_down` adds to this and every later interval (RFC 8628 §3.5).
pub const SLOW_DOWN_STEP: Duration = Duration::from_secs(5);

/// The device authorization request (RFC 8628 §3.1).
#[derive(Debug, Clone)]
pub struct DeviceAuthorizationRequest {
    pub device_authorization_endpoint: String,
    pub client: ClientAuth,
    /// Scope, resources, audience, extra parameters.
    pub params: TokenParams,
}

/// The server's answer (RFC 8628 §3.2): what to show the user, and the device code to poll
/// with.
#[derive(Clone, PartialEq)]
pub struct DeviceAuthorization {
    pub device_code: Sensitive,
    /// What the user types at `verification_uri`.
    pub user_code: String,
    pub verification_uri: String,
    /// The URI with the user code in it (for a QR code), when the server gives one.
    pub verification_uri_complete: Option<String>,
    /// Seconds from `received_at` until the device code expires.
    pub expires_in: u64,
    /// The poll interval (the server's, else 5 s).
    pub interval: Duration,
    pub received_at: DateTime<Utc>,
    /// The whole JSON object as received (it holds the device code).
    pub raw: Value,
}

impl fmt::Debug for DeviceAuthorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeviceAuthorization")
            .field("device_code", &self.device_code)
            .field("user_code", &self.user_code)
            .field("verification_uri", &self.verification_uri)
            .field("verification_uri_complete", &self.verification_uri_complete)
            .field("expires_in", &self.expires_in)
            .field("interval", &self.interval)
            .finish_non_exhaustive()
    }
}

impl DeviceAuthorization {
    /// When the device code expires (local clock).
    #[must_use]
    pub fn expires_at(&self) -> DateTime<Utc> {
        let secs = i64::try_from(self.expires_in).unwrap_or(i64::MAX / 2);
        self.received_at
            .checked_add_signed(chrono::Duration::seconds(secs))
            .unwrap_or(self.received_at)
    }

    fn from_json(value: Value, received_at: DateTime<Utc>) -> Result<Self, String> {
        let Value::Object(map) = &value else {
            return Err("it is not a JSON object".into());
        };
        let text = |k: &str| {
            map.get(k)
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let device_code = text("device_code").ok_or("it has no device_code")?;
        let user_code = text("user_code").ok_or("it has no user_code")?;
        // Some older servers (Google's early draft) wrote verification_url.
        let verification_uri = text("verification_uri")
            .or_else(|| text("verification_url"))
            .ok_or("it has no verification_uri")?;
        let number = |k: &str| map.get(k).and_then(Value::as_u64);
        let expires_in = number("expires_in").ok_or("it has no numeric expires_in")?;
        let interval = number("interval")
            .filter(|s| *s > 0)
            .map_or(DEFAULT_INTERVAL, Duration::from_secs);
        Ok(Self {
            device_code: device_code.into(),
            user_code,
            verification_uri,
            verification_uri_complete: text("verification_uri_complete"),
            expires_in,
            interval,
            received_at,
            raw: value,
        })
    }
}

impl DeviceAuthorizationRequest {
    /// Sends it: the user code and device code, or the server's error response.
    pub async fn send(
        &self,
        http: &HttpClient,
    ) -> Result<Outcome<DeviceAuthorization>, OAuthError> {
        let mut form = Vec::new();
        self.params.append_to(&mut form);
        let request = HttpRequest::authenticated_form(
            Endpoint::DeviceAuthorization,
            &self.device_authorization_endpoint,
            &self.client,
            form,
        )?;
        let received = http.send(request).await?;
        let judged = match judge(&received) {
            Ok(j) => j,
            Err(e) => return Err(received.fail(e).into()),
        };
        match judged {
            Judged::Error(error, warnings) => Ok(Outcome {
                reply: Reply::Error(error),
                exchange: received.exchange,
                warnings,
            }),
            Judged::Body(body) => {
                let at = received.exchange.received_at();
                match DeviceAuthorization::from_json(body.value, at) {
                    Ok(d) => Ok(Outcome {
                        reply: Reply::Success(d),
                        exchange: received.exchange,
                        warnings: body.warnings,
                    }),
                    Err(reason) => Err(OAuthError::Malformed {
                        endpoint: Endpoint::DeviceAuthorization,
                        status: received.status,
                        what: "device authorization response",
                        reason,
                        exchange: Box::new(received.exchange),
                    }),
                }
            }
        }
    }
}

/// Time for the poll loop: real time in the app, a fake one in tests.
pub trait PollClock: Send + Sync {
    /// Monotonic time since some fixed start.
    fn now(&self) -> Duration;
    /// Waits `d`.
    fn sleep(&self, d: Duration) -> impl Future<Output = ()> + Send;
}

/// The real clock (tokio's timer).
#[derive(Debug, Clone, Copy)]
pub struct TokioClock {
    start: tokio::time::Instant,
}

impl Default for TokioClock {
    fn default() -> Self {
        Self {
            start: tokio::time::Instant::now(),
        }
    }
}

impl PollClock for TokioClock {
    fn now(&self) -> Duration {
        self.start.elapsed()
    }

    fn sleep(&self, d: Duration) -> impl Future<Output = ()> + Send {
        tokio::time::sleep(d)
    }
}

/// What one poll said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PollStatus {
    /// `authorization_pending`: the user has not finished; poll again.
    Pending,
    /// `slow_down`: the interval is now `interval`, for this and every later poll.
    SlowDown { interval: Duration },
    /// Tokens arrived.
    Issued,
    /// The server stopped the flow (`access_denied`, `expired_token`, anything else).
    Stopped { error: ErrorCode },
}

/// One poll, for the flow view and the CLI.
#[derive(Debug, Clone)]
pub struct Poll {
    /// 1 for the first poll.
    pub n: u32,
    /// When it was sent, by the poll clock.
    pub at: Duration,
    pub status: PollStatus,
    pub exchange: Exchange,
}

/// Why polling ended without an answer from the server.
#[derive(Debug, thiserror::Error)]
pub enum PollError {
    #[error(
        "the device code expired after {seconds} s before the user approved; start the flow again"
    )]
    Expired { seconds: u64 },
    #[error("the flow was cancelled")]
    Cancelled,
    #[error(transparent)]
    Call(#[from] OAuthError),
}

/// The polls of one device authorization.
#[derive(Debug, Clone)]
pub struct DevicePoller {
    pub token_endpoint: String,
    pub client: ClientAuth,
    /// Resources or audience for the access token.
    pub params: TokenParams,
}

impl DevicePoller {
    /// Polls until tokens arrive, the server stops the flow (its error response is the
    /// reply), the device code expires, or `cancelled` completes. Waits `interval` before
    /// each poll; `slow_down` adds 5 s to it for good. `on_poll` hears every poll.
    pub async fn poll<C: PollClock>(
        &self,
        http: &HttpClient,
        authorization: &DeviceAuthorization,
        clock: &C,
        cancelled: impl Future<Output = ()>,
        mut on_poll: impl FnMut(&Poll),
    ) -> Result<Outcome<TokenResponse>, PollError> {
        tokio::pin!(cancelled);
        let deadline = clock.now() + Duration::from_secs(authorization.expires_in);
        let mut interval = authorization.interval;
        let mut n = 0;
        loop {
            let now = clock.now();
            let expired = PollError::Expired {
                seconds: authorization.expires_in,
            };
            // `biased`: once cancelled, never one more request, whatever else is ready.
            if now + interval >= deadline {
                tokio::select! {
                    biased;
                    () = &mut cancelled => return Err(PollError::Cancelled),
                    () = clock.sleep(deadline.saturating_sub(now)) => return Err(expired),
                }
            }
            tokio::select! {
                biased;
                () = &mut cancelled => return Err(PollError::Cancelled),
                () = clock.sleep(interval) => {}
            }
            n += 1;
            let at = clock.now();
            let outcome = tokio::select! {
                biased;
                () = &mut cancelled => return Err(PollError::Cancelled),
                r = self.send_once(http, &authorization.device_code) => r?,
            };
            let status = match &outcome.reply {
                Reply::Success(_) => PollStatus::Issued,
                Reply::Error(ErrorResponse { code, .. }) => match code {
                    ErrorCode::AuthorizationPending => PollStatus::Pending,
                    ErrorCode::SlowDown => {
                        interval += SLOW_DOWN_STEP;
                        PollStatus::SlowDown { interval }
                    }
                    other => PollStatus::Stopped {
                        error: other.clone(),
                    },
                },
            };
            on_poll(&Poll {
                n,
                at,
                status: status.clone(),
                exchange: outcome.exchange.clone(),
            });
            if matches!(status, PollStatus::Issued | PollStatus::Stopped { .. }) {
                return Ok(outcome);
            }
        }
    }

    /// One token request with the device code.
    pub async fn send_once(
        &self,
        http: &HttpClient,
        device_code: &Sensitive,
    ) -> Result<Outcome<TokenResponse>, OAuthError> {
        let mut form = vec![
            ("grant_type".into(), DEVICE_CODE_GRANT.into()),
            ("device_code".into(), device_code.clone()),
        ];
        let params = TokenParams {
            scope: None,
            ..self.params.clone()
        };
        params.append_to(&mut form);
        request_token(http, &self.token_endpoint, &self.client, form).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_device_response_defaults_its_interval_and_needs_its_codes() {
        let now = Utc::now();
        let d = DeviceAuthorization::from_json(
            serde_json::json!({"device_code": "dc-SECRET", "user_code": "ABCD-EFGH",
                "verification_uri": "https://as/device", "expires_in": 600}),
            now,
        )
        .unwrap();
        assert_eq!(d.interval, DEFAULT_INTERVAL);
        assert_eq!(d.expires_at(), now + chrono::Duration::seconds(600));
        assert!(!format!("{d:?}").contains("dc-SECRET"));
        let missing = DeviceAuthorization::from_json(
            serde_json::json!({"user_code": "A", "verification_uri": "u", "expires_in": 1}),
            now,
        );
        assert_eq!(missing.unwrap_err(), "it has no device_code");
    }
}
