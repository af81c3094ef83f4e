//! The interactive flows run end to end — authorization code + PKCE through a loopback
//! redirect, and the device grant — each reporting a typed `FlowStep` as it happens, so the
//! CLI can print a flow and the window can draw it step by step. Opening the browser is the
//! caller's part (on `AuthorizationUrlReady`): the core does no UI.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use super::client_auth::ClientAuth;
use super::discovery::{KeyResolver, Metadata};
use super::error::OAuthError;
use super::exchange::Exchange;
use super::grants::auth_code::{AuthorizationRequest, AuthorizationUrlError, CodeExchangeRequest};
use super::grants::device::{
    DeviceAuthorizationRequest, DevicePoller, Poll, PollClock, PollError, PollStatus,
};
use super::grants::{TokenParams, TokenResponse};
use super::http::HttpClient;
use super::id_token::{IdTokenCheck, IdTokenExpectations, check_id_token};
use super::loopback::{
    CallbackError, CallbackExpectation, DEFAULT_CALLBACK_TIMEOUT, LoopbackListener,
};
use super::outcome::{Outcome, Reply};
use crate::sensitive::Sensitive;
use crate::token::DEFAULT_LEEWAY;

/// One step of a flow, in the order they happen.
#[derive(Debug, Clone)]
pub enum FlowStep {
    /// The loopback listener is up; the browser will be sent back here.
    ListenerBound { redirect_uri: String },
    /// The authorization URL is built; open it in the system browser (or copy it).
    AuthorizationUrlReady {
        url: String,
        state: String,
        nonce: Option<String>,
        code_challenge: String,
        code_verifier: Sensitive,
    },
    /// The caller handed the URL to a browser, or left it to the user (`--no-browser`, Copy).
    BrowserHandoff { handoff: Handoff },
    /// The browser came back with a code; state (and iss) matched.
    CallbackReceived {
        code: Sensitive,
        iss: Option<String>,
    },
    /// The token endpoint answered the code exchange.
    CodeExchanged { exchange: Box<Exchange> },
    /// The ID token was validated; its report holds the checks.
    IdTokenChecked { passed: bool, failures: Vec<String> },
    /// The device authorization endpoint issued a user code.
    DeviceCodeIssued {
        user_code: String,
        verification_uri: String,
        verification_uri_complete: Option<String>,
        expires_in: u64,
        interval: Duration,
        exchange: Box<Exchange>,
    },
    /// One poll of the token endpoint in the device flow.
    Polled {
        n: u32,
        status: PollStatus,
        exchange: Box<Exchange>,
    },
    /// Tokens arrived.
    Done,
    /// The flow stopped; the message says why.
    Failed { message: String },
}

impl FlowStep {
    /// A short title for the step.
    #[must_use]
    pub fn title(&self) -> &'static str {
        match self {
            Self::ListenerBound { .. } => "loopback listener bound",
            Self::AuthorizationUrlReady { .. } => "authorization URL ready",
            Self::BrowserHandoff {
                handoff: Handoff::Opened,
            } => "browser opened",
            Self::BrowserHandoff {
                handoff: Handoff::LeftToUser,
            } => "URL left to the user",
            Self::BrowserHandoff {
                handoff: Handoff::Failed { .. },
            } => "browser not opened",
            Self::CallbackReceived { .. } => "callback received",
            Self::CodeExchanged { .. } => "code exchanged",
            Self::IdTokenChecked { .. } => "ID token checked",
            Self::DeviceCodeIssued { .. } => "device code issued",
            Self::Polled { .. } => "token endpoint polled",
            Self::Done => "done",
            Self::Failed { .. } => "failed",
        }
    }

    /// One line saying what the step is for.
    #[must_use]
    pub fn purpose(&self) -> &'static str {
        match self {
            Self::ListenerBound { .. } => {
                "a listener on 127.0.0.1 receives the browser's redirect; only this app can bind it, only while the flow runs"
            }
            Self::AuthorizationUrlReady { .. } => {
                "the browser asks the server to log the user in; state guards against forged callbacks, the code_challenge commits to a secret verifier, the nonce ties the ID token to this login"
            }
            Self::BrowserHandoff { .. } => {
                "the system browser, never a web view inside the app, shows the server's login page: the app never sees the password"
            }
            Self::CallbackReceived { .. } => {
                "the server sends the browser back with a one-time code; the state and iss prove the response belongs to this flow and this server"
            }
            Self::CodeExchanged { .. } => {
                "the code is traded for tokens at the token endpoint; the code_verifier proves this app started the flow"
            }
            Self::IdTokenChecked { .. } => {
                "the ID token says who logged in; its signature, issuer, audience, nonce and lifetime must hold before it is believed"
            }
            Self::DeviceCodeIssued { .. } => {
                "the user types this code at the verification URI on any device while this app waits"
            }
            Self::Polled { .. } => {
                "the app asks the token endpoint, no faster than the interval, whether the user has approved"
            }
            Self::Done => "the tokens are here",
            Self::Failed { .. } => "the flow stopped; nothing more is sent",
        }
    }
}

