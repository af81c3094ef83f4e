//! One step of the flow view: who talks to whom, what happened, when, what it is for, and the
//! request and response behind it (redacted: tokens and secrets masked as in the exchange
//! log). Presenter mode hides even the masked ends of the code and the verifier.

use std::time::Duration;

use egui::{CollapsingHeader, RichText, Ui};

use crate::oauth::exchange::Exchange;
use crate::oauth::flow::{FlowStep, Handoff};
use crate::oauth::grants::device::PollStatus;
use crate::sensitive::Sensitive;
use crate::ui::state::flow_run::{Shown, TimedStep};
use crate::ui::widgets::{mask, style};

/// Draws step `n`; `since` is when the step before it arrived.
pub fn show(ui: &mut Ui, n: usize, step: &TimedStep, since: Option<Duration>, presenter: bool) {
    style::card(ui).show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(actors(&step.shown)).color(style::purple(ui)));
            ui.label(
                RichText::new(format!("{n}. {}", step.shown.title()))
                    .strong()
                    .color(title_color(ui, &step.shown)),
            );
            ui.weak(timing(step, since));
        });
        ui.label(RichText::new(step.shown.purpose()).italics().weak());
        details(ui, &step.shown, presenter);
        if let Some(exchange) = step.shown.exchange() {
            exchange_view(ui, n, exchange);
        }
    });
    ui.add_space(4.0);
}

/// Who talks to whom in this step.
fn actors(shown: &Shown) -> &'static str {
    match shown {
        Shown::Exchange { .. } => "app -> token endpoint",
        Shown::Step(step) => match step {
            FlowStep::ListenerBound { .. }
            | FlowStep::AuthorizationUrlReady { .. }
            | FlowStep::IdTokenChecked { .. }
            | FlowStep::Done
            | FlowStep::Failed { .. } => "app",
            FlowStep::BrowserHandoff { .. } => "app -> browser -> authorization server",
            FlowStep::CallbackReceived { .. } => "authorization server -> browser -> app",
            FlowStep::CodeExchanged { .. } | FlowStep::Polled { .. } => "app -> token endpoint",
            FlowStep::DeviceCodeIssued { .. } => "app -> device authorization endpoint",
        },
    }
}

fn title_color(ui: &Ui, shown: &Shown) -> egui::Color32 {
    match shown {
        Shown::Step(FlowStep::Failed { .. })
        | Shown::Step(FlowStep::IdTokenChecked { passed: false, .. })
        | Shown::Step(FlowStep::BrowserHandoff {
            handoff: Handoff::Failed { .. },
        }) => style::red(ui),
        Shown::Step(FlowStep::Done) => style::green(ui),
        _ => ui.visuals().strong_text_color(),
    }
}

/// "+1.2 s" since the flow started, and how long the step's request took.
fn timing(step: &TimedStep, since: Option<Duration>) -> String {
    let mut text = format!("at +{}", seconds(step.at));
    if let Some(exchange) = step.shown.exchange() {
        text.push_str(&format!(", took {} ms", exchange.duration.as_millis()));
    } else if let Some(before) = since {
        text.push_str(&format!(
            ", {} after the step before",
            seconds(step.at.saturating_sub(before))
        ));
    }
    text
}

fn seconds(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

fn details(ui: &mut Ui, shown: &Shown, presenter: bool) {
    let Shown::Step(step) = shown else { return };
    match step {
        FlowStep::ListenerBound { redirect_uri } => field(ui, "redirect_uri", redirect_uri),
        FlowStep::AuthorizationUrlReady {
            url,
            state,
            nonce,
            code_challenge,
            code_verifier,
        } => {
            ui.label(RichText::new(style::truncate(url, 400)).monospace().small());
            field(ui, "state", state);
            if let Some(nonce) = nonce {
                field(ui, "nonce", nonce);
            }
            field(ui, "code_challenge (S256)", code_challenge);
            field(
                ui,
                "code_verifier (kept by the app)",
                &secret(code_verifier, presenter),
            );
        }
        FlowStep::BrowserHandoff { handoff } => match handoff {
            Handoff::Opened => {
                ui.label("The system browser was asked to open the URL.");
            }
            Handoff::LeftToUser => {
                ui.label("Open the URL in a browser yourself (Copy URL).");
            }
            Handoff::Failed { reason } => {
                ui.colored_label(
                    style::red(ui),
                    format!(
                        "The browser could not be opened ({}); use Copy URL.",
                        style::shown(reason)
                    ),
                );
            }
        },
        FlowStep::CallbackReceived { code, iss } => {
            field(ui, "code", &secret(code, presenter));
            if let Some(iss) = iss {
                field(ui, "iss (RFC 9207)", iss);
            }
        }
        FlowStep::IdTokenChecked { passed, failures } => {
            if *passed {
                ui.colored_label(
                    style::green(ui),
                    "signature, iss, aud, azp, nonce and exp hold",
                );
            }
            for failure in failures {
                ui.colored_label(style::red(ui), style::shown(failure));
            }
        }
        FlowStep::DeviceCodeIssued {
            user_code,
            verification_uri,
            expires_in,
            interval,
            ..
        } => {
            field(ui, "user_code", user_code);
            field(ui, "verification_uri", verification_uri);
            field(
                ui,
                "expires_in / interval",
                &format!("{expires_in} s / {} s", interval.as_secs()),
            );
        }
        FlowStep::Polled { n, status, .. } => {
            let words = match status {
                PollStatus::Pending => "authorization_pending: not approved yet".to_string(),
                PollStatus::SlowDown { interval } => format!(
                    "slow_down: every poll from now waits {} s",
                    interval.as_secs()
                ),
                PollStatus::Issued => "tokens issued".to_string(),
                PollStatus::Stopped { error } => format!("{}: polling stops", error.as_str()),
            };
            field(ui, &format!("poll {n}"), &words);
        }
        FlowStep::Failed { message } => {
            ui.colored_label(style::red(ui), style::shown(message));
        }
        FlowStep::CodeExchanged { .. } | FlowStep::Done => {}
    }
}

/// A secret's masked form; presenter mode hides even its ends.
fn secret(value: &Sensitive, presenter: bool) -> String {
    if presenter {
        mask::HIDDEN.to_string()
    } else {
        mask::mask(value.reveal())
    }
}

fn field(ui: &mut Ui, name: &str, value: &str) {
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(name).weak());
        ui.label(RichText::new(style::shown(value)).monospace());
    });
}

/// The request and response, redacted, folded away until asked for.
fn exchange_view(ui: &mut Ui, n: usize, exchange: &Exchange) {
    let status = exchange
        .status()
        .map_or_else(|| "no response".to_string(), |s| format!("HTTP {s}"));
    CollapsingHeader::new(format!(
        "{} {} -> {status}",
        exchange.method,
        style::truncate(&exchange.url, 120)
    ))
    .id_salt(("flow-exchange", n))
    .show(ui, |ui| {
        let mut text = String::new();
        for (name, value) in exchange.request_headers_text(false) {
            text.push_str(&format!("> {name}: {value}\n"));
        }
        if let Some(body) = exchange.request_body_text(false) {
            text.push_str(&format!(">\n> {body}\n"));
        }
        for (name, value) in exchange.response_headers_text(false) {
            text.push_str(&format!("< {name}: {value}\n"));
        }
        if let Some(body) = exchange.response_body_text(false).filter(|b| !b.is_empty()) {
            text.push_str(&format!("<\n{}\n", style::truncate(&body, 4000)));
        }
        ui.label(RichText::new(style::shown(&text)).monospace().small());
    });
}
