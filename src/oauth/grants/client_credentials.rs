//! The client credentials grant (RFC 6749 §4.4): a token for the client itself.

use super::{TokenParams, TokenResponse, request_token};
use crate::oauth::client_auth::ClientAuth;
use crate::oauth::error::OAuthError;
use crate::oauth::http::HttpClient;
use crate::oauth::outcome::Outcome;

/// A client_credentials token request.
#[derive(Debug, Clone)]
pub struct ClientCredentialsRequest {
    pub token_endpoint: String,
    pub client: ClientAuth,
    pub params: TokenParams,
}

impl ClientCredentialsRequest {
    /// Sends it: a token response, or the server's OAuth error response.
    pub async fn send(&self, http: &HttpClient) -> Result<Outcome<TokenResponse>, OAuthError> {
        let mut form = vec![("grant_type".into(), "client_credentials".into())];
        self.params.append_to(&mut form);
        request_token(http, &self.token_endpoint, &self.client, form).await
    }
}
