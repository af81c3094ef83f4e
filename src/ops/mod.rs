//! The server operations the CLI and the window's worker share: fetch, refresh, introspect,
//! revoke, userinfo and calling an API, over one [`Services`] value. Each is a plain async
//! function returning a typed result that carries the exchange(s), the parsed answer, what
//! tokenscope noticed on the way ([`Finding`]) and, for tokens, their inspect reports. Text
//! is made at the edge: every type here has a `Display` for the CLI, and the window may draw
//! the variants its own way.

mod call;
mod endpoints;
mod findings;
mod flows;
mod tokens;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub use call::{CallRequest, Called, Explanation, call};
pub use endpoints::{Answer, introspect, revoke, userinfo};
pub use findings::{Finding, TokenReport};
pub use flows::{FlowRequest, FlowTokens, Opener, device_login, log_in, open_system_browser};
pub use tokens::{FetchRequest, Grant, RefreshRequest, RefreshSource, TokenResult, fetch, refresh};

use crate::oauth::client_auth::ClientAuth;
use crate::oauth::discovery::DiscoveryError;
use crate::oauth::error::OAuthError;
use crate::oauth::exchange::Exchange;
use crate::oauth::flow::FlowError;
use crate::oauth::grants::device::PollError;
use crate::oauth::http::HttpClient;
use crate::oauth::loopback::CallbackError;
use crate::profiles::endpoints::{DiscoveryCache, Endpoint};
use crate::profiles::{Profile, ProfileName};
use crate::secrets::{SecretError, SecretKind, SecretStore};

/// What every operation needs: one HTTP client (with its exchange log), the secret store,
/// the discovery cache, and the per-profile refresh locks. Share it behind an `Arc`.
#[derive(Debug)]
pub struct Services {
    pub http: HttpClient,
    pub secrets: Arc<dyn SecretStore>,
    pub discovery: Arc<DiscoveryCache>,
    refresh_locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

impl Services {
    /// Services over `http` and `secrets`, with an empty discovery cache.
    #[must_use]
    pub fn new(http: HttpClient, secrets: Arc<dyn SecretStore>) -> Self {
        Self {
            http,
            secrets,
            discovery: Arc::new(DiscoveryCache::new()),
            refresh_locks: Mutex::new(HashMap::new()),
        }
    }

    /// The lock that lets one refresh at a time run for `profile`: servers with reuse
    /// detection revoke the whole token family when two refreshes race with one token.
    fn refresh_lock(&self, profile: &ProfileName) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self
            .refresh_locks
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Arc::clone(locks.entry(profile.as_str().to_string()).or_default())
    }

    /// The client for calls to `profile`'s server: its `allow_http` and its timeout, if any.
    fn http_for(&self, profile: &Profile) -> HttpClient {
        let mut http = self.http.clone().allow_http(profile.allow_http);
        if let Some(seconds) = profile.timeout_seconds {
            http = http.with_timeout(std::time::Duration::from_secs(seconds));
        }
        http
    }

    /// The URL of `endpoint` for `target`: the profile's override, else what discovery of its
    /// issuer advertises, else `NotAdvertised`.
    async fn endpoint(&self, target: &Target, endpoint: Endpoint) -> Result<String, OpsError> {
        if let Some(url) = endpoint.override_in(&target.profile.endpoints) {
            return Ok(url.as_str().to_string());
        }
        let issuer = target.profile.issuer.as_str();
        let http = self.http_for(&target.profile);
        let metadata = self
            .discovery
            .get(&http, issuer, false)
            .await
            .map_err(|error| OpsError::Discovery {
                issuer: issuer.to_string(),
                error: Box::new(error),
            })?;
        match metadata.member(endpoint.metadata_key()) {
            Some((url, _)) => Ok(url.to_string()),
            None => Err(OpsError::NotAdvertised {
                profile: target.name.clone(),
                endpoint,
                issuer: issuer.to_string(),
            }),
        }
    }

    /// The client's credentials: the profile's method, the secret from the store.
    fn client_auth(&self, target: &Target) -> Result<ClientAuth, OpsError> {
        let profile = &target.profile;
        let method = profile.auth_method;
        if !method.needs_secret() {
            return Ok(ClientAuth::public(&profile.client_id));
        }
        // A missing secret is ClientAuth's own error, raised when the request is built.
        let secret = self
            .secrets
            .get(&target.name, &SecretKind::ClientSecret)?
            .unwrap_or_default();
        Ok(ClientAuth::confidential(&profile.client_id, method, secret))
    }
}

