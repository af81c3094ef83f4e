use std::process::ExitCode;

use clap::Parser as _;
use tokenscope::cli::{Cli, run};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(command) => run(command),
        None => tokenscope::ui::run_window(),
    }
}
