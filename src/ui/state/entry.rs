//! One token in the workspace: what was pasted, the parsed token, its report, the user's
//! expectations and key, and the per-token caches the views draw from.
//!
//! The token is parsed once. The report is re-judged when the expectations or the verdict
//! change and as the clock moves (its checks say "expires in …"); the live lifetime for the
//! countdown is recomputed from the cached claims at most once per second. Tree rows and
//! pretty JSON are built on first view and kept.

use std::sync::Arc;

use crate::jose::KeySource;
use crate::sensitive::Sensitive;
use crate::token::claims::TokenType;
use crate::token::lifetime::{Lifetime, LifetimeState};
use crate::token::parse::{Jws, Payload};
use crate::token::report::InputInfo;
use crate::token::{Kind, Options, ParseError, Report, SignatureVerdict, Token, diagnose, parse};
use crate::worker::JobId;

use crate::ui::inspect::pretty::Pretty;
use crate::ui::inspect::tree_model::TreeModel;
use crate::ui::state::servers::TokenServer;
use crate::ui::widgets::mask::{HIDDEN, has_personal, is_personal};

pub type EntryId = u64;

/// A payload over this size is re-judged only when its lifetime state changes or every
/// `BIG_REJUDGE_SECONDS`, not every second: re-judging clones the payload.
const BIG_PAYLOAD_BYTES: usize = 256 * 1024;
const BIG_REJUDGE_SECONDS: i64 = 15;

/// One token in the workspace. Lives in memory only.
pub struct Entry {
    pub id: EntryId,
    pub label: String,
    /// Entries pasted together (a token response) share a group.
    pub group: Option<u64>,
    /// The name the token had in the paste: `access_token`, `id_token`, `refresh_token` …
    pub source: Option<String>,
    /// The token string as found after normalisation.
    pub raw: Sensitive,
    /// What normalisation removed, in words.
    pub stripped: Vec<String>,
    pub body: Body,
    pub expect: Expectations,
    pub key: KeyForm,
    pub verification: Verification,
    pub tree: TreeState,
    /// The user chose to see this refresh token in full (it is a long-lived secret).
    pub reveal_token: bool,
    /// The user chose to see this token's personal claims in presenter mode.
    pub reveal_personal: bool,
    /// Its profile and what its server said about it.
    pub server: TokenServer,
}

pub enum Body {
    Parsed(Box<Parsed>),
    Malformed(ParseError),
}

/// A token that parsed, its report and its caches.
pub struct Parsed {
    pub token: Token,
    pub report: Report,
    /// Byte ranges of the token's dot-separated segments and its length in characters:
    /// found once, not by scanning a 1 MiB token on every frame.
    pub segments: Vec<(usize, usize)>,
    pub chars: usize,
    judged_at: i64,
    live: Lifetime,
    live_at: i64,
    tree: Option<TreeModel>,
    pretty: Option<Pretty>,
    /// The pretty JSON with personal claims hidden, built on first use in presenter mode.
    pretty_masked: Option<Pretty>,
}

/// What the user expects of this token; feeds the same checks as the CLI's flags.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expectations {
    /// Space- or comma-separated; the token passes when its `aud` holds any of them.
    pub audience: String,
    pub issuer: String,
    /// Space- or comma-separated; all must be granted.
    pub scopes: String,
    pub leeway: u64,
}

impl Expectations {
    #[must_use]
    pub fn options(&self, now: i64) -> Options {
        let list = |s: &str| -> Vec<String> {
            s.split(|c: char| c.is_whitespace() || c == ',')
                .filter(|p| !p.is_empty())
                .map(str::to_string)
                .collect()
        };
        let issuer = self.issuer.trim();
        Options {
            now,
            leeway: self.leeway,
            expected_iss: (!issuer.is_empty()).then(|| issuer.to_string()),
            expected_aud: list(&self.audience),
            required_scopes: list(&self.scopes),
        }
    }
}

/// Where the verification key comes from, as the form edits it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    Secret,
    SecretBase64,
    KeyText,
    JwksUrl,
    Issuer,
}

impl KeyKind {
    pub const ALL: [Self; 5] = [
        Self::KeyText,
        Self::Secret,
        Self::SecretBase64,
        Self::JwksUrl,
        Self::Issuer,
    ];

    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Secret => "HMAC secret",
            Self::SecretBase64 => "HMAC secret (base64)",
            Self::KeyText => "PEM / JWK / JWKS",
            Self::JwksUrl => "JWKS URL",
            Self::Issuer => "Issuer (discovery)",
        }
    }
}

