//! `tokenscope` with no command: hand over to the window program installed beside it.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use super::Status;

/// The window's program name; Cargo builds and installs it next to `tokenscope`.
pub const WINDOW_PROGRAM: &str = "tokenscope-window";

/// Replaces this process with the window program (same process id, same environment, so
/// whatever started `tokenscope` sees the window as its child). Returns only on failure.
#[must_use]
pub fn open_window() -> ExitCode {
    let program = match window_program() {
        Ok(path) => path,
        Err(why) => {
            eprintln!("tokenscope: cannot open the window: {why}");
            return Status::BadInput.into();
        }
    };
    let error = exec(Command::new(&program));
    eprintln!(
        "tokenscope: cannot open the window: {}: {error}",
        program.display()
    );
    Status::BadInput.into()
}

/// The window program beside the running executable.
fn window_program() -> Result<PathBuf, String> {
    let me = std::env::current_exe().map_err(|e| format!("where is tokenscope itself? {e}"))?;
    let dir = me.parent().unwrap_or(Path::new("."));
    let program = dir.join(format!("{WINDOW_PROGRAM}{}", std::env::consts::EXE_SUFFIX));
    if program.is_file() {
        Ok(program)
    } else {
        Err(format!(
            "{} is missing; `cargo build --release` (or `cargo install --path .`) builds both \
             programs",
            program.display()
        ))
    }
}

#[cfg(unix)]
fn exec(mut command: Command) -> std::io::Error {
    use std::os::unix::process::CommandExt as _;
    command.exec()
}

#[cfg(not(unix))]
fn exec(mut command: Command) -> std::io::Error {
    match command.status() {
        Ok(status) => std::process::exit(status.code().unwrap_or(1)),
        Err(e) => e,
    }
}
