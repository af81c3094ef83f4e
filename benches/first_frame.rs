//! The first frame's CPU work without OpenGL: a fresh egui context, the app built as eframe
//! builds it, one pass over 1280×800 and its tessellation (text layout and glyph
//! rasterisation happen here). Beside it, its anchor: the same for one label, as
//! `examples/bare_window.rs` draws.
//!
//! `scripts/measure-idle` times the whole start-up against the bare window, where X, GLX and
//! Mesa's start-up swamp this part by ±5 ms from run to run; this bench shows the part
//! tokenscope itself adds, without that noise.
//!
//! Seen on the 2-core test machine: 3.0–3.8 ms against 0.3 ms on the first-run page, 1.95 ms
//! when the launch opens the samples (one line says so where the page would stand). About
//! half of tokenscope's is TrueType hinting (skrifa's interpreter), which epaint runs again
//! for each of a glyph's four sub-pixel positions; with hinting off the first-run page is
//! 1.4 ms, with sub-pixel binning off 2.0 ms. Both are kept on: see README, Performance.

use std::sync::Arc;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use egui::{Pos2, RawInput, Rect, vec2};
use tokenscope::ui::{App, Clock, LaunchOptions};
use tokenscope::worker::ServerSetup;

/// Builds the app with eframe's creation context and runs its first pass; returns the
/// number of clipped meshes, so the work cannot be optimised away.
fn first_frame<A: eframe::App>(make: impl FnOnce(&eframe::CreationContext<'_>) -> A) -> usize {
    let ctx = egui::Context::default();
    let cc = eframe::CreationContext::_new_kittest(ctx.clone());
    let mut app = make(&cc);
    let mut frame = eframe::Frame::_new_kittest();
    let input = RawInput {
        screen_rect: Some(Rect::from_min_size(Pos2::ZERO, vec2(1280.0, 800.0))),
        ..RawInput::default()
    };
    let mut output = ctx.run_ui(input, |ui| app.ui(ui, &mut frame));
    let primitives = ctx.tessellate(output.shapes, output.pixels_per_point);
    // The font atlas upload is the painter's work, outside this bench; epaint asserts (in
    // debug builds, so under `cargo test`) that an unapplied delta is dropped on purpose.
    let uploads = output.textures_delta.set.len();
    output.textures_delta.clear();
    primitives.len() + uploads
}

/// The bare window's app: one label.
struct Label;

impl eframe::App for Label {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        egui::CentralPanel::default().show(ui, |ui| {
            ui.label("expires in 10 min 00 s");
        });
    }
}

fn bench(c: &mut Criterion) {
    let clock: Clock = Arc::new(|| 1_700_000_000_000);
    let mut group = c.benchmark_group("first frame, no GL");
    group.sample_size(30);
    group.bench_function("tokenscope", |b| {
        b.iter_batched(
            || Arc::clone(&clock),
            |clock| first_frame(|cc| App::new_for_test(cc, clock)),
            BatchSize::PerIteration,
        )
    });
    // What `scripts/measure-idle` launches (TOKENSCOPE_OPEN_SAMPLE=1), as a launch with files
    // starts: one line saying what is opening, where the first-run page would stand.
    group.bench_function("tokenscope, samples at launch", |b| {
        b.iter_batched(
            || Arc::clone(&clock),
            |clock| {
                let launch = LaunchOptions {
                    open_sample: true,
                    ..LaunchOptions::default()
                };
                first_frame(|cc| App::new_with(cc, clock, launch, ServerSetup::default()))
            },
            BatchSize::PerIteration,
        )
    });
    group.bench_function("anchor: bare window (one label)", |b| {
        b.iter_batched(|| (), |()| first_frame(|_| Label), BatchSize::PerIteration)
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
