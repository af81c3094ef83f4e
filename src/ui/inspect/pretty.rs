//! The raw view's pretty JSON, formatted and split into coloured lines once per token, so the
//! view only lays out the handful of lines on screen (a 1 MiB payload scrolls like a small one).

use serde_json::Value;

use crate::token::text::escape_format_chars;
use crate::ui::widgets::style::Syntax;

/// Lines longer than this are cut for display; the copy buttons still give the whole text.
const MAX_LINE_CHARS: usize = 2_000;

/// One display line and its coloured byte ranges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub text: String,
    pub spans: Vec<(usize, usize, Syntax)>,
}

/// The header and payload as pretty JSON, ready to draw line by line.
#[derive(Debug, Clone, Default)]
pub struct Pretty {
    pub lines: Vec<Line>,
    /// The whole document as text, for "Copy JSON".
    pub text: String,
}

impl Pretty {
    /// Formats `header` and `payload` (either may be `Null`: nothing to show for it).
    #[must_use]
    pub fn build(header: &Value, payload: &Value, payload_note: Option<&str>) -> Self {
        let mut pretty = Self::default();
        if !header.is_null() {
            pretty.section("// header", header, None);
        }
        if !payload.is_null() || payload_note.is_some() {
            pretty.section("// payload", payload, payload_note);
        }
        pretty
    }

    fn section(&mut self, title: &str, value: &Value, note: Option<&str>) {
        if !self.lines.is_empty() {
            self.push_comment("");
        }
        self.push_comment(title);
        if let Some(note) = note {
            self.push_comment(&format!("// {note}"));
        }
        if value.is_null() {
            return;
        }
        let text = serde_json::to_string_pretty(value).unwrap_or_else(|e| e.to_string());
        let text = escape_format_chars(&text);
        for line in text.lines() {
            self.lines.push(colour_line(line));
        }
        self.text.push_str(&text);
        self.text.push('\n');
    }

    fn push_comment(&mut self, text: &str) {
        self.lines.push(Line {
            text: text.to_string(),
            spans: vec![(0, text.len(), Syntax::Comment)],
        });
        self.text.push_str(text);
        self.text.push('\n');
    }
}

/// Splits one line of pretty JSON into coloured spans (strings never span lines there).
fn colour_line(line: &str) -> Line {
    let (line, cut_note) = match line.char_indices().nth(MAX_LINE_CHARS) {
        Some((cut, _)) => (
            &line[..cut],
            Some(format!(
                "… ({} more characters; copy to see all)",
                line[cut..].chars().count()
            )),
        ),
        None => (line, None),
    };
    let bytes = line.as_bytes();
    let mut spans = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        let kind = match bytes[i] {
            b' ' => {
                while i < bytes.len() && bytes[i] == b' ' {
                    i += 1;
                }
                Syntax::Punctuation
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i = (i + 1).min(bytes.len());
                let rest = line[i..].trim_start();
                if rest.starts_with(':') {
                    Syntax::Key
                } else {
                    Syntax::String
                }
            }
            b'-' | b'0'..=b'9' => {
                while i < bytes.len() && !matches!(bytes[i], b',' | b' ' | b']' | b'}') {
                    i += 1;
                }
                Syntax::Number
            }
            b't' | b'f' | b'n' => {
                while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                    i += 1;
                }
                Syntax::Literal
            }
            _ => {
                i += 1;
                Syntax::Punctuation
            }
        };
        // A string cut mid-way by the length limit may end inside a multi-byte character.
        while !line.is_char_boundary(i) {
            i += 1;
        }
        spans.push((start, i, kind));
    }
    let mut text = line.to_string();
    if let Some(note) = cut_note {
        spans.push((text.len(), text.len() + note.len(), Syntax::Comment));
        text.push_str(&note);
    }
    Line { text, spans }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_strings_numbers_and_literals_are_told_apart() {
        let line = colour_line(r#"  "sub": "a\"b", "n": -1.5e3, "ok": true"#);
        let kinds: Vec<(&str, Syntax)> = line
            .spans
            .iter()
            .filter(|s| s.2 != Syntax::Punctuation)
            .map(|&(s, e, k)| (&line.text[s..e], k))
            .collect();
        assert_eq!(
            kinds,
            [
                ("\"sub\"", Syntax::Key),
                ("\"a\\\"b\"", Syntax::String),
                ("\"n\"", Syntax::Key),
                ("-1.5e3", Syntax::Number),
                ("\"ok\"", Syntax::Key),
                ("true", Syntax::Literal),
            ]
        );
    }

    #[test]
    fn long_lines_are_cut_with_a_note() {
        let pretty = Pretty::build(&json!({}), &json!({"big": "é".repeat(5000)}), None);
        let long = pretty
            .lines
            .iter()
            .find(|l| l.text.contains("big"))
            .unwrap();
        assert!(long.text.ends_with("more characters; copy to see all)"));
        assert!(long.text.chars().count() < 2_100);
        assert!(pretty.text.len() > 10_000);
    }
}