/// The verification form's fields, one per kind so switching kinds loses nothing.
#[derive(Clone, PartialEq, Eq)]
pub struct KeyForm {
    pub kind: KeyKind,
    pub secret: Sensitive,
    pub key_text: Sensitive,
    pub jwks_url: String,
    pub issuer: String,
    /// A key file's path as typed; the file is read by the worker and lands in `key_text`.
    pub file_path: String,
    /// Show the secret as typed (never in presenter mode).
    pub reveal: bool,
    /// The key text is open for editing; otherwise a filled-in key is shown as a summary.
    pub editing: bool,
}

impl KeyForm {
    /// The key source the form describes, or `None` while its field is empty.
    #[must_use]
    pub fn source(&self) -> Option<KeySource> {
        let nonempty = |s: &Sensitive| {
            let s = s.reveal().trim();
            (!s.is_empty()).then(|| s.to_string())
        };
        let plain = |s: &String| {
            let s = s.trim();
            (!s.is_empty()).then(|| s.to_string())
        };
        match self.kind {
            // A secret is used as typed, apart from a trailing line break from a paste.
            KeyKind::Secret => (!self.secret.is_empty()).then(|| {
                KeySource::Secret(
                    self.secret
                        .reveal()
                        .trim_end_matches(['\r', '\n'])
                        .to_string(),
                )
            }),
            KeyKind::SecretBase64 => nonempty(&self.secret).map(KeySource::SecretBase64),
            KeyKind::KeyText => nonempty(&self.key_text).map(KeySource::KeyText),
            KeyKind::JwksUrl => plain(&self.jwks_url).map(KeySource::JwksUrl),
            KeyKind::Issuer => plain(&self.issuer).map(KeySource::Issuer),
        }
    }
}

/// The signature verdict, and the job computing a new one.
#[derive(Debug, Clone, Default)]
pub struct Verification {
    pub verdict: Option<SignatureVerdict>,
    pub running: Option<JobId>,
    /// What the running job verifies with; it becomes `used` when its verdict arrives, so an
    /// older verdict is never shown under the newer key's name.
    pub trying: Option<String>,
    /// What the last verdict was computed with, in words without secrets.
    pub used: Option<String>,
}

/// The tree view's state for this token.
#[derive(Debug, Clone, Default)]
pub struct TreeState {
    pub collapsed: std::collections::HashSet<usize>,
    pub query: String,
    pub selected: Option<usize>,
    /// The visible rows for the current query and collapsed set; `None` after either changes.
    pub visible: Option<Vec<usize>>,
    /// Whether `visible` was found with personal values hidden from the search.
    pub visible_hiding: bool,
}

impl Entry {
    /// Parses `raw` and judges it at `now`.
    #[must_use]
    pub fn new(
        id: EntryId,
        raw: Sensitive,
        source: Option<String>,
        stripped: Vec<String>,
        now: i64,
        leeway: u64,
    ) -> Self {
        let expect = Expectations {
            leeway,
            ..Expectations::default()
        };
        let body = match parse(&raw) {
            Ok(token) => {
                let input = input_info(&source, &stripped, raw.len());
                let report = diagnose(&token, input, &expect.options(now), None);
                let live = report.lifetime.clone();
                Body::Parsed(Box::new(Parsed {
                    token,
                    report,
                    segments: crate::ui::inspect::raw::segments(&raw),
                    chars: raw.chars().count(),
                    judged_at: now,
                    live,
                    live_at: now,
                    tree: None,
                    pretty: None,
                    pretty_masked: None,
                }))
            }
            Err(e) => Body::Malformed(e),
        };
        let issuer = match &body {
            Body::Parsed(p) => p.report.claim_str("iss").unwrap_or_default().to_string(),
            Body::Malformed(_) => String::new(),
        };
        Self {
            id,
            label: String::new(),
            group: None,
            source,
            raw,
            stripped,
            body,
            expect,
            key: KeyForm {
                kind: KeyKind::KeyText,
                secret: Sensitive::default(),
                key_text: Sensitive::default(),
                jwks_url: String::new(),
                issuer,
                file_path: String::new(),
                reveal: false,
                editing: false,
            },
            verification: Verification::default(),
            tree: TreeState::default(),
            reveal_token: false,
            reveal_personal: false,
            server: TokenServer::default(),
        }
    }

    /// A refresh token is a long-lived credential: shown masked until the user reveals it.
    #[must_use]
    pub fn is_refresh_token(&self) -> bool {
        self.source.as_deref() == Some("refresh_token")
    }