/// The profile an operation runs against. The caller may adjust it for one run (the CLI's
/// `--timeout` sets `timeout_seconds`); nothing here writes it back.
#[derive(Debug, Clone)]
pub struct Target {
    pub name: ProfileName,
    pub profile: Profile,
}

/// Why an operation did not get an answer from the server in OAuth terms.
#[derive(Debug, thiserror::Error)]
pub enum OpsError {
    /// The call failed, or the answer was not OAuth (HTML, not JSON, a redirect, a stall).
    #[error(transparent)]
    OAuth(#[from] OAuthError),
    /// The profile sets no such endpoint and the server's metadata does not list it.
    #[error(
        "profile {profile}: the server {issuer} does not advertise a {} endpoint ({}) and the profile sets none; add it with `tokenscope profile add … --{}-endpoint URL` if the server has one",
        endpoint.name(), endpoint.metadata_key(), endpoint.name()
    )]
    NotAdvertised {
        profile: ProfileName,
        endpoint: Endpoint,
        issuer: String,
    },
    /// The endpoint was to come from discovery, which failed.
    #[error("discovery of {issuer} failed: {error} ({})", error.hint())]
    Discovery {
        issuer: String,
        error: Box<DiscoveryError>,
    },
    /// The keychain refused or failed.
    #[error(transparent)]
    Secret(#[from] SecretError),
    /// An interactive flow stopped before the token endpoint answered: the callback was
    /// refused (state, iss, access_denied), nothing came back in time, the device code ran
    /// out, or the user cancelled. No token was requested after a refused callback.
    #[error(transparent)]
    Flow(Box<FlowError>),
    /// `refresh` with nothing to refresh with.
    #[error(
        "profile {0} has no refresh token stored: run `tokenscope fetch --profile {0}` first, or pass one with --refresh-token-stdin"
    )]
    NoRefreshToken(ProfileName),
}

impl OpsError {
    /// The exchange, when a request went out.
    #[must_use]
    pub fn exchange(&self) -> Option<&Exchange> {
        match self {
            Self::OAuth(e) => e.exchange(),
            _ => None,
        }
    }

    /// The CLI's exit status (DESIGN.md): 2 for unusable input or configuration, 3 when the
    /// network or the server failed or answered with something that is not OAuth.
    #[must_use]
    pub fn exit_status(&self) -> u8 {
        match self {
            Self::OAuth(e) => e.exit_status(),
            Self::Flow(e) => flow_exit_status(e),
            Self::Discovery { error, .. } if error.is_network() => 3,
            Self::NotAdvertised { .. }
            | Self::Discovery { .. }
            | Self::Secret(_)
            | Self::NoRefreshToken(_) => 2,
        }
    }

    /// A stable name for the kind of failure, for `--json`'s `error` member.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        use crate::oauth::request::CallError as C;
        match self {
            Self::OAuth(OAuthError::Call { error, .. }) => match error {
                C::BadUrl { .. } => "bad_url",
                C::BadHeader { .. } => "bad_header",
                C::Dns { .. } => "dns",
                C::Refused { .. } => "connection_refused",
                C::Tls { .. } => "tls",
                C::Timeout { .. } => "timeout",
                C::Network { .. } => "network",
                C::Redirect { .. } => "redirect",
                C::Html { .. } => "html",
                C::Empty { .. } => "empty_body",
                C::Truncated { .. } => "truncated_body",
                C::NotJson { .. } => "not_json",
                C::TooLarge { .. } => "too_large",
                C::Status { .. } => "not_oauth",
            },
            Self::OAuth(OAuthError::Malformed { .. }) => "malformed_response",
            Self::OAuth(OAuthError::ClientAuth(_)) => "client_auth",
            Self::OAuth(OAuthError::Input(_)) => "invalid_input",
            Self::NotAdvertised { .. } => "endpoint_not_advertised",
            Self::Discovery { .. } => "discovery_failed",
            Self::Secret(_) => "keychain",
            Self::NoRefreshToken(_) => "no_refresh_token",
            Self::Flow(e) => flow_kind(e),
        }
    }

    /// The HTTP status of the answer, when one came back.
    #[must_use]
    pub fn http_status(&self) -> Option<u16> {
        match self {
            Self::OAuth(OAuthError::Malformed { status, .. }) => Some(*status),
            Self::OAuth(e) => e
                .call_error()
                .and_then(crate::oauth::request::CallError::http_status),
            _ => None,
        }
    }

    /// What the body was, when one came back.
    #[must_use]
    pub fn body_kind(&self) -> Option<crate::oauth::http::BodyKind> {
        match self {
            Self::OAuth(OAuthError::Malformed { .. }) => Some(crate::oauth::http::BodyKind::Json),
            Self::OAuth(e) => e
                .call_error()
                .and_then(crate::oauth::request::CallError::body_kind),
            _ => None,
        }
    }

    /// Server clock minus local clock, when an answer came back more than 60 s off.
    #[must_use]
    pub fn clock_skew_seconds(&self) -> Option<i64> {
        self.exchange().and_then(Exchange::clock_skew_finding)
    }

    /// The OAuth error code and description a server sent in a refused callback
    /// (`error=access_denied` …), for `--json`'s `error` and `error_description`.
    #[must_use]
    pub fn callback_error(&self) -> Option<(&str, Option<&str>)> {
        match self {
            Self::Flow(e) => match &**e {
                FlowError::Callback(CallbackError::Denied {
                    error, description, ..
                }) => Some((error.as_str(), description.as_deref())),
                _ => None,
            },
            _ => None,
        }
    }
}

