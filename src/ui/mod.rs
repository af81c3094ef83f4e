//! The window. egui only: no I/O happens here.

use std::process::ExitCode;

/// Opens the window and runs until it is closed.
#[must_use]
pub fn run_window() -> ExitCode {
    let options = eframe::NativeOptions::default();
    let result = eframe::run_native(
        "tokenscope",
        options,
        Box::new(|_cc| Ok(Box::new(Placeholder))),
    );
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tokenscope: cannot open the window: {e}");
            ExitCode::from(2)
        }
    }
}

struct Placeholder;

impl eframe::App for Placeholder {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        ui.heading("tokenscope");
    }
}
