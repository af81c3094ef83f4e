//! What an operation noticed besides the server's answer: a skewed clock, what happened to
//! the stored refresh token, a legacy grant. And the inspect report of each token received.

use std::fmt;

use crate::oauth::exchange::Exchange;
use crate::secrets::SecretError;
use crate::sensitive::Sensitive;
use crate::token::report::{Check, CheckStatus, InputInfo, Report};
use crate::token::time::{duration, now_unix};
use crate::token::{Options, diagnose_owned, parse};

/// One thing an operation noticed, typed; `Display` is the CLI's sentence for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// The server's `Date` is more than 60 s from the local clock (server minus local).
    ClockSkew { seconds: i64 },
    /// The new refresh token was stored under the profile (`persistent`: in the OS keychain,
    /// else in memory for this session).
    RefreshTokenStored { persistent: bool },
    /// The answer held no new refresh token; the one stored before is kept and still used.
    RefreshTokenKept,
    /// The server answered invalid_grant to a refresh: that refresh token is dead. It stays
    /// stored (it is not ours to throw away), but only a new fetch helps.
    RefreshTokenDead,
    /// A refresh token came but could not be stored; it is in this result only.
    RefreshTokenNotStored { error: SecretError },
    /// The password grant was used (legacy).
    LegacyPasswordGrant,
}

impl Finding {
    /// True for what a user should be warned about, rather than told.
    #[must_use]
    pub fn is_warning(&self) -> bool {
        !matches!(
            self,
            Self::RefreshTokenStored { .. } | Self::RefreshTokenKept
        )
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ClockSkew { seconds } => f.write_str(&clock_sentence(*seconds)),
            Self::RefreshTokenStored { persistent: true } => {
                f.write_str("the refresh token is stored in the OS keychain under the profile")
            }
            Self::RefreshTokenStored { persistent: false } => f.write_str(
                "the refresh token is kept in memory for this run only (no OS keychain answered)",
            ),
            Self::RefreshTokenKept => f.write_str(
                "the answer holds no new refresh token: the stored one is kept and stays in use",
            ),
            Self::RefreshTokenDead => f.write_str(
                "the refresh token is dead (expired, revoked or already used): fetch a new token; retrying will not help",
            ),
            Self::RefreshTokenNotStored { error } => write!(
                f,
                "the new refresh token could NOT be stored ({error}); the next refresh needs a new fetch"
            ),
            Self::LegacyPasswordGrant => {
                f.write_str(crate::oauth::grants::password::LEGACY_LABEL)
            }
        }
    }
}

/// "this machine is 4 min behind the server: exp/nbf decisions here may differ from the
/// API's" — `seconds` is server minus local.
#[must_use]
pub fn clock_sentence(seconds: i64) -> String {
    let side = if seconds > 0 { "behind" } else { "ahead of" };
    // Date has one-second resolution and travels with the response: past two minutes the
    // nearest minute is as exact as it gets, and reads better.
    let size = seconds.unsigned_abs();
    let size = if size >= 120 {
        (size + 30) / 60 * 60
    } else {
        size
    };
    format!(
        "this machine is {} {side} the server (its Date header): exp/nbf decisions here may differ from the server's",
        duration(size)
    )
}

/// The clock finding of `exchange`, if its server's clock is off.
pub(super) fn clock_of(exchange: &Exchange) -> Option<Finding> {
    exchange
        .clock_skew_finding()
        .map(|seconds| Finding::ClockSkew { seconds })
}

/// A token received or sent, with its inspect report.
#[derive(Debug, Clone)]
pub struct TokenReport {
    /// `access_token`, `id_token` …
    pub label: &'static str,
    pub token: Sensitive,
    pub report: Report,
}

/// The report on `token` as `tokenscope inspect` makes it (no key: the signature is
/// unverified), with a `clock` warning when the server's clock is off. None when the text is
/// not a token at all.
#[must_use]
pub fn report_on(label: Option<&str>, token: &Sensitive, skew: Option<i64>) -> Option<Report> {
    let parsed = parse(token.reveal()).ok()?;
    let input = InputInfo {
        label: label.map(str::to_string),
        length: token.len(),
        ..InputInfo::default()
    };
    let mut report = diagnose_owned(parsed, input, &Options::at(now_unix()), None);
    if let Some(seconds) = skew {
        report.checks.push(Check::new(
            "clock",
            CheckStatus::Warn,
            clock_sentence(seconds),
        ));
    }
    Some(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clock_sentence_says_which_side_and_how_far() {
        assert!(clock_sentence(240).starts_with("this machine is 4 min behind the server"));
        assert!(clock_sentence(239).starts_with("this machine is 4 min behind the server"));
        assert!(clock_sentence(-90).starts_with("this machine is 1 min 30 s ahead of the server"));
    }
}
