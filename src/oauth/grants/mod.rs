//! Token requests (RFC 6749 §4.4, §4.3, §6) and the token response they share (§5.1),
//! read tolerantly: `token_type` in any case, `expires_in` as a number or (with a warning)
//! a string, Keycloak's `refresh_expires_in`.

pub mod auth_code;
pub mod client_credentials;
pub mod device;
pub mod password;
pub mod pkce;
pub mod refresh;

use std::fmt;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::client_auth::ClientAuth;
use super::error::OAuthError;
use super::http::HttpClient;
use super::outcome::{Judged, Outcome, Reply, judge};
use super::request::{Endpoint, HttpRequest};
use super::warning::Warning;
use crate::sensitive::Sensitive;

pub use auth_code::{Authorization, AuthorizationRequest, CodeExchangeRequest};
pub use client_credentials::ClientCredentialsRequest;
pub use device::{DeviceAuthorization, DeviceAuthorizationRequest, DevicePoller};
pub use password::PasswordRequest;
pub use refresh::{RefreshRequest, Refreshed};

/// What a token request asks for besides the grant: from the profile or per request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TokenParams {
    /// Space-separated scopes.
    pub scope: Option<String>,
    /// RFC 8707 resource indicators; each is sent as its own `resource` parameter.
    pub resources: Vec<String>,
    /// `audience` (Auth0, Keycloak and others; not an RFC parameter of the token endpoint).
    pub audience: Option<String>,
    /// Any other parameters, sent as given (client_id/client_secret here are ignored).
    pub extra: Vec<(String, String)>,
}

impl TokenParams {
    fn append_to(&self, form: &mut Vec<(String, Sensitive)>) {
        if let Some(scope) = self.scope.as_deref().filter(|s| !s.trim().is_empty()) {
            form.push(("scope".into(), scope.into()));
        }
        for r in &self.resources {
            form.push(("resource".into(), r.as_str().into()));
        }
        if let Some(a) = &self.audience {
            form.push(("audience".into(), a.as_str().into()));
        }
        for (k, v) in &self.extra {
            form.push((k.clone(), v.as_str().into()));
        }
    }
}

/// A successful token response (RFC 6749 §5.1). The raw JSON holds the tokens too, so
/// `Debug` shows neither.
#[derive(Clone, PartialEq)]
pub struct TokenResponse {
    pub access_token: Sensitive,
    /// As the server wrote it; compare with `is_bearer`, never by case.
    pub token_type: String,
    /// Seconds from `received_at`; the countdown for an opaque token.
    pub expires_in: Option<u64>,
    pub refresh_token: Option<Sensitive>,
    /// Keycloak's lifetime of the refresh token, in seconds from `received_at`.
    pub refresh_expires_in: Option<u64>,
    pub id_token: Option<Sensitive>,
    /// The granted scope when the server says it (absent means: as requested, §5.1).
    pub scope: Option<String>,
    /// When the response was read whole (local clock): what `expires_in` counts from.
    pub received_at: DateTime<Utc>,
    /// The whole JSON object as received.
    pub raw: Value,
}

impl fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenResponse")
            .field("access_token", &self.access_token)
            .field("token_type", &self.token_type)
            .field("expires_in", &self.expires_in)
            .field("refresh_token", &self.refresh_token)
            .field("refresh_expires_in", &self.refresh_expires_in)
            .field("id_token", &self.id_token)
            .field("scope", &self.scope)
            .field("received_at", &self.received_at)
            .finish_non_exhaustive()
    }
}

impl TokenResponse {
    /// True when `token_type` is Bearer in any case (RFC 6749 §5.1: case-insensitive).
    #[must_use]
    pub fn is_bearer(&self) -> bool {
        self.token_type.eq_ignore_ascii_case("bearer")
    }

    /// When the access token expires by `expires_in`, counted from `received_at`.
    #[must_use]
    pub fn expires_at(&self) -> Option<DateTime<Utc>> {
        seconds_after(self.received_at, self.expires_in?)
    }

    /// When the refresh token expires by `refresh_expires_in` (0 means no expiry there).
    #[must_use]
    pub fn refresh_expires_at(&self) -> Option<DateTime<Utc>> {
        let s = self.refresh_expires_in.filter(|s| *s > 0)?;
        seconds_after(self.received_at, s)
    }

