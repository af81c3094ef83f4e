//! How wide the side panels may be in a window of a given width, so the centre (header strip,
//! tabs, checks) always keeps room of its own: from the 800 px minimum window up, the panels
//! shrink first, and the key panel folds away only where even their minimum would not fit.

use std::ops::RangeInclusive;

/// The smallest and largest window the layout is made for (the window's minimum inner size).
pub const MIN_WINDOW: [f32; 2] = [800.0, 600.0];

/// The centre never gets less than this while a side panel is shown.
const MIN_CENTRE: f32 = 320.0;
const WORKSPACE_MIN: f32 = 180.0;
const WORKSPACE_MAX: f32 = 520.0;
/// The workspace takes at most this share of the window.
const WORKSPACE_SHARE: f32 = 0.3;
const KEY_PANEL_MIN: f32 = 240.0;
const KEY_PANEL_MAX: f32 = 560.0;

/// The widths the workspace panel may take in a window `window` pixels wide.
#[must_use]
pub fn workspace_range(window: f32) -> RangeInclusive<f32> {
    let max = (window * WORKSPACE_SHARE).clamp(WORKSPACE_MIN, WORKSPACE_MAX);
    WORKSPACE_MIN..=max
}

/// The widths the key panel may take beside a workspace `workspace` pixels wide, or `None`
/// when it cannot be shown without squeezing the centre under its minimum.
#[must_use]
pub fn key_panel_range(window: f32, workspace: f32) -> Option<RangeInclusive<f32>> {
    let max = (window - workspace - MIN_CENTRE).min(KEY_PANEL_MAX);
    (max >= KEY_PANEL_MIN).then_some(KEY_PANEL_MIN..=max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_smallest_window_keeps_both_panels_and_the_centre() {
        let [width, _] = MIN_WINDOW;
        let workspace = *workspace_range(width).end();
        let key = key_panel_range(width, workspace).expect("the key panel fits at 800 px");
        assert!(width - workspace - key.end() >= MIN_CENTRE);
    }

    #[test]
    fn a_window_too_narrow_for_the_key_panel_folds_it() {
        assert_eq!(key_panel_range(600.0, 180.0), None);
        assert_eq!(
            key_panel_range(1600.0, 300.0),
            Some(KEY_PANEL_MIN..=KEY_PANEL_MAX)
        );
    }
}
