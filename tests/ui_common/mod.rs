//! Shared pieces of the UI tests: a harness around the real `App` with an injected clock, and
//! tokens built on the spot.
#![allow(dead_code)]

pub mod servers;

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use egui_kittest::Harness;
use serde_json::{Value, json};
use tokenscope::ui::{App, Clock};

/// 2023-11-14 22:13:20 UTC, a quarter second past the second.
pub const NOW: i64 = 1_700_000_000;

/// A clock the test moves by hand.
#[derive(Clone)]
pub struct TestClock(Arc<AtomicI64>);

impl TestClock {
    pub fn advance_seconds(&self, seconds: i64) {
        self.0.fetch_add(seconds * 1000, Ordering::SeqCst);
    }
}

/// The window at `NOW`, 1280×800 like the real one.
pub fn window() -> (Harness<'static, App>, TestClock) {
    window_sized([1280.0, 800.0])
}

/// The window at `NOW`, `size` pixels large.
pub fn window_sized(size: [f32; 2]) -> (Harness<'static, App>, TestClock) {
    let millis = Arc::new(AtomicI64::new(NOW * 1000 + 250));
    let read = Arc::clone(&millis);
    let clock: Clock = Arc::new(move || read.load(Ordering::SeqCst));
    let mut harness = Harness::builder()
        .with_size(size)
        .build_eframe(move |cc| App::new_for_test(cc, clock));
    settle_start_up(&mut harness);
    (harness, TestClock(millis))
}

/// Lets the start-up work (the profiles loaded on the worker) finish, so its answer cannot
/// land as an extra repaint in the middle of what a test runs next.
pub fn settle_start_up(harness: &mut Harness<'_, App>) {
    for _ in 0..400 {
        harness.step();
        if harness.state().worker_idle() {
            harness.run();
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    panic!("the window's start-up jobs did not finish within 2 s");
}

/// The window at `NOW` with profiles and secrets where `setup` says (a test that restarts
/// the window passes the same setup twice).
pub fn window_with(setup: tokenscope::worker::ServerSetup) -> (Harness<'static, App>, TestClock) {
    window_launched(tokenscope::ui::LaunchOptions::default(), setup)
}

/// The window at `NOW`, started as `launch` says, with profiles and secrets where `setup` says.
pub fn window_launched(
    launch: tokenscope::ui::LaunchOptions,
    setup: tokenscope::worker::ServerSetup,
) -> (Harness<'static, App>, TestClock) {
    let millis = Arc::new(AtomicI64::new(NOW * 1000 + 250));
    let read = Arc::clone(&millis);
    let clock: Clock = Arc::new(move || read.load(Ordering::SeqCst));
    let mut harness = Harness::builder()
        .with_size([1280.0, 800.0])
        .build_eframe(move |cc| App::new_with(cc, clock, launch, setup));
    settle_start_up(&mut harness);
    (harness, TestClock(millis))
}

/// The text the window's very first frame paints, started as `launch` says: what a user sees
/// the moment the window appears, before the worker has started (the harness cannot show this:
/// it runs frames until the window settles).
pub fn first_frame_text(
    launch: tokenscope::ui::LaunchOptions,
    setup: tokenscope::worker::ServerSetup,
) -> Vec<String> {
    let clock: Clock = Arc::new(|| NOW * 1000 + 250);
    let ctx = egui::Context::default();
    let cc = eframe::CreationContext::_new_kittest(ctx.clone());
    let mut app = App::new_with(&cc, clock, launch, setup);
    let mut frame = eframe::Frame::_new_kittest();
    let input = egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(1280.0, 800.0),
        )),
        ..Default::default()
    };
    let mut output = ctx.run_ui(input, |ui| {
        eframe::App::logic(&mut app, ui.ctx(), &mut frame);
        eframe::App::ui(&mut app, ui, &mut frame);
    });
    // No painter takes the font atlas here; epaint asserts that dropping it is meant.
    output.textures_delta.clear();
    let mut texts = Vec::new();
    let mut shapes: Vec<egui::Shape> = output.shapes.into_iter().map(|c| c.shape).collect();
    while let Some(shape) = shapes.pop() {
        match shape {
            egui::Shape::Text(text) => texts.push(text.galley.text().to_string()),
            egui::Shape::Vec(inner) => shapes.extend(inner),
            _ => {}
        }
    }
    assert!(!texts.is_empty(), "the first frame painted no text at all");
    texts
}

/// Pastes `text` as Ctrl+V anywhere would, and lets the window settle.
pub fn paste(harness: &mut Harness<'_, App>, text: &str) {
    harness.event(egui::Event::Paste(text.to_string()));
    harness.run();
}

/// A JWS with `claims`, an HS256 header and a made-up signature (never verified here).
pub fn token(claims: Value) -> String {
    let header = json!({"alg": "HS256", "typ": "JWT"});
    format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string()),
        signature()
    )
}

/// The signature segment `token` uses: 32 bytes, 43 base64url characters.
pub fn signature() -> String {
    URL_SAFE_NO_PAD.encode(b"tokenscope-test-signature-32-byt")
}

/// An access token valid for another 10 minutes.
pub fn fresh_token() -> String {
    token(json!({
        "iss": "https://issuer.test/",
        "sub": "alice",
        "aud": "api://orders",
        "scope": "orders:read",
        "iat": NOW - 60,
        "exp": NOW + 600,
    }))
}

/// Every label in the window that contains `text`.
pub fn labels_containing(harness: &Harness<'_, App>, text: &str) -> Vec<String> {
    use egui_kittest::kittest::{NodeT as _, Queryable as _};
    harness
        .query_all_by_label_contains(text)
        .filter_map(|n| {
            let node = n.accesskit_node();
            node.label().or_else(|| node.value())
        })
        .collect()
}

/// Steps the window until `done` holds or 20 s pass (for answers from the worker thread).
pub fn wait_for(
    harness: &mut Harness<'_, App>,
    what: &str,
    done: impl Fn(&Harness<'_, App>) -> bool,
) {
    let start = std::time::Instant::now();
    while !done(harness) {
        assert!(
            start.elapsed().as_secs() < 20,
            "timed out waiting for {what}"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
        harness.step();
    }
    // A couple of frames let the layout settle. Not `run()`: other work may
    // legitimately still be in flight (a spinner repaints until it ends).
    harness.run_steps(2);
}
