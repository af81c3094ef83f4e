//! The window's flows: every flow run this session (each under its worker job), which one is
//! on screen, which tokens each produced, and the one place that acts on what the Flows
//! window and the Log in buttons ask for and on the worker's flow events.

use std::collections::{HashMap, HashSet};

use crate::ops::{FlowRequest, Target};
use crate::profiles::ProfileName;
use crate::sensitive::Sensitive;
use crate::ui::app::App;
use crate::ui::flows::flow_view::FlowAction;
use crate::ui::state::app_state::Level;
use crate::ui::state::entry::EntryId;
use crate::ui::state::flow_run::{FlowKind, FlowRun, RunToken};
use crate::ui::state::intent::Intent;
use crate::worker::{Command, FlowCommand, FlowEvent, JobId};

/// What the Flows window holds.
#[derive(Debug, Default)]
pub struct Flows {
    pub open: bool,
    /// Every run this session, oldest first.
    pub runs: Vec<(JobId, FlowRun)>,
    /// The run on screen.
    pub shown: Option<JobId>,
    /// The workspace's tokens that a run produced, and that run.
    pub produced: HashMap<EntryId, JobId>,
}

impl Flows {
    /// The run on screen, or the newest.
    #[must_use]
    pub fn shown_run(&self) -> Option<(JobId, &FlowRun)> {
        let pick = self.shown.or_else(|| self.runs.last().map(|(j, _)| *j))?;
        self.runs
            .iter()
            .find(|(j, _)| *j == pick)
            .map(|(j, r)| (*j, r))
    }

    /// Milliseconds until a device code's countdown on screen shows another second (plus a
    /// few, so the new second has surely begun); None when no countdown is on screen.
    #[must_use]
    pub fn ms_until_countdown_changes(&self, now_ms: i64) -> Option<i64> {
        let (_, run) = self.shown_run().filter(|_| self.open)?;
        let code = run.device_code.as_ref().filter(|_| run.is_running())?;
        let left = code.expires_at_ms - now_ms;
        // The countdown shows whole seconds rounded up: it changes as `left` crosses the next
        // multiple of 1000 below it.
        (left > 0).then(|| (left - 1).rem_euclid(1000) + 1 + 15)
    }

    /// The run that produced the token `entry`, if one did this session.
    #[must_use]
    pub fn run_of(&self, entry: EntryId) -> Option<(JobId, &FlowRun)> {
        let job = *self.produced.get(&entry)?;
        self.runs
            .iter()
            .find(|(j, _)| *j == job)
            .map(|(j, r)| (*j, r))
    }

    fn run_mut(&mut self, job: JobId) -> Option<&mut FlowRun> {
        self.runs
            .iter_mut()
            .find(|(j, _)| *j == job)
            .map(|(_, r)| r)
    }
}

/// What the user asked of the Flows window.
#[must_use]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlowIntent {
    /// Show or hide the window.
    Open(bool),
    /// Start a flow with the profile `name` (from the profiles the worker read); the window
    /// opens to show it.
    Start { name: ProfileName, kind: FlowKind },
    /// Put this run on screen.
    Show(JobId),
    /// The flow view asked for something.
    Act { job: JobId, action: FlowAction },
}

