//! The authorization code grant (RFC 6749 §4.1) with PKCE (RFC 7636): the authorization URL
//! the browser opens, and the exchange of the code the browser brings back.

use std::fmt;

use super::pkce::{CHALLENGE_METHOD, Pkce, RandomError, fresh_nonce};
use super::{TokenParams, TokenResponse, request_token};
use crate::oauth::client_auth::ClientAuth;
use crate::oauth::error::OAuthError;
use crate::oauth::http::HttpClient;
use crate::oauth::outcome::Outcome;
use crate::sensitive::Sensitive;

/// Parameters this module sets itself; the same names in `params.extra` are dropped so a
/// profile cannot weaken the flow (a fixed `state`, `code_challenge_method=plain`).
const OWN_PARAMS: [&str; 8] = [
    "response_type",
    "client_id",
    "redirect_uri",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
    "scope",
];

/// What the authorization URL is built from: the profile's endpoint and client, the
/// redirect URI of the loopback listener, and what to ask for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationRequest {
    pub authorization_endpoint: String,
    pub client_id: String,
    pub redirect_uri: String,
    /// Scope, resources (each its own `resource`), audience and extra parameters.
    pub params: TokenParams,
}

/// One started authorization: the URL to open and the one-time values it carries, which
/// the callback and the code exchange are checked against.
#[derive(Clone, PartialEq, Eq)]
pub struct Authorization {
    pub url: String,
    pub redirect_uri: String,
    pub state: String,
    /// Sent when the scope has `openid`; the ID token must carry it back.
    pub nonce: Option<String>,
    pub pkce: Pkce,
}

impl fmt::Debug for Authorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Authorization")
            .field("url", &self.url)
            .field("state", &self.state)
            .field("nonce", &self.nonce)
            .field("pkce", &self.pkce)
            .finish_non_exhaustive()
    }
}

/// The authorization URL cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthorizationUrlError {
    #[error("the authorization endpoint {url:?} is not a URL: {reason}")]
    BadEndpoint { url: String, reason: String },
    #[error("the client_id is empty; set it in the profile")]
    EmptyClientId,
    #[error(transparent)]
    Random(#[from] RandomError),
}

impl AuthorizationRequest {
    /// True when the scope asks for OpenID Connect (and so for an ID token and a nonce).
    #[must_use]
    pub fn is_openid(&self) -> bool {
        self.params
            .scope
            .as_deref()
            .is_some_and(|s| s.split_whitespace().any(|x| x == "openid"))
    }

    /// Builds the URL with a fresh state, nonce (for `openid`) and PKCE verifier.
    pub fn start(&self) -> Result<Authorization, AuthorizationUrlError> {
        if self.client_id.trim().is_empty() {
            return Err(AuthorizationUrlError::EmptyClientId);
        }
        let mut url = reqwest::Url::parse(&self.authorization_endpoint).map_err(|e| {
            AuthorizationUrlError::BadEndpoint {
                url: self.authorization_endpoint.clone(),
                reason: e.to_string(),
            }
        })?;
        let state = fresh_nonce()?;
        let nonce = if self.is_openid() {
            Some(fresh_nonce()?)
        } else {
            None
        };
        let pkce = Pkce::fresh()?;
        {
            let mut q = url.query_pairs_mut();
            q.append_pair("response_type", "code");
            q.append_pair("client_id", &self.client_id);
            q.append_pair("redirect_uri", &self.redirect_uri);
            if let Some(scope) = self
                .params
                .scope
                .as_deref()
                .filter(|s| !s.trim().is_empty())
            {
                q.append_pair("scope", scope);
            }
            q.append_pair("state", &state);
            if let Some(n) = &nonce {
                q.append_pair("nonce", n);
            }
            q.append_pair("code_challenge", &pkce.challenge);
            q.append_pair("code_challenge_method", CHALLENGE_METHOD);
            for r in &self.params.resources {
                q.append_pair("resource", r);
            }
            if let Some(a) = &self.params.audience {
                q.append_pair("audience", a);
            }
            for (k, v) in &self.params.extra {
                if !OWN_PARAMS.contains(&k.as_str()) {
                    q.append_pair(k, v);
                }
            }
        }
        Ok(Authorization {
            url: url.into(),
            redirect_uri: self.redirect_uri.clone(),
            state,
            nonce,
            pkce,
        })
    }
}

