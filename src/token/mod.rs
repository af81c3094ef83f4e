//! The token core: pure and synchronous, no I/O. Parse what the user pasted, explain it, and
//! say what is wrong with it.

mod b64;
mod checks;
pub mod claim_set;
pub mod claims;
mod compact;
pub mod compare;
pub mod defect;
pub mod diagnose;
pub mod diff;
pub mod introspection;
pub mod json;
mod json_paste;
pub mod lazy;
pub mod lifetime;
mod locate;
pub mod normalize;
mod options;
pub mod parse;
pub mod report;
mod scan;
pub mod text;
pub mod time;
pub mod vendor;

pub use diagnose::{DEFAULT_LEEWAY, Options, diagnose, diagnose_owned};
pub use normalize::{Found, Normalized, normalize};
pub use parse::{ParseError, Token, parse};
pub use report::{Check, CheckStatus, Kind, Report, SignatureStatus, SignatureVerdict};

/// One token found in a paste: its parse result, and the report when it parsed.
#[derive(Debug, Clone)]
pub struct Inspected {
    pub label: Option<String>,
    pub result: Result<Report, ParseError>,
}

/// Normalises `input`, parses every token in it and reports on each, without a key.
/// The window and `tokenscope inspect` both start here.
pub fn inspect(input: &str, opts: &Options) -> Result<Vec<Inspected>, ParseError> {
    let normalized = normalize(input)?;
    Ok(normalized
        .tokens
        .iter()
        .map(|found| Inspected {
            label: found.label.clone(),
            result: parse(&found.token)
                .map(|token| diagnose_owned(token, input_info(&normalized, found), opts, None)),
        })
        .collect())
}

/// The `input` section of a report for one found token.
#[must_use]
pub fn input_info(normalized: &Normalized, found: &Found) -> report::InputInfo {
    report::InputInfo {
        label: found.label.clone(),
        stripped: normalized.stripped.clone(),
        found_in: found.context.clone(),
        length: found.token.len(),
    }
}
