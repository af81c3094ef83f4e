//! `tokenscope fetch` and `tokenscope refresh`: get tokens from a profile's token endpoint.
//! The refresh token goes to the keychain under the profile, never to stdout in the human
//! summary; `--json` prints the response as received.

use clap::{Args, ValueEnum};
use serde_json::Map;

use super::Status;
use super::server::{Fail, Keychain, ServerOpts, Session, early_failure, secret_line};
use super::server_output::{
    finding_lines, ok_json, place, print_json, print_lines, print_refusal, refusal_json,
};
use crate::oauth::id_token::IdTokenCheck;
use crate::oauth::outcome::Reply;
use crate::ops::{self, FetchRequest, Grant, RefreshRequest, RefreshSource, TokenResult};
use crate::token::lifetime::LifetimeState;
use crate::token::time::duration;

/// The grant `fetch` uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum GrantArg {
    /// A token for the client itself (RFC 6749 §4.4).
    ClientCredentials,
    /// A browser sign-in with PKCE (RFC 6749 §4.1, RFC 7636).
    AuthorizationCode,
    /// A sign-in on another device (RFC 8628).
    DeviceCode,
    /// Legacy: the user's password sent to the token endpoint (RFC 6749 §4.3).
    Password,
}

/// `tokenscope fetch`.
#[derive(Debug, Args)]
pub struct FetchArgs {
    /// The profile to fetch from.
    #[arg(long, value_name = "NAME")]
    pub profile: String,
    /// The grant.
    #[arg(long, value_enum, default_value_t = GrantArg::ClientCredentials)]
    pub grant: GrantArg,
    /// The scope to ask for (replaces the profile's); repeat or separate with spaces.
    #[arg(long = "scope", value_name = "S")]
    pub scopes: Vec<String>,
    /// An RFC 8707 resource (replaces the profile's); repeatable.
    #[arg(long = "resource", value_name = "R")]
    pub resources: Vec<String>,
    /// The resource owner's username (password grant).
    #[arg(long, value_name = "U")]
    pub username: Option<String>,
    /// Read the resource owner's password from stdin (password grant).
    #[arg(long)]
    pub password_stdin: bool,
    /// Print the authorization URL instead of opening a browser (authorization_code).
    #[arg(long)]
    pub no_browser: bool,
    #[command(flatten)]
    pub opts: ServerOpts,
}

/// `tokenscope refresh`.
#[derive(Debug, Args)]
pub struct RefreshArgs {
    /// The profile whose refresh token to use.
    #[arg(long, value_name = "NAME")]
    pub profile: String,
    /// Read the refresh token from stdin instead of the keychain.
    #[arg(long)]
    pub refresh_token_stdin: bool,
    #[command(flatten)]
    pub opts: ServerOpts,
}

/// Runs `fetch`.
pub fn run_fetch(args: &FetchArgs) -> Status {
    if matches!(
        args.grant,
        GrantArg::AuthorizationCode | GrantArg::DeviceCode
    ) {
        return super::flows::run(args);
    }
    let grant = match grant_of(args) {
        Ok(g) => g,
        Err(fail) => return early_failure(&args.opts, fail),
    };
    let request = FetchRequest {
        scope: scope_of(&args.scopes),
        resources: args.resources.clone(),
        ..FetchRequest::new(grant)
    };
    let session = match Session::start(&args.opts, Keychain::Needed) {
        Ok(s) => s,
        Err(fail) => return early_failure(&args.opts, fail),
    };
    let target = match session.target(&args.profile) {
        Ok(t) => t,
        Err(fail) => return early_failure(&args.opts, fail),
    };
    match session.block_on(ops::fetch(&session.services, &target, request)) {
        Ok(result) => print_tokens(&session, &result, None),
        Err(e) => session.failed(&e),
    }
}

/// The `--scope` values as one space-separated scope, when any was given.
pub(super) fn scope_of(scopes: &[String]) -> Option<String> {
    (!scopes.is_empty()).then(|| {
        scopes
            .iter()
            .flat_map(|s| s.split_whitespace())
            .collect::<Vec<_>>()
            .join(" ")
    })
}

