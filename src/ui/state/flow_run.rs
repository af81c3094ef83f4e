//! One flow as the window shows it: the steps so far with when each arrived, whether it is
//! still running, the tokens it ended with, and where a replay stands. The flow view draws
//! this and nothing else, so a test can feed steps straight in; the app feeds it the
//! worker's events. Plain exchanges (client_credentials, refresh) become a finished run of
//! one step each, drawn by the same view.

use std::time::Duration;

use crate::oauth::exchange::Exchange;
use crate::oauth::flow::FlowStep;
use crate::sensitive::Sensitive;

/// Which grant the run shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlowKind {
    AuthCode,
    Device,
    ClientCredentials,
    Refresh,
}

impl FlowKind {
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::AuthCode => "Authorization code + PKCE",
            Self::Device => "Device authorization",
            Self::ClientCredentials => "Client credentials",
            Self::Refresh => "Refresh",
        }
    }
}

/// One thing that happened.
#[derive(Debug, Clone)]
pub enum Shown {
    /// A step of an interactive flow.
    Step(FlowStep),
    /// A request on its own (a fetch, a refresh), with what it is for.
    Exchange {
        title: &'static str,
        purpose: &'static str,
        exchange: Box<Exchange>,
    },
}

impl Shown {
    #[must_use]
    pub fn title(&self) -> &'static str {
        match self {
            Self::Step(s) => s.title(),
            Self::Exchange { title, .. } => title,
        }
    }

    #[must_use]
    pub fn purpose(&self) -> &'static str {
        match self {
            Self::Step(s) => s.purpose(),
            Self::Exchange { purpose, .. } => purpose,
        }
    }

    /// The HTTP exchange behind it, when there was one.
    #[must_use]
    pub fn exchange(&self) -> Option<&Exchange> {
        match self {
            Self::Exchange { exchange, .. }
            | Self::Step(
                FlowStep::CodeExchanged { exchange }
                | FlowStep::DeviceCodeIssued { exchange, .. }
                | FlowStep::Polled { exchange, .. },
            ) => Some(exchange),
            Self::Step(_) => None,
        }
    }
}

/// A step and when it arrived, counted from the start of the flow.
#[derive(Debug, Clone)]
pub struct TimedStep {
    pub shown: Shown,
    pub at: Duration,
}

/// Where the run stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunState {
    Running,
    Done,
    /// Stopped; the words say why.
    Failed(String),
}

/// The device code on screen: what the user types and until when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceCode {
    pub user_code: String,
    pub verification_uri: String,
    pub verification_uri_complete: Option<String>,
    /// Unix milliseconds by the window's clock when the code runs out.
    pub expires_at_ms: i64,
}

/// A token the run ended with.
#[derive(Debug, Clone)]
pub struct RunToken {
    /// `access_token`, `id_token`, `refresh_token`.
    pub label: &'static str,
    pub token: Sensitive,
}

/// A flow on screen.
#[derive(Debug, Clone)]
pub struct FlowRun {
    pub kind: FlowKind,
    /// The profile it ran against.
    pub profile: String,
    pub steps: Vec<TimedStep>,
    pub state: RunState,
    pub device_code: Option<DeviceCode>,
    pub tokens: Vec<RunToken>,
    /// What tokenscope noticed besides the answer (where the refresh token went, a skewed
    /// clock), each with whether it is a warning.
    pub notes: Vec<(bool, String)>,
    /// During a replay, how many steps are shown; None shows them all.
    pub replay: Option<usize>,
}

/// What the user can do to a replay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replay {
    /// Start from the first step.
    Start,
    Next,
    Back,
    /// Show every step again.
    End,
}

impl FlowRun {
    /// A run that has just started.
    #[must_use]
    pub fn new(kind: FlowKind, profile: impl Into<String>) -> Self {
        Self {
            kind,
            profile: profile.into(),
            steps: Vec::new(),
            state: RunState::Running,
            device_code: None,
            tokens: Vec::new(),
            notes: Vec::new(),
            replay: None,
        }
    }

    /// A finished run of plain exchanges, one step each, in the order sent.
    #[must_use]
    pub fn of_exchanges(
        kind: FlowKind,
        profile: impl Into<String>,
        exchanges: &[Exchange],
    ) -> Self {
        let mut run = Self::new(kind, profile);
        let (title, purpose) = match kind {
            FlowKind::Refresh => (
                "refresh token exchanged",
                "the refresh token buys a new access token without the user; a rotating server also returns a new refresh token and retires the old one",
            ),
            _ => (
                "client authenticated at the token endpoint",
                "the client proves who it is with its own credentials and gets a token for itself; no user is involved",
            ),
        };
        let mut at = Duration::ZERO;
        for exchange in exchanges {
            at += exchange.duration;
            run.steps.push(TimedStep {
                shown: Shown::Exchange {
                    title,
                    purpose,
                    exchange: Box::new(exchange.clone()),
                },
                at,
            });
        }
        let answered = exchanges
            .last()
            .and_then(Exchange::status)
            .is_some_and(|s| (200..300).contains(&s));
        run.state = if answered {
            RunState::Done
        } else {
            RunState::Failed("the token endpoint did not issue a token".into())
        };
        run
    }