/// A refused callback, a lapsed wait and a cancel are "the server (or the user) said no": 1;
/// a listener that cannot be set up or a URL that cannot be built is configuration: 2.
fn flow_exit_status(error: &FlowError) -> u8 {
    match error {
        FlowError::Call(e) | FlowError::Poll(PollError::Call(e)) => e.exit_status(),
        FlowError::MissingEndpoint(_)
        | FlowError::Url(_)
        | FlowError::Callback(CallbackError::NotLoopback { .. } | CallbackError::Bind { .. }) => 2,
        FlowError::Callback(CallbackError::Io(_)) => 3,
        FlowError::Callback(_) | FlowError::Poll(_) => 1,
    }
}

fn flow_kind(error: &FlowError) -> &'static str {
    match error {
        FlowError::MissingEndpoint(_) => "endpoint_not_advertised",
        FlowError::Url(_) => "bad_authorization_url",
        FlowError::Callback(e) => match e {
            CallbackError::NotLoopback { .. } => "redirect_uri_not_loopback",
            CallbackError::Bind { .. } => "listener_bind",
            CallbackError::StateMismatch { .. } => "state_mismatch",
            CallbackError::Denied { .. } => "authorization_denied",
            CallbackError::IssuerMismatch { .. } => "iss_mismatch",
            CallbackError::IssuerMissing { .. } => "iss_missing",
            CallbackError::NoCode => "no_code",
            CallbackError::TimedOut { .. } => "timeout",
            CallbackError::Cancelled => "cancelled",
            CallbackError::Io(_) => "listener_failed",
        },
        FlowError::Poll(PollError::Expired { .. }) => "expired_token",
        FlowError::Poll(PollError::Cancelled) => "cancelled",
        // ops::flows turns these into `OpsError::OAuth`, which has the finer kinds.
        FlowError::Poll(PollError::Call(_)) | FlowError::Call(_) => "call_failed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profiles::EndpointUrl;
    use crate::secrets::MemoryStore;

    fn is_send<T: Send>(_: &T) {}

    /// The window's worker spawns these on a multi-threaded runtime: they must be `Send`.
    #[test]
    fn every_operation_can_run_on_the_workers_runtime() {
        let services = Services::new(HttpClient::new(), Arc::new(MemoryStore::new()));
        let target = Target {
            name: ProfileName::new("p").unwrap(),
            profile: Profile::new(EndpointUrl::new("https://as.example").unwrap(), "c"),
        };
        let token = crate::sensitive::Sensitive::from("t");
        is_send(&fetch(
            &services,
            &target,
            FetchRequest::new(Grant::ClientCredentials),
        ));
        is_send(&refresh(
            &services,
            &target,
            RefreshRequest {
                source: RefreshSource::Stored,
                scope: None,
            },
        ));
        is_send(&introspect(&services, &target, &token, None));
        is_send(&revoke(&services, &target, &token, None));
        is_send(&userinfo(&services, &target, &token));
        is_send(&call(
            &services,
            None,
            CallRequest {
                method: "GET".into(),
                url: "https://api.example".into(),
                headers: Vec::new(),
                body: None,
                token: None,
            },
        ));
        let cancel = crate::oauth::flow::CancelToken::new();
        let opener = |_: &str| crate::oauth::flow::Handoff::LeftToUser;
        is_send(&log_in(
            &services,
            &target,
            FlowRequest::default(),
            &opener,
            &cancel,
            |_| {},
        ));
        is_send(&device_login(
            &services,
            &target,
            FlowRequest::default(),
            &crate::oauth::grants::device::TokioClock::default(),
            &cancel,
            |_| {},
        ));
        fn shared<T: Send + Sync>() {}
        shared::<Services>();
    }
}
