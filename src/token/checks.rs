//! The claim checks: exp, nbf, iat against the clock; iss, aud and scope against what the user
//! expects; typ against what the claims say. Each answers with a plain message and a hint.

use serde_json::{Map, Value};

use super::claim_set::{Claims, member_str};
use super::claims::{self, DATE_CLAIMS, TokenType};
use super::compare::{difference, same_but_spelled};
use super::options::Options;
use super::parse::json_type;
use super::report::{Check, CheckStatus};
use super::time::{DateClaim, duration, with_duration, with_relative};
use super::vendor;

use std::fmt::Write as _;

use CheckStatus::{Fail, Info, Pass, Warn};

/// exp/nbf/iat/iss/aud/scope for a token whose claims cannot be read.
/// The checks a claims object always gets, in checklist order.
pub(super) const CLAIM_CHECKS: [&str; 6] = ["exp", "nbf", "iat", "iss", "aud", "scope"];

pub(super) fn unreadable_claim_checks(opts: &Options, what: &str) -> Vec<Check> {
    let mut checks: Vec<Check> = ["exp", "nbf", "iat"]
        .into_iter()
        .map(|id| {
            Check::new(
                id,
                Info,
                format!("unknown: {what} carries no readable claims"),
            )
        })
        .collect();
    let asked = [
        ("iss", opts.expected_iss.is_some()),
        ("aud", !opts.expected_aud.is_empty()),
        ("scope", !opts.required_scopes.is_empty()),
    ];
    for (id, asked) in asked {
        // An expectation that cannot be confirmed is not met: a script must not accept it.
        checks.push(if asked {
            Check::new(
                id,
                Fail,
                format!("cannot check {id}: {what} carries no readable claims"),
            )
            .hint("introspect the token to see its claims, or drop the expectation")
        } else {
            Check::new(
                id,
                Info,
                format!("unknown: {what} carries no readable claims"),
            )
        });
    }
    checks
}

pub(super) fn claim_checks<C: Claims>(
    claims: Option<&C>,
    opts: &Options,
    token_type: TokenType,
) -> Vec<Check> {
    let Some(claims) = claims else {
        return unreadable_claim_checks(opts, "a payload that is not a claims object");
    };
    let mut checks = vec![
        exp_check(claims, opts, token_type),
        nbf_check(claims, opts),
        iat_check(claims, opts),
        iss_check(claims, opts),
        aud_check(claims, opts),
        scope_check(claims, opts),
    ];
    // auth_time and the other dates get a check only when broken: a relying party that reads
    // them (max_age, for one) rejects the token.
    for name in DATE_CLAIMS
        .into_iter()
        .filter(|n| !["exp", "nbf", "iat"].contains(n))
    {
        if let DateClaim::Malformed(why) = DateClaim::read(Some(claims), name) {
            checks.push(date_malformed(name, &why));
        }
    }
    checks
}

fn date_malformed(id: &'static str, why: &str) -> Check {
    Check::new(id, Fail, format!("{id} {why}"))
        .hint(format!("{id} must be a number of seconds since 1970-01-01 UTC (RFC 7519 §2); verifiers will reject this token"))
}

fn leeway_words(opts: &Options) -> String {
    format!("{} s leeway", opts.leeway)
}

