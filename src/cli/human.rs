//! The terminal rendering of a report: what a person wants to read, colours only on a tty.

use std::fmt::Write as _;
use std::io::IsTerminal as _;

use serde_json::Value;

use crate::token::claims::{explain_alg, explain_header};
use crate::token::parse::ParseError;
use crate::token::report::{CheckStatus, Kind, Report};

/// Longest value shown in full on one line; `--json` has everything.
const MAX_VALUE_CHARS: usize = 160;

#[derive(Debug, Clone, Copy)]
pub struct Style {
    color: bool,
}

impl Style {
    /// Colour when stdout is a terminal and NO_COLOR is unset (no-color.org).
    pub fn detect() -> Self {
        Self {
            color: std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        }
    }

    fn paint(self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
    fn bold(self, t: &str) -> String {
        self.paint("1", t)
    }
    fn dim(self, t: &str) -> String {
        self.paint("2", t)
    }
    fn status(self, s: CheckStatus, t: &str) -> String {
        match s {
            CheckStatus::Pass => self.paint("32", t),
            CheckStatus::Fail => self.paint("31;1", t),
            CheckStatus::Warn => self.paint("33", t),
            CheckStatus::Info => self.paint("36", t),
        }
    }
}

/// The whole report as text.
pub fn report(r: &Report, style: Style) -> String {
    let mut s = String::new();
    let mut title = String::from(r.token_type_description);
    if let Some(label) = &r.input.label {
        title = format!("{}: {title}", escape(label));
    }
    let kind = format!("{:?}", r.kind).to_uppercase();
    // "opaque token  OPAQUE" says it twice.
    let mut facts = if title.to_uppercase().contains(&kind) {
        Vec::new()
    } else {
        vec![kind]
    };
    if let Some(alg) = &r.signature.alg {
        facts.push(escape(alg));
    }
    match r.signature.kid.as_deref() {
        Some("") => facts.push("kid \"\" (empty)".to_string()),
        Some(kid) => facts.push(format!("kid {}", escape(kid))),
        None => {}
    }
    let _ = writeln!(
        s,
        "{}  {}",
        style.bold(&title),
        style.dim(&facts.join(" · "))
    );
    if let Some(place) = &r.input.found_in {
        let _ = writeln!(s, "{}", style.dim(&format!("found in {}", escape(place))));
    }
    if !r.input.stripped.is_empty() {
        let _ = writeln!(
            s,
            "{}",
            style.dim(&format!(
                "removed from the input: {}",
                r.input.stripped.join(", ")
            ))
        );
    }
    if r.kind != Kind::Opaque {
        let _ = writeln!(s, "{}", style.dim(&r.token_type_sentence()));
    }

    if let Value::Object(header) = &r.header {
        let _ = writeln!(s, "\n{}", style.bold("Header"));
        let width = header.keys().map(|k| k.chars().count()).max().unwrap_or(0);
        for (name, value) in header {
            let explain = match (name.as_str(), value.as_str()) {
                // In a JWE these name the recipient's key and the key management algorithm.
                ("kid", _) if r.kind == Kind::Jwe => {
                    Some("which of the recipient's keys the content key is encrypted to")
                }
                ("alg", _) if r.kind == Kind::Jwe => {
                    Some("how the content encryption key is encrypted for the recipient")
                }
                ("alg", Some(a)) => explain_alg(a).or(explain_header(name)),
                _ => explain_header(name),
            };
            row(&mut s, style, name, width, &compact(value), explain);
        }
    }

    if let Some(o) = &r.opaque {
        let _ = writeln!(s, "\n{}", style.bold("Opaque token"));
        let _ = writeln!(s, "  {} characters, {}", o.length, o.charset_description);
    }
    if let Some(j) = &r.jwe {
        let _ = writeln!(s, "\n{}", style.bold("Encrypted content"));
        let _ = writeln!(
            s,
            "  encrypted key {} bytes · IV {} · ciphertext {} · tag {}; the payload cannot be read without the key",
            j.encrypted_key_bytes, j.iv_bytes, j.ciphertext_bytes, j.tag_bytes
        );
    }

    if !r.claims.is_empty() {
        let _ = writeln!(s, "\n{}", style.bold("Claims"));
        let width = r
            .claims
            .iter()
            .map(|c| c.name.chars().count())
            .max()
            .unwrap_or(0);
        for c in &r.claims {
            row(
                &mut s,
                style,
                &c.name,
                width,
                &compact(r.payload.get(&c.name).unwrap_or(&Value::Null)),
                c.explanation,
            );
            let pad = " ".repeat(width + 4);
            if let Some(t) = &c.time {
                let _ = writeln!(
                    s,
                    "{pad}{}",
                    style.dim(&{
                        let local = t.local();
                        if local.ends_with("+00:00") {
                            // Local time is UTC here: once is enough.
                            format!("{} · {}", t.utc(), t.relative())
                        } else {
                            format!("{} · {local} local · {}", t.utc(), t.relative())
                        }
                    })
                );
            }
            if let Some(p) = &c.problem {
                let _ = writeln!(s, "{pad}{}", style.status(CheckStatus::Fail, p));
            }
        }
    } else if matches!(*r.payload, Value::String(_)) {
        let _ = writeln!(s, "\n{} ({:?})", style.bold("Payload"), r.payload_format);
        let _ = writeln!(s, "  {}", compact(&r.payload));
    }

    let l = &r.lifetime;
    let mut life = l.summary.clone();
    if !life.contains(l.state.label()) {
        life = format!("{life} ({})", l.state.label());
    }
    if let Some(until) = &l.accepted_until {
        let _ = write!(
            life,
            " · accepted until {} with {} s leeway",
            until.utc(),
            l.leeway_seconds
        );
    }
    let _ = writeln!(s, "\n{}  {life}", style.bold("Lifetime"));

    let _ = writeln!(s, "\n{}", style.bold("Checks"));
    let width = r.checks.iter().map(|c| c.id.len()).max().unwrap_or(0);
    for c in r.checks_by_severity() {
        let _ = writeln!(
            s,
            "  {} {:width$}  {}",
            style.status(c.status, c.status.mark()),
            c.id,
            escape(&c.message)
        );
        if let Some(h) = c.hint.as_ref().filter(|_| c.status != CheckStatus::Pass) {
            let _ = writeln!(
                s,
                "    {:width$}  {}",
                "",
                style.dim(&format!("→ {}", escape(h)))
            );
        }
    }
    if let Some(inner) = &r.nested {
        let _ = writeln!(s, "\n{}", style.bold("Nested token"));
        s.push_str(&report(inner, style));
    }
    s.push('\n');
    s
}

/// Values up to this width are padded so the explanations line up.
const ALIGN_VALUES: usize = 28;

fn row(s: &mut String, style: Style, name: &str, width: usize, value: &str, explain: Option<&str>) {
    let pad = width.saturating_sub(name.chars().count());
    let _ = write!(s, "  {}{}  {value}", escape(name), " ".repeat(pad));
    if let Some(e) = explain {
        let vpad = ALIGN_VALUES.saturating_sub(value.chars().count());
        let _ = write!(s, "{}  {}", " ".repeat(vpad), style.dim(&format!("— {e}")));
    }
    s.push('\n');
}

/// A JSON value on one line, cut to a readable length.
fn compact(value: &Value) -> String {
    let text = escape(&value.to_string());
    let count = text.chars().count();
    if count <= MAX_VALUE_CHARS {
        return text;
    }
    let head: String = text.chars().take(MAX_VALUE_CHARS).collect();
    format!(
        "{head}… ({} more characters; --json shows all)",
        count - MAX_VALUE_CHARS
    )
}

/// Control and bidi characters made visible, so a value cannot rewrite the terminal.
pub fn escape(text: &str) -> String {
    crate::token::text::escape_invisible(text)
}

/// A parse error with the token excerpt around the offending byte.
pub fn parse_error(e: &ParseError, token: &str, label: Option<&str>) -> String {
    let mut s = String::new();
    let prefix = label.map(|l| format!("{l}: ")).unwrap_or_default();
    let _ = writeln!(s, "tokenscope: {prefix}{e}");
    // A refresh token is a long-lived credential: not even a piece of it is printed.
    if label == Some("refresh_token") {
        return s;
    }
    if let Some(offset) = e.token_offset() {
        let start = floor_char(token, offset.saturating_sub(30));
        let end = floor_char(token, (offset + 30).min(token.len()));
        let before = escape(&token[start..floor_char(token, offset)]);
        let excerpt = escape(&token[start..end]);
        let lead = if start > 0 { "…" } else { "" };
        let _ = writeln!(s, "  {lead}{excerpt}");
        let _ = writeln!(
            s,
            "  {}{}^",
            " ".repeat(lead.chars().count()),
            " ".repeat(before.chars().count())
        );
    }
    s
}

fn floor_char(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}
