//! `tokenscope <command>`: the headless face of the same core the window uses.

mod call;
mod diff;
mod fetch;
mod flows;
mod human;
mod inspect;
mod profile;
mod server;
mod server_output;
mod token_queries;
mod window;

use std::io::{IsTerminal as _, Read as _};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub use window::{WINDOW_PROGRAM, open_window};

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
    /// Get a token from a profile's token endpoint; the refresh token goes to the keychain.
    Fetch(Box<fetch::FetchArgs>),
    /// Refresh with the profile's stored refresh token (or one from stdin).
    Refresh(fetch::RefreshArgs),
    /// Ask the profile's server whether a token is active (RFC 7662).
    Introspect(token_queries::TokenArgs),
    /// Revoke a token at the profile's server (RFC 7009).
    Revoke(token_queries::TokenArgs),
    /// Ask the profile's userinfo endpoint about the user behind an access token.
    Userinfo(token_queries::UserinfoArgs),
    /// Send a token to an API as a bearer; explain a 401 or 403.
    Call(Box<call::CallArgs>),
}

/// Runs a CLI command and returns the process exit status.
#[must_use]
pub fn run(command: Command) -> ExitCode {
    let status = match command {
        Command::Inspect(args) => inspect::run(&args),
        Command::Profile(args) => profile::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Fetch(args) => fetch::run_fetch(&args),
        Command::Refresh(args) => fetch::run_refresh(&args),
        Command::Introspect(args) => {
            token_queries::run_token_query(token_queries::Query::Introspect, &args)
        }
        Command::Revoke(args) => {
            token_queries::run_token_query(token_queries::Query::Revoke, &args)
        }
        Command::Userinfo(args) => token_queries::run_userinfo(&args),
        Command::Call(args) => call::run(&args),
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
