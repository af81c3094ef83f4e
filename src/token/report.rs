//! The inspect report: one structure that the window draws and `tokenscope inspect --json`
//! prints, so the two can never disagree.

use std::borrow::Cow;

use serde::Serialize;
use serde_json::Value;

use super::claim_set::{CheckedClaims, Claims as _};
use super::claims::TokenType;
use super::lazy::{ClaimRows, LazyJson};
use super::lifetime::Lifetime;
use super::parse::Charset;
use super::scan::checked_index;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Jws,
    Jwe,
    Unsecured,
    Opaque,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    /// Sorted first: what is wrong comes before what is fine.
    Fail,
    Warn,
    Pass,
    Info,
}

impl CheckStatus {
    /// The mark a terminal or the window shows.
    #[must_use]
    pub fn mark(self) -> &'static str {
        match self {
            Self::Pass => "✓",
            Self::Fail => "✗",
            Self::Warn => "!",
            Self::Info => "i",
        }
    }
}

/// One question a user asks of a token, answered. Most messages and hints are fixed
/// sentences, held without copying them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub id: &'static str,
    pub status: CheckStatus,
    pub message: Cow<'static, str>,
    /// What to do about it, for a failure or a warning.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<Cow<'static, str>>,
}

impl Check {
    #[must_use]
    pub fn new(
        id: &'static str,
        status: CheckStatus,
        message: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self {
            id,
            status,
            message: message.into(),
            hint: None,
        }
    }

    #[must_use]
    pub fn hint(mut self, hint: impl Into<Cow<'static, str>>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SignatureStatus {
    Valid,
    Invalid,
    Unverified,
    NotSigned,
    Unsupported,
}

/// The outcome of signature verification, produced by `jose` and carried into the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureVerdict {
    pub status: SignatureStatus,
    pub detail: String,
    pub hint: Option<String>,
    /// Which key verified the token (or was tried): kid, kty, RFC 7638 thumbprint.
    pub key: Option<String>,
    /// The token's `alg` cannot be used with the key given (alg/key-type confusion).
    pub alg_problem: Option<String>,
    /// Weak keys, private keys given where a public one would do, embedded keys.
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignatureReport {
    pub status: SignatureStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alg: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kid: Option<String>,
    /// A fixed sentence unless a key was tried: not copied for every token inspected.
    pub detail: Cow<'static, str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

/// Where the token came from in the paste.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct InputInfo {
    /// `access_token`, `id_token` … when found in a response or URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    pub stripped: Vec<String>,
    /// Where in the surrounding text the token was found, when the paste held more.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub found_in: Option<String>,
    pub length: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OpaqueInfo {
    pub length: usize,
    pub charset: Charset,
    pub charset_description: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JweInfo {
    pub encrypted_key_bytes: usize,
    pub iv_bytes: usize,
    pub ciphertext_bytes: usize,
    pub tag_bytes: usize,
}

/// How the payload was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PayloadFormat {
    Json,
    Text,
    /// Shown as hex in `payload`.
    Binary,
    Encrypted,
    None,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub kind: Kind,
    pub token_type: TokenType,
    pub token_type_description: &'static str,
    /// Which header parameter, claim or place decided the token type.
    pub token_type_reason: &'static str,
    pub input: InputInfo,
    pub header: Value,
    /// Parsed when first read: the checks need only a few claims (see `lazy`).
    pub payload: LazyJson,
    pub payload_format: PayloadFormat,
    pub signature: SignatureReport,
    pub lifetime: Lifetime,
    /// Built when first read, from `payload`.
    pub claims: ClaimRows,
    /// The claims the checks read, parsed already: `claim_str` answers from them without
    /// building `payload` (the window names every entry by its `iss`).
    #[serde(skip)]
    pub(super) checked: CheckedClaims,
    pub checks: Vec<Check>,
    /// The inner token of a nested JWT (`cty: JWT`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nested: Option<Box<Report>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub opaque: Option<OpaqueInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jwe: Option<JweInfo>,
}

impl Report {
    /// "access token: decided by typ at+jwt": what the token is and why tokenscope thinks so.
    /// A plain JWT's reason says why nothing decided, so it takes no "decided by".
    #[must_use]
    pub fn token_type_sentence(&self) -> String {
        let joint = if self.token_type == TokenType::Jwt {
            ""
        } else {
            "decided by "
        };
        format!(
            "{}: {joint}{}",
            self.token_type_description, self.token_type_reason
        )
    }

    /// True when any check failed, here or in the nested token: the CLI's exit status 1.
    #[must_use]
    pub fn has_failure(&self) -> bool {
        self.checks.iter().any(|c| c.status == CheckStatus::Fail)
            || self
                .nested
                .as_ref()
                .is_some_and(|inner| inner.has_failure())
    }

    #[must_use]
    pub fn check(&self, id: &str) -> Option<&Check> {
        self.checks.iter().find(|c| c.id == id)
    }

    /// Checks with failures first, then warnings, passes, and information; stable otherwise.
    #[must_use]
    pub fn checks_by_severity(&self) -> Vec<&Check> {
        let mut checks: Vec<&Check> = self.checks.iter().collect();
        checks.sort_by_key(|c| c.status);
        checks
    }

    /// The header's string member `name`.
    #[must_use]
    pub fn header_str(&self, name: &str) -> Option<&str> {
        self.header.get(name).and_then(Value::as_str)
    }

    /// The payload's string member `name`.
    #[must_use]
    pub fn claim_str(&self, name: &str) -> Option<&str> {
        let value = match checked_index(name) {
            Some(_) => self.checked.get(name),
            None => self.payload.get(name),
        };
        value.and_then(Value::as_str)
    }
}