/// What became of the authorization URL once it was ready. Opening a browser is the
/// caller's part; this records it so the steps tell the whole story.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Handoff {
    /// The system browser was asked to open it.
    Opened,
    /// Not opened on purpose: the user copies it (another browser, another device).
    LeftToUser,
    /// Opening failed; the user has to open it by hand.
    Failed { reason: String },
}

/// Cancels a running flow (the window's Cancel, Ctrl-C): the listener closes, polling stops.
#[derive(Debug, Clone)]
pub struct CancelToken(Arc<watch::Sender<bool>>);

impl Default for CancelToken {
    fn default() -> Self {
        Self::new()
    }
}

impl CancelToken {
    #[must_use]
    pub fn new() -> Self {
        Self(Arc::new(watch::Sender::new(false)))
    }

    /// Cancels every flow holding this token (or a clone).
    pub fn cancel(&self) {
        self.0.send_replace(true);
    }

    #[must_use]
    pub fn is_cancelled(&self) -> bool {
        *self.0.borrow()
    }

    /// Completes once `cancel` is called.
    pub async fn cancelled(&self) {
        let mut rx = self.0.subscribe();
        // The sender lives in self, so this only ends when cancelled.
        let _ = rx.wait_for(|c| *c).await;
    }
}

/// Why a flow stopped before the token endpoint could answer.
#[derive(Debug, thiserror::Error)]
pub enum FlowError {
    #[error("the server's metadata has no {0}; set it in the profile")]
    MissingEndpoint(&'static str),
    #[error(transparent)]
    Url(#[from] AuthorizationUrlError),
    #[error(transparent)]
    Callback(#[from] CallbackError),
    #[error(transparent)]
    Poll(#[from] PollError),
    #[error(transparent)]
    Call(#[from] OAuthError),
}

/// A finished flow: the token endpoint's answer (tokens or its error response), and the ID
/// token's report when one came.
#[derive(Debug)]
#[must_use]
pub struct FlowResult {
    pub outcome: Outcome<TokenResponse>,
    pub id_token: Option<IdTokenCheck>,
}

/// The authorization code flow with PKCE through a loopback redirect.
#[derive(Debug, Clone)]
pub struct AuthCodeFlow {
    /// The profile's issuer: the callback's `iss` and the ID token's `iss` must equal it,
    /// and its JWKS verifies the ID token.
    pub issuer: Option<String>,
    /// The server advertises `authorization_response_iss_parameter_supported`.
    pub iss_parameter_supported: bool,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub client: ClientAuth,
    /// Scope, resources, audience and extra authorization parameters.
    pub params: TokenParams,
    /// Extra parameters for the code exchange only (the profile's token extras): the
    /// authorization extras (`prompt`, `login_hint` …) mean nothing to the token endpoint.
    pub token_extra: Vec<(String, String)>,
    /// The profile's loopback redirect URI (fixed port or path); None: an ephemeral port
    /// on 127.0.0.1 with `/callback`.
    pub redirect_uri: Option<String>,
    /// How long to wait for the browser.
    pub timeout: Duration,
}

impl AuthCodeFlow {
    /// A flow against the endpoints in `metadata`.
    pub fn from_metadata(
        metadata: &Metadata,
        client: ClientAuth,
        params: TokenParams,
    ) -> Result<Self, FlowError> {
        Ok(Self {
            issuer: Some(metadata.issuer.clone()),
            iss_parameter_supported: metadata
                .document
                .get("authorization_response_iss_parameter_supported")
                .and_then(serde_json::Value::as_bool)
                .unwrap_or(false),
            authorization_endpoint: metadata
                .authorization_endpoint()
                .ok_or(FlowError::MissingEndpoint("authorization_endpoint"))?
                .to_string(),
            token_endpoint: metadata
                .token_endpoint()
                .ok_or(FlowError::MissingEndpoint("token_endpoint"))?
                .to_string(),
            client,
            params,
            token_extra: Vec::new(),
            redirect_uri: None,
            timeout: DEFAULT_CALLBACK_TIMEOUT,
        })
    }

    /// Runs it: bind, build the URL (the caller opens it on `AuthorizationUrlReady`), wait
    /// for the one callback, exchange the code, check the ID token. A refused callback, a
    /// timeout or a cancel ends it with no token request. Every step goes to `on_step`,
    /// ending with `Done` or `Failed`.
    pub async fn run(
        &self,
        http: &HttpClient,
        keys: &KeyResolver,
        cancel: &CancelToken,
        mut on_step: impl FnMut(FlowStep),
    ) -> Result<FlowResult, FlowError> {
        let result = self.steps(http, keys, cancel, &mut on_step).await;
        finish(&result, &mut on_step);
        result
    }

    async fn steps(
        &self,
        http: &HttpClient,
        keys: &KeyResolver,
        cancel: &CancelToken,
        on_step: &mut impl FnMut(FlowStep),
    ) -> Result<FlowResult, FlowError> {
        let listener = match &self.redirect_uri {
            Some(uri) => LoopbackListener::bind_uri(uri).await?,
            None => LoopbackListener::bind_default().await?,
        };
        let redirect_uri = listener.redirect_uri().to_string();
        on_step(FlowStep::ListenerBound {
            redirect_uri: redirect_uri.clone(),
        });
        let authorization = AuthorizationRequest {
            authorization_endpoint: self.authorization_endpoint.clone(),
            client_id: self.client.client_id.clone(),
            redirect_uri: redirect_uri.clone(),
            params: self.params.clone(),
        }
        .start()?;
        on_step(FlowStep::AuthorizationUrlReady {
            url: authorization.url.clone(),
            state: authorization.state.clone(),
            nonce: authorization.nonce.clone(),
            code_challenge: authorization.pkce.challenge.clone(),
            code_verifier: authorization.pkce.verifier.clone(),
        });
        let expect = CallbackExpectation {
            state: authorization.state.clone(),
            issuer: self.issuer.clone(),
            iss_required: self.iss_parameter_supported,
        };
        let callback = listener
            .wait(&expect, self.timeout, cancel.cancelled())
            .await?;
        on_step(FlowStep::CallbackReceived {
            code: callback.code.clone(),
            iss: callback.iss.clone(),
        });
        let exchange = CodeExchangeRequest {
            token_endpoint: self.token_endpoint.clone(),
            client: self.client.clone(),
            code: callback.code,
            redirect_uri,
            code_verifier: authorization.pkce.verifier,
            params: TokenParams {
                extra: self.token_extra.clone(),
                ..self.params.clone()
            },
        };
        let outcome = tokio::select! {
            biased;
            () = cancel.cancelled() => return Err(CallbackError::Cancelled.into()),
            r = exchange.send(http) => r?,
        };
        on_step(FlowStep::CodeExchanged {
            exchange: Box::new(outcome.exchange.clone()),
        });
        let id_token = self
            .check_id_token(&outcome, authorization.nonce, keys, on_step)
            .await;
        Ok(FlowResult { outcome, id_token })
    }

    async fn check_id_token(
        &self,
        outcome: &Outcome<TokenResponse>,
        nonce: Option<String>,
        keys: &KeyResolver,
        on_step: &mut impl FnMut(FlowStep),
    ) -> Option<IdTokenCheck> {
        id_token_step(
            outcome,
            self.issuer.as_deref(),
            &self.client.client_id,
            nonce,
            keys,
            on_step,
        )
        .await
    }
}

/// The device authorization grant.
#[derive(Debug, Clone)]
pub struct DeviceFlow {
    /// The profile's issuer, for the ID token checks (none: the ID token is not checked).
    pub issuer: Option<String>,
    pub device_authorization_endpoint: String,
    pub token_endpoint: String,
    pub client: ClientAuth,
    pub params: TokenParams,
}

impl DeviceFlow {
    /// A flow against the endpoints in `metadata`.
    pub fn from_metadata(
        metadata: &Metadata,
        client: ClientAuth,
        params: TokenParams,
    ) -> Result<Self, FlowError> {
        Ok(Self {
            issuer: Some(metadata.issuer.clone()),
            device_authorization_endpoint: metadata
                .device_authorization_endpoint()
                .ok_or(FlowError::MissingEndpoint("device_authorization_endpoint"))?
                .to_string(),
            token_endpoint: metadata
                .token_endpoint()
                .ok_or(FlowError::MissingEndpoint("token_endpoint"))?
                .to_string(),
            client,
            params,
        })
    }

    /// Runs it: ask for a user code (shown through `DeviceCodeIssued`), then poll until the
    /// server answers with tokens or stops the flow, the code expires, or `cancel`.
    /// A server's refusal before any code (`unauthorized_client` …) is the outcome's reply.
    pub async fn run<C: PollClock>(
        &self,
        http: &HttpClient,
        keys: &KeyResolver,
        clock: &C,
        cancel: &CancelToken,
        mut on_step: impl FnMut(FlowStep),
    ) -> Result<DeviceFlowResult, FlowError> {
        let result = self.steps(http, keys, clock, cancel, &mut on_step).await;
        match &result {
            Ok(DeviceFlowResult::Refused(o)) => {
                let message = o.error().map(ToString::to_string).unwrap_or_default();
                on_step(FlowStep::Failed { message });
            }
            Ok(DeviceFlowResult::Finished(r)) => finish(&Ok::<_, FlowError>(&**r), &mut on_step),
            Err(e) => on_step(FlowStep::Failed {
                message: e.to_string(),
            }),
        }
        result
    }

    async fn steps<C: PollClock>(
        &self,
        http: &HttpClient,
        keys: &KeyResolver,
        clock: &C,
        cancel: &CancelToken,
        on_step: &mut impl FnMut(FlowStep),
    ) -> Result<DeviceFlowResult, FlowError> {
        let request = DeviceAuthorizationRequest {
            device_authorization_endpoint: self.device_authorization_endpoint.clone(),
            client: self.client.clone(),
            params: self.params.clone(),
        };
        let issued = tokio::select! {
            biased;
            () = cancel.cancelled() => return Err(PollError::Cancelled.into()),
            r = request.send(http) => r?,
        };
        let authorization = match &issued.reply {
            Reply::Success(a) => a.clone(),
            Reply::Error(_) => return Ok(DeviceFlowResult::Refused(Box::new(issued))),
        };
        on_step(FlowStep::DeviceCodeIssued {
            user_code: authorization.user_code.clone(),
            verification_uri: authorization.verification_uri.clone(),
            verification_uri_complete: authorization.verification_uri_complete.clone(),
            expires_in: authorization.expires_in,
            interval: authorization.interval,
            exchange: Box::new(issued.exchange.clone()),
        });
        let poller = DevicePoller {
            token_endpoint: self.token_endpoint.clone(),
            client: self.client.clone(),
            params: self.params.clone(),
        };
        let outcome = poller
            .poll(
                http,
                &authorization,
                clock,
                cancel.cancelled(),
                |p: &Poll| {
                    on_step(FlowStep::Polled {
                        n: p.n,
                        status: p.status.clone(),
                        exchange: Box::new(p.exchange.clone()),
                    });
                },
            )
            .await?;
        let id_token = id_token_step(
            &outcome,
            self.issuer.as_deref(),
            &self.client.client_id,
            None,
            keys,
            on_step,
        )
        .await;
        Ok(DeviceFlowResult::Finished(Box::new(FlowResult {
            outcome,
            id_token,
        })))
    }
}

/// How a device flow ended when the server answered.
#[derive(Debug)]
#[must_use]
pub enum DeviceFlowResult {
    /// The device authorization endpoint said no; no code was issued.
    Refused(Box<Outcome<super::grants::device::DeviceAuthorization>>),
    /// Polling ended with tokens or the server's reason to stop (access_denied,
    /// expired_token …), in `outcome.reply`.
    Finished(Box<FlowResult>),
}

async fn id_token_step(
    outcome: &Outcome<TokenResponse>,
    issuer: Option<&str>,
    client_id: &str,
    nonce: Option<String>,
    keys: &KeyResolver,
    on_step: &mut impl FnMut(FlowStep),
) -> Option<IdTokenCheck> {
    let id_token = outcome.success()?.id_token.as_ref()?;
    let expect = IdTokenExpectations {
        issuer: issuer?.to_string(),
        client_id: client_id.to_string(),
        nonce,
        now: chrono::Utc::now().timestamp(),
        leeway: DEFAULT_LEEWAY,
    };
    let (passed, failures, check) = match check_id_token(id_token, &expect, keys).await {
        Ok(check) => (
            check.passed(),
            check.failures().map(|c| c.message.to_string()).collect(),
            Some(check),
        ),
        Err(e) => (false, vec![e.to_string()], None),
    };
    on_step(FlowStep::IdTokenChecked { passed, failures });
    check
}

fn finish<E: std::fmt::Display>(
    result: &Result<impl std::borrow::Borrow<FlowResult>, E>,
    on_step: &mut impl FnMut(FlowStep),
) {
    let step = match result {
        Ok(r) => match &r.borrow().outcome.reply {
            Reply::Success(_) => FlowStep::Done,
            Reply::Error(e) => FlowStep::Failed {
                message: e.to_string(),
            },
        },
        Err(e) => FlowStep::Failed {
            message: e.to_string(),
        },
    };
    on_step(step);
}
