//! Calling any API with a token, and — when it says 401 or 403 — setting its
//! `WWW-Authenticate` challenge against the token's own report: why was my token rejected?

use std::fmt;

use serde_json::Value;

use super::findings::{clock_of, report_on};
use super::{Finding, OpsError, Services};
use crate::oauth::endpoints::{ApiCall, ApiOutcome};
use crate::profiles::Profile;
use crate::sensitive::Sensitive;
use crate::token::claims::{scopes, string_list};
use crate::token::time::{duration, now_unix};
use crate::token::{Kind, Report};

/// A request to an API.
#[derive(Debug, Clone)]
pub struct CallRequest {
    /// GET, POST, …
    pub method: String,
    pub url: String,
    /// As typed (`Name: value` split); an Authorization header here replaces the bearer.
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
    /// Sent as `Authorization: Bearer`.
    pub token: Option<Sensitive>,
}

/// Why the API refused the token, as far as the token's own report tells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Explanation {
    /// The token's `exp` has passed (`by_server_clock`: only by the server's clock, which
    /// is ahead of this machine's).
    Expired {
        ago_seconds: i64,
        by_server_clock: bool,
    },
    /// The token's `nbf` is still ahead.
    NotYetValid { in_seconds: i64 },
    /// The API names scopes the token does not hold.
    MissingScope {
        wanted: Vec<String>,
        has: Vec<String>,
    },
    /// The token's `aud` does not name the API that was called.
    AudienceMismatch { aud: Vec<String>, called: String },
    /// The API asks for another scheme than Bearer (Basic, DPoP, Negotiate …).
    OtherScheme { schemes: Vec<String> },
    /// A 401 and no token was sent.
    NoToken,
    /// Nothing in the token explains it (opaque, or it looks valid here): revoked, another
    /// issuer or key, or a policy of the API.
    NotExplainedByToken { opaque: bool },
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Expired {
                ago_seconds,
                by_server_clock,
            } => {
                write!(
                    f,
                    "this token expired {} ago",
                    duration(ago_seconds.unsigned_abs())
                )?;
                if *by_server_clock {
                    f.write_str(
                        " by the server's clock (this machine's clock is behind and still says it is valid)",
                    )?;
                }
                Ok(())
            }
            Self::NotYetValid { in_seconds } => write!(
                f,
                "this token is not valid yet (nbf is {} away)",
                duration(in_seconds.unsigned_abs())
            ),
            Self::MissingScope { wanted, has } => {
                write!(f, "the API wants scope {}; this token has ", wanted.join(" "))?;
                if has.is_empty() {
                    f.write_str("no scope")
                } else {
                    f.write_str(&has.join(" "))
                }
            }
            Self::AudienceMismatch { aud, called } => {
                write!(f, "aud is {}, you called {called}", aud.join(", "))
            }
            Self::OtherScheme { schemes } => write!(
                f,
                "the API asks for {} authentication, not a bearer token",
                schemes.join(" or ")
            ),
            Self::NoToken => f.write_str("no token was sent"),
            Self::NotExplainedByToken { opaque: true } => f.write_str(
                "the token is opaque, so nothing about it can be read here: introspect it to see whether it is still active",
            ),
            Self::NotExplainedByToken { opaque: false } => f.write_str(
                "nothing in the token explains it (it looks valid here): it may be revoked, from another issuer or key, or refused by the API's own policy",
            ),
        }
    }
}

/// What the API answered, and what tokenscope makes of it.
#[derive(Debug, Clone)]
#[must_use]
pub struct Called {
    pub outcome: ApiOutcome,
    /// The report on the token sent.
    pub report: Option<Report>,
    /// On a 401 or 403: why, from the token's side.
    pub explanations: Vec<Explanation>,
    pub findings: Vec<Finding>,
}

impl Called {
    /// The server's clock skew, when over the limit.
    #[must_use]
    pub fn clock_skew_seconds(&self) -> Option<i64> {
        self.outcome.clock_skew_finding()
    }

    /// "the API says invalid_token; this token expired 3 min ago", one per explanation.
    #[must_use]
    pub fn sentences(&self) -> Vec<String> {
        let said = self
            .outcome
            .response
            .bearer_error
            .as_ref()
            .map(|e| format!("the API says {}; ", e.code));
        self.explanations
            .iter()
            .map(|e| format!("{}{e}", said.as_deref().unwrap_or_default()))
            .collect()
    }
}

