//! How server commands print: one `--json` object on stdout (DESIGN.md), or a human summary
//! naming the endpoint, the HTTP status and the server's own words; `-v` prints each
//! exchange, redacted, on stderr. Every server-supplied string is escaped before it reaches
//! the terminal.

use serde_json::{Map, Value, json};

use super::{Status, human, out};
use crate::oauth::error::ErrorResponse;
use crate::oauth::exchange::Exchange;
use crate::oauth::http::body_kind;
use crate::ops::{Finding, OpsError};

/// Where an answer came from: "the token endpoint (http://…/token)".
pub(super) fn place(exchange: &Exchange) -> String {
    format!("{} ({})", exchange.endpoint, exchange.url)
}

/// `{"ok": true, "http_status": …, "response": …}` plus `clock_skew_seconds` when skewed.
pub(super) fn ok_json(exchange: &Exchange, response: Value, extra: Map<String, Value>) -> Value {
    let mut object = json!({
        "ok": true,
        "http_status": exchange.status(),
        "response": response,
    });
    add_common(&mut object, exchange.clock_skew_finding(), extra);
    object
}

/// The object for a server that said no in OAuth terms.
pub(super) fn refusal_json(
    exchange: &Exchange,
    error: &ErrorResponse,
    findings: &[Finding],
    more: &[String],
) -> Value {
    let kind = exchange
        .response
        .as_ref()
        .map(|r| body_kind(r.header("content-type").unwrap_or_default(), &r.body));
    let mut detail = more.to_vec();
    detail.push(error.advice().to_string());
    detail.extend(findings.iter().map(ToString::to_string));
    let mut object = json!({
        "ok": false,
        "http_status": error.http_status,
        "error": error.code.as_str(),
        "error_description": error.description,
        "body_kind": kind,
        "detail": detail.join("; "),
    });
    add_common(&mut object, exchange.clock_skew_finding(), Map::new());
    object
}

/// The object for a failed call, a non-OAuth answer or a configuration error.
pub(super) fn failure_json(error: &OpsError) -> Value {
    let mut object = json!({
        "ok": false,
        "http_status": error.http_status(),
        "error": error.kind(),
        "error_description": null,
        "body_kind": error.body_kind(),
        "detail": error.to_string(),
    });
    // A refused callback carries the server's own error code and words.
    if let (Some((code, description)), Value::Object(map)) = (error.callback_error(), &mut object) {
        map.insert("error".into(), code.into());
        map.insert("error_description".into(), description.into());
    }
    add_common(&mut object, error.clock_skew_seconds(), Map::new());
    object
}

fn add_common(object: &mut Value, skew: Option<i64>, extra: Map<String, Value>) {
    if let Value::Object(map) = object {
        if let Some(seconds) = skew {
            map.insert("clock_skew_seconds".into(), seconds.into());
        }
        map.extend(extra);
    }
}

/// Prints the JSON object on stdout, one line.
pub(super) fn print_json(object: &Value) {
    out(&format!("{object}\n"));
}

/// Prints lines on stdout, escaped.
pub(super) fn print_lines(lines: &[String]) {
    let text: String = lines
        .iter()
        .flat_map(|l| l.lines().map(str::to_string).collect::<Vec<_>>())
        .map(|l| format!("{}\n", human::escape(&l)))
        .collect();
    out(&text);
}

/// The findings as "note:" and "warning:" lines.
pub(super) fn finding_lines(findings: &[Finding]) -> Vec<String> {
    findings
        .iter()
        .map(|f| {
            let word = if f.is_warning() { "warning" } else { "note" };
            format!("{word}: {f}")
        })
        .collect()
}

/// Prints a refusal for a person, on stderr.
pub(super) fn print_refusal(
    exchange: &Exchange,
    error: &ErrorResponse,
    findings: &[Finding],
    more: &[String],
) {
    let mut lines = vec![format!("{} answered {error}", place(exchange))];
    lines.extend(more.iter().cloned());
    lines.extend(finding_lines(findings));
    eprint_lines(&lines);
}

/// Prints a failure for a person, on stderr.
pub(super) fn print_failure(error: &OpsError) {
    let mut lines = vec![error.to_string()];
    if let Some(seconds) = error.clock_skew_seconds() {
        lines.push(format!("warning: {}", Finding::ClockSkew { seconds }));
    }
    eprint_lines(&lines);
}

fn eprint_lines(lines: &[String]) {
    for line in lines {
        for part in line.lines() {
            eprintln!("tokenscope: {}", human::escape(part));
        }
    }
}

/// `-v`: an exchange as it went over the wire, secrets masked, on stderr.
pub(super) fn print_exchange(exchange: &Exchange) {
    let mut text = format!("> {} {}\n", exchange.method, exchange.url);
    for (name, value) in exchange.request_headers_text(false) {
        text.push_str(&format!("> {name}: {value}\n"));
    }
    if let Some(body) = exchange.request_body_text(false) {
        text.push_str(">\n");
        for line in body.lines() {
            text.push_str(&format!("> {line}\n"));
        }
    }
    match &exchange.response {
        None => text.push_str(&format!(
            "< (no response after {} ms)\n",
            exchange.duration.as_millis()
        )),
        Some(response) => {
            text.push_str(&format!(
                "< HTTP {} ({} ms)\n",
                response.status,
                exchange.duration.as_millis()
            ));
            for (name, value) in exchange.response_headers_text(false) {
                text.push_str(&format!("< {name}: {value}\n"));
            }
            if let Some(body) = exchange.response_body_text(false).filter(|b| !b.is_empty()) {
                text.push_str("<\n");
                for line in body.lines() {
                    text.push_str(&format!("< {line}\n"));
                }
            }
        }
    }
    let escaped: String = text
        .lines()
        .map(|l| format!("{}\n", human::escape(l)))
        .collect();
    eprint!("{escaped}");
}

/// The exit status of a failure.
pub(super) fn failure_status(error: &OpsError) -> Status {
    match error.exit_status() {
        2 => Status::BadInput,
        1 => Status::Rejected,
        _ => Status::Network,
    }
}
