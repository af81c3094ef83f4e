//! Token introspection (RFC 7662). `active: false` is an answer ("revoked, expired or unknown
//! to this server"), never an error.

use serde_json::Value;

use super::TokenTypeHint;
use crate::oauth::client_auth::ClientAuth;
use crate::oauth::error::OAuthError;
use crate::oauth::http::HttpClient;
use crate::oauth::outcome::{Judged, Outcome, Reply, judge};
use crate::oauth::request::{Endpoint, HttpRequest};
use crate::oauth::warning::Warning;
use crate::sensitive::Sensitive;

/// An introspection request, authenticated as the profile's client.
#[derive(Debug, Clone)]
pub struct IntrospectRequest {
    pub endpoint: String,
    pub client: ClientAuth,
    pub token: Sensitive,
    pub hint: Option<TokenTypeHint>,
}

/// What the server says about the token (RFC 7662 §2.2). Members other than `active` are
/// only meaningful when it is active.
#[derive(Debug, Clone, PartialEq)]
pub struct Introspection {
    pub active: bool,
    pub scope: Option<String>,
    pub client_id: Option<String>,
    pub username: Option<String>,
    pub token_type: Option<String>,
    pub exp: Option<i64>,
    pub iat: Option<i64>,
    pub nbf: Option<i64>,
    pub sub: Option<String>,
    /// `aud` as a list, whether the server sent a string or an array.
    pub aud: Vec<String>,
    pub iss: Option<String>,
    pub jti: Option<String>,
    /// The whole response as received.
    pub raw: Value,
}

impl Introspection {
    fn from_json(value: Value, warnings: &mut Vec<Warning>) -> Result<Self, String> {
        let active = match value.get("active") {
            Some(Value::Bool(b)) => *b,
            Some(Value::String(s)) if s == "true" || s == "false" => {
                warnings.push(Warning::ActiveAsString { value: s.clone() });
                s == "true"
            }
            Some(other) => return Err(format!("active is {other}, not a boolean")),
            None => return Err("it has no active member".into()),
        };
        let text = |k: &str| value.get(k).and_then(Value::as_str).map(str::to_string);
        let number = |k: &str| value.get(k).and_then(Value::as_i64);
        let aud = match value.get("aud") {
            Some(Value::String(s)) => vec![s.clone()],
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
            _ => Vec::new(),
        };
        Ok(Self {
            active,
            scope: text("scope"),
            client_id: text("client_id"),
            username: text("username"),
            token_type: text("token_type"),
            exp: number("exp"),
            iat: number("iat"),
            nbf: number("nbf"),
            sub: text("sub"),
            aud,
            iss: text("iss"),
            jti: text("jti"),
            raw: value,
        })
    }
}

impl IntrospectRequest {
    /// Sends it: the introspection (active or not), or the server's OAuth error response.
    pub async fn send(&self, http: &HttpClient) -> Result<Outcome<Introspection>, OAuthError> {
        if self.token.is_empty() {
            return Err(OAuthError::Input("no token to introspect".into()));
        }
        let mut form = vec![("token".into(), self.token.clone())];
        if let Some(hint) = self.hint {
            form.push(("token_type_hint".into(), hint.as_str().into()));
        }
        let request = HttpRequest::authenticated_form(
            Endpoint::Introspection,
            &self.endpoint,
            &self.client,
            form,
        )?;
        let received = http.send(request).await?;
        let status = received.status;
        match judge(&received) {
            Err(e) => Err(received.fail(e).into()),
            Ok(Judged::Error(error, warnings)) => Ok(Outcome {
                reply: Reply::Error(error),
                exchange: received.exchange,
                warnings,
            }),
            Ok(Judged::Body(body)) => {
                let mut warnings = body.warnings;
                match Introspection::from_json(body.value, &mut warnings) {
                    Ok(i) => Ok(Outcome {
                        reply: Reply::Success(i),
                        exchange: received.exchange,
                        warnings,
                    }),
                    Err(reason) => Err(OAuthError::Malformed {
                        endpoint: Endpoint::Introspection,
                        status,
                        what: "introspection response",
                        reason,
                        exchange: Box::new(received.exchange),
                    }),
                }
            }
        }
    }
}
