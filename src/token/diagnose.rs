//! The checklist: every question a user asks of a token ("why is it rejected?") answered at
//! once, each with a plain message and, when something is wrong, what to do about it.

use serde_json::{Map, Value};

use super::checks::{CLAIM_CHECKS, claim_checks, typ_check, unreadable_claim_checks};
use super::claim_set::{CheckedClaims, member, member_str};
use super::claims::{TokenType, explain_alg};
use super::defect::Defect;
use super::lazy::{ClaimRows, LazyJson};
use super::lifetime::Lifetime;
use super::parse::{Jwe, Jws, Opaque, Payload, Token, json_type};
use super::report::{
    Check, CheckStatus, InputInfo, JweInfo, Kind, OpaqueInfo, PayloadFormat, Report,
    SignatureReport, SignatureStatus, SignatureVerdict,
};
use super::text::plural;

use std::fmt::Write as _;

use CheckStatus::{Fail, Info, Pass, Warn};

pub use super::options::{DEFAULT_LEEWAY, Options};

/// Registered JWS `alg` values this report knows by name (RFC 7518 §3.1, RFC 8037).
const KNOWN_ALGS: [&str; 14] = [
    "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256",
    "ES384", "ES512", "EdDSA", "Ed25519",
];

/// Header parameters defined by RFC 7515/7516; `crit` must not list them (§4.1.11).
const REGISTERED_HEADERS: [&str; 20] = [
    "alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit", "enc",
    "zip", "epk", "apu", "apv", "iv", "tag", "p2s", "p2c",
];

/// Builds the report for one parsed token. `verdict` is the signature verification outcome
/// when a key was given; without one a signed token is `unverified`.
#[must_use]
pub fn diagnose(
    token: &Token,
    input: InputInfo,
    opts: &Options,
    verdict: Option<&SignatureVerdict>,
) -> Report {
    diagnose_owned(token.clone(), input, opts, verdict)
}

/// As `diagnose`, moving the token's header and payload into the report instead of copying
/// them: the path `inspect` takes, where the parsed token is not needed afterwards.
#[must_use]
pub fn diagnose_owned(
    token: Token,
    input: InputInfo,
    opts: &Options,
    verdict: Option<&SignatureVerdict>,
) -> Report {
    match token {
        Token::Jws(jws) => diagnose_jws(jws, input, opts, verdict),
        Token::Jwe(jwe) => diagnose_jwe(&jwe, input, opts),
        Token::Opaque(opaque) => diagnose_opaque(&opaque, input, opts),
    }
}

