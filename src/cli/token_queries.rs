//! `tokenscope introspect`, `revoke` and `userinfo`: ask the profile's server about a token.
//! `active: false` is an answer (exit 0), not an error.

use clap::{Args, ValueEnum};
use serde_json::{Map, Value};

use super::Status;
use super::server::{Keychain, ServerOpts, Session, early_failure, load_target, token_arg};
use super::server_output::{
    finding_lines, ok_json, place, print_json, print_lines, print_refusal, refusal_json,
};
use crate::oauth::endpoints::{Introspection, RetryAfter, Revocation, TokenTypeHint, Userinfo};
use crate::oauth::error::{ErrorCode, ErrorResponse};
use crate::oauth::outcome::Reply;
use crate::ops::{self, Answer};
use crate::token::time::{duration, now_unix, relative};

/// `--hint`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum HintArg {
    AccessToken,
    RefreshToken,
}

impl From<HintArg> for TokenTypeHint {
    fn from(h: HintArg) -> Self {
        match h {
            HintArg::AccessToken => Self::AccessToken,
            HintArg::RefreshToken => Self::RefreshToken,
        }
    }
}

/// `tokenscope introspect` and `tokenscope revoke`.
#[derive(Debug, Args)]
pub struct TokenArgs {
    /// The profile whose server and client to use.
    #[arg(long, value_name = "NAME")]
    pub profile: String,
    /// The token; `-` or absent reads it from stdin.
    // An opaque token may start with `-` (base64url): it is still the token, not an option.
    #[arg(value_name = "TOKEN|-", allow_hyphen_values = true)]
    pub token: Option<String>,
    /// token_type_hint: what kind of token it is.
    #[arg(long, value_enum)]
    pub hint: Option<HintArg>,
    #[command(flatten)]
    pub opts: ServerOpts,
}

/// `tokenscope userinfo`.
#[derive(Debug, Args)]
pub struct UserinfoArgs {
    /// The profile whose userinfo endpoint to ask.
    #[arg(long, value_name = "NAME")]
    pub profile: String,
    /// The access token; `-` or absent reads it from stdin.
    #[arg(value_name = "TOKEN|-", allow_hyphen_values = true)]
    pub token: Option<String>,
    #[command(flatten)]
    pub opts: ServerOpts,
}

/// Which question.
#[derive(Debug, Clone, Copy)]
pub enum Query {
    Introspect,
    Revoke,
}

/// Runs `introspect` or `revoke`.
pub fn run_token_query(query: Query, args: &TokenArgs) -> Status {
    let token = match token_arg(args.token.as_deref()) {
        Ok(t) => t,
        Err(fail) => return early_failure(&args.opts, fail),
    };
    let target = match load_target(&args.profile, args.opts.timeout) {
        Ok(t) => t,
        Err(fail) => return early_failure(&args.opts, fail),
    };
    // A public client has no secret to fetch: the keychain is not even probed.
    let keychain = if target.profile.auth_method.needs_secret() {
        Keychain::Needed
    } else {
        Keychain::NotNeeded
    };
    let session = match Session::start(&args.opts, keychain) {
        Ok(s) => s,
        Err(fail) => return early_failure(&args.opts, fail),
    };
    let hint = args.hint.map(TokenTypeHint::from);
    let services = &session.services;
    match query {
        Query::Introspect => {
            match session.block_on(ops::introspect(services, &target, &token, hint)) {
                Ok(answer) => {
                    print_answer(&session, &answer, |i| i.raw.clone(), introspection_lines)
                }
                Err(e) => session.failed(&e),
            }
        }
        Query::Revoke => match session.block_on(ops::revoke(services, &target, &token, hint)) {
            Ok(answer) => {
                if let Some(Revocation::Unavailable { retry_after }) = answer.outcome.success() {
                    return not_now(&session, &answer, *retry_after);
                }
                let body = answer
                    .outcome
                    .exchange
                    .response
                    .as_ref()
                    .and_then(|r| serde_json::from_slice::<Value>(&r.body).ok())
                    .unwrap_or(Value::Null);
                print_answer(&session, &answer, |_| body.clone(), revocation_lines)
            }
            Err(e) => session.failed(&e),
        },
    }
}

