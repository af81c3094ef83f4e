//! The refresh token grant (RFC 6749 §6). The answer says explicitly whether the refresh
//! token was rotated: when the response has none, the caller keeps the one it sent.

use super::{TokenParams, TokenResponse, request_token};
use crate::oauth::client_auth::ClientAuth;
use crate::oauth::error::OAuthError;
use crate::oauth::http::HttpClient;
use crate::oauth::outcome::{Outcome, Reply};
use crate::sensitive::Sensitive;

/// A refresh request.
#[derive(Debug, Clone)]
pub struct RefreshRequest {
    pub token_endpoint: String,
    pub client: ClientAuth,
    pub refresh_token: Sensitive,
    /// A narrower scope or another resource (§6 allows no wider scope than the grant).
    pub params: TokenParams,
}

/// A successful refresh.
#[derive(Debug, Clone)]
pub struct Refreshed {
    /// The new tokens. Its `refresh_token` is always None: a new one is in `rotated`.
    pub tokens: TokenResponse,
    /// The new refresh token when the server rotated it (store it before showing the new
    /// access token; the old one is now dead on rotating servers). None: the server sent
    /// none, or the same one again; the old refresh token stays valid and must be kept.
    pub rotated: Option<Sensitive>,
}

impl Refreshed {
    /// The refresh token to store from now on: the rotated one, else the one sent.
    #[must_use]
    pub fn refresh_token_to_keep<'a>(&'a self, sent: &'a Sensitive) -> &'a Sensitive {
        self.rotated.as_ref().unwrap_or(sent)
    }
}

impl RefreshRequest {
    /// Sends it. `invalid_grant` in the answer means this refresh token is dead (expired,
    /// revoked, or already used on a rotating server); retrying will not help.
    pub async fn send(&self, http: &HttpClient) -> Result<Outcome<Refreshed>, OAuthError> {
        if self.refresh_token.is_empty() {
            return Err(OAuthError::Input(
                "the refresh token is empty; fetch a token first".into(),
            ));
        }
        let mut form = vec![
            ("grant_type".into(), "refresh_token".into()),
            ("refresh_token".into(), self.refresh_token.clone()),
        ];
        self.params.append_to(&mut form);
        let outcome = request_token(http, &self.token_endpoint, &self.client, form).await?;
        let reply = match outcome.reply {
            Reply::Error(e) => Reply::Error(e),
            Reply::Success(mut tokens) => {
                let rotated = tokens
                    .refresh_token
                    .take()
                    .filter(|new| *new != self.refresh_token);
                Reply::Success(Refreshed { tokens, rotated })
            }
        };
        Ok(Outcome {
            reply,
            exchange: outcome.exchange,
            warnings: outcome.warnings,
        })
    }
}