fn diagnose_jws(
    jws: Jws,
    input: InputInfo,
    opts: &Options,
    verdict: Option<&SignatureVerdict>,
) -> Report {
    let unsecured = jws.is_unsecured();
    // Only the claims the checks read: the whole tree is built when shown (see `lazy`).
    let claims = jws.checked_claims();
    let (token_type, token_type_reason) =
        TokenType::classify(&jws.header, claims, input.label.as_deref());
    let signature = signature_report(&jws, verdict);

    // A JWS's checklist is a dozen lines: room for them at once.
    let mut checks = Vec::with_capacity(16);
    checks.push(format_check(&jws));
    checks.extend(duplicates_check(&jws.duplicates));
    if jws.defects.iter().any(Defect::hides_header) {
        checks.extend(
            ["alg", "crit"]
                .map(|id| Check::new(id, Info, "unknown: the header cannot be read (see format)")),
        );
    } else {
        checks.extend([alg_check(&jws, verdict), crit_check(&jws.header)]);
    }
    let mut sig_check = signature_check(&signature, verdict);
    if member(&jws.header, "nonce").is_some() && signature.status == SignatureStatus::Invalid {
        sig_check = sig_check.hint(
            "a nonce in the header marks a Microsoft Graph token: Graph signs a hash of the nonce, so no other verifier can check it; it is meant for Graph alone",
        );
    }
    checks.push(sig_check);
    if jws.nested.is_some() {
        // The wrapper carries no claims of its own: the token inside is judged below.
        checks.extend(
            CLAIM_CHECKS.map(|id| Check::new(id, Info, "checked on the nested token (below)")),
        );
        checks.push(Check::new(
            "typ",
            Info,
            "nested JWT (cty: JWT): a signed wrapper around another token",
        ));
    } else {
        checks.extend(claim_checks(claims, opts, token_type));
        checks.push(typ_check(
            &jws.header,
            claims,
            (token_type, token_type_reason),
        ));
    }
    // About the key rather than the signature (weak, private, embedded, fetched over http):
    // their own id, so the signature check stays one line.
    if let Some(v) = verdict {
        checks.extend(
            v.warnings
                .iter()
                .map(|w| Check::new("key", Warn, w.clone())),
        );
    }

    let lifetime = Lifetime::compute(claims, opts.now, opts.leeway);
    let nested = jws.nested.map(|inner| {
        Box::new(diagnose_owned(
            *inner,
            InputInfo {
                label: Some("nested token".into()),
                ..InputInfo::default()
            },
            opts,
            None,
        ))
    });
    let lifetime = if jws.defects.iter().any(Defect::hides_claims) {
        Lifetime::unknown(
            opts.leeway,
            "unknown: the payload is damaged, so exp cannot be read",
        )
    } else {
        lifetime.or_nested(|| nested.as_ref().map(|n| n.lifetime.clone()))
    };
    checks.extend(nested.as_deref().and_then(nested_check));

    let (payload, payload_format, checked) = match jws.payload {
        Payload::Json(json) => (
            json.document,
            PayloadFormat::Json,
            json.checked.unwrap_or_default(),
        ),
        Payload::Text(t) => (
            LazyJson::ready(Value::String(t)),
            PayloadFormat::Text,
            CheckedClaims::default(),
        ),
        Payload::Binary(b) => (
            LazyJson::ready(Value::String(hex(&b))),
            PayloadFormat::Binary,
            CheckedClaims::default(),
        ),
        Payload::Unreadable => (
            LazyJson::ready(Value::Null),
            PayloadFormat::None,
            CheckedClaims::default(),
        ),
    };
    let claims = ClaimRows::new(payload.clone(), opts.now, token_type);
    Report {
        kind: if unsecured {
            Kind::Unsecured
        } else {
            Kind::Jws
        },
        token_type,
        token_type_description: token_type.describe(),
        token_type_reason,
        input,
        header: Value::Object(jws.header),
        payload,
        payload_format,
        signature,
        lifetime,
        claims,
        checked,
        checks,
        nested,
        opaque: None,
        jwe: None,
    }
}

