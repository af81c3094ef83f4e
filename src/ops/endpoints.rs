//! Asking the server about a token: introspection (RFC 7662), revocation (RFC 7009) and
//! userinfo. Each needs its endpoint from the profile or discovery; a server that does not
//! advertise one is a typed error before anything is sent.

use super::findings::{clock_of, report_on};
use super::{Finding, OpsError, Services, Target};
use crate::oauth::endpoints::{
    IntrospectRequest, Introspection, Revocation, RevokeRequest, TokenTypeHint, Userinfo,
    UserinfoRequest,
};
use crate::oauth::outcome::Outcome;
use crate::profiles::endpoints::Endpoint;
use crate::sensitive::Sensitive;
use crate::token::Report;

/// The server's answer about a token, with the token's own report (for the window's
/// introspection-beside-claims view) and what was noticed.
#[derive(Debug, Clone)]
#[must_use]
pub struct Answer<T> {
    pub outcome: Outcome<T>,
    /// The report on the token sent, when it is a token tokenscope can read.
    pub report: Option<Report>,
    pub findings: Vec<Finding>,
}

impl<T> Answer<T> {
    fn new(outcome: Outcome<T>, label: &str, token: &Sensitive) -> Self {
        let skew = outcome.clock_skew_finding();
        Self {
            report: report_on(Some(label), token, skew),
            findings: clock_of(&outcome.exchange).into_iter().collect(),
            outcome,
        }
    }

    /// The server's clock skew, when over the limit.
    #[must_use]
    pub fn clock_skew_seconds(&self) -> Option<i64> {
        self.outcome.clock_skew_finding()
    }
}

fn label_of(hint: Option<TokenTypeHint>) -> &'static str {
    hint.map_or("token", TokenTypeHint::as_str)
}

/// Introspects `token` at `target`'s introspection endpoint, as its client. `active: false`
/// is a success.
pub async fn introspect(
    services: &Services,
    target: &Target,
    token: &Sensitive,
    hint: Option<TokenTypeHint>,
) -> Result<Answer<Introspection>, OpsError> {
    let endpoint = services.endpoint(target, Endpoint::Introspection).await?;
    let outcome = IntrospectRequest {
        endpoint,
        client: services.client_auth(target)?,
        token: token.clone(),
        hint,
    }
    .send(&services.http_for(&target.profile))
    .await?;
    Ok(Answer::new(outcome, label_of(hint), token))
}

/// Revokes `token` at `target`'s revocation endpoint, as its client.
pub async fn revoke(
    services: &Services,
    target: &Target,
    token: &Sensitive,
    hint: Option<TokenTypeHint>,
) -> Result<Answer<Revocation>, OpsError> {
    let endpoint = services.endpoint(target, Endpoint::Revocation).await?;
    let outcome = RevokeRequest {
        endpoint,
        client: services.client_auth(target)?,
        token: token.clone(),
        hint,
    }
    .send(&services.http_for(&target.profile))
    .await?;
    Ok(Answer::new(outcome, label_of(hint), token))
}

/// Asks `target`'s userinfo endpoint about the user `access_token` stands for.
pub async fn userinfo(
    services: &Services,
    target: &Target,
    access_token: &Sensitive,
) -> Result<Answer<Userinfo>, OpsError> {
    let endpoint = services.endpoint(target, Endpoint::Userinfo).await?;
    let outcome = UserinfoRequest {
        endpoint,
        access_token: access_token.clone(),
    }
    .send(&services.http_for(&target.profile))
    .await?;
    Ok(Answer::new(outcome, "access_token", access_token))
}