    /// Reads a 2xx token response; the reason when it is not one.
    fn from_json(
        value: Value,
        received_at: DateTime<Utc>,
        warnings: &mut Vec<Warning>,
    ) -> Result<Self, String> {
        let Value::Object(map) = &value else {
            return Err("it is not a JSON object".into());
        };
        let text = |k: &str| map.get(k).and_then(Value::as_str).map(str::to_string);
        let access_token = text("access_token")
            .filter(|t| !t.is_empty())
            .ok_or("it has no access_token")?;
        let token_type = match text("token_type") {
            Some(t) => t,
            None => {
                warnings.push(Warning::NoTokenType);
                "Bearer".into()
            }
        };
        if !token_type.eq_ignore_ascii_case("bearer") {
            warnings.push(Warning::NotBearer {
                token_type: token_type.clone(),
            });
        }
        let expires_in = seconds(map.get("expires_in"), warnings);
        let refresh_expires_in = seconds(map.get("refresh_expires_in"), warnings);
        Ok(Self {
            access_token: access_token.into(),
            token_type,
            expires_in,
            refresh_token: text("refresh_token")
                .filter(|t| !t.is_empty())
                .map(Into::into),
            refresh_expires_in,
            id_token: text("id_token").filter(|t| !t.is_empty()).map(Into::into),
            scope: text("scope"),
            received_at,
            raw: value,
        })
    }
}

fn seconds_after(at: DateTime<Utc>, seconds: u64) -> Option<DateTime<Utc>> {
    at.checked_add_signed(chrono::Duration::seconds(i64::try_from(seconds).ok()?))
}

/// A lifetime in seconds: a number, or a string of digits with a warning.
fn seconds(value: Option<&Value>, warnings: &mut Vec<Warning>) -> Option<u64> {
    match value? {
        Value::Null => None,
        Value::Number(n) => n.as_u64().or_else(|| {
            // 3600.0 is a number of seconds too; a negative one is not.
            n.as_f64()
                .filter(|f| f.is_finite() && *f >= 0.0 && f.fract() == 0.0)
                .map(|f| f as u64)
                .or_else(|| {
                    warnings.push(Warning::ExpiresInUnusable {
                        value: n.to_string(),
                    });
                    None
                })
        }),
        Value::String(s) => match s.trim().parse::<u64>() {
            Ok(n) => {
                warnings.push(Warning::ExpiresInAsString { value: s.clone() });
                Some(n)
            }
            Err(_) => {
                warnings.push(Warning::ExpiresInUnusable {
                    value: format!("\"{s}\""),
                });
                None
            }
        },
        other => {
            warnings.push(Warning::ExpiresInUnusable {
                value: other.to_string(),
            });
            None
        }
    }
}

/// Sends a token request and reads the answer.
pub(crate) async fn request_token(
    http: &HttpClient,
    token_endpoint: &str,
    client: &ClientAuth,
    form: Vec<(String, Sensitive)>,
) -> Result<Outcome<TokenResponse>, OAuthError> {
    let request = HttpRequest::authenticated_form(Endpoint::Token, token_endpoint, client, form)?;
    let received = http.send(request).await?;
    let judged = match judge(&received) {
        Ok(j) => j,
        Err(e) => return Err(received.fail(e).into()),
    };
    let received_at = received.exchange.received_at();
    let status = received.status;
    match judged {
        Judged::Error(error, warnings) => Ok(Outcome {
            reply: Reply::Error(error),
            exchange: received.exchange,
            warnings,
        }),
        Judged::Body(body) => {
            let mut warnings = body.warnings;
            match TokenResponse::from_json(body.value, received_at, &mut warnings) {
                Ok(tokens) => Ok(Outcome {
                    reply: Reply::Success(tokens),
                    exchange: received.exchange,
                    warnings,
                }),
                Err(reason) => Err(OAuthError::Malformed {
                    endpoint: Endpoint::Token,
                    status,
                    what: "token response",
                    reason,
                    exchange: Box::new(received.exchange),
                }),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expires_in_as_string_is_accepted_with_a_warning_and_junk_is_not() {
        let mut w = Vec::new();
        let v = serde_json::json!({"a": "3600", "b": 60, "c": "soon", "d": -5, "e": 30.0});
        assert_eq!(seconds(v.get("a"), &mut w), Some(3600));
        assert_eq!(seconds(v.get("b"), &mut w), Some(60));
        assert_eq!(seconds(v.get("c"), &mut w), None);
        assert_eq!(seconds(v.get("d"), &mut w), None);
        assert_eq!(seconds(v.get("e"), &mut w), Some(30));
        assert_eq!(seconds(v.get("missing"), &mut w), None);
        assert!(matches!(w[0], Warning::ExpiresInAsString { .. }));
        assert!(matches!(w[1], Warning::ExpiresInUnusable { .. }));
        assert_eq!(w.len(), 3);
    }

    #[test]
    fn a_token_response_needs_an_access_token_and_hides_it_in_debug() {
        let now = Utc::now();
        let mut w = Vec::new();
        let r = TokenResponse::from_json(
            serde_json::json!({"access_token": "at-SECRET", "token_type": "bearer", "expires_in": 60}),
            now,
            &mut w,
        )
        .unwrap();
        assert!(r.is_bearer() && w.is_empty());
        assert_eq!(r.expires_at(), Some(now + chrono::Duration::seconds(60)));
        assert!(!format!("{r:?}").contains("at-SECRET"));
        let missing =
            TokenResponse::from_json(serde_json::json!({"token_type": "Bearer"}), now, &mut w);
        assert_eq!(missing.unwrap_err(), "it has no access_token");
    }
}