fn diagnose_jwe(jwe: &Jwe, input: InputInfo, opts: &Options) -> Report {
    let alg = member_str(&jwe.header, "alg");
    let enc = member_str(&jwe.header, "enc");
    let format = Check::new(
        "format",
        Pass,
        format!(
            "JWE compact serialization, 5 segments: encrypted key {} bytes, IV {}, ciphertext {}, tag {}",
            jwe.encrypted_key_len, jwe.iv_len, jwe.ciphertext_len, jwe.tag_len
        ),
    );
    let alg_check = match (alg, enc) {
        (Some(a), Some(e)) => Check::new(
            "alg",
            Info,
            format!("key management {a}, content encryption {e}"),
        ),
        _ => Check::new(
            "alg",
            Fail,
            "a JWE header needs both alg and enc (RFC 7516 §4.1)",
        )
        .hint("the token is malformed; ask its issuer"),
    };
    let nested = member_str(&jwe.header, "cty").is_some_and(|c| c.eq_ignore_ascii_case("JWT"));
    let format = match jwe.defects.first() {
        Some(first) => defects_check(&jwe.defects).hint(first.hint()),
        None => format,
    };
    let mut checks = vec![format];
    checks.extend(duplicates_check(&jwe.duplicates));
    checks.extend([alg_check, crit_check(&jwe.header)]);
    checks.push(Check::new(
        "signature",
        Info,
        if nested {
            "encrypted nested JWT: the signed token inside cannot be read without the decryption key"
        } else {
            "encrypted: the payload cannot be read or verified without the decryption key"
        },
    ));
    checks.extend(unreadable_claim_checks(opts, "an encrypted token"));
    checks.push(Check::new(
        "typ",
        Info,
        format!(
            "encrypted token (JWE){}",
            member_str(&jwe.header, "typ")
                .map(|t| format!(", typ {t}"))
                .unwrap_or_default()
        ),
    ));
    Report {
        kind: Kind::Jwe,
        token_type: TokenType::Encrypted,
        token_type_description: TokenType::Encrypted.describe(),
        token_type_reason: "the token is a JWE (5 segments)",
        input,
        header: Value::Object(jwe.header.clone()),
        payload: LazyJson::ready(Value::Null),
        payload_format: PayloadFormat::Encrypted,
        signature: SignatureReport {
            status: SignatureStatus::Unsupported,
            alg: alg.map(str::to_string),
            kid: member_str(&jwe.header, "kid").map(str::to_string),
            detail: "encrypted token: decryption is not supported".into(),
            key: None,
        },
        lifetime: Lifetime::unknown(opts.leeway, "unknown: the claims are encrypted"),
        claims: ClaimRows::none(),
        checked: CheckedClaims::default(),
        checks,
        nested: None,
        opaque: None,
        jwe: Some(JweInfo {
            encrypted_key_bytes: jwe.encrypted_key_len,
            iv_bytes: jwe.iv_len,
            ciphertext_bytes: jwe.ciphertext_len,
            tag_bytes: jwe.tag_len,
        }),
    }
}

fn diagnose_opaque(opaque: &Opaque, input: InputInfo, opts: &Options) -> Report {
    let mut checks = vec![
        Check::new(
            "format",
            Info,
            format!(
                "opaque token: {}, {}; not a JWT, so only its issuer can read it",
                plural(opaque.length, "character", "characters"),
                opaque.charset.describe()
            ),
        )
        .hint("use Introspect (RFC 7662) to ask the authorization server what it means"),
        Check::new("alg", Info, "not applicable: an opaque token has no header"),
        Check::new(
            "crit",
            Info,
            "not applicable: an opaque token has no header",
        ),
        Check::new(
            "signature",
            Info,
            "not applicable: an opaque token is not signed",
        ),
    ];
    checks.extend(unreadable_claim_checks(opts, "an opaque token"));
    checks.push(Check::new("typ", Info, "opaque token"));
    Report {
        kind: Kind::Opaque,
        token_type: TokenType::Opaque,
        token_type_description: TokenType::Opaque.describe(),
        token_type_reason: "it is not a JWT",
        input,
        header: Value::Null,
        payload: LazyJson::ready(Value::Null),
        payload_format: PayloadFormat::None,
        signature: SignatureReport {
            status: SignatureStatus::Unverified,
            alg: None,
            kid: None,
            detail: "opaque token: nothing to verify locally".into(),
            key: None,
        },
        lifetime: Lifetime::unknown(
            opts.leeway,
            "unknown: introspect the token to learn its expiry",
        ),
        claims: ClaimRows::none(),
        checked: CheckedClaims::default(),
        checks,
        nested: None,
        opaque: Some(OpaqueInfo {
            length: opaque.length,
            charset: opaque.charset,
            charset_description: opaque.charset.describe(),
        }),
        jwe: None,
    }
}