fn grant_of(args: &FetchArgs) -> Result<Grant, Fail> {
    let bad = |m: &str| (Status::BadInput, m.to_string());
    match args.grant {
        GrantArg::ClientCredentials => {
            if args.username.is_some() || args.password_stdin {
                return Err(bad(
                    "--username and --password-stdin belong to --grant password",
                ));
            }
            Ok(Grant::ClientCredentials)
        }
        GrantArg::Password => {
            let Some(username) = args.username.clone() else {
                return Err(bad("--grant password needs --username U --password-stdin"));
            };
            if !args.password_stdin {
                return Err(bad(
                    "--grant password needs --password-stdin (a password is never an argument: it would be in the shell history and the process list)",
                ));
            }
            let password = secret_line("password", "--password-stdin")?;
            Ok(Grant::Password { username, password })
        }
        GrantArg::AuthorizationCode | GrantArg::DeviceCode => Err(bad(
            "the interactive grants run as flows (cli::flows), not as a plain token request",
        )),
    }
}

/// Runs `refresh`.
pub fn run_refresh(args: &RefreshArgs) -> Status {
    let source = if args.refresh_token_stdin {
        match secret_line("refresh token", "--refresh-token-stdin") {
            Ok(t) => RefreshSource::Given(t),
            Err(fail) => return early_failure(&args.opts, fail),
        }
    } else {
        RefreshSource::Stored
    };
    let session = match Session::start(&args.opts, Keychain::Needed) {
        Ok(s) => s,
        Err(fail) => return early_failure(&args.opts, fail),
    };
    let target = match session.target(&args.profile) {
        Ok(t) => t,
        Err(fail) => return early_failure(&args.opts, fail),
    };
    let request = RefreshRequest {
        source,
        scope: None,
    };
    match session.block_on(ops::refresh(&session.services, &target, request)) {
        Ok(result) => print_tokens(&session, &result, None),
        Err(e) => session.failed(&e),
    }
}

/// Prints a token answer; `id_token` is an interactive flow's ID token verdict (OIDC Core
/// §3.1.3.7), printed with it.
pub(super) fn print_tokens(
    session: &Session,
    result: &TokenResult,
    id_token: Option<&IdTokenCheck>,
) -> Status {
    let exchange = &result.outcome.exchange;
    match &result.outcome.reply {
        Reply::Error(error) => {
            if session.opts.json {
                print_json(&refusal_json(exchange, error, &result.findings, &[]));
            } else {
                print_refusal(exchange, error, &result.findings, &[]);
            }
            Status::Rejected
        }
        Reply::Success(tokens) => {
            if session.opts.json {
                let mut extra = Map::new();
                if let Some(check) = id_token {
                    extra.insert("id_token_checks".into(), id_token_json(check));
                }
                print_json(&ok_json(exchange, tokens.raw.clone(), extra));
                return Status::Ok;
            }
            let mut lines = vec![format!(
                "{} answered HTTP {}: {} token{}{}",
                place(exchange),
                exchange.status().unwrap_or_default(),
                tokens.token_type,
                tokens
                    .expires_in
                    .map(|s| format!(", expires in {}", duration(s)))
                    .unwrap_or_default(),
                tokens
                    .scope
                    .as_deref()
                    .map(|s| format!(", scope {s}"))
                    .unwrap_or_default(),
            )];
            for report in &result.reports {
                let lifetime = &report.report.lifetime;
                // An opaque token's lifetime is what expires_in said, counted from the answer.
                let summary = match (lifetime.state, report.label, tokens.expires_in) {
                    (LifetimeState::Unknown, "access_token", Some(s)) => {
                        format!("expires in {} (by expires_in)", duration(s))
                    }
                    _ => lifetime.summary.clone(),
                };
                lines.push(format!(
                    "{}: {}, {summary}",
                    report.label,
                    report.report.token_type.describe(),
                ));
                lines.push(report.token.reveal().to_string());
            }
            if let Some(check) = id_token {
                lines.extend(id_token_lines(check));
            }
            lines.extend(
                result
                    .outcome
                    .warnings
                    .iter()
                    .map(|w| format!("warning: {w}")),
            );
            lines.extend(finding_lines(&result.findings));
            print_lines(&lines);
            Status::Ok
        }
    }
}

/// `{"passed": bool, "checks": [...]}`: every check of the ID token, as `inspect --json`.
fn id_token_json(check: &IdTokenCheck) -> serde_json::Value {
    serde_json::json!({
        "passed": check.passed(),
        "checks": check.report.checks,
    })
}

fn id_token_lines(check: &IdTokenCheck) -> Vec<String> {
    if check.passed() {
        return vec!["id_token: the OIDC checks pass (signature by the issuer's keys, iss, aud, azp, nonce, exp)".into()];
    }
    let mut lines = vec!["id_token: REJECT it, OIDC Core §3.1.3.7 checks failed:".to_string()];
    lines.extend(
        check
            .failures()
            .map(|c| format!("  fail {}: {}", c.id, c.message)),
    );
    lines
}