/// The token request that trades the code for tokens (RFC 6749 §4.1.3, RFC 7636 §4.5).
#[derive(Debug, Clone)]
pub struct CodeExchangeRequest {
    pub token_endpoint: String,
    pub client: ClientAuth,
    pub code: Sensitive,
    /// Exactly the redirect_uri of the authorization request.
    pub redirect_uri: String,
    pub code_verifier: Sensitive,
    /// Resources or audience for the access token; scope is not sent again.
    pub params: TokenParams,
}

impl CodeExchangeRequest {
    /// Sends it: tokens, or the server's error (`invalid_grant` for a used or wrong code or
    /// a verifier that does not match the challenge).
    pub async fn send(&self, http: &HttpClient) -> Result<Outcome<TokenResponse>, OAuthError> {
        if self.code.is_empty() {
            return Err(OAuthError::Input("the authorization code is empty".into()));
        }
        let mut form = vec![
            ("grant_type".into(), "authorization_code".into()),
            ("code".into(), self.code.clone()),
            ("redirect_uri".into(), self.redirect_uri.as_str().into()),
            ("code_verifier".into(), self.code_verifier.clone()),
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

    fn request(scope: &str) -> AuthorizationRequest {
        AuthorizationRequest {
            authorization_endpoint: "https://as.example/auth?tenant=x".into(),
            client_id: "app".into(),
            redirect_uri: "http://127.0.0.1:5000/callback".into(),
            params: TokenParams {
                scope: Some(scope.into()),
                resources: vec!["urn:a".into(), "urn:b".into()],
                audience: Some("api".into()),
                extra: vec![
                    ("prompt".into(), "consent".into()),
                    ("code_challenge_method".into(), "plain".into()),
                ],
            },
        }
    }

    fn query(url: &str) -> Vec<(String, String)> {
        reqwest::Url::parse(url)
            .unwrap()
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    }

    #[test]
    fn the_url_carries_every_parameter_and_s256_only() {
        let a = request("openid profile").start().unwrap();
        let q = query(&a.url);
        let get = |k: &str| -> Vec<&str> {
            q.iter()
                .filter(|(n, _)| n == k)
                .map(|(_, v)| v.as_str())
                .collect()
        };
        assert_eq!(get("tenant"), ["x"]);
        assert_eq!(get("response_type"), ["code"]);
        assert_eq!(get("redirect_uri"), ["http://127.0.0.1:5000/callback"]);
        assert_eq!(get("state"), [a.state.as_str()]);
        assert_eq!(get("nonce"), [a.nonce.as_deref().unwrap()]);
        assert_eq!(get("code_challenge"), [a.pkce.challenge.as_str()]);
        assert_eq!(get("code_challenge_method"), ["S256"]);
        assert_eq!(get("resource"), ["urn:a", "urn:b"]);
        assert_eq!(get("audience"), ["api"]);
        assert_eq!(get("prompt"), ["consent"]);
        assert!(!a.url.contains(a.pkce.verifier.reveal()));
    }

    #[test]
    fn no_nonce_without_openid_and_fresh_values_each_time() {
        let r = request("api:read");
        let (a, b) = (r.start().unwrap(), r.start().unwrap());
        assert!(a.nonce.is_none() && !a.url.contains("nonce="));
        assert_ne!(a.state, b.state);
        assert_ne!(a.pkce.verifier, b.pkce.verifier);
    }
}
