//! `tokenscope inspect`: the report on one pasted token (or each token of a response).

use clap::Args;
use serde_json::json;

use super::{Status, human, out, read_token_arg};
use crate::token::{self, DEFAULT_LEEWAY, Options, ParseError, parse, time};

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// The token, an Authorization header, a redirect URL or a token response; `-` or absent reads stdin.
    pub token: Option<String>,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// Judge the token at this instant (seconds since 1970) instead of now.
    #[arg(long, value_name = "UNIX")]
    pub now: Option<i64>,
    /// Clock skew allowed for exp, nbf and iat.
    #[arg(long, value_name = "SECONDS", default_value_t = DEFAULT_LEEWAY)]
    pub leeway: u64,
    /// Expected audience; the token passes when its aud contains any of them.
    #[arg(long = "aud", value_name = "A")]
    pub aud: Vec<String>,
    /// Expected issuer (exact comparison).
    #[arg(long = "iss", value_name = "I")]
    pub iss: Option<String>,
    /// A scope the token must grant; repeat or separate with spaces.
    #[arg(long = "scope", value_name = "S")]
    pub scope: Vec<String>,
}

impl InspectArgs {
    fn options(&self) -> Options {
        Options {
            now: self.now.unwrap_or_else(time::now_unix),
            leeway: self.leeway,
            expected_iss: self.iss.clone(),
            expected_aud: self.aud.clone(),
            required_scopes: self
                .scope
                .iter()
                .flat_map(|s| s.split_whitespace())
                .map(str::to_string)
                .collect(),
        }
    }
}

pub fn run(args: &InspectArgs) -> Status {
    let input = match read_token_arg(args.token.as_deref()) {
        Ok(t) => t,
        Err(msg) => return usage_error(args.json, &msg, None),
    };
    let opts = args.options();
    let normalized = match token::normalize(&input) {
        Ok(n) => n,
        Err(e) => return parse_error(args.json, &e, None),
    };
    let mut status = Status::Ok;
    let mut json_items = Vec::new();
    let mut human_text = String::new();
    for found in &normalized.tokens {
        let info = token::input_info(&normalized, found);
        match parse(&found.token) {
            Ok(parsed) => {
                let report = token::diagnose(&parsed, info, &opts, None);
                if report.has_failure() && status == Status::Ok {
                    status = Status::Rejected;
                }
                if args.json {
                    json_items.push(serde_json::to_value(&report).unwrap_or_default());
                } else {
                    human_text.push_str(&human::report(&report, human::Style::detect()));
                }
            }
            Err(e) => {
                status = Status::BadInput;
                if args.json {
                    json_items.push(error_json(&e, found.label.as_deref()));
                } else {
                    human_text.push_str(&human::parse_error(
                        &e,
                        &found.token,
                        found.label.as_deref(),
                    ));
                }
            }
        }
    }
    if args.json {
        let value = if json_items.len() == 1 {
            json_items.pop().unwrap_or_default()
        } else {
            serde_json::Value::Array(json_items)
        };
        out(&format!(
            "{}\n",
            serde_json::to_string_pretty(&value).unwrap_or_default()
        ));
    } else {
        out(&human_text);
    }
    status
}

fn error_json(e: &ParseError, label: Option<&str>) -> serde_json::Value {
    let mut v = json!({ "ok": false, "error": e.to_string() });
    if let Some(offset) = e.token_offset() {
        v["offset"] = offset.into();
    }
    if let Some(label) = label {
        v["input"] = json!({ "label": label });
    }
    v
}

fn parse_error(json_out: bool, e: &ParseError, label: Option<&str>) -> Status {
    if json_out {
        out(&format!(
            "{}\n",
            serde_json::to_string_pretty(&error_json(e, label)).unwrap_or_default()
        ));
    } else {
        eprintln!("tokenscope: {e}");
    }
    Status::BadInput
}

fn usage_error(json_out: bool, msg: &str, label: Option<&str>) -> Status {
    if json_out {
        let mut v = json!({ "ok": false, "error": msg });
        if let Some(label) = label {
            v["input"] = json!({ "label": label });
        }
        out(&format!(
            "{}\n",
            serde_json::to_string_pretty(&v).unwrap_or_default()
        ));
    } else {
        eprintln!("tokenscope: {msg}");
    }
    Status::BadInput
}
