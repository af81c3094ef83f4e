//! The device flow's call to action: the user code large enough to read across a room, the
//! verification URI, `verification_uri_complete` as a QR code a phone can scan, and how long
//! the code has left.

use egui::{RichText, Ui};

use super::qr;
use crate::token::time::duration;
use crate::ui::state::flow_run::DeviceCode;
use crate::ui::widgets::style;

/// Draws the code as it stands at `now_ms`.
pub fn show(ui: &mut Ui, code: &DeviceCode, now_ms: i64) {
    style::card(ui).show(ui, |ui| {
        ui.horizontal(|ui| {
            ui.vertical(|ui| {
                ui.label("On any device, open");
                ui.label(
                    RichText::new(style::shown(&code.verification_uri))
                        .monospace()
                        .size(style::size::TITLE),
                );
                ui.label("and enter the code");
                ui.label(
                    RichText::new(style::shown(&code.user_code))
                        .monospace()
                        .strong()
                        .size(style::size::USER_CODE),
                );
                ui.label(countdown(code, now_ms));
            });
            if let Some(complete) = &code.verification_uri_complete {
                ui.add_space(16.0);
                ui.vertical(|ui| {
                    qr::show(ui, complete, 180.0);
                    ui.weak("or scan this: the code is in it");
                });
            }
        });
    });
}

/// "the code expires in 9 min 58 s", or that it has expired.
fn countdown(code: &DeviceCode, now_ms: i64) -> String {
    let left_ms = code.expires_at_ms.saturating_sub(now_ms);
    if left_ms <= 0 {
        return "the code has expired".into();
    }
    // Rounded up: "1 s" until the very end, never "0 s" while it still works.
    let seconds = u64::try_from(left_ms.saturating_add(999) / 1000).unwrap_or(0);
    format!("the code expires in {}", duration(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(expires_at_ms: i64) -> DeviceCode {
        DeviceCode {
            user_code: "ABCD".into(),
            verification_uri: "https://as.example/device".into(),
            verification_uri_complete: None,
            expires_at_ms,
        }
    }

    #[test]
    fn the_countdown_rounds_up_and_says_when_the_code_is_gone() {
        assert_eq!(countdown(&code(10_500), 10_000), "the code expires in 1 s");
        assert_eq!(countdown(&code(10_000), 10_000), "the code has expired");
    }
}
