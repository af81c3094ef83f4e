//! The resource owner password credentials grant (RFC 6749 §4.3). Legacy: OAuth 2.0 Security
//! BCP (RFC 9700) says it must not be used and OAuth 2.1 drops it; it is here because test
//! environments still use it, and every caller labels it so.

use super::{TokenParams, TokenResponse, request_token};
use crate::oauth::client_auth::ClientAuth;
use crate::oauth::error::OAuthError;
use crate::oauth::http::HttpClient;
use crate::oauth::outcome::Outcome;
use crate::sensitive::Sensitive;

/// How the window and the CLI name this grant.
pub const LEGACY_LABEL: &str =
    "password grant (legacy: forbidden by the OAuth 2.0 Security BCP, removed in OAuth 2.1)";

/// A password token request.
#[derive(Debug, Clone)]
pub struct PasswordRequest {
    pub token_endpoint: String,
    pub client: ClientAuth,
    pub username: String,
    pub password: Sensitive,
    pub params: TokenParams,
}

impl PasswordRequest {
    /// Sends it. A wrong username or password is the server's `invalid_grant` answer.
    pub async fn send(&self, http: &HttpClient) -> Result<Outcome<TokenResponse>, OAuthError> {
        let mut form = vec![
            ("grant_type".into(), "password".into()),
            ("username".into(), self.username.as_str().into()),
            ("password".into(), self.password.clone()),
        ];
        self.params.append_to(&mut form);
        request_token(http, &self.token_endpoint, &self.client, form).await
    }
}
