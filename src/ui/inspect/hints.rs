//! Hints in the window's own words. The report's hints are shared with the command line, and
//! some name its flags (`--key`); the window shows its own hint for those checks, chosen by the
//! check's id and status — never by reading the hint's text, which the core may reword.

use std::borrow::Cow;

use crate::token::{Check, CheckStatus};

/// Where the key form is, as the hint should point at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyPanel {
    /// Shown on the right.
    Open,
    /// Folded away: its switch is at the end of the tab row.
    Folded,
}

/// The hint to show under `check` in the window, if any.
#[must_use]
pub fn for_check(check: &Check, key_panel: KeyPanel) -> Option<Cow<'_, str>> {
    match (check.id, check.status) {
        // The signature was not verified because no key was given (a key that was given and
        // failed makes it a warning or a failure, with the verifier's own hint). An opaque
        // or encrypted token's signature line is information too, but with nothing to do: the
        // core gives it no hint, so none is put in its place.
        ("signature", CheckStatus::Info) if check.hint.is_some() => {
            Some(Cow::Borrowed(match key_panel {
                KeyPanel::Open => {
                    "give a key in the panel on the right — a secret, a PEM, JWK or JWKS (paste or drop it anywhere in the window), a JWKS URL or the issuer — then press Verify"
                }
                KeyPanel::Folded => {
                    "open Key & expectations (at the end of the tabs) and give a key — a secret, a PEM, JWK or JWKS, a JWKS URL or the issuer — then press Verify"
                }
            }))
        }
        _ => check.hint.as_deref().map(Cow::Borrowed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_opaque_tokens_signature_line_asks_for_no_key() {
        let check = Check::new(
            "signature",
            CheckStatus::Info,
            "not applicable: an opaque token is not signed",
        );
        assert_eq!(for_check(&check, KeyPanel::Open), None);
    }

    #[test]
    fn an_unverified_signature_points_at_the_key_panel() {
        let check = Check::new(
            "signature",
            CheckStatus::Info,
            "not verified: no key was given",
        )
        .hint("give a key (--key on the command line)");
        let hint = for_check(&check, KeyPanel::Open).unwrap();
        assert!(hint.contains("panel on the right") && !hint.contains("--"));
        let folded = for_check(&check, KeyPanel::Folded).unwrap();
        assert!(folded.contains("open Key & expectations"));
    }

    #[test]
    fn other_checks_keep_the_reports_hint() {
        let check = Check::new("exp", CheckStatus::Fail, "expired").hint("request a new token");
        assert_eq!(
            for_check(&check, KeyPanel::Open).as_deref(),
            Some("request a new token")
        );
    }
}
