//! The interactive grants as operations: log in through the system browser (authorization
//! code + PKCE over a loopback redirect) and the device grant. The CLI and the window's
//! worker run these same functions; each streams the flow's steps to `on_step` as they
//! happen and ends like `fetch`: the refresh token is stored under the profile once the token
//! endpoint's answer was read whole, and the tokens carry their inspect reports.
//!
//! Opening the browser is passed in (an [`Opener`]): the window and the CLI open the system
//! browser, `--no-browser` and tests replace it.

use std::time::Duration;

use super::tokens::{params_of, store_refresh_token, token_result};
use super::{Finding, OpsError, Services, Target, TokenResult};
use crate::oauth::discovery::KeyResolver;
use crate::oauth::flow::{
    AuthCodeFlow, CancelToken, DeviceFlow, DeviceFlowResult, FlowError, FlowResult, FlowStep,
    Handoff,
};
use crate::oauth::grants::device::{PollClock, PollError};
use crate::oauth::id_token::IdTokenCheck;
use crate::oauth::loopback::DEFAULT_CALLBACK_TIMEOUT;
use crate::oauth::outcome::{Outcome, Reply};
use crate::profiles::endpoints::Endpoint;

/// Hands the authorization URL to a browser and says what became of it.
pub type Opener = dyn Fn(&str) -> Handoff + Send + Sync;

/// What to ask for where the profile's values are not wanted (as in a fetch).
#[derive(Debug, Clone, Default)]
pub struct FlowRequest {
    /// Replaces the profile's scopes.
    pub scope: Option<String>,
    /// Replaces the profile's resources when not empty.
    pub resources: Vec<String>,
    /// Replaces the profile's audience.
    pub audience: Option<String>,
    /// How long to wait for the browser to come back (default 5 min).
    pub callback_timeout: Option<Duration>,
}

/// What a finished flow got: the token endpoint's answer as a fetch has it (tokens with their
/// reports and the refresh token stored, or the server's refusal), and the ID token's
/// OIDC checks when one came.
#[derive(Debug, Clone)]
#[must_use]
pub struct FlowTokens {
    pub tokens: TokenResult,
    /// The ID token judged per OIDC Core §3.1.3.7 (issuer, audience, nonce, signature by the
    /// issuer's keys); None when no ID token came or it was not a JWT.
    pub id_token: Option<IdTokenCheck>,
}

impl FlowTokens {
    /// The CLI's exit status: 0 when tokens came and the ID token (if any) passed its checks;
    /// 1 when the server said no or the ID token must be rejected.
    #[must_use]
    pub fn exit_status(&self) -> u8 {
        let refused = self.tokens.outcome.error().is_some();
        let id_token_failed = self.id_token.as_ref().is_some_and(|c| !c.passed());
        u8::from(refused || id_token_failed)
    }
}

/// Logs in through a browser: binds the loopback listener, builds the authorization URL,
/// hands it to `opener` (a `BrowserHandoff` step records what happened), waits for the one
/// callback, exchanges the code and checks the ID token. A refused callback, a timeout or a
/// cancel end it with no token request.
pub async fn log_in(
    services: &Services,
    target: &Target,
    request: FlowRequest,
    opener: &Opener,
    cancel: &CancelToken,
    mut on_step: impl FnMut(FlowStep) + Send,
) -> Result<FlowTokens, OpsError> {
    let authorization_endpoint = services.endpoint(target, Endpoint::Authorization).await?;
    let token_endpoint = services.endpoint(target, Endpoint::Token).await?;
    let client = services.client_auth(target)?;
    let http = services.http_for(&target.profile);
    let profile = &target.profile;
    let issuer = profile.issuer.as_str().to_string();
    // Only known when discovery ran (an endpoint was not overridden); without it an `iss`
    // in the callback is still checked, its absence is not.
    let iss_parameter_supported = services.discovery.cached(&issuer).is_some_and(|m| {
        m.documents.iter().any(|(_, doc)| {
            doc.get("authorization_response_iss_parameter_supported")
                .and_then(serde_json::Value::as_bool)
                == Some(true)
        })
    });
    let flow = AuthCodeFlow {
        issuer: Some(issuer),
        iss_parameter_supported,
        authorization_endpoint,
        token_endpoint,
        client,
        params: params_of(
            target,
            request.scope,
            request.resources,
            request.audience,
            &profile.extra_params.authorize,
        ),
        token_extra: profile
            .extra_params
            .token
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        redirect_uri: profile
            .redirect_uri
            .as_ref()
            .map(|u| u.as_str().to_string()),
        timeout: request.callback_timeout.unwrap_or(DEFAULT_CALLBACK_TIMEOUT),
    };
    let keys = KeyResolver::new().with_http(http.clone());
    let result = flow
        .run(&http, &keys, cancel, |step| {
            let url = match &step {
                FlowStep::AuthorizationUrlReady { url, .. } => Some(url.clone()),
                _ => None,
            };
            on_step(step);
            if let Some(url) = url {
                on_step(FlowStep::BrowserHandoff {
                    handoff: opener(&url),
                });
            }
        })
        .await
        .map_err(flow_error)?;
    Ok(finish(services, target, result))
}

