//! Getting tokens: fetch (client_credentials, the legacy password grant) and refresh. The
//! refresh token a server sends is stored under the profile only once its answer was read
//! whole and parsed; an answer without one keeps the stored one; a failed refresh leaves the
//! store untouched. One refresh at a time per profile.

use super::findings::{TokenReport, clock_of, report_on};
use super::{Finding, OpsError, Services, Target};
use crate::oauth::error::ErrorCode;
use crate::oauth::grants::{
    ClientCredentialsRequest, PasswordRequest, RefreshRequest as WireRefresh, TokenParams,
    TokenResponse,
};
use crate::oauth::outcome::{Outcome, Reply};
use crate::profiles::endpoints::Endpoint;
use crate::secrets::SecretKind;
use crate::sensitive::Sensitive;

/// The grant to fetch with. The interactive grants (authorization code, device) are flows:
/// see `ops::flows`.
#[derive(Debug, Clone)]
pub enum Grant {
    ClientCredentials,
    /// Legacy (RFC 9700 forbids it); every result of it carries `Finding::LegacyPasswordGrant`.
    Password {
        username: String,
        password: Sensitive,
    },
}

/// A fetch: the grant, and what to ask for where the profile's values are not wanted.
#[derive(Debug, Clone)]
pub struct FetchRequest {
    pub grant: Grant,
    /// Replaces the profile's scopes.
    pub scope: Option<String>,
    /// Replaces the profile's resources when not empty.
    pub resources: Vec<String>,
    /// Replaces the profile's audience.
    pub audience: Option<String>,
}

impl FetchRequest {
    /// A fetch with `grant` and the profile's scope, resources and audience.
    #[must_use]
    pub fn new(grant: Grant) -> Self {
        Self {
            grant,
            scope: None,
            resources: Vec::new(),
            audience: None,
        }
    }
}

/// Which refresh token to use.
#[derive(Debug, Clone)]
pub enum RefreshSource {
    /// The one stored under the profile (read under the refresh lock, so a refresh that
    /// waited for another uses the token that one stored).
    Stored,
    /// One the user gave (e.g. `--refresh-token-stdin`).
    Given(Sensitive),
}

/// A refresh.
#[derive(Debug, Clone)]
pub struct RefreshRequest {
    pub source: RefreshSource,
    /// A narrower scope (RFC 6749 §6); the profile's otherwise is not sent.
    pub scope: Option<String>,
}

/// What a fetch or a refresh got. The new access token is only here after the refresh
/// token was stored (or its storing failed, which `findings` says).
#[derive(Debug, Clone)]
#[must_use]
pub struct TokenResult {
    /// The token response (its `refresh_token`, on a refresh, is the rotated one or None),
    /// or the server's OAuth error.
    pub outcome: Outcome<TokenResponse>,
    /// The access and ID token's reports, in that order.
    pub reports: Vec<TokenReport>,
    pub findings: Vec<Finding>,
}

impl TokenResult {
    /// The server's clock skew, when over the limit.
    #[must_use]
    pub fn clock_skew_seconds(&self) -> Option<i64> {
        self.outcome.clock_skew_finding()
    }
}

pub(super) fn params_of(
    target: &Target,
    scope: Option<String>,
    resources: Vec<String>,
    audience: Option<String>,
    extra: &std::collections::BTreeMap<String, String>,
) -> TokenParams {
    let profile = &target.profile;
    TokenParams {
        scope: scope.or_else(|| (!profile.scopes.is_empty()).then(|| profile.scopes.join(" "))),
        resources: if resources.is_empty() {
            profile.resources.clone()
        } else {
            resources
        },
        audience: audience.or_else(|| profile.audience.clone()),
        extra: extra.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
    }
}