fn exp_check<C: Claims>(claims: &C, opts: &Options, token_type: TokenType) -> Check {
    let leeway = opts.leeway_seconds();
    match DateClaim::read(Some(claims), "exp") {
        DateClaim::Malformed(why) => date_malformed("exp", &why),
        DateClaim::Absent => {
            let status = match token_type {
                TokenType::AccessToken | TokenType::IdToken => Warn,
                _ => Info,
            };
            Check::new("exp", status, "no exp: the token never expires")
                .hint("a token without expiry stays usable forever if it leaks; RFC 9068 and OIDC require exp")
        }
        DateClaim::Present(exp) if opts.now > exp.saturating_add(leeway) => Check::new(
            "exp",
            Fail,
            format!(
                "the token expired {} ago",
                duration((opts.now - exp).unsigned_abs())
            ),
        )
        .hint(if token_type == TokenType::RefreshToken {
            "a refresh token past its exp is refused by the server: sign in again to get a new one"
        } else {
            "request a new token or refresh it"
        }),
        DateClaim::Present(exp) if opts.now >= exp => Check::new(
            "exp",
            Warn,
            format!(
                "the token expired {} ago but is still accepted within the {}",
                duration((opts.now - exp).unsigned_abs()),
                leeway_words(opts)
            ),
        )
        .hint(if token_type == TokenType::RefreshToken {
            "use it now or sign in again: the server will refuse it any moment"
        } else {
            "refresh it now: stricter verifiers already reject it"
        }),
        DateClaim::Present(exp) => Check::new(
            "exp",
            Pass,
            with_duration("expires in ", (exp - opts.now).unsigned_abs(), ""),
        ),
    }
}

fn nbf_check<C: Claims>(claims: &C, opts: &Options) -> Check {
    let leeway = opts.leeway_seconds();
    match DateClaim::read(Some(claims), "nbf") {
        DateClaim::Malformed(why) => date_malformed("nbf", &why),
        DateClaim::Absent => Check::new("nbf", Info, "no nbf: valid from issuance"),
        DateClaim::Present(nbf) if nbf > opts.now.saturating_add(leeway) => Check::new(
            "nbf",
            Fail,
            format!(
                "not valid for another {}",
                duration((nbf - opts.now).unsigned_abs())
            ),
        )
        .hint("wait, or check the clocks: the issuer's clock may be ahead of this machine's"),
        DateClaim::Present(nbf) if nbf > opts.now => Check::new(
            "nbf",
            Warn,
            format!(
                "becomes valid in {}; accepted now only within the {}",
                duration((nbf - opts.now).unsigned_abs()),
                leeway_words(opts)
            ),
        ),
        DateClaim::Present(nbf) => {
            Check::new("nbf", Pass, with_relative("valid since ", nbf - opts.now))
        }
    }
}

fn iat_check<C: Claims>(claims: &C, opts: &Options) -> Check {
    let leeway = opts.leeway_seconds();
    match DateClaim::read(Some(claims), "iat") {
        DateClaim::Malformed(why) => date_malformed("iat", &why),
        DateClaim::Absent => Check::new("iat", Info, "no iat: the issue time is not recorded"),
        DateClaim::Present(iat) if iat > opts.now.saturating_add(leeway) => Check::new(
            "iat",
            Warn,
            format!(
                "issued in the future ({} from now)",
                duration((iat - opts.now).unsigned_abs())
            ),
        )
        .hint("the issuer's clock is ahead of this machine's; some verifiers reject such tokens"),
        DateClaim::Present(iat) => {
            Check::new("iat", Pass, with_relative("issued ", iat - opts.now))
        }
    }
}

fn iss_check<C: Claims>(claims: &C, opts: &Options) -> Check {
    let iss = claims.get("iss");
    let Some(expected) = &opts.expected_iss else {
        return match iss {
            Some(Value::String(s)) => Check::new(
                "iss",
                Info,
                ["issued by ", s, " (not checked: no expected issuer given)"].concat(),
            ),
            Some(other) => Check::new(
                "iss",
                Fail,
                format!("iss is {}, it must be a string", json_type(other)),
            ),
            None => Check::new(
                "iss",
                Info,
                "no iss claim (not checked: no expected issuer given)",
            ),
        };
    };
    match iss {
        Some(Value::String(s)) if s == expected => Check::new("iss", Pass, ["issued by ", s].concat()),
        Some(Value::String(s)) => Check::new(
            "iss",
            Fail,
            format!("iss is \"{s}\" but \"{expected}\" was expected: {}", difference(s, expected)),
        )
        .hint(if same_but_spelled(s, expected) {
            "the same issuer written differently: verifiers compare iss exactly, so set the expected issuer to the token's iss character for character"
        } else {
            "the token comes from another issuer (or another realm/tenant); the comparison is exact"
        }),
        Some(other) => Check::new("iss", Fail, format!("iss is {}, it must be a string", json_type(other))),
        None => Check::new("iss", Fail, format!("no iss claim, but \"{expected}\" was expected"))
            .hint("the issuer did not say who it is; a verifier expecting an issuer will reject it"),
    }
}