/// Runs the device grant: a user code (the `DeviceCodeIssued` step carries it and the
/// verification URI), then polls at the server's interval on `clock` until tokens come, the
/// server stops it, the code expires, or `cancel`.
pub async fn device_login<C: PollClock>(
    services: &Services,
    target: &Target,
    request: FlowRequest,
    clock: &C,
    cancel: &CancelToken,
    on_step: impl FnMut(FlowStep) + Send,
) -> Result<FlowTokens, OpsError> {
    let device_authorization_endpoint = services.endpoint(target, Endpoint::Device).await?;
    let token_endpoint = services.endpoint(target, Endpoint::Token).await?;
    let client = services.client_auth(target)?;
    let http = services.http_for(&target.profile);
    let flow = DeviceFlow {
        issuer: Some(target.profile.issuer.as_str().to_string()),
        device_authorization_endpoint,
        token_endpoint,
        client,
        params: params_of(
            target,
            request.scope,
            request.resources,
            request.audience,
            &target.profile.extra_params.token,
        ),
    };
    let keys = KeyResolver::new().with_http(http.clone());
    let result = flow
        .run(&http, &keys, clock, cancel, on_step)
        .await
        .map_err(flow_error)?;
    match result {
        DeviceFlowResult::Finished(result) => Ok(finish(services, target, *result)),
        // No code was issued: the server's refusal is the answer, as a token request's is.
        DeviceFlowResult::Refused(issued) => {
            let Outcome {
                reply,
                exchange,
                warnings,
            } = *issued;
            let reply = match reply {
                Reply::Error(e) => Reply::Error(e),
                Reply::Success(_) => unreachable!("a device code that was issued is polled"),
            };
            let outcome = Outcome {
                reply,
                exchange,
                warnings,
            };
            Ok(FlowTokens {
                tokens: token_result(outcome, Vec::new()),
                id_token: None,
            })
        }
    }
}

/// A flow's failures that are not the server's OAuth answer stay flow errors; a failed call
/// is the same `OAuth` error every operation has.
fn flow_error(error: FlowError) -> OpsError {
    match error {
        FlowError::Call(e) | FlowError::Poll(PollError::Call(e)) => OpsError::OAuth(e),
        other => OpsError::Flow(Box::new(other)),
    }
}

fn finish(services: &Services, target: &Target, result: FlowResult) -> FlowTokens {
    let FlowResult { outcome, id_token } = result;
    let mut findings: Vec<Finding> = Vec::new();
    if let Reply::Success(tokens) = &outcome.reply
        && let Some(refresh_token) = &tokens.refresh_token
    {
        findings.push(store_refresh_token(services, target, refresh_token));
    }
    FlowTokens {
        tokens: token_result(outcome, findings),
        id_token,
    }
}

/// Opens `url` in the system browser (never a web view inside the app: identity providers
/// block those, RFC 8252 §8.12). Returns once the opener program started; it does not wait
/// for the browser.
#[must_use]
pub fn open_system_browser(url: &str) -> Handoff {
    let mut command = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        // Not `cmd /c start`: cmd splits the URL at every `&`.
        let mut c = std::process::Command::new("rundll32");
        c.arg("url.dll,FileProtocolHandler");
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    command
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    match command.spawn() {
        Ok(mut child) => {
            // Reap it in the background so no zombie is left; its status says nothing more
            // than that the request was handed on.
            std::thread::spawn(move || child.wait());
            Handoff::Opened
        }
        Err(e) => Handoff::Failed {
            reason: format!("cannot start {:?}: {e}", command.get_program()),
        },
    }
}