impl App {
    /// Acts on one of the Flows window's intents.
    pub(in crate::ui) fn apply_flow(&mut self, ctx: &egui::Context, intent: FlowIntent) {
        match intent {
            FlowIntent::Open(open) => self.state.flows.open = open,
            FlowIntent::Start { name, kind } => {
                let Some(profile) = self
                    .state
                    .servers
                    .file
                    .as_ref()
                    .and_then(|f| f.get(&name))
                    .cloned()
                else {
                    return;
                };
                // The overrides typed in the profile's Fetch form count for a login too.
                let request = self
                    .state
                    .servers
                    .fetch_forms
                    .get(&name)
                    .map(|form| {
                        let nonempty = |s: &str| {
                            let s = s.trim();
                            (!s.is_empty()).then(|| s.to_string())
                        };
                        FlowRequest {
                            scope: nonempty(&form.scope),
                            resources: form
                                .resource
                                .split_whitespace()
                                .map(str::to_string)
                                .collect(),
                            audience: nonempty(&form.audience),
                            callback_timeout: None,
                        }
                    })
                    .unwrap_or_default();
                let target = Target { name, profile };
                let job = self.state.next_job();
                let name = target.name.as_str().to_string();
                let target = Box::new(target);
                let command = match kind {
                    FlowKind::Device => FlowCommand::StartDevice {
                        job,
                        target,
                        request,
                    },
                    _ => FlowCommand::StartAuthCode {
                        job,
                        target,
                        request,
                        open_browser: true,
                    },
                };
                self.send(Command::Flow(command));
                self.state.flows.runs.push((job, FlowRun::new(kind, name)));
                self.state.flows.shown = Some(job);
                self.state.flows.open = true;
            }
            FlowIntent::Show(job) => self.state.flows.shown = Some(job),
            FlowIntent::Act { job, action } => match action {
                FlowAction::Cancel => self.send(Command::Flow(FlowCommand::Cancel(job))),
                FlowAction::Replay(step) => {
                    if let Some(run) = self.state.flows.run_mut(job) {
                        run.replay(step);
                    }
                }
                FlowAction::CopyUrl(url) => self.apply(
                    ctx,
                    Intent::Copy {
                        text: url.as_str().into(),
                        what: "the authorization URL".into(),
                    },
                ),
            },
        }
    }

    /// Applies a flow event from the worker; one for a run the window does not know is
    /// dropped.
    pub(in crate::ui) fn handle_flow_event(&mut self, event: FlowEvent) {
        let now_ms = self.now_ms();
        match event {
            FlowEvent::Step { job, step, at } => {
                if let Some(run) = self.state.flows.run_mut(job) {
                    run.push(*step, at, now_ms);
                }
            }
            FlowEvent::Finished { job, result } => {
                let Some(run) = self.state.flows.run_mut(job) else {
                    return;
                };
                let origin = format!("{} ({})", run.profile, run.kind.name());
                let origin_profile = run.profile.clone();
                match result {
                    Err(error) => {
                        let words = error.to_string();
                        run.stop(words.clone());
                        self.notify(Level::Error, words);
                    }
                    Ok(flow) => {
                        run.notes = flow
                            .tokens
                            .findings
                            .iter()
                            .map(|f| (f.is_warning(), f.to_string()))
                            .collect();
                        let Some(tokens) = flow.tokens.outcome.success() else {
                            run.stop(
                                flow.tokens
                                    .outcome
                                    .error()
                                    .map(ToString::to_string)
                                    .unwrap_or_default(),
                            );
                            return;
                        };
                        let labelled = [
                            ("access_token", Some(&tokens.access_token)),
                            ("id_token", tokens.id_token.as_ref()),
                            ("refresh_token", tokens.refresh_token.as_ref()),
                        ];
                        run.tokens = labelled
                            .into_iter()
                            .filter_map(|(label, t)| {
                                t.map(|token| RunToken {
                                    label,
                                    token: token.clone(),
                                })
                            })
                            .collect();
                        // A group of the profile's, as a fetch makes: Refresh and Keep alive
                        // work on the login's tokens. A profile renamed meanwhile leaves them
                        // as a pasted token response would be.
                        let skew = flow.tokens.clock_skew_seconds();
                        let group = match ProfileName::new(&origin_profile) {
                            Ok(name) => {
                                let tokens = tokens.clone();
                                Some(self.place_login(&name, &tokens, skew))
                            }
                            Err(_) => None,
                        };
                        let before: HashSet<EntryId> =
                            self.state.entries.iter().map(|e| e.id).collect();
                        if group.is_none() {
                            let text = Sensitive::from(tokens.raw.to_string());
                            self.add_text(&text, &origin, None);
                        }
                        for entry in &self.state.entries {
                            if group.is_some_and(|g| entry.group == Some(g))
                                || !before.contains(&entry.id)
                            {
                                self.state.flows.produced.insert(entry.id, job);
                            }
                        }
                    }
                }
            }
        }
    }
}