    /// Adds a step that arrived `at` into the flow, `now_ms` by the window's clock.
    pub fn push(&mut self, step: FlowStep, at: Duration, now_ms: i64) {
        match &step {
            FlowStep::DeviceCodeIssued {
                user_code,
                verification_uri,
                verification_uri_complete,
                expires_in,
                ..
            } => {
                let expires_ms = i64::try_from(expires_in.saturating_mul(1000)).unwrap_or(i64::MAX);
                self.device_code = Some(DeviceCode {
                    user_code: user_code.clone(),
                    verification_uri: verification_uri.clone(),
                    verification_uri_complete: verification_uri_complete.clone(),
                    expires_at_ms: now_ms.saturating_add(expires_ms),
                });
            }
            FlowStep::Done => self.state = RunState::Done,
            FlowStep::Failed { message } => self.state = RunState::Failed(message.clone()),
            _ => {}
        }
        self.steps.push(TimedStep {
            shown: Shown::Step(step),
            at,
        });
    }

    /// The flow ended without a last step (the worker stopped it, or the user cancelled).
    pub fn stop(&mut self, why: impl Into<String>) {
        if self.state == RunState::Running {
            self.state = RunState::Failed(why.into());
        }
    }

    #[must_use]
    pub fn is_running(&self) -> bool {
        self.state == RunState::Running
    }

    /// The steps on screen: all of them, or those a replay has reached.
    #[must_use]
    pub fn visible(&self) -> &[TimedStep] {
        match self.replay {
            Some(n) => &self.steps[..n.min(self.steps.len())],
            None => &self.steps,
        }
    }

    /// The authorization URL, once built (for Copy).
    #[must_use]
    pub fn authorization_url(&self) -> Option<&str> {
        self.steps.iter().find_map(|s| match &s.shown {
            Shown::Step(FlowStep::AuthorizationUrlReady { url, .. }) => Some(url.as_str()),
            _ => None,
        })
    }

    /// Moves a replay; a running flow is not replayed.
    pub fn replay(&mut self, step: Replay) {
        if self.is_running() {
            return;
        }
        let total = self.steps.len();
        self.replay = match (step, self.replay) {
            (Replay::Start, _) => Some(1.min(total)),
            (Replay::Next, Some(n)) if n + 1 >= total => None,
            (Replay::Next, Some(n)) => Some(n + 1),
            (Replay::Back, Some(n)) => Some(n.saturating_sub(1).max(1)),
            (Replay::End, _) | (Replay::Next | Replay::Back, None) => None,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finished() -> FlowRun {
        let mut run = FlowRun::new(FlowKind::AuthCode, "p");
        for step in [
            FlowStep::ListenerBound {
                redirect_uri: "http://127.0.0.1:1/callback".into(),
            },
            FlowStep::CallbackReceived {
                code: "c".into(),
                iss: None,
            },
            FlowStep::Done,
        ] {
            run.push(step, Duration::ZERO, 0);
        }
        run
    }

    #[test]
    fn a_replay_walks_the_steps_one_by_one_and_ends_showing_them_all() {
        let mut run = finished();
        assert_eq!(run.state, RunState::Done);
        run.replay(Replay::Start);
        assert_eq!(run.visible().len(), 1);
        run.replay(Replay::Back);
        assert_eq!(run.visible().len(), 1);
        run.replay(Replay::Next);
        assert_eq!(run.visible().len(), 2);
        run.replay(Replay::Next);
        assert_eq!(run.replay, None);
        assert_eq!(run.visible().len(), 3);
    }

    #[test]
    fn a_running_flow_is_not_replayed() {
        let mut run = FlowRun::new(FlowKind::Device, "p");
        run.replay(Replay::Start);
        assert_eq!(run.replay, None);
    }

    fn exchange() -> Exchange {
        Exchange {
            endpoint: crate::oauth::exchange::Endpoint::DeviceAuthorization,
            method: "POST".into(),
            url: "https://as.example/device/auth".into(),
            request_headers: Vec::new(),
            request_body: None,
            started_at: chrono::Utc::now(),
            duration: Duration::from_millis(20),
            response: None,
        }
    }

    #[test]
    fn the_device_code_runs_out_expires_in_after_it_arrived() {
        let mut run = FlowRun::new(FlowKind::Device, "p");
        run.push(
            FlowStep::DeviceCodeIssued {
                user_code: "ABCD-EFGH".into(),
                verification_uri: "https://as.example/device".into(),
                verification_uri_complete: None,
                expires_in: 600,
                interval: Duration::from_secs(5),
                exchange: Box::new(exchange()),
            },
            Duration::from_millis(30),
            1_000,
        );
        assert_eq!(run.device_code.unwrap().expires_at_ms, 601_000);
    }
}
