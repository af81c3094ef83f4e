//! The flow view: a flow drawn as a vertical sequence of steps — app -> browser ->
//! authorization server -> app -> token endpoint … — each filling in as it happens with its
//! request and response (redacted), when it happened and what it is for. A device flow puts
//! its user code, the verification URI and a QR code on top; a finished flow keeps its tokens
//! and can be replayed step by step for an audience.
//!
//! A pure function of a [`FlowRun`]: what the user asks for comes back as [`FlowAction`]s.

use egui::{RichText, Ui};

use super::{device_code, flow_step};
use crate::ui::state::flow_run::{FlowRun, Replay, RunState, Shown};
use crate::ui::widgets::{mask, style};

/// What the user asked of the view.
#[must_use]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlowAction {
    /// Stop the running flow: the listener closes, polling stops.
    Cancel,
    /// Move the replay.
    Replay(Replay),
    /// Put the authorization URL on the clipboard (to open it in another browser or device).
    CopyUrl(String),
}

/// Draws `run` as it stands at `now_ms` (window clock, for the device code's countdown).
pub fn show(ui: &mut Ui, run: &FlowRun, now_ms: i64, presenter: bool) -> Vec<FlowAction> {
    let mut actions = Vec::new();
    header(ui, run, &mut actions);
    if let Some(code) = &run.device_code
        && run.is_running()
    {
        device_code::show(ui, code, now_ms);
    }
    ui.add_space(6.0);
    let visible = run.visible();
    for (i, step) in visible.iter().enumerate() {
        let since = i.checked_sub(1).map(|p| visible[p].at);
        flow_step::show(ui, i + 1, step, since, presenter);
    }
    if run.is_running() {
        ui.label(
            RichText::new(waiting_for(run))
                .italics()
                .color(style::grey(ui)),
        );
    }
    if run.replay.is_none() || run.replay == Some(run.steps.len()) {
        tokens(ui, run, presenter);
    }
    actions
}

fn header(ui: &mut Ui, run: &FlowRun, actions: &mut Vec<FlowAction>) {
    ui.horizontal_wrapped(|ui| {
        ui.heading(run.kind.name());
        ui.label(format!("profile {}", run.profile));
        match &run.state {
            RunState::Running => {
                style::chip(ui, "running", style::blue(ui));
                if ui.button("Cancel").clicked() {
                    actions.push(FlowAction::Cancel);
                }
            }
            RunState::Done => {
                style::chip(ui, "done", style::green(ui));
            }
            RunState::Failed(_) => {
                style::chip(ui, "stopped", style::red(ui));
            }
        }
        if let Some(url) = run.authorization_url()
            && run.is_running()
            && ui
                .button("Copy URL")
                .on_hover_text("Open the authorization URL in another browser or on another device")
                .clicked()
        {
            actions.push(FlowAction::CopyUrl(url.to_string()));
        }
        if !run.is_running() && !run.steps.is_empty() {
            replay_controls(ui, run, actions);
        }
    });
    if let RunState::Failed(why) = &run.state {
        ui.label(RichText::new(style::shown(why)).color(style::red(ui)));
    }
}

fn replay_controls(ui: &mut Ui, run: &FlowRun, actions: &mut Vec<FlowAction>) {
    ui.separator();
    match run.replay {
        None => {
            if ui
                .button("Replay")
                .on_hover_text("Show the steps again one at a time")
                .clicked()
            {
                actions.push(FlowAction::Replay(Replay::Start));
            }
        }
        Some(n) => {
            if ui.add_enabled(n > 1, egui::Button::new("Back")).clicked() {
                actions.push(FlowAction::Replay(Replay::Back));
            }
            ui.label(format!("step {n} of {}", run.steps.len()));
            if ui.button("Next step").clicked() {
                actions.push(FlowAction::Replay(Replay::Next));
            }
            if ui.button("Show all").clicked() {
                actions.push(FlowAction::Replay(Replay::End));
            }
        }
    }
}

/// What the flow waits for after its last step.
fn waiting_for(run: &FlowRun) -> &'static str {
    use crate::oauth::flow::FlowStep as S;
    match run.steps.last().map(|s| &s.shown) {
        Some(Shown::Step(S::BrowserHandoff { .. } | S::AuthorizationUrlReady { .. })) => {
            "waiting: the user logs in and consents at the authorization server (browser <-> authorization server)"
        }
        Some(Shown::Step(S::DeviceCodeIssued { .. } | S::Polled { .. })) => {
            "waiting: the user approves on another device; polling at the server's interval"
        }
        _ => "working…",
    }
}

fn tokens(ui: &mut Ui, run: &FlowRun, presenter: bool) {
    for (warning, note) in &run.notes {
        let color = if *warning {
            style::amber(ui)
        } else {
            style::grey(ui)
        };
        ui.colored_label(color, style::shown(note));
    }
    if run.tokens.is_empty() {
        return;
    }
    style::section(ui, "Tokens");
    egui::Grid::new("flow-tokens")
        .num_columns(2)
        .show(ui, |ui| {
            for token in &run.tokens {
                ui.label(RichText::new(token.label).monospace());
                let shown = if presenter {
                    mask::HIDDEN.to_string()
                } else {
                    mask::mask(token.token.reveal())
                };
                ui.label(RichText::new(shown).monospace());
                ui.end_row();
            }
        });
    ui.weak("The tokens are in the workspace, where the inspector shows them whole.");
}
