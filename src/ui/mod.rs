//! The window: egui only. No I/O happens here — files, the network and the keychain are the
//! worker's; clipboard and dropped-file events arrive through egui.
//!
//! Layout: the workspace (left), the selected token (centre: header strip, then checks and
//! claims, tree or raw), verification and expectations (right), a status line (bottom).
//! Panels return intents; `App::apply` is the one place that acts on them.
//!
//! Folders by area: `state/` (what the window holds), `inspect/` (the selected token's views
//! and forms), `shell/` (toolbar, status line, workspace, help), `widgets/` (shared look).

mod app;
mod background;
mod flows;
mod icon;
mod inspect;
mod repaint;
mod servers;
mod shell;
mod state;
mod widgets;

use std::process::ExitCode;
use std::sync::Arc;

pub use app::App;
/// The flow view and its model, public so tests can feed it steps directly.
pub use flows::flow_view;
pub use state::flow_run;

/// The clock the window reads: milliseconds since 1970. Injected so tests can move time.
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

/// The system clock.
#[must_use]
pub fn system_clock() -> Clock {
    Arc::new(|| chrono::Utc::now().timestamp_millis())
}

/// How the window starts.
#[derive(Debug, Clone, Default)]
pub struct LaunchOptions {
    /// Load the built-in sample tokens at start-up (`TOKENSCOPE_OPEN_SAMPLE=1`): the smoke
    /// test and `scripts/measure-idle` use it to get a token on screen with no clipboard.
    pub open_sample: bool,
    /// Files to open as if dropped on the window (`tokenscope-window FILE…`).
    pub files: Vec<std::path::PathBuf>,
}

impl LaunchOptions {
    /// Reads the start-up switches from the environment (the only thing read there).
    #[must_use]
    pub fn from_env() -> Self {
        Self {
            open_sample: std::env::var_os("TOKENSCOPE_OPEN_SAMPLE").is_some_and(|v| v != "0"),
            files: Vec::new(),
        }
    }
}

/// Opens the window and runs until it is closed.
#[must_use]
pub fn run_window(launch: LaunchOptions) -> ExitCode {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("tokenscope")
            .with_app_id("tokenscope")
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size(shell::layout::MIN_WINDOW)
            .with_drag_and_drop(true)
            .with_icon(icon::icon()),
        // egui's shader dithers every pixel against gradient banding; this window has no
        // gradients, and without a GPU (Xvfb, remote desktops) that per-pixel work is the
        // larger part of each countdown frame.
        dithering: false,
        // The window settings sit beside profiles.toml in the config directory (which
        // TOKENSCOPE_CONFIG_DIR moves); without one, eframe's own data directory holds them.
        persistence_path: crate::config::config_dir()
            .ok()
            .map(|d| d.join("window.ron")),
        ..Default::default()
    };
    let result = eframe::run_native(
        "tokenscope",
        options,
        Box::new(move |cc| Ok(Box::new(App::new(cc, system_clock(), launch)))),
    );
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tokenscope: cannot open the window: {e}");
            eprintln!("tokenscope: without a display, use the command line: tokenscope --help");
            ExitCode::from(2)
        }
    }
}
