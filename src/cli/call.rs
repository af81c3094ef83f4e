//! `tokenscope call URL`: send a token to an API as a bearer and show the answer; a 401 or
//! 403 is explained against the token's own report.

use clap::Args;
use serde_json::{Value, json};

use super::Status;
use super::server::{Fail, Keychain, ServerOpts, Session, early_failure, load_target, token_arg};
use super::server_output::{finding_lines, place, print_json, print_lines};
use crate::oauth::http::body_kind;
use crate::ops::{self, CallRequest, Called};

/// `tokenscope call`.
#[derive(Debug, Args)]
pub struct CallArgs {
    /// The API's URL.
    #[arg(value_name = "URL")]
    pub url: String,
    /// The token; `-` or absent reads it from stdin.
    // An opaque token may start with `-` (base64url): it is still the token, not an option.
    #[arg(value_name = "TOKEN|-", allow_hyphen_values = true)]
    pub token: Option<String>,
    /// A profile whose allow_http and timeout apply.
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// The HTTP method.
    #[arg(long, short = 'X', default_value = "GET", value_name = "M")]
    pub method: String,
    /// A request header, `Name: value`; repeatable. An Authorization header replaces the bearer.
    #[arg(short = 'H', long = "header", value_name = "'Name: value'")]
    pub headers: Vec<String>,
    /// The request body, sent as given.
    #[arg(long, value_name = "TEXT")]
    pub data: Option<String>,
    #[command(flatten)]
    pub opts: ServerOpts,
}

fn headers_of(args: &CallArgs) -> Result<Vec<(String, String)>, Fail> {
    args.headers
        .iter()
        .map(|h| {
            h.split_once(':')
                .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
                .filter(|(n, _)| !n.is_empty())
                .ok_or_else(|| {
                    (
                        Status::BadInput,
                        format!("-H {h:?}: a header is 'Name: value'"),
                    )
                })
        })
        .collect()
}

/// Runs `call`.
pub fn run(args: &CallArgs) -> Status {
    let prepared = headers_of(args).and_then(|headers| {
        let token = token_arg(args.token.as_deref())?;
        let profile = args
            .profile
            .as_deref()
            .map(|name| load_target(name, args.opts.timeout))
            .transpose()?;
        Ok((headers, token, profile))
    });
    let (headers, token, target) = match prepared {
        Ok(p) => p,
        Err(fail) => return early_failure(&args.opts, fail),
    };
    let session = match Session::start(&args.opts, Keychain::NotNeeded) {
        Ok(s) => s,
        Err(fail) => return early_failure(&args.opts, fail),
    };
    let request = CallRequest {
        method: args.method.clone(),
        url: args.url.clone(),
        headers,
        body: args.data.clone(),
        token: Some(token),
    };
    let profile = target.as_ref().map(|t| &t.profile);
    match session.block_on(ops::call(&session.services, profile, request)) {
        Ok(called) => print_called(&session, &called),
        Err(e) => session.failed(&e),
    }
}

fn print_called(session: &Session, called: &Called) -> Status {
    let response = &called.outcome.response;
    let exchange = &called.outcome.exchange;
    let status = if response.is_success() {
        Status::Ok
    } else {
        Status::Rejected
    };
    let text = String::from_utf8_lossy(&response.body);
    let body_value = serde_json::from_slice::<Value>(&response.body)
        .unwrap_or_else(|_| Value::String(text.clone().into_owned()));
    let sentences = called.sentences();
    if session.opts.json {
        let mut object = if response.is_success() {
            json!({"ok": true, "http_status": response.status, "response": body_value})
        } else {
            let error = response.bearer_error.as_ref();
            let mut detail = sentences.clone();
            if detail.is_empty() {
                detail.push(format!("the API answered HTTP {}", response.status));
            }
            json!({
                "ok": false,
                "http_status": response.status,
                "error": error.map(|e| e.code.as_str().to_string()),
                "error_description": error.and_then(|e| e.description.clone()),
                "body_kind": body_kind(&response.content_type, &response.body),
                "detail": detail.join("; "),
            })
        };
        if let (Some(seconds), Value::Object(map)) = (called.clock_skew_seconds(), &mut object) {
            map.insert("clock_skew_seconds".into(), seconds.into());
        }
        print_json(&object);
        return status;
    }
    let mut lines = vec![format!(
        "{} answered HTTP {}",
        place(exchange),
        response.status
    )];
    for challenge in &response.challenges {
        let params: Vec<String> = challenge
            .params
            .iter()
            .map(|(k, v)| format!("{k}=\"{v}\""))
            .collect();
        lines.push(format!(
            "WWW-Authenticate: {} {}",
            challenge.scheme,
            params.join(", ")
        ));
    }
    lines.extend(sentences.iter().map(|s| format!("why: {s}")));
    lines.extend(
        called
            .outcome
            .warnings
            .iter()
            .map(|w| format!("warning: {w}")),
    );
    lines.extend(finding_lines(&called.findings));
    if !text.trim().is_empty() {
        lines.push(String::new());
        lines.push(shown_body(&text));
    }
    print_lines(&lines);
    status
}

/// Most of a body a terminal should get; `--json` has it all.
const MAX_SHOWN_BODY_CHARS: usize = 4096;

fn shown_body(text: &str) -> String {
    let count = text.chars().count();
    if count <= MAX_SHOWN_BODY_CHARS {
        return text.to_string();
    }
    let head: String = text.chars().take(MAX_SHOWN_BODY_CHARS).collect();
    format!(
        "{head}\n… ({} more characters; --json has the whole body)",
        count - MAX_SHOWN_BODY_CHARS
    )
}
