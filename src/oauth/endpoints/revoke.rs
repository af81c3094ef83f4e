//! Token revocation (RFC 7009). A 200 means the server accepted the request (it also answers
//! 200 for a token it does not know, §2.2); a 503 means "not now", with `Retry-After`.

use chrono::{DateTime, Utc};

use super::TokenTypeHint;
use crate::oauth::client_auth::ClientAuth;
use crate::oauth::error::{ErrorResponse, OAuthError};
use crate::oauth::http::HttpClient;
use crate::oauth::outcome::{Judged, Outcome, Reply, judge};
use crate::oauth::request::{Endpoint, HttpRequest};
use crate::sensitive::Sensitive;

/// A revocation request, authenticated as the profile's client.
#[derive(Debug, Clone)]
pub struct RevokeRequest {
    pub endpoint: String,
    pub client: ClientAuth,
    pub token: Sensitive,
    pub hint: Option<TokenTypeHint>,
}

/// How the server took it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Revocation {
    /// HTTP 200: accepted. Introspect to confirm the token is inactive now.
    Accepted,
    /// HTTP 503 (§2.2.1): the token still exists; try again, after `retry_after` if given.
    Unavailable { retry_after: Option<RetryAfter> },
}

/// A `Retry-After` header (RFC 9110 §10.2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryAfter {
    Seconds(u64),
    At(DateTime<Utc>),
}

/// Parses `Retry-After`: delta-seconds or an HTTP date.
#[must_use]
pub fn parse_retry_after(value: &str) -> Option<RetryAfter> {
    let value = value.trim();
    if let Ok(s) = value.parse::<u64>() {
        return Some(RetryAfter::Seconds(s));
    }
    DateTime::parse_from_rfc2822(value)
        .ok()
        .map(|d| RetryAfter::At(d.with_timezone(&Utc)))
}

impl RevokeRequest {
    /// Sends it. `unsupported_token_type` in the answer means the server cannot revoke this
    /// kind of token (some refuse JWT access tokens); its advice says so.
    pub async fn send(&self, http: &HttpClient) -> Result<Outcome<Revocation>, OAuthError> {
        if self.token.is_empty() {
            return Err(OAuthError::Input("no token to revoke".into()));
        }
        let mut form = vec![("token".into(), self.token.clone())];
        if let Some(hint) = self.hint {
            form.push(("token_type_hint".into(), hint.as_str().into()));
        }
        let request = HttpRequest::authenticated_form(
            Endpoint::Revocation,
            &self.endpoint,
            &self.client,
            form,
        )?;
        let received = http.send(request).await?;
        let status = received.status;
        let outcome = |reply, received: crate::oauth::request::Received, warnings| Outcome {
            reply,
            exchange: received.exchange,
            warnings,
        };
        if status == 503 {
            let retry_after = received
                .exchange
                .response
                .as_ref()
                .and_then(|r| r.header("retry-after"))
                .and_then(parse_retry_after);
            return Ok(outcome(
                Reply::Success(Revocation::Unavailable { retry_after }),
                received,
                Vec::new(),
            ));
        }
        // §2.2: the body of a 200 is ignored, unless it is an OAuth error in disguise.
        if (200..300).contains(&status) {
            let disguised = received
                .json()
                .ok()
                .and_then(|b| ErrorResponse::from_json(&b.value, status).map(|e| (e, b.warnings)));
            return Ok(match disguised {
                Some((error, warnings)) => outcome(Reply::Error(error), received, warnings),
                None => outcome(Reply::Success(Revocation::Accepted), received, Vec::new()),
            });
        }
        match judge(&received) {
            Err(e) => Err(received.fail(e).into()),
            Ok(Judged::Error(error, warnings)) => {
                Ok(outcome(Reply::Error(error), received, warnings))
            }
            // judge() turns every non-2xx without an OAuth error into a CallError.
            Ok(Judged::Body(body)) => Ok(outcome(
                Reply::Success(Revocation::Accepted),
                received,
                body.warnings,
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_is_seconds_or_a_date() {
        assert_eq!(parse_retry_after(" 120 "), Some(RetryAfter::Seconds(120)));
        let at = parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT");
        assert_eq!(
            at,
            Some(RetryAfter::At(
                DateTime::parse_from_rfc3339("2015-10-21T07:28:00Z")
                    .unwrap()
                    .with_timezone(&Utc)
            ))
        );
        assert_eq!(parse_retry_after("soon"), None);
    }
}