    /// Whether the token string is masked on screen now.
    #[must_use]
    pub fn token_masked(&self, presenter: bool) -> bool {
        presenter || (self.is_refresh_token() && !self.reveal_token)
    }

    #[must_use]
    pub fn parsed(&self) -> Option<&Parsed> {
        match &self.body {
            Body::Parsed(p) => Some(p),
            Body::Malformed(_) => None,
        }
    }

    #[must_use]
    pub fn report(&self) -> Option<&Report> {
        self.parsed().map(|p| &p.report)
    }

    /// The signed token, when this is a JWS with a signature to verify.
    #[must_use]
    pub fn jws(&self) -> Option<&Jws> {
        match self.parsed().map(|p| &p.token) {
            Some(Token::Jws(jws)) if !jws.is_unsecured() => Some(jws),
            _ => None,
        }
    }

    /// A shared copy of the JWS for the worker.
    #[must_use]
    pub fn jws_for_worker(&self) -> Option<Arc<Jws>> {
        self.jws().map(|j| Arc::new(j.clone()))
    }

    /// Re-judges the report: expectations, verdict or clock changed.
    pub fn judge(&mut self, now: i64) {
        let options = self.expect.options(now);
        let input = input_info(&self.source, &self.stripped, self.raw.len());
        let verdict = self.verification.verdict.as_ref();
        let known_exp = self.server.known_exp;
        let skew = self.server.clock_skew;
        if let Body::Parsed(p) = &mut self.body {
            p.report = diagnose(&p.token, input, &options, verdict);
            // What the server said fills what the token cannot say about itself.
            if let Some(exp) = known_exp
                && p.report.lifetime.state == LifetimeState::Unknown
            {
                p.report.lifetime = lifetime_from_exp(exp, now, self.expect.leeway);
            }
            if let Some(seconds) = skew {
                p.report.checks.push(crate::token::report::Check::new(
                    "clock",
                    crate::token::CheckStatus::Warn,
                    crate::ops::Finding::ClockSkew { seconds }.to_string(),
                ));
            }
            p.judged_at = now;
            p.live = live_lifetime(&p.token, &p.report, now, self.expect.leeway);
            if let Some(exp) = known_exp
                && matches!(p.token, Token::Opaque(_) | Token::Jwe(_))
            {
                p.live = lifetime_from_exp(exp, now, self.expect.leeway);
            }
            p.live_at = now;
        }
    }

    /// Moves the live lifetime to `now`; with `rejudge`, also the report's checks (the
    /// selected token only: the checklist is on screen).
    pub fn tick(&mut self, now: i64, rejudge: bool) {
        let leeway = self.expect.leeway;
        let Body::Parsed(p) = &mut self.body else {
            return;
        };
        if p.live_at != now {
            p.live = live_lifetime(&p.token, &p.report, now, leeway);
            if let Some(exp) = self.server.known_exp
                && matches!(p.token, Token::Opaque(_) | Token::Jwe(_))
            {
                p.live = lifetime_from_exp(exp, now, leeway);
            }
            p.live_at = now;
        }
        if !rejudge || p.judged_at == now {
            return;
        }
        let big = match &p.token {
            Token::Jws(jws) => jws.segment_lengths[1] > BIG_PAYLOAD_BYTES,
            _ => false,
        };
        let state_changed = p.live.state != p.report.lifetime.state;
        if !big || state_changed || now - p.judged_at >= BIG_REJUDGE_SECONDS {
            self.judge(now);
        }
    }

    /// The lifetime at the last tick: the countdown, the bar and the badge read this.
    #[must_use]
    pub fn live(&self) -> Option<&Lifetime> {
        self.parsed().map(|p| &p.live)
    }

    /// "Access token", "ID token", "Opaque token" …: what a person calls it.
    #[must_use]
    pub fn kind_label(&self) -> &'static str {
        let Some(report) = self.report() else {
            return "Unreadable token";
        };
        if self.source.as_deref() == Some("refresh_token") {
            return "Refresh token";
        }
        match (report.kind, report.token_type) {
            (Kind::Jwe, _) => "Encrypted token (JWE)",
            (Kind::Unsecured, _) => "Unsecured JWT",
            (Kind::Opaque, _) => "Opaque token",
            (Kind::Jws, TokenType::AccessToken) => "Access token",
            (Kind::Jws, TokenType::IdToken) => "ID token",
            (Kind::Jws, TokenType::DpopProof) => "DPoP proof",
            (Kind::Jws, TokenType::LogoutToken) => "Logout token",
            (Kind::Jws, TokenType::SecurityEvent) => "Security event token",
            (Kind::Jws, TokenType::RefreshToken) => "Refresh token",
            (Kind::Jws, TokenType::Workload) => "Workload identity token",
            (Kind::Jws, _) => "JWT",
        }
    }
}

