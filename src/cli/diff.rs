//! `tokenscope diff A B`: two tokens side by side — claims and header parameters added,
//! removed and changed, and the two lifetimes.

use std::fmt::Write as _;

use clap::Args;
use serde_json::json;

use super::{Status, human, out, read_token_arg};
use crate::token::diff::{Change, diff};
use crate::token::{self, Options, Report, time};

#[derive(Args)]
pub struct DiffArgs {
    /// The first token (before); `-` reads stdin.
    // An opaque token may start with `-` (base64url): it is still the token, not an option.
    #[arg(allow_hyphen_values = true)]
    pub a: String,
    /// The second token (after); `-` reads stdin (only one of the two may).
    #[arg(allow_hyphen_values = true)]
    pub b: String,
    /// Print the differences as JSON.
    #[arg(long)]
    pub json: bool,
    /// Judge both tokens at this instant (seconds since 1970) instead of now.
    #[arg(long, value_name = "UNIX", value_parser = clap::value_parser!(i64).range(0..=253_402_300_799))]
    pub now: Option<i64>,
}

// By hand: both arguments are tokens.
impl std::fmt::Debug for DiffArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DiffArgs")
            .field("a", &format_args!("<{} bytes>", self.a.len()))
            .field("b", &format_args!("<{} bytes>", self.b.len()))
            .field("json", &self.json)
            .finish_non_exhaustive()
    }
}

/// Runs `diff`: 0 when both tokens were read (whether or not they differ), 2 when one
/// cannot be read.
pub fn run(args: &DiffArgs) -> Status {
    if args.a == "-" && args.b == "-" {
        return fail(
            args.json,
            "only one of the two tokens can come from stdin".into(),
        );
    }
    let opts = Options::at(args.now.unwrap_or_else(time::now_unix));
    let (a, b) = match (read(&args.a, "A", &opts), read(&args.b, "B", &opts)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => return fail(args.json, e),
    };
    let d = diff(&a, &b);
    if args.json {
        let side = |r: &Report| json!({"kind": r.kind, "token_type": r.token_type, "lifetime": r.lifetime});
        let value = json!({
            "ok": true, "same": d.same,
            "a": side(&a), "b": side(&b),
            "header": d.header, "claims": d.claims,
        });
        out(&format!("{value:#}\n"));
        return Status::Ok;
    }
    let mut s = String::new();
    let _ = writeln!(
        s,
        "A: {} · {}",
        a.token_type_description, a.lifetime.summary
    );
    let _ = writeln!(
        s,
        "B: {} · {}",
        b.token_type_description, b.lifetime.summary
    );
    if d.same {
        s.push_str("\nsame header and claims\n");
    }
    section(&mut s, "Header", &d.header);
    section(&mut s, "Claims", &d.claims);
    out(&s);
    Status::Ok
}

fn section(s: &mut String, title: &str, changes: &[Change]) {
    if changes.is_empty() {
        return;
    }
    let _ = writeln!(s, "\n{title}");
    let width = changes
        .iter()
        .map(|c| c.path.chars().count())
        .max()
        .unwrap_or(0);
    for c in changes {
        let value = |v: &Option<serde_json::Value>| {
            v.as_ref()
                .map(|v| human::escape(&v.to_string()))
                .unwrap_or_default()
        };
        let words = match (&c.before, &c.after) {
            (Some(_), Some(_)) => format!("{} → {}", value(&c.before), value(&c.after)),
            (Some(_), None) => value(&c.before),
            _ => value(&c.after),
        };
        let _ = writeln!(
            s,
            "  {} {:width$}  {words}",
            c.kind.mark(),
            human::escape(&c.path)
        );
    }
}

/// One token from an argument; the first when the text holds several.
fn read(arg: &str, which: &str, opts: &Options) -> Result<Report, String> {
    let text = read_token_arg(Some(arg))?;
    let found = token::inspect(&text, opts).map_err(|e| format!("token {which}: {e}"))?;
    let first = found
        .into_iter()
        .next()
        .ok_or_else(|| format!("token {which}: no token found"))?;
    first.result.map_err(|e| format!("token {which}: {e}"))
}

fn fail(json: bool, error: String) -> Status {
    if json {
        out(&format!("{:#}\n", json!({"ok": false, "error": error})));
    } else {
        eprintln!("tokenscope: {}", human::escape(&error));
    }
    Status::BadInput
}
