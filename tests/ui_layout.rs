//! The window at its smallest size (800×600): the key panel shrinks beside the token and never
//! covers the view tabs.

mod ui_common;

use egui_kittest::kittest::{NodeT as _, Queryable as _};
use ui_common::{fresh_token, paste, window_sized};

#[test]
fn at_800_by_600_the_key_panel_leaves_the_tabs_visible_and_clickable() {
    let (mut harness, _clock) = window_sized([800.0, 600.0]);
    paste(&mut harness, &fresh_token());
    let window = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(800.0, 600.0));
    // The key panel is open: its title is on screen, its left edge a frame margin before it.
    let title = harness.get_by_label("Verify the signature").rect();
    assert!(
        window.contains_rect(title),
        "the key panel is off screen: {title:?}"
    );
    let panel_left = title.left() - 6.0;
    for name in ["Checks & claims", "Tree", "Raw", "Hide key & expectations"] {
        let rect = harness.get_by_label(name).rect();
        assert!(
            window.contains_rect(rect),
            "{name} is outside the window: {rect:?}"
        );
        assert!(
            rect.right() <= panel_left,
            "{name} ({rect:?}) is under the key panel (from x = {panel_left})"
        );
    }
    // Nothing in the centre (below the toolbar) runs under the key panel either: a checklist
    // laid out wider than its panel is cut off mid-word there.
    let toolbar_bottom = harness.get_by_label("Paste").rect().bottom();
    let centre_left = harness.get_by_label("Checks & claims").rect().left();
    let spilled: Vec<String> = harness
        .query_all_by_label_contains("")
        .filter(|n| {
            let r = n.rect();
            r.top() > toolbar_bottom && r.left() >= centre_left && r.left() < panel_left
        })
        .filter(|n| n.rect().right() > panel_left)
        .map(|n| format!("{:?} {:?}", n.accesskit_node().value(), n.rect()))
        .collect();
    assert_eq!(spilled, Vec::<String>::new(), "runs under the key panel");
    let verify = harness.get_by_label("Verify").rect();
    assert!(
        window.contains_rect(verify),
        "Verify is cut off: {verify:?}"
    );

    harness.get_by_label("Raw").click();
    harness.run();
    harness.get_by_label("Token as received");
    harness.get_by_label("Tree").click();
    harness.run();
    harness.get_by_label("Expand all");
}

#[test]
fn the_key_panel_can_be_folded_away_and_back() {
    let (mut harness, _clock) = window_sized([800.0, 600.0]);
    paste(&mut harness, &fresh_token());
    harness.get_by_label("Hide key & expectations").click();
    harness.run();
    assert!(harness.query_by_label("Verify the signature").is_none());
    harness.get_by_label("Key & expectations").click();
    harness.run();
    harness.get_by_label("Verify the signature");
}