impl Parsed {
    /// The tree rows (built on first use) and the report they were built from.
    pub fn tree_model(&mut self, now: i64) -> (&TreeModel, &Report) {
        let report = &self.report;
        let model = self
            .tree
            .get_or_insert_with(|| TreeModel::build(&report.header, &report.payload, now));
        (model, report)
    }

    /// The pretty JSON, built on first use; with `hide_personal`, personal claims read as
    /// `"••••"` (a separate copy, so revealing them costs nothing).
    pub fn pretty(&mut self, hide_personal: bool) -> &Pretty {
        let note = match &self.token {
            Token::Jws(jws) => match &jws.payload {
                Payload::Text(_) => Some("the payload is text, not JSON (shown as a string)"),
                Payload::Binary(_) => Some("the payload is binary, shown as hex"),
                Payload::Unreadable => Some("the payload is damaged and cannot be decoded"),
                Payload::Json(_) => None,
            },
            Token::Jwe(_) => Some("encrypted: unreadable without the decryption key"),
            Token::Opaque(_) => None,
        };
        let report = &self.report;
        if hide_personal && has_personal(&report.payload) {
            return self.pretty_masked.get_or_insert_with(|| {
                let mut payload = report.payload.value().clone();
                if let Some(claims) = payload.as_object_mut() {
                    for (name, value) in claims.iter_mut() {
                        if is_personal(name) {
                            *value = serde_json::Value::String(HIDDEN.into());
                        }
                    }
                }
                Pretty::build(&report.header, &payload, note)
            });
        }
        self.pretty
            .get_or_insert_with(|| Pretty::build(&report.header, &report.payload, note))
    }
}

fn input_info(source: &Option<String>, stripped: &[String], length: usize) -> InputInfo {
    InputInfo {
        label: source.clone(),
        stripped: stripped.to_vec(),
        found_in: None,
        length,
    }
}

/// A JWT's lifetime from its claims (a nested token's, for its wrapper); other kinds keep the
/// report's ("unknown: introspect").
fn live_lifetime(token: &Token, report: &Report, now: i64, leeway: u64) -> Lifetime {
    match token {
        // A damaged payload has no readable exp: the report's "unknown" stands.
        Token::Jws(jws) if jws.defects.iter().any(|d| d.hides_claims()) => report.lifetime.clone(),
        Token::Jws(jws) => Lifetime::compute(jws.checked_claims(), now, leeway).or_nested(|| {
            let inner_token = jws.nested.as_deref()?;
            let inner_report = report.nested.as_deref()?;
            Some(live_lifetime(inner_token, inner_report, now, leeway))
        }),
        _ => report.lifetime.clone(),
    }
}

/// The lifetime of a token whose expiry only its server told (an opaque token's
/// `expires_in` at arrival, or introspection's `exp`).
fn lifetime_from_exp(exp: i64, now: i64, leeway: u64) -> Lifetime {
    let mut claims = serde_json::Map::new();
    claims.insert("exp".into(), exp.into());
    Lifetime::compute(Some(&claims), now, leeway)
}

/// Whether a lifetime's text changes as time passes, so the window must tick.
#[must_use]
pub fn is_live(state: LifetimeState) -> bool {
    matches!(
        state,
        LifetimeState::Valid
            | LifetimeState::Expiring
            | LifetimeState::NotYetValid
            | LifetimeState::Expired
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expectation_lists_split_on_spaces_and_commas() {
        let e = Expectations {
            audience: "a, b  c".into(),
            issuer: "  ".into(),
            scopes: "read,write".into(),
            leeway: 5,
        };
        let o = e.options(10);
        assert_eq!(o.expected_aud, ["a", "b", "c"]);
        assert_eq!(o.expected_iss, None);
        assert_eq!(o.required_scopes, ["read", "write"]);
        assert_eq!(o.leeway, 5);
    }

    #[test]
    fn malformed_tokens_are_kept_with_their_error() {
        let e = Entry::new(1, Sensitive::from(".e3=0.c2ln"), None, Vec::new(), 0, 60);
        assert!(matches!(e.body, Body::Malformed(_)));
        assert_eq!(e.kind_label(), "Unreadable token");
    }
}