fn format_check(jws: &Jws) -> Check {
    let [h, p, s] = jws.segment_lengths;
    if let Some(first) = jws.defects.first() {
        return defects_check(&jws.defects).hint(first.hint());
    }
    if jws.is_unsecured() && jws.signature_len() > 0 {
        return Check::new(
            "format",
            Fail,
            format!(
                "alg is none but the signature segment holds {}; an unsecured JWT has an empty signature (RFC 7519 §6.1)",
                plural(jws.signature_len(), "byte", "bytes")
            ),
        )
        .hint("the token was altered or built wrongly; do not trust it");
    }
    match &jws.payload {
        Payload::Json(json) if json.checked.is_some() => {
            // Sized for the whole line: `format!` would guess short and grow it.
            let mut message = String::with_capacity(96);
            let _ = write!(
                message,
                "JWS compact serialization, 3 segments: header {h}, payload {p}, signature {s} characters"
            );
            Check::new("format", Pass, message)
        }
        Payload::Json(json) => Check::new(
            "format",
            Warn,
            format!(
                "the payload is JSON but {}, not a claims object: this is a JWS, not a JWT",
                json.json_type
            ),
        ),
        Payload::Text(_) if jws.nested.is_some() => Check::new(
            "format",
            Pass,
            "nested JWT (cty: JWT): the payload is another token, shown below",
        ),
        Payload::Text(_) => Check::new(
            "format",
            Warn,
            "the payload is text, not JSON: this is a JWS, not a JWT, so it has no claims",
        ),
        Payload::Binary(_) => Check::new(
            "format",
            Warn,
            "the payload is binary (shown as hex): this is a JWS, not a JWT, so it has no claims",
        ),
        // Only with a defect, handled above.
        Payload::Unreadable => Check::new("format", Fail, "the payload cannot be decoded"),
    }
}

/// Every defect in one failing check: "malformed JWS: …; …".
fn defects_check(defects: &[Defect]) -> Check {
    let words: Vec<String> = defects.iter().map(ToString::to_string).collect();
    Check::new(
        "format",
        Fail,
        format!("malformed token: {}", words.join("; ")),
    )
}

/// A nested token that fails makes its wrapper fail, visibly: exit 1 always comes with a
/// failing check in the printed report.
fn nested_check(nested: &Report) -> Option<Check> {
    let failed: Vec<&str> = nested
        .checks
        .iter()
        .filter(|c| c.status == Fail)
        .map(|c| c.id)
        .collect();
    (!failed.is_empty()).then(|| {
        Check::new(
            "nested",
            Fail,
            format!(
                "the nested token fails {}: {}",
                plural(failed.len(), "check", "checks"),
                failed.join(", ")
            ),
        )
        .hint("see the nested token's checks below")
    })
}

/// A member named twice, its own check so no other finding hides it. In the header it fails:
/// two verifiers may read two different `alg`s from the same token.
fn duplicates_check(duplicates: &[String]) -> Option<Check> {
    if duplicates.is_empty() {
        return None;
    }
    let in_header = duplicates.iter().any(|d| d.starts_with("header"));
    Some(
        Check::new(
            "duplicates",
            if in_header { Fail } else { Warn },
            format!(
                "members named twice: {}; libraries disagree on which value wins (tokenscope shows the last)",
                duplicates.join(", ")
            ),
        )
        .hint("RFC 7515 §5.2 says such a token must be rejected or use the last value; the issuer should fix it"),
    )
}

fn alg_check(jws: &Jws, verdict: Option<&SignatureVerdict>) -> Check {
    let Some(alg_value) = member(&jws.header, "alg") else {
        return Check::new("alg", Fail, "the header has no alg")
            .hint("every JWS names its algorithm (RFC 7515 §4.1.1); the token is malformed");
    };
    let Some(alg) = alg_value.as_str() else {
        return Check::new(
            "alg",
            Fail,
            format!("alg is {}, not a string", json_type(alg_value)),
        );
    };
    if jws.is_unsecured() {
        return Check::new(
            "alg",
            Fail,
            format!("alg is \"{alg}\": the token is not signed"),
        )
        .hint("anyone can write such a token; a verifier must never accept alg none");
    }
    if let Some(problem) = verdict.and_then(|v| v.alg_problem.as_ref()) {
        return Check::new("alg", Fail, problem.clone())
            .hint("the token's alg must match the key's type; a mismatch is the alg-confusion attack (RFC 8725 §2.1)");
    }
    match explain_alg(alg) {
        Some(words) if KNOWN_ALGS.contains(&alg) => {
            Check::new("alg", Pass, [alg, ": ", words].concat())
        }
        _ => Check::new(
            "alg",
            Warn,
            format!("{alg} is not a registered JWS signature algorithm"),
        )
        .hint("most verifiers will reject it; check the issuer's signing configuration"),
    }
}

