//! `tokenscope <command>`: the headless face of the same core the window uses.

mod diff;
mod human;
mod inspect;
mod profile;

use std::io::{IsTerminal as _, Read as _};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Exit statuses shared by every command (see README "Exit status").
/// Ordered by severity: when several things go wrong, the process exits with the worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Ok = 0,
    /// A check failed or the server said no.
    Rejected = 1,
    /// Unusable input, arguments or configuration.
    BadInput = 2,
    /// The network or the server failed.
    Network = 3,
}

impl From<Status> for ExitCode {
    fn from(s: Status) -> Self {
        ExitCode::from(s as u8)
    }
}

#[derive(Debug, Parser)]
#[command(
    name = "tokenscope",
    version,
    about = "Inspect, verify and explain OAuth 2.0 and OpenID Connect tokens",
    long_about = "Inspect, verify and explain OAuth 2.0 and OpenID Connect tokens.\n\nWith no command, opens the window."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Decode a token and report on it: header, claims, lifetime and every check.
    Inspect(Box<inspect::InspectArgs>),
    /// Manage server profiles: an authorization server plus a client.
    Profile(profile::ProfileArgs),
    /// Two tokens side by side: claims and header added, removed and changed, lifetimes.
    Diff(diff::DiffArgs),
}

/// Runs a CLI command and returns the process exit status.
#[must_use]
pub fn run(command: Command) -> ExitCode {
    let status = match command {
        Command::Inspect(args) => inspect::run(&args),
        Command::Profile(args) => profile::run(&args),
        Command::Diff(args) => diff::run(&args),
    };
    status.into()
}

/// Reads the token from the argument, or stdin when it is `-` or absent.
fn read_token_arg(arg: Option<&str>) -> Result<String, String> {
    match arg {
        Some(t) if t != "-" => Ok(t.to_string()),
        _ => {
            let mut stdin = std::io::stdin();
            if arg.is_none() && stdin.is_terminal() {
                return Err("no token given: pass it as an argument, or pipe it on stdin".into());
            }
            let mut buf = String::new();
            // One byte past the cap is enough to know the input is too large.
            let cap = crate::token::parse::MAX_TOKEN_BYTES as u64 + 128 * 1024;
            stdin
                .by_ref()
                .take(cap)
                .read_to_string(&mut buf)
                .map_err(|e| format!("cannot read the token from stdin: {e}"))?;
            Ok(buf)
        }
    }
}

/// Prints a line to stdout; a closed pipe (`| head`) is not an error worth a panic.
fn out(text: &str) {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}
