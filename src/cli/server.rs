//! What every server command shares: `-v`, `--timeout`, `--json`, the profile, the secret
//! store (the keychain warning said once), the runtime, and reading a token or a secret.

use std::io::{BufRead as _, IsTerminal as _, Read as _};
use std::sync::Arc;
use std::time::Duration;

use clap::Args;

use super::server_output::{
    failure_json, failure_status, print_exchange, print_failure, print_json,
};
use super::{Status, read_token_arg};
use crate::oauth::http::{ExchangeLog, HttpClient};
use crate::ops::{OpsError, Services, Target};
use crate::profiles::{self, ProfileName};
use crate::secrets::{MemoryStore, SecretStore};
use crate::sensitive::Sensitive;

/// Options every server command takes.
#[derive(Debug, Clone, Args)]
pub struct ServerOpts {
    /// Print one JSON object on stdout instead of a summary.
    #[arg(long)]
    pub json: bool,
    /// Print each exchange (request and response, secrets masked) on stderr.
    #[arg(short = 'v', long = "verbose")]
    pub verbose: bool,
    /// Seconds before a request is given up (default: the profile's, else 30).
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: Option<u64>,
}

/// A failure before or around an operation: its exit status and message.
pub(super) type Fail = (Status, String);

/// One command's run: the services and the runtime they run on.
pub(super) struct Session {
    pub services: Services,
    runtime: tokio::runtime::Runtime,
    pub opts: ServerOpts,
}

/// Whether the command needs the keychain (a client secret or a refresh token).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Keychain {
    Needed,
    NotNeeded,
}

impl Session {
    pub(super) fn start(opts: &ServerOpts, keychain: Keychain) -> Result<Self, Fail> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| {
                (
                    Status::Network,
                    format!("cannot start the async runtime: {e}"),
                )
            })?;
        let mut http = HttpClient::new();
        if let Some(seconds) = opts.timeout {
            http = http.with_timeout(Duration::from_secs(seconds));
        }
        if opts.verbose {
            http = http.with_log(ExchangeLog::new(print_exchange));
        }
        let secrets: Arc<dyn SecretStore> = match keychain {
            Keychain::Needed => super::profile::open_secrets(),
            Keychain::NotNeeded => Arc::new(MemoryStore::new()),
        };
        Ok(Self {
            services: Services::new(http, secrets),
            runtime,
            opts: opts.clone(),
        })
    }

    /// Runs an operation to its end.
    pub(super) fn block_on<F: std::future::Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }

    /// The profile `name`, with `--timeout` winning over its own.
    pub(super) fn target(&self, name: &str) -> Result<Target, Fail> {
        load_target(name, self.opts.timeout)
    }

    /// Prints a failed operation (JSON or words) and gives its exit status.
    pub(super) fn failed(&self, error: &OpsError) -> Status {
        if self.opts.json {
            print_json(&failure_json(error));
        } else {
            print_failure(error);
        }
        failure_status(error)
    }
}

/// The profile `name` from the profiles file; `timeout` replaces its own.
pub(super) fn load_target(name: &str, timeout: Option<u64>) -> Result<Target, Fail> {
    let bad = |m: String| (Status::BadInput, m);
    let name = ProfileName::new(name).map_err(|e| bad(format!("--profile: {e}")))?;
    let path = profiles::default_path().map_err(|e| bad(e.to_string()))?;
    let file = profiles::load(&path).map_err(|e| bad(e.to_string()))?;
    let mut profile = file
        .get(&name)
        .cloned()
        .ok_or_else(|| bad(file.not_found(&name).to_string()))?;
    if timeout.is_some() {
        profile.timeout_seconds = timeout;
    }
    Ok(Target { name, profile })
}

/// The token from the argument, or stdin when it is `-` or absent; surrounding whitespace
/// and a `Bearer ` prefix dropped.
pub(super) fn token_arg(arg: Option<&str>) -> Result<Sensitive, Fail> {
    let text = read_token_arg(arg).map_err(|e| (Status::BadInput, e))?;
    let trimmed = text.trim();
    let token = trimmed
        .strip_prefix("Bearer ")
        .or_else(|| trimmed.strip_prefix("bearer "))
        .unwrap_or(trimmed)
        .trim();
    if token.is_empty() {
        return Err((
            Status::BadInput,
            "no token given (the input is empty)".into(),
        ));
    }
    Ok(Sensitive::from(token))
}

const MAX_SECRET_LINE_BYTES: u64 = 64 * 1024;

/// One line from stdin (`what` names it in messages), not echoed on a terminal.
pub(super) fn secret_line(what: &str, flag: &str) -> Result<Sensitive, Fail> {
    let bad = |m: String| (Status::BadInput, m);
    let stdin = std::io::stdin();
    let line = if stdin.is_terminal() {
        eprint!("{what} (not shown): ");
        rpassword::read_password().map_err(|e| bad(format!("cannot read the {what}: {e}")))?
    } else {
        let mut line = String::new();
        stdin
            .lock()
            .take(MAX_SECRET_LINE_BYTES)
            .read_line(&mut line)
            .map_err(|e| bad(format!("cannot read the {what} from stdin: {e}")))?;
        line
    };
    let secret = line.trim_end_matches(['\r', '\n']);
    if secret.is_empty() {
        return Err(bad(format!(
            "{flag}: standard input held no {what} (an empty line)"
        )));
    }
    Ok(Sensitive::from(secret))
}

/// Prints a failure that happened before any operation (arguments, profile), in the
/// command's output format, and gives its status.
pub(super) fn early_failure(opts: &ServerOpts, (status, message): Fail) -> Status {
    if opts.json {
        print_json(&serde_json::json!({
            "ok": false,
            "http_status": null,
            "error": "invalid_input",
            "error_description": null,
            "body_kind": null,
            "detail": message,
        }));
    } else {
        for line in message.lines() {
            eprintln!("tokenscope: {}", super::human::escape(line));
        }
    }
    status
}