fn aud_check<C: Claims>(claims: &C, opts: &Options) -> Check {
    let aud = claims.get("aud").map(claims::str_list);
    let expected = &opts.expected_aud;
    match aud {
        Some(Err(found)) => Check::new(
            "aud",
            Fail,
            format!("aud is {found}; it must be a string or an array of strings"),
        ),
        None if expected.is_empty() => Check::new("aud", Info, "no aud claim (not checked: no expected audience given)"),
        None => Check::new("aud", Fail, format!("no aud claim, but {} was expected", quoted(expected)))
            .hint("the token is not restricted to any API; ask for it with the resource or audience parameter"),
        Some(Ok(list)) if expected.is_empty() => Check::new(
            "aud",
            Info,
            quoted_between("for ", &list, " (not checked: no expected audience given)"),
        ),
        Some(Ok(list)) => {
            if let Some(hit) = expected.iter().find(|e| list.contains(&e.as_str())) {
                return Check::new("aud", Pass, ["meant for \"", hit, "\""].concat());
            }
            let closest = match (list.first(), expected.first()) {
                (Some(a), Some(e)) if list.len() == 1 && expected.len() == 1 => {
                    format!(": {}", difference(a, e))
                }
                _ => String::new(),
            };
            Check::new(
                "aud",
                Fail,
                format!(
                    "aud is {} but this API expects {}{closest}",
                    quoted(&list),
                    quoted(expected)
                ),
            )
            .hint("the token was issued for another API; request one with the right resource or audience")
        }
    }
}

fn scope_check<C: Claims>(claims: &C, opts: &Options) -> Check {
    let scopes = claims::scopes(claims);
    let scope_claim = if claims.contains_key("scope") {
        "scope"
    } else {
        "scp"
    };
    // Entra puts application permissions in roles and delegated ones in scp; an API that
    // asks for a permission accepts either.
    let roles = claims.get("roles").and_then(|v| claims::str_list(v).ok());
    let required = &opts.required_scopes;
    // "a b c; roles x y", written into `out`.
    let granted_words = |out: &mut String| {
        let start = out.len();
        if let Some(list) = &scopes {
            if list.is_empty() {
                out.push_str("no scopes");
            }
            push_joined(out, list);
        }
        if let Some(list) = roles.as_ref().filter(|r| !r.is_empty()) {
            if out.len() > start {
                out.push_str("; ");
            }
            out.push_str("roles ");
            push_joined(out, list);
        }
    };
    if scopes.is_none() && roles.is_none() {
        return if required.is_empty() {
            Check::new("scope", Info, "no scope claim")
        } else {
            Check::new(
                "scope",
                Fail,
                format!("no scope claim, but {} is required", quoted(required)),
            )
            .hint(missing_hint(claims))
        };
    }
    if required.is_empty() {
        let mut message = String::with_capacity(128);
        message.push_str("grants ");
        granted_words(&mut message);
        message.push_str(" (not checked: no scope required)");
        return Check::new("scope", Info, message);
    }
    let mut missing = Vec::new();
    let mut as_roles = Vec::new();
    for r in required {
        if scopes.as_ref().is_some_and(|s| s.contains(&r.as_str())) {
            continue;
        }
        if roles.as_ref().is_some_and(|s| s.contains(&r.as_str())) {
            as_roles.push(r.clone());
        } else {
            missing.push(r.clone());
        }
    }
    if missing.is_empty() {
        let mut message = format!("grants {}", required.join(" "));
        if !as_roles.is_empty() {
            let _ = write!(
                message,
                " ({} as an app role in roles, the rest in {scope_claim})",
                as_roles.join(" ")
            );
            if as_roles.len() == required.len() {
                message = format!("grants {} as app roles (in roles)", required.join(" "));
            }
        }
        return Check::new("scope", Pass, message);
    }
    let mut granted = String::new();
    granted_words(&mut granted);
    Check::new(
        "scope",
        Fail,
        format!(
            "missing {} (granted: {})",
            quoted(&missing),
            if granted.is_empty() {
                "none".into()
            } else {
                granted
            }
        ),
    )
    .hint(missing_hint(claims))
}

