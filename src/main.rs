use std::process::ExitCode;

use clap::Parser as _;
use tokenscope::cli::{Cli, open_window, run};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(command) => run(command),
        None => open_window(),
    }
}
