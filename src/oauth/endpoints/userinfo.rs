//! The OIDC userinfo endpoint (Core §5.3): a GET with the access token as a bearer. The
//! answer is JSON claims, or a JWT when the client registered signed or encrypted userinfo.

use serde_json::{Map, Value};

use crate::oauth::error::OAuthError;
use crate::oauth::http::HttpClient;
use crate::oauth::outcome::{Judged, Outcome, Reply, judge};
use crate::oauth::request::{CallError, Endpoint, HttpRequest};
use crate::sensitive::Sensitive;

/// A userinfo request.
#[derive(Debug, Clone)]
pub struct UserinfoRequest {
    pub endpoint: String,
    pub access_token: Sensitive,
}

/// The claims about the user.
#[derive(Debug, Clone, PartialEq)]
pub enum Userinfo {
    /// A JSON object of claims.
    Claims(Map<String, Value>),
    /// `application/jwt`: a signed or encrypted response, raw, for the inspector.
    Jwt(Sensitive),
}

impl UserinfoRequest {
    /// Sends it. A 401 with `WWW-Authenticate: Bearer error="invalid_token"` is the server's
    /// answer (an `ErrorResponse` with the challenge), not a failure.
    pub async fn send(&self, http: &HttpClient) -> Result<Outcome<Userinfo>, OAuthError> {
        if self.access_token.is_empty() {
            return Err(OAuthError::Input("no access token for userinfo".into()));
        }
        let request = HttpRequest::get(Endpoint::Userinfo, &self.endpoint)
            .header("Accept", "application/json, application/jwt")
            .bearer(&self.access_token);
        let received = http.send(request).await?;
        let status = received.status;
        if (200..300).contains(&status) && received.content_type.starts_with("application/jwt") {
            let jwt = String::from_utf8_lossy(received.body()).trim().to_string();
            return Ok(Outcome {
                reply: Reply::Success(Userinfo::Jwt(jwt.into())),
                exchange: received.exchange,
                warnings: Vec::new(),
            });
        }
        match judge(&received) {
            Err(e) => Err(received.fail(e).into()),
            Ok(Judged::Error(error, warnings)) => Ok(Outcome {
                reply: Reply::Error(error),
                exchange: received.exchange,
                warnings,
            }),
            Ok(Judged::Body(body)) => match body.value {
                Value::Object(claims) => Ok(Outcome {
                    reply: Reply::Success(Userinfo::Claims(claims)),
                    exchange: received.exchange,
                    warnings: body.warnings,
                }),
                other => {
                    let excerpt = crate::oauth::http::excerpt(other.to_string().as_bytes());
                    Err(received
                        .fail(CallError::Status {
                            endpoint: Endpoint::Userinfo,
                            status,
                            excerpt,
                        })
                        .into())
                }
            },
        }
    }
}
