//! When the next frame is due: an idle window paints only when a countdown's words change
//! (or keep alive is due), so it costs almost nothing while a token is on screen.

use std::time::Duration;

use super::app::App;
use super::state::entry::is_live;

impl App {
    /// Asks for the next frame when the earliest visible countdown changes its text.
    pub(super) fn schedule_repaint(&self, ctx: &egui::Context, now_ms: i64) {
        let now = now_ms.div_euclid(1000);
        let next = self
            .state
            .entries
            .iter()
            .filter_map(|e| e.live())
            .filter(|l| is_live(l.state))
            .filter_map(|l| seconds_until_text_changes(l, now))
            .min();
        // Keep alive fires on time even where the countdown ticks once a minute; the
        // selected token's "auto-refresh in 40 s" badge counts every second.
        let keep_alive = self
            .state
            .entries
            .iter()
            .filter_map(|e| {
                let keep = e
                    .server
                    .keep_alive
                    .as_ref()
                    .filter(|k| k.stopped.is_none())?;
                let at = keep.next_at?;
                Some(if self.state.selected == Some(e.id) {
                    1
                } else {
                    (at - now).max(1)
                })
            })
            .min();
        let next = match (next, keep_alive) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let token_ms = next.map(|seconds| {
            let to_boundary = 1000 - now_ms.rem_euclid(1000);
            // A few ms past the boundary, so the new second has surely begun.
            (seconds - 1).max(0) * 1000 + to_boundary + 15
        });
        let flow_ms = self.state.flows.ms_until_countdown_changes(now_ms);
        if let Some(ms) = token_ms.into_iter().chain(flow_ms).min() {
            ctx.request_repaint_after(Duration::from_millis(ms.unsigned_abs()));
        }
    }
}

/// Seconds until the lifetime's words change: every second under an hour, then every minute,
/// then every hour ("2 h 5 min" ticks once a minute).
fn seconds_until_text_changes(
    lifetime: &crate::token::lifetime::Lifetime,
    now: i64,
) -> Option<i64> {
    let target = match lifetime.state {
        crate::token::lifetime::LifetimeState::NotYetValid => lifetime.not_before.as_ref()?.unix,
        _ => lifetime.expires_at.as_ref()?.unix,
    };
    let distance = (target - now).abs();
    let unit = match distance {
        d if d < 3_600 => 1,
        d if d < 86_400 => 60,
        _ => 3_600,
    };
    // The words show whole units, rounded down: counting down they change one second after
    // the distance reaches a multiple of the unit, counting up when it reaches the next one.
    Some(if target > now {
        distance % unit + 1
    } else {
        unit - distance % unit
    })
}