/// Sends `request`; `profile` (optional) gives `allow_http` and the timeout.
pub async fn call(
    services: &Services,
    profile: Option<&Profile>,
    request: CallRequest,
) -> Result<Called, OpsError> {
    let http = match profile {
        Some(p) => services.http_for(p),
        None => services.http.clone(),
    };
    let outcome = ApiCall {
        method: request.method,
        url: request.url.clone(),
        headers: request.headers,
        body: request.body,
        token: request.token.clone(),
    }
    .send(&http)
    .await?;
    let skew = outcome.clock_skew_finding();
    let report = request
        .token
        .as_ref()
        .and_then(|t| report_on(Some("access_token"), t, skew));
    let status = outcome.response.status;
    let explanations = if status == 401 || status == 403 {
        explain(
            &outcome,
            report.as_ref(),
            request.token.is_some(),
            &request.url,
        )
    } else {
        Vec::new()
    };
    Ok(Called {
        findings: clock_of(&outcome.exchange).into_iter().collect(),
        outcome,
        report,
        explanations,
    })
}

fn explain(
    outcome: &ApiOutcome,
    report: Option<&Report>,
    sent_token: bool,
    url: &str,
) -> Vec<Explanation> {
    let response = &outcome.response;
    let mut out = Vec::new();
    let others: Vec<String> = response
        .challenges
        .iter()
        .filter(|c| !c.is_bearer())
        .map(|c| c.scheme.clone())
        .collect();
    if !response.challenges.is_empty() && response.challenges.iter().all(|c| !c.is_bearer()) {
        out.push(Explanation::OtherScheme { schemes: others });
    }
    if !sent_token {
        out.push(Explanation::NoToken);
        return out;
    }
    let Some(report) = report.filter(|r| r.kind == Kind::Jws) else {
        out.push(Explanation::NotExplainedByToken { opaque: true });
        return out;
    };
    let claims = report.payload.as_object();
    let now = now_unix();
    let skew = outcome.exchange.clock_skew_seconds().unwrap_or(0);
    let server_now = now + skew;
    let number = |name: &str| claims.and_then(|c| c.get(name)).and_then(Value::as_i64);
    // Said by this machine's clock, which the user reads; by the server's only when that
    // is what makes the difference.
    match number("exp") {
        Some(exp) if exp <= now => out.push(Explanation::Expired {
            ago_seconds: now - exp,
            by_server_clock: false,
        }),
        Some(exp) if exp <= server_now => out.push(Explanation::Expired {
            ago_seconds: server_now - exp,
            by_server_clock: true,
        }),
        _ => {}
    }
    if let Some(nbf) = number("nbf")
        && nbf > server_now
    {
        out.push(Explanation::NotYetValid {
            in_seconds: nbf - server_now,
        });
    }
    let wanted: Vec<String> = response
        .challenges
        .iter()
        .filter(|c| c.is_bearer())
        .flat_map(|c| c.scopes())
        .map(str::to_string)
        .collect();
    let has = claims.and_then(scopes).unwrap_or_default();
    if wanted.iter().any(|w| !has.contains(&w.as_str())) {
        let has = has.into_iter().map(str::to_string).collect();
        out.push(Explanation::MissingScope { wanted, has });
    }
    let aud = claims
        .and_then(|c| c.get("aud"))
        .and_then(|a| string_list(a).ok())
        .unwrap_or_default();
    if let Some(called) = audience_mismatch(&aud, url) {
        out.push(Explanation::AudienceMismatch { aud, called });
    }
    if out.is_empty() {
        out.push(Explanation::NotExplainedByToken { opaque: false });
    }
    out
}

/// The called host when no `aud` value names the API at `url`: an audience that is the URL's
/// origin or a prefix of it, or that contains its host, counts as naming it.
fn audience_mismatch(aud: &[String], url: &str) -> Option<String> {
    if aud.is_empty() {
        return None;
    }
    let parsed = url::Url::parse(url).ok()?;
    let host = parsed.host_str()?.to_ascii_lowercase();
    let url_lower = url.to_ascii_lowercase();
    let names_it = aud.iter().any(|a| {
        let a = a.to_ascii_lowercase();
        url_lower.starts_with(a.trim_end_matches('/')) || a.contains(&host)
    });
    (!names_it).then_some(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_audience_names_the_api_by_origin_prefix_or_host() {
        let aud = |a: &str| vec![a.to_string()];
        assert_eq!(
            audience_mismatch(&aud("api://billing"), "https://orders.example/v1"),
            Some("orders.example".into())
        );
        assert_eq!(
            audience_mismatch(&aud("https://orders.example"), "https://orders.example/v1"),
            None
        );
        assert_eq!(
            audience_mismatch(&aud("api://orders.example"), "https://orders.example/v1"),
            None
        );
        assert_eq!(audience_mismatch(&[], "https://orders.example/v1"), None);
    }

    #[test]
    fn explanations_read_as_the_user_would_say_them() {
        let e = Explanation::Expired {
            ago_seconds: 180,
            by_server_clock: false,
        };
        assert_eq!(e.to_string(), "this token expired 3 min ago");
        let s = Explanation::MissingScope {
            wanted: vec!["orders:write".into()],
            has: vec!["orders:read".into()],
        };
        assert_eq!(
            s.to_string(),
            "the API wants scope orders:write; this token has orders:read"
        );
    }
}
