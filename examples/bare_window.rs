//! The floor for any window on this machine: the same eframe build (glow, the same features)
//! with one label counting down once a second, and nothing else. `scripts/measure-idle` runs
//! it beside tokenscope and prints the ratios, so the figures say what tokenscope adds rather
//! than what software OpenGL costs.

use std::time::{Duration, Instant};

struct Countdown {
    started: Instant,
}

impl eframe::App for Countdown {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let elapsed = self.started.elapsed();
        let left = 600u64.saturating_sub(elapsed.as_secs());
        egui::CentralPanel::default().show(ui, |ui| {
            ui.label(format!("expires in {} min {:02} s", left / 60, left % 60));
        });
        // Repaint at the next second boundary, as tokenscope's countdown does.
        let to_next = 1000 - u64::from(elapsed.subsec_millis());
        ui.ctx()
            .request_repaint_after(Duration::from_millis(to_next));
    }
}

fn main() -> eframe::Result {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("bare window")
            .with_inner_size([1280.0, 800.0]),
        ..Default::default()
    };
    eframe::run_native(
        "bare window",
        options,
        Box::new(|_cc| {
            Ok(Box::new(Countdown {
                started: Instant::now(),
            }))
        }),
    )
}
