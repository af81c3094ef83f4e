//! Any API called with the token as a bearer: whatever it answers is the result (a 401 is
//! the interesting case), with its `WWW-Authenticate` challenges parsed (RFC 6750 §3).

use crate::oauth::error::{Challenge, ErrorResponse, OAuthError, parse_www_authenticate};
use crate::oauth::exchange::{Exchange, Header};
use crate::oauth::http::HttpClient;
use crate::oauth::request::{Endpoint, HttpRequest};
use crate::oauth::warning::Warning;
use crate::sensitive::Sensitive;

/// A request to an API.
#[derive(Debug, Clone)]
pub struct ApiCall {
    /// GET, POST, … (any token the HTTP grammar allows).
    pub method: String,
    pub url: String,
    /// Extra headers as the user typed them; an Authorization here replaces the bearer.
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
    /// Sent as `Authorization: Bearer`.
    pub token: Option<Sensitive>,
}

/// What the API answered, any status. Redirects are answers here too (not followed).
#[derive(Debug, Clone)]
pub struct ApiResponse {
    pub status: u16,
    /// Every response header in order (values masked in `Debug`).
    pub headers: Vec<Header>,
    pub content_type: String,
    /// At most 1 MiB; `body_capped` says whether there was more.
    pub body: Vec<u8>,
    pub body_capped: bool,
    /// Every challenge of every `WWW-Authenticate` header.
    pub challenges: Vec<Challenge>,
    /// The RFC 6750 error of the Bearer challenge, when it names one.
    pub bearer_error: Option<ErrorResponse>,
}

impl ApiResponse {
    /// True for a 2xx.
    #[must_use]
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// An answered API call.
#[derive(Debug, Clone)]
#[must_use]
pub struct ApiOutcome {
    pub response: ApiResponse,
    pub exchange: Exchange,
    pub warnings: Vec<Warning>,
}

impl ApiOutcome {
    /// The CLI's exit status (DESIGN.md): 0 on a 2xx, 1 on anything else the API answered.
    #[must_use]
    pub fn exit_status(&self) -> u8 {
        if self.response.is_success() { 0 } else { 1 }
    }

    /// Server clock minus local clock when more than 60 s apart.
    #[must_use]
    pub fn clock_skew_finding(&self) -> Option<i64> {
        self.exchange.clock_skew_finding()
    }
}

impl ApiCall {
    /// Sends it. Only a failed call (DNS, refused, TLS, timeout, cut body) is an error.
    pub async fn send(&self, http: &HttpClient) -> Result<ApiOutcome, OAuthError> {
        let method = reqwest::Method::from_bytes(self.method.trim().as_bytes())
            .map_err(|_| OAuthError::Input(format!("{:?} is not an HTTP method", self.method)))?;
        let mut request = HttpRequest::get(Endpoint::Api, &self.url);
        request.method = method;
        let user_auth = self
            .headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("authorization"));
        if let (Some(token), false) = (&self.token, user_auth) {
            request = request.bearer(token);
        }
        for (name, value) in &self.headers {
            request = request.header(name, value.as_str());
        }
        if let Some(body) = &self.body {
            request.body = Some(body.as_str().into());
        }
        let received = http.send(request).await?;
        let (headers, body, body_capped, challenges) = match &received.exchange.response {
            Some(r) => (
                r.headers.clone(),
                r.body.clone(),
                r.capped,
                parse_www_authenticate(r.headers_named("www-authenticate")),
            ),
            None => (Vec::new(), Vec::new(), false, Vec::new()),
        };
        let mut warnings = Vec::new();
        if body_capped {
            warnings.push(Warning::BodyCapped {
                limit: crate::oauth::http::MAX_BODY_BYTES,
            });
        }
        let api = ApiResponse {
            status: received.status,
            headers,
            content_type: received.content_type.clone(),
            body,
            body_capped,
            bearer_error: ErrorResponse::from_challenges(&challenges, received.status),
            challenges,
        };
        Ok(ApiOutcome {
            response: api,
            exchange: received.exchange,
            warnings,
        })
    }
}