fn crit_check(header: &Map<String, Value>) -> Check {
    let Some(crit) = member(header, "crit") else {
        return Check::new("crit", Pass, "no critical extensions");
    };
    let fail = |msg: String| {
        Check::new("crit", Fail, msg)
            .hint("a verifier must reject a token whose crit it cannot honour (RFC 7515 §4.1.11)")
    };
    let Some(items) = crit.as_array() else {
        return fail(format!(
            "crit is {}, it must be an array of names",
            json_type(crit)
        ));
    };
    if items.is_empty() {
        return fail("crit is an empty array, which RFC 7515 forbids".into());
    }
    let mut names = Vec::new();
    for item in items {
        let Some(name) = item.as_str() else {
            return fail(format!(
                "crit holds {}, it must hold only names",
                json_type(item)
            ));
        };
        if REGISTERED_HEADERS.contains(&name) {
            return fail(format!(
                "crit lists \"{name}\", a registered parameter it must not list"
            ));
        }
        if member(header, name).is_none() {
            return fail(format!(
                "crit lists \"{name}\" but the header has no such parameter"
            ));
        }
        names.push(format!("\"{name}\""));
    }
    fail(format!(
        "crit requires the extension(s) {} which tokenscope does not understand",
        names.join(", ")
    ))
}

fn signature_report(jws: &Jws, verdict: Option<&SignatureVerdict>) -> SignatureReport {
    let alg = jws.alg().map(str::to_string);
    let kid = member_str(&jws.header, "kid").map(str::to_string);
    let (status, detail, key) = if jws.is_unsecured() {
        (
            SignatureStatus::NotSigned,
            "alg none: the token carries no signature".into(),
            None,
        )
    } else if let Some(v) = verdict {
        (v.status, v.detail.clone().into(), v.key.clone())
    } else {
        (
            SignatureStatus::Unverified,
            "not verified: no key was given".into(),
            None,
        )
    };
    SignatureReport {
        status,
        alg,
        kid,
        detail,
        key,
    }
}

fn signature_check(sig: &SignatureReport, verdict: Option<&SignatureVerdict>) -> Check {
    let hint = verdict.and_then(|v| v.hint.clone());
    let check = match sig.status {
        SignatureStatus::Valid => Check::new("signature", Pass, sig.detail.clone()),
        SignatureStatus::Invalid => Check::new("signature", Fail, sig.detail.clone()),
        SignatureStatus::NotSigned => Check::new("signature", Fail, sig.detail.clone())
            .hint("an unsigned token proves nothing about who wrote it"),
        // A key was given and the signature still cannot be checked: not accepted.
        SignatureStatus::Unsupported if verdict.is_some() => {
            Check::new("signature", Fail, sig.detail.clone()).hint(
                "tokenscope cannot verify this algorithm, so nothing vouches for this token here",
            )
        }
        SignatureStatus::Unsupported => Check::new("signature", Warn, sig.detail.clone()),
        // The key given cannot check this alg at all (an HMAC secret for RS256): not accepted.
        SignatureStatus::Unverified if verdict.is_some_and(|v| v.alg_problem.is_some()) => {
            Check::new("signature", Fail, sig.detail.clone())
        }
        SignatureStatus::Unverified if verdict.is_some() => {
            Check::new("signature", Warn, sig.detail.clone())
        }
        SignatureStatus::Unverified => Check::new("signature", Info, sig.detail.clone()).hint(
            "give a key to verify it: a secret, a PEM/JWK/JWKS, a JWKS URL or the issuer (--secret, --key, --jwks-url, --discover on the command line)",
        ),
    };
    match hint {
        Some(h) => check.hint(h),
        None => check,
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}