/// Fetches a token for `target` and stores the refresh token, if one came, under it.
pub async fn fetch(
    services: &Services,
    target: &Target,
    request: FetchRequest,
) -> Result<TokenResult, OpsError> {
    let token_endpoint = services.endpoint(target, Endpoint::Token).await?;
    let client = services.client_auth(target)?;
    let http = services.http_for(&target.profile);
    let params = params_of(
        target,
        request.scope,
        request.resources,
        request.audience,
        &target.profile.extra_params.token,
    );
    let mut findings = Vec::new();
    let outcome = match request.grant {
        Grant::ClientCredentials => {
            ClientCredentialsRequest {
                token_endpoint,
                client,
                params,
            }
            .send(&http)
            .await?
        }
        Grant::Password { username, password } => {
            findings.push(Finding::LegacyPasswordGrant);
            PasswordRequest {
                token_endpoint,
                client,
                username,
                password,
                params,
            }
            .send(&http)
            .await?
        }
    };
    if let Reply::Success(tokens) = &outcome.reply
        && let Some(refresh_token) = &tokens.refresh_token
    {
        findings.push(store_refresh_token(services, target, refresh_token));
    }
    Ok(token_result(outcome, findings))
}

/// Refreshes `target`'s tokens (RFC 6749 §6), one refresh at a time per profile. A rotated
/// refresh token replaces the stored one before this returns; none in the answer keeps it;
/// an error (invalid_grant included) leaves it as it was.
pub async fn refresh(
    services: &Services,
    target: &Target,
    request: RefreshRequest,
) -> Result<TokenResult, OpsError> {
    let lock = services.refresh_lock(&target.name);
    let _one_at_a_time = lock.lock().await;
    let (refresh_token, given) = match request.source {
        RefreshSource::Given(token) => (token, true),
        RefreshSource::Stored => (
            services
                .secrets
                .get(&target.name, &SecretKind::RefreshToken)?
                .ok_or_else(|| OpsError::NoRefreshToken(target.name.clone()))?,
            false,
        ),
    };
    let token_endpoint = services.endpoint(target, Endpoint::Token).await?;
    let client = services.client_auth(target)?;
    let http = services.http_for(&target.profile);
    let params = params_of(
        target,
        request.scope,
        Vec::new(),
        None,
        &target.profile.extra_params.refresh,
    );
    // A refresh sends only what narrows the grant: the profile's resources and audience
    // belong to the first request, and some servers refuse them here.
    let params = TokenParams {
        resources: Vec::new(),
        audience: None,
        ..params
    };
    let outcome = WireRefresh {
        token_endpoint,
        client,
        refresh_token: refresh_token.clone(),
        params,
    }
    .send(&http)
    .await?;
    let mut findings = Vec::new();
    let reply = match outcome.reply {
        Reply::Error(e) => {
            if e.code == ErrorCode::InvalidGrant {
                findings.push(Finding::RefreshTokenDead);
            }
            Reply::Error(e)
        }
        Reply::Success(refreshed) => {
            match &refreshed.rotated {
                Some(new) => findings.push(store_refresh_token(services, target, new)),
                // A token the user gave that still works is the one to keep from now on.
                None if given => {
                    findings.push(store_refresh_token(services, target, &refresh_token))
                }
                None => findings.push(Finding::RefreshTokenKept),
            }
            let mut tokens = refreshed.tokens;
            tokens.refresh_token = refreshed.rotated;
            Reply::Success(tokens)
        }
    };
    let outcome = Outcome {
        reply,
        exchange: outcome.exchange,
        warnings: outcome.warnings,
    };
    Ok(token_result(outcome, findings))
}

pub(super) fn store_refresh_token(
    services: &Services,
    target: &Target,
    token: &Sensitive,
) -> Finding {
    match services
        .secrets
        .set(&target.name, &SecretKind::RefreshToken, token)
    {
        Ok(()) => Finding::RefreshTokenStored {
            persistent: services.secrets.is_persistent(),
        },
        Err(error) => Finding::RefreshTokenNotStored { error },
    }
}

/// The result of a token answer: the findings plus the clock's, and each token's report.
pub(super) fn token_result(
    outcome: Outcome<TokenResponse>,
    mut findings: Vec<Finding>,
) -> TokenResult {
    let skew = outcome.clock_skew_finding();
    findings.extend(clock_of(&outcome.exchange));
    let mut reports = Vec::new();
    if let Reply::Success(tokens) = &outcome.reply {
        let labelled = [
            ("access_token", Some(&tokens.access_token)),
            ("id_token", tokens.id_token.as_ref()),
        ];
        for (label, token) in labelled {
            if let Some(token) = token
                && let Some(report) = report_on(Some(label), token, skew)
            {
                reports.push(TokenReport {
                    label,
                    token: token.clone(),
                    report,
                });
            }
        }
    }
    TokenResult {
        outcome,
        reports,
        findings,
    }
}
