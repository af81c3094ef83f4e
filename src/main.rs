use std::process::ExitCode;

use clap::Parser as _;
use tokenscope::cli::{Cli, open_window, run};

fn main() -> ExitCode {
    // `tokenscope` alone opens the window: hand over before clap builds its command tree,
    // which is most of what this process would otherwise do before the window starts.
    if std::env::args_os().len() == 1 {
        return open_window();
    }
    let cli = Cli::parse();
    match cli.command {
        Some(command) => run(command),
        None => open_window(),
    }
}
