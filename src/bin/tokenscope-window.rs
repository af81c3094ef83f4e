//! The window: `tokenscope-window [FILE…]` opens each file as if it were dropped on it.
//! `tokenscope` with no command starts this program (it sits beside it): the window needs the
//! shared C library to load Mesa and X11, while the command line is linked statically so that
//! it starts quickly (see build.rs).

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut launch = tokenscope::ui::LaunchOptions::from_env();
    for arg in std::env::args_os().skip(1) {
        if arg.to_string_lossy().starts_with('-') {
            eprintln!("usage: tokenscope-window [FILE…]   (files of tokens or keys to open)");
            return ExitCode::from(2);
        }
        launch.files.push(PathBuf::from(arg));
    }
    tokenscope::ui::run_window(launch)
}
