//! The interactive flows in the window: log in through the system browser, or on another
//! device. A started flow streams one [`FlowEvent::Step`] per step under its job id, then
//! one [`FlowEvent::Finished`]; `Cancel` stops it through its cancel token, so the listener
//! closes and polling stops with a last `Failed` step the window can show. The flows are the
//! same `ops` functions the CLI runs.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use tokio::task::AbortHandle;
use tokio::time::Instant;

use super::{Event, JobId, Outbox};
use crate::oauth::flow::{CancelToken, FlowStep, Handoff};
use crate::oauth::grants::device::TokioClock;
use crate::ops::{self, FlowRequest, FlowTokens, OpsError, Services, Target};

/// What the window asks of the flow side.
pub enum FlowCommand {
    /// Authorization code + PKCE through the loopback listener. With `open_browser` false the
    /// URL is left to the user (the window's Copy URL: another browser, another device).
    StartAuthCode {
        job: JobId,
        target: Box<Target>,
        request: FlowRequest,
        open_browser: bool,
    },
    /// The device authorization grant.
    StartDevice {
        job: JobId,
        target: Box<Target>,
        request: FlowRequest,
    },
    /// Stop a running flow: it ends with a `Failed` step and a `Finished` event.
    Cancel(JobId),
}

// By hand: only what identifies the job, never a profile's contents.
impl fmt::Debug for FlowCommand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::StartAuthCode { job, target, .. } => {
                write!(f, "StartAuthCode({job}, {})", target.name)
            }
            Self::StartDevice { job, target, .. } => {
                write!(f, "StartDevice({job}, {})", target.name)
            }
            Self::Cancel(job) => write!(f, "CancelFlow({job})"),
        }
    }
}

/// What the flow side answers.
#[derive(Debug)]
pub enum FlowEvent {
    /// A step happened, `at` after the flow started.
    Step {
        job: JobId,
        step: Box<FlowStep>,
        at: Duration,
    },
    /// The flow ended: the token endpoint's answer (the refresh token already stored), or why
    /// it stopped.
    Finished {
        job: JobId,
        result: Result<Box<FlowTokens>, Box<OpsError>>,
    },
}

/// The running flows' cancel tokens.
#[derive(Default)]
pub(super) struct FlowJobs {
    cancels: HashMap<JobId, CancelToken>,
}

impl FlowJobs {
    /// Starts or cancels a flow; a started one's task handle goes to the worker's job map,
    /// so dropping the worker aborts it too.
    pub(super) fn run(
        &mut self,
        command: FlowCommand,
        services: impl Future<Output = Arc<Services>> + 'static,
        outbox: &Outbox,
    ) -> Option<(JobId, AbortHandle)> {
        self.cancels.retain(|_, c| !c.is_cancelled());
        let (job, kind) = match command {
            FlowCommand::Cancel(job) => {
                if let Some(cancel) = self.cancels.remove(&job) {
                    cancel.cancel();
                }
                return None;
            }
            FlowCommand::StartAuthCode {
                job,
                target,
                request,
                open_browser,
            } => (job, Kind::AuthCode(target, request, open_browser)),
            FlowCommand::StartDevice {
                job,
                target,
                request,
            } => (job, Kind::Device(target, request)),
        };
        let cancel = CancelToken::new();
        self.cancels.insert(job, cancel.clone());
        let outbox = outbox.clone();
        let task = tokio::task::spawn_local(async move {
            let services = services.await;
            let started = Instant::now();
            let steps = outbox.clone();
            let on_step = move |step: FlowStep| {
                steps.send(Event::Flow(FlowEvent::Step {
                    job,
                    step: Box::new(step),
                    at: started.elapsed(),
                }));
            };
            let result = match kind {
                Kind::AuthCode(target, request, open_browser) => {
                    let opener = move |url: &str| {
                        if open_browser {
                            ops::open_system_browser(url)
                        } else {
                            Handoff::LeftToUser
                        }
                    };
                    ops::log_in(&services, &target, request, &opener, &cancel, on_step).await
                }
                Kind::Device(target, request) => {
                    let clock = TokioClock::default();
                    ops::device_login(&services, &target, request, &clock, &cancel, on_step).await
                }
            };
            outbox.send(Event::Flow(FlowEvent::Finished {
                job,
                result: result.map(Box::new).map_err(Box::new),
            }));
        });
        Some((job, task.abort_handle()))
    }
}

enum Kind {
    AuthCode(Box<Target>, FlowRequest, bool),
    Device(Box<Target>, FlowRequest),
}