/// What to do about a missing scope: an app-only token gets its permissions as app roles,
/// which the scope parameter cannot add.
fn missing_hint<C: Claims>(claims: &C) -> String {
    match vendor::app_only(claims) {
        Some(why) => format!(
            "an app-only (client credentials) token ({why}) carries app roles, not delegated scopes: grant the application permission (app role) to this client in the API's registration, then get a new token"
        ),
        None => "request the token with these scopes, or ask the server's admin to allow them for this client".to_string(),
    }
}

/// RFC 9068 §2.2 requires these in a JWT access token.
const AT_JWT_CLAIMS: [&str; 7] = ["iss", "exp", "aud", "sub", "client_id", "iat", "jti"];

pub(super) fn typ_check<C: Claims>(
    header: &Map<String, Value>,
    claims: Option<&C>,
    (token_type, reason): (TokenType, &'static str),
) -> Check {
    let typ = member_str(header, "typ");
    match (token_type, typ) {
        (TokenType::AccessToken, Some(t)) if t.to_ascii_lowercase().ends_with("at+jwt") => {
            let missing: Vec<&str> = AT_JWT_CLAIMS
                .iter()
                .copied()
                .filter(|c| !claims.is_some_and(|m| m.contains_key(c)))
                .collect();
            if missing.is_empty() {
                Check::new(
                    "typ",
                    Pass,
                    [
                        t,
                        ": a JWT access token (RFC 9068) with all required claims",
                    ]
                    .concat(),
                )
            } else {
                Check::new(
                    "typ",
                    Warn,
                    format!("{t}: a JWT access token (RFC 9068), but it lacks {}", missing.join(", ")),
                )
                .hint("RFC 9068 §2.2 requires these claims; strict resource servers will reject the token")
            }
        }
        (TokenType::Jwt, _) => Check::new(
            "typ",
            Info,
            format!(
                "{}a JWT: {reason}",
                typ.map(|t| format!("typ {t}: ")).unwrap_or_default()
            ),
        ),
        (TokenType::IdToken, _) => Check::new(
            "typ",
            Info,
            format!("{} (decided by {reason})", TokenType::IdToken.describe()),
        )
        .hint("an ID token is for the client, not for calling APIs: send the access token to APIs"),
        (kind, _) => Check::new(
            "typ",
            Info,
            [kind.describe(), " (decided by ", reason, ")"].concat(),
        ),
    }
}

/// `"a"` for one item, `["a", "b"]` for several (and `[]` for none).
fn quoted(items: &[impl AsRef<str>]) -> String {
    quoted_between("", items, "")
}

/// `quoted` between two words, in one string.
fn quoted_between(prefix: &str, items: &[impl AsRef<str>], suffix: &str) -> String {
    let bracket = items.len() != 1;
    let size = items.iter().map(|s| s.as_ref().len() + 4).sum::<usize>() + 2;
    let mut out = String::with_capacity(prefix.len() + size + suffix.len());
    out.push_str(prefix);
    if bracket {
        out.push('[');
    }
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push('"');
        out.push_str(item.as_ref());
        out.push('"');
    }
    if bracket {
        out.push(']');
    }
    out.push_str(suffix);
    out
}

/// The words of a list, space-separated, onto `out`.
fn push_joined(out: &mut String, list: &[&str]) {
    for (i, word) in list.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(word);
    }
}