/// A 503 from the revocation endpoint (RFC 7009 §2.2.1): the token was NOT revoked. The
/// server said "not now", so it is exit 1 with the `Retry-After` it gave.
fn not_now(
    session: &Session,
    answer: &Answer<Revocation>,
    retry_after: Option<RetryAfter>,
) -> Status {
    let exchange = &answer.outcome.exchange;
    let error = ErrorResponse {
        code: ErrorCode::TemporarilyUnavailable,
        description: None,
        uri: None,
        http_status: exchange.status().unwrap_or(503),
        challenges: Vec::new(),
    };
    let more = revocation_lines(&Revocation::Unavailable { retry_after });
    if session.opts.json {
        print_json(&refusal_json(exchange, &error, &answer.findings, &more));
    } else {
        print_refusal(exchange, &error, &answer.findings, &more);
    }
    Status::Rejected
}

/// Runs `userinfo`.
pub fn run_userinfo(args: &UserinfoArgs) -> Status {
    let token = match token_arg(args.token.as_deref()) {
        Ok(t) => t,
        Err(fail) => return early_failure(&args.opts, fail),
    };
    // Userinfo takes the bearer token alone: no client secret, so no keychain.
    let session = match Session::start(&args.opts, Keychain::NotNeeded) {
        Ok(s) => s,
        Err(fail) => return early_failure(&args.opts, fail),
    };
    let target = match session.target(&args.profile) {
        Ok(t) => t,
        Err(fail) => return early_failure(&args.opts, fail),
    };
    match session.block_on(ops::userinfo(&session.services, &target, &token)) {
        Ok(answer) => print_answer(
            &session,
            &answer,
            |u| match u {
                Userinfo::Claims(claims) => Value::Object(claims.clone()),
                Userinfo::Jwt(jwt) => Value::String(jwt.reveal().to_string()),
            },
            userinfo_lines,
        ),
        Err(e) => session.failed(&e),
    }
}

fn print_answer<T>(
    session: &Session,
    answer: &Answer<T>,
    as_json: impl Fn(&T) -> Value,
    as_lines: impl Fn(&T) -> Vec<String>,
) -> Status {
    let exchange = &answer.outcome.exchange;
    match &answer.outcome.reply {
        Reply::Error(error) => {
            if session.opts.json {
                print_json(&refusal_json(exchange, error, &answer.findings, &[]));
            } else {
                print_refusal(exchange, error, &answer.findings, &[]);
            }
            Status::Rejected
        }
        Reply::Success(value) => {
            if session.opts.json {
                print_json(&ok_json(exchange, as_json(value), Map::new()));
            } else {
                let mut lines = vec![format!(
                    "{} answered HTTP {}",
                    place(exchange),
                    exchange.status().unwrap_or_default()
                )];
                lines.extend(as_lines(value).into_iter().map(|l| format!("  {l}")));
                lines.extend(
                    answer
                        .outcome
                        .warnings
                        .iter()
                        .map(|w| format!("warning: {w}")),
                );
                lines.extend(finding_lines(&answer.findings));
                print_lines(&lines);
            }
            Status::Ok
        }
    }
}

fn introspection_lines(i: &Introspection) -> Vec<String> {
    if !i.active {
        return vec!["inactive: revoked, expired or unknown to this server".into()];
    }
    let mut lines = vec!["active".to_string()];
    let mut row = |label: &str, value: Option<String>| {
        if let Some(v) = value {
            lines.push(format!("{label:<10} {v}"));
        }
    };
    row("client_id", i.client_id.clone());
    row("sub", i.sub.clone());
    row("username", i.username.clone());
    row("scope", i.scope.clone());
    row("aud", (!i.aud.is_empty()).then(|| i.aud.join(", ")));
    row("iss", i.iss.clone());
    row("token_type", i.token_type.clone());
    row(
        "exp",
        i.exp.map(|e| format!("{e} ({})", relative(e - now_unix()))),
    );
    lines
}

fn revocation_lines(r: &Revocation) -> Vec<String> {
    match r {
        Revocation::Accepted => vec![
            "the server accepted the revocation; introspect the token to confirm it is inactive"
                .into(),
        ],
        Revocation::Unavailable { retry_after } => vec![format!(
            "the server cannot revoke now: the token is still valid; try again{}",
            match retry_after {
                Some(RetryAfter::Seconds(s)) => format!(" in {}", duration(*s)),
                Some(RetryAfter::At(at)) => format!(" after {at}"),
                None => String::new(),
            }
        )],
    }
}

fn userinfo_lines(u: &Userinfo) -> Vec<String> {
    match u {
        Userinfo::Claims(claims) => claims
            .iter()
            .map(|(k, v)| match v {
                Value::String(s) => format!("{k}: {s}"),
                other => format!("{k}: {other}"),
            })
            .collect(),
        Userinfo::Jwt(_) => vec![
            "a signed or encrypted userinfo JWT: --json prints it; tokenscope inspect reads it"
                .into(),
        ],
    }
}
