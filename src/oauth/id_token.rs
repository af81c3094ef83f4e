//! ID token validation (OIDC Core §3.1.3.7) as the token's own report: the usual checklist
//! with the issuer and the client as expectations and the signature checked against the
//! issuer's JWKS, made strict where OIDC is (exp, iat and a verified signature required),
//! plus the checks only an ID token has: `nonce` and `azp`.

use serde_json::Value;

use super::discovery::KeyResolver;
use crate::jose::KeySource;
use crate::sensitive::Sensitive;
use crate::token::claims::string_list;
use crate::token::parse::Token;
use crate::token::report::InputInfo;
use crate::token::{Check, CheckStatus, Options, Report, SignatureStatus, SignatureVerdict};

/// What an ID token from this flow must say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdTokenExpectations {
    /// The profile's issuer: `iss` must equal it, and its JWKS verifies the signature.
    pub issuer: String,
    pub client_id: String,
    /// The nonce sent in the authorization request; None for the device flow.
    pub nonce: Option<String>,
    /// Unix seconds to judge `exp`/`iat` by.
    pub now: i64,
    pub leeway: u64,
}

/// The ID token's report; its failing checks are what OIDC says must reject it.
#[derive(Debug, Clone)]
#[must_use]
pub struct IdTokenCheck {
    pub report: Report,
}

impl IdTokenCheck {
    /// True when no check failed.
    #[must_use]
    pub fn passed(&self) -> bool {
        !self.report.has_failure()
    }

    /// The failing checks.
    pub fn failures(&self) -> impl Iterator<Item = &Check> {
        self.report
            .checks
            .iter()
            .filter(|c| c.status == CheckStatus::Fail)
    }
}

/// The ID token cannot be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the ID token is not a JWT: {0}")]
pub struct IdTokenUnreadable(pub String);

/// Validates `id_token`, fetching the issuer's keys through `keys` (discovery, JWKS cache).
pub async fn check_id_token(
    id_token: &Sensitive,
    expect: &IdTokenExpectations,
    keys: &KeyResolver,
) -> Result<IdTokenCheck, IdTokenUnreadable> {
    let token =
        crate::token::parse(id_token.reveal()).map_err(|e| IdTokenUnreadable(e.to_string()))?;
    let verdict = match &token {
        Token::Jws(jws) if !jws.is_unsecured() => Some(
            keys.verify(jws, &KeySource::Issuer(expect.issuer.clone()))
                .await,
        ),
        _ => None,
    };
    Ok(judge_id_token(&token, expect, verdict.as_ref()))
}

/// The pure part: the report for a parsed ID token given its signature verdict.
pub fn judge_id_token(
    token: &Token,
    expect: &IdTokenExpectations,
    verdict: Option<&SignatureVerdict>,
) -> IdTokenCheck {
    let opts = Options {
        now: expect.now,
        leeway: expect.leeway,
        expected_iss: Some(expect.issuer.clone()),
        expected_aud: vec![expect.client_id.clone()],
        required_scopes: Vec::new(),
    };
    let input = InputInfo {
        label: Some("id_token".into()),
        ..InputInfo::default()
    };
    let mut report = crate::token::diagnose(token, input, &opts, verdict);
    let claims = report.payload.as_object().cloned().unwrap_or_default();
    let oidc = "OIDC Core §3.1.3.7 requires it of an ID token";
    for check in &mut report.checks {
        let absent = !claims.contains_key(check.id);
        let required = matches!(check.id, "exp" | "iat") && absent;
        let unsigned = check.id == "signature" && report.signature.status != SignatureStatus::Valid;
        if (required || unsigned) && check.status != CheckStatus::Fail {
            check.status = CheckStatus::Fail;
            check.hint = Some(oidc.into());
        }
    }
    if !report.checks.iter().any(|c| c.id == "signature") {
        report.checks.push(
            Check::new(
                "signature",
                CheckStatus::Fail,
                "the ID token is not a signed JWT",
            )
            .hint(oidc),
        );
    }
    report.checks.push(nonce_check(claims.get("nonce"), expect));
    report.checks.push(azp_check(&claims, expect));
    IdTokenCheck { report }
}

fn nonce_check(nonce: Option<&Value>, expect: &IdTokenExpectations) -> Check {
    match (&expect.nonce, nonce) {
        (Some(sent), Some(Value::String(got))) if got == sent => Check::new(
            "nonce",
            CheckStatus::Pass,
            "nonce is the one this flow sent: the ID token was issued for this login",
        ),
        (Some(_), Some(_)) => Check::new(
            "nonce",
            CheckStatus::Fail,
            "nonce is not the one this flow sent: the ID token belongs to another login (replay)",
        )
        .hint("start the flow again; if it repeats, the server or something in between mixes up logins"),
        (Some(_), None) => Check::new(
            "nonce",
            CheckStatus::Fail,
            "no nonce, though this flow sent one: the server must echo it (OIDC Core §3.1.3.7 step 11)",
        ),
        (None, Some(_)) => Check::new(
            "nonce",
            CheckStatus::Info,
            "carries a nonce, but this flow sent none to compare it with",
        ),
        (None, None) => Check::new("nonce", CheckStatus::Info, "no nonce (none was sent)"),
    }
}

fn azp_check(claims: &serde_json::Map<String, Value>, expect: &IdTokenExpectations) -> Check {
    let audiences = claims
        .get("aud")
        .and_then(|v| string_list(v).ok())
        .unwrap_or_default();
    let azp = claims.get("azp").and_then(Value::as_str);
    match azp {
        Some(a) if a == expect.client_id => Check::new(
            "azp",
            CheckStatus::Pass,
            format!("authorized party is this client \"{a}\""),
        ),
        Some(a) => Check::new(
            "azp",
            CheckStatus::Fail,
            format!(
                "authorized party is \"{a}\", not this client \"{}\"",
                expect.client_id
            ),
        )
        .hint("the ID token was issued to another client; do not accept it"),
        None if audiences.len() > 1 => Check::new(
            "azp",
            CheckStatus::Warn,
            format!(
                "{} audiences and no azp: nothing says which of them the token was issued to",
                audiences.len()
            ),
        ),
        None => Check::new(
            "azp",
            CheckStatus::Info,
            "no azp (one audience: not needed)",
        ),
    }
}
