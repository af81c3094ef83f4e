//! The Flows window: each profile with "Log in" (the system browser) and "Device login",
//! every flow run this session, and the flow view of the one chosen; and a token's Flow tab.

use egui::{RichText, Ui};

use super::flow_view;
use crate::profiles::{ProfileName, ProfilesFile};
use crate::ui::state::flow_run::{FlowKind, FlowRun, RunState};
use crate::ui::state::flows::{FlowIntent, Flows};
use crate::ui::state::intent::Intent;
use crate::worker::JobId;

/// Draws the window while it is open.
pub fn show(
    ctx: &egui::Context,
    flows: &Flows,
    profiles: Option<&ProfilesFile>,
    now_ms: i64,
    presenter: bool,
) -> Vec<Intent> {
    let mut intents = Vec::new();
    let mut open = flows.open;
    egui::Window::new("Flows")
        .open(&mut open)
        .default_size([760.0, 620.0])
        // Below the toolbar, so its Flows toggle stays reachable.
        .default_pos([300.0, 64.0])
        .vscroll(false)
        .show(ctx, |ui| {
            egui::Panel::left("flow-profiles")
                .resizable(false)
                .default_size(230.0)
                .show(ui, |ui| {
                    profiles_list(ui, profiles, &mut intents);
                    ui.add_space(10.0);
                    runs(ui, flows, &mut intents);
                });
            egui::ScrollArea::vertical()
                .id_salt("flow-view")
                .auto_shrink([false; 2])
                .show(ui, |ui| match flows.shown_run() {
                    Some((job, run)) => {
                        for action in flow_view::show(ui, run, now_ms, presenter) {
                            intents.push(Intent::Flow(FlowIntent::Act { job, action }));
                        }
                    }
                    None => {
                        ui.weak("Log in with a profile: each step of the flow appears here as it happens.");
                    }
                });
        });
    if !open {
        intents.push(Intent::Flow(FlowIntent::Open(false)));
    }
    intents
}

fn profiles_list(ui: &mut Ui, profiles: Option<&ProfilesFile>, intents: &mut Vec<Intent>) {
    ui.label(RichText::new("Profiles").strong());
    let Some(file) = profiles else {
        ui.weak("Reading the profiles…");
        return;
    };
    if file.names().is_empty() {
        ui.weak("No profiles yet: add one under Servers.");
        return;
    }
    for (name, _) in file.iter() {
        ui.label(name.as_str());
        ui.horizontal(|ui| login_buttons(ui, name, intents));
    }
}

/// "Log in" and "Device login" for `name`: here and in the profile's Fetch area.
pub fn login_buttons(ui: &mut Ui, name: &ProfileName, intents: &mut Vec<Intent>) {
    let start = |kind| {
        Intent::Flow(FlowIntent::Start {
            name: name.clone(),
            kind,
        })
    };
    if ui
        .button("Log in")
        .on_hover_text("Authorization code + PKCE in the system browser")
        .clicked()
    {
        intents.push(start(FlowKind::AuthCode));
    }
    if ui
        .button("Device login")
        .on_hover_text("Device authorization: enter a code on any device")
        .clicked()
    {
        intents.push(start(FlowKind::Device));
    }
}

fn runs(ui: &mut Ui, flows: &Flows, intents: &mut Vec<Intent>) {
    if flows.runs.is_empty() {
        return;
    }
    ui.label(RichText::new("This session").strong());
    let shown = flows.shown_run().map(|(j, _)| j);
    for (job, run) in flows.runs.iter().rev() {
        let state = match run.state {
            RunState::Running => "running",
            RunState::Done => "done",
            RunState::Failed(_) => "stopped",
        };
        let text = format!("{}: {} ({state})", run.profile, run.kind.name());
        if ui.selectable_label(shown == Some(*job), text).clicked() {
            intents.push(Intent::Flow(FlowIntent::Show(*job)));
        }
    }
}

/// The Flow tab of a token: the flow that produced it, or a word on where flows come from.
pub fn token_tab(
    ui: &mut Ui,
    run: Option<(JobId, &FlowRun)>,
    now_ms: i64,
    presenter: bool,
) -> Vec<Intent> {
    let Some((job, run)) = run else {
        ui.weak("This token did not come from a login in this session. Open Flows (toolbar) to log in with a profile and watch each step.");
        return Vec::new();
    };
    let mut intents = Vec::new();
    egui::ScrollArea::vertical()
        .id_salt(("token-flow", job))
        .auto_shrink([false; 2])
        .show(ui, |ui| {
            for action in flow_view::show(ui, run, now_ms, presenter) {
                intents.push(Intent::Flow(FlowIntent::Act { job, action }));
            }
        });
    intents
}
