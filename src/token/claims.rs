//! What each claim and header parameter means, in one line, and what kind of token the
//! header and claims together describe.

use serde_json::{Map, Value};

use super::claim_set::{Claims, member_str};
use super::time::{DateClaim, HumanTime};
use super::vendor;

/// Registered JWT claims (RFC 7519 §4.1), OIDC Core §2 and §5.1, RFC 9068, RFC 8693, RFC 7800,
/// RFC 9449 and common provider claims.
#[must_use]
pub fn explain_claim(name: &str) -> Option<&'static str> {
    Some(match name {
        "iss" => "Issuer: the authorization server that created and signed the token",
        "sub" => "Subject: the user or client the token is about",
        "aud" => "Audience: the API(s) or client(s) the token is meant for",
        "exp" => "Expiration time: the token must be refused after this instant",
        "nbf" => "Not before: the token must be refused before this instant",
        "iat" => "Issued at: when the token was created",
        "jti" => "JWT ID: a unique identifier, used to detect replay",
        "scope" => "Scopes granted to the client, space-separated (RFC 8693 §4.2)",
        "scp" => "Scopes granted (array or string form used by some providers)",
        "client_id" => "The OAuth client that requested the token (RFC 9068 §2.2)",
        "nonce" => {
            "Value from the authentication request, binds the ID token to it (replay protection)"
        }
        "at_hash" => {
            "Access token hash: left half of the hash of the access token issued with this ID token"
        }
        "c_hash" => "Code hash: left half of the hash of the authorization code",
        "s_hash" => "State hash: left half of the hash of the state value (FAPI)",
        "auth_time" => "When the user last authenticated",
        "acr" => "Authentication context class: how strongly the user was authenticated",
        "amr" => "Authentication methods used (pwd, otp, mfa, hwk …; RFC 8176)",
        "sid" => "Session ID at the identity provider (used by logout)",
        "cnf" => "Confirmation: the key the token is bound to (RFC 7800; DPoP jkt, mTLS x5t#S256)",
        "act" => "Actor: who is acting on behalf of the subject (token exchange, RFC 8693 §4.1)",
        "may_act" => "Who may act on behalf of the subject (RFC 8693 §4.4)",
        "email" => "The user's email address",
        "email_verified" => "Whether the provider verified the email address",
        "name" => "The user's full name",
        "given_name" => "The user's given (first) name",
        "family_name" => "The user's family (last) name",
        "middle_name" => "The user's middle name",
        "nickname" => "The user's casual name",
        "preferred_username" => "The name the user prefers to be shown (not unique, not stable)",
        "profile" => "URL of the user's profile page",
        "picture" => "URL of the user's picture",
        "website" => "URL of the user's web page",
        "gender" => "The user's gender",
        "birthdate" => "The user's birthday (YYYY-MM-DD)",
        "zoneinfo" => "The user's time zone",
        "locale" => "The user's locale",
        "phone_number" => "The user's phone number",
        "phone_number_verified" => "Whether the provider verified the phone number",
        "address" => "The user's postal address",
        "updated_at" => "When the user's profile was last updated",
        "roles" => "Roles granted to the subject",
        "groups" => "Groups the subject belongs to",
        "entitlements" => "Entitlements granted to the subject",
        "realm_access" => "Keycloak realm roles",
        "resource_access" => "Keycloak client roles, per client",
        "tid" => "Tenant ID (Microsoft Entra ID)",
        "oid" => {
            "Entra ID: object ID of the user, or of the app's service principal in an app-only token"
        }
        "ver" => "Token format version (Entra ID: 1.0 or 2.0, each with its own issuer)",
        "events" => "Security events carried by the token (RFC 8417)",
        "htm" => "HTTP method of the request the DPoP proof is for (RFC 9449)",
        "htu" => "HTTP URL of the request the DPoP proof is for (RFC 9449)",
        "ath" => "Hash of the access token the DPoP proof accompanies (RFC 9449)",
        "txn" => "Transaction identifier (RFC 8417)",
        "toe" => "Time of the event (RFC 8417)",
        "authorization_details" => "Rich authorization request details granted (RFC 9396)",
        _ => return None,
    })
}

/// JOSE header parameters (RFC 7515 §4.1, RFC 7516 §4.1, RFC 7797).
#[must_use]
pub fn explain_header(name: &str) -> Option<&'static str> {
    Some(match name {
        "alg" => "Algorithm that signs (JWS) or encrypts the key (JWE)",
        "enc" => "Content encryption algorithm (JWE)",
        "typ" => "Media type of the whole token (at+jwt, JWT, dpop+jwt …)",
        "cty" => "Content type of the payload (JWT means a nested token)",
        "kid" => "Key ID: which of the issuer's keys signed the token",
        "jku" => "URL of a JWK Set holding the key (untrusted: never fetched automatically)",
        "jwk" => "An embedded public key (untrusted: proves nothing about the issuer)",
        "x5u" => "URL of an X.509 certificate chain (untrusted)",
        "x5c" => "An embedded X.509 certificate chain (untrusted unless chained to a trusted root)",
        "x5t" => "SHA-1 thumbprint of the signing certificate",
        "x5t#S256" => "SHA-256 thumbprint of the signing certificate",
        "crit" => "Extensions the verifier must understand, or reject the token",
        "zip" => "Compression applied before encryption (JWE)",
        "epk" => "Ephemeral public key for ECDH key agreement (JWE)",
        "apu" => "Agreement PartyUInfo (JWE ECDH)",
        "apv" => "Agreement PartyVInfo (JWE ECDH)",
        "iv" => "Initialization vector for AES-GCM key wrapping (JWE)",
        "tag" => "Authentication tag for AES-GCM key wrapping (JWE)",
        "p2s" => "PBES2 salt (JWE)",
        "p2c" => "PBES2 iteration count (JWE)",
        "b64" => "Whether the payload is base64url-encoded (RFC 7797)",
        "nonce" => {
            "Microsoft Graph: the signature covers a hash of this nonce, not the nonce itself, so only Graph can verify such a token"
        }
        _ => return None,
    })
}

/// The registered JWS algorithms (RFC 7518 §3.1, RFC 8037, RFC 8812), in words.
#[must_use]
pub fn explain_alg(alg: &str) -> Option<&'static str> {
    Some(match alg {
        "HS256" => "HMAC using SHA-256 (shared secret)",
        "HS384" => "HMAC using SHA-384 (shared secret)",
        "HS512" => "HMAC using SHA-512 (shared secret)",
        "RS256" => "RSASSA-PKCS1-v1_5 using SHA-256 (RSA key)",
        "RS384" => "RSASSA-PKCS1-v1_5 using SHA-384 (RSA key)",
        "RS512" => "RSASSA-PKCS1-v1_5 using SHA-512 (RSA key)",
        "PS256" => "RSASSA-PSS using SHA-256 (RSA key)",
        "PS384" => "RSASSA-PSS using SHA-384 (RSA key)",
        "PS512" => "RSASSA-PSS using SHA-512 (RSA key)",
        "ES256" => "ECDSA using P-256 and SHA-256 (EC key)",
        "ES384" => "ECDSA using P-384 and SHA-384 (EC key)",
        "ES512" => "ECDSA using P-521 and SHA-512 (EC key)",
        "ES256K" => "ECDSA using secp256k1 and SHA-256 (EC key)",
        "EdDSA" => "Edwards-curve signature, Ed25519 or Ed448 (OKP key)",
        "Ed25519" => "Ed25519 signature (OKP key)",
        _ => return None,
    })
}

/// What the token is for, from `typ` and the claims.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenType {
    /// RFC 9068 JWT access token (`typ: at+jwt`), or one a vendor's marker names.
    AccessToken,
    IdToken,
    /// A refresh token that happens to be a JWT (Keycloak's, or one named so in a response).
    RefreshToken,
    /// A workload identity token (Kubernetes service account, GitHub Actions OIDC).
    Workload,
    DpopProof,
    LogoutToken,
    SecurityEvent,
    /// A JWT whose purpose the header and claims do not say.
    Jwt,
    Encrypted,
    Opaque,
}

impl TokenType {
    /// Classifies a decoded JWT, and says which header parameter, claim or place decided it.
    /// `label` is the token's name in a token response (`refresh_token` …), when it had one.
    #[must_use]
    pub fn classify<C: Claims>(
        header: &Map<String, Value>,
        claims: Option<&C>,
        label: Option<&str>,
    ) -> (Self, &'static str) {
        let typ = member_str(header, "typ").map(|t| t.to_ascii_lowercase());
        let typ = typ
            .as_deref()
            .map(|t| t.strip_prefix("application/").unwrap_or(t));
        match typ {
            Some("at+jwt") => return (Self::AccessToken, "typ at+jwt in the header (RFC 9068)"),
            Some("dpop+jwt") => return (Self::DpopProof, "typ dpop+jwt in the header"),
            Some("logout+jwt") => return (Self::LogoutToken, "typ logout+jwt in the header"),
            Some("secevent+jwt") => return (Self::SecurityEvent, "typ secevent+jwt in the header"),
            _ => {}
        }
        match label {
            Some("refresh_token") => {
                return (
                    Self::RefreshToken,
                    "its name in the token response (refresh_token)",
                );
            }
            Some("id_token") => {
                return (Self::IdToken, "its name in the token response (id_token)");
            }
            Some("access_token") => {
                return (
                    Self::AccessToken,
                    "its name in the token response (access_token)",
                );
            }
            _ => {}
        }
        let Some(claims) = claims else {
            return (
                Self::Jwt,
                "the claims cannot be read, so nothing says what it is for",
            );
        };
        if let Some(marked) = vendor::vendor_marker(claims) {
            return marked;
        }
        let has = |name: &str| claims.contains_key(name);
        if has("events") && has("sid") | has("sub") && !has("nonce") && has("jti") {
            let logout = claims
                .get("events")
                .and_then(Value::as_object)
                .is_some_and(|e| {
                    e.contains_key("http://schemas.openid.net/event/backchannel-logout")
                });
            return if logout {
                (Self::LogoutToken, "a back-channel logout event in events")
            } else {
                (Self::SecurityEvent, "the events claim (RFC 8417)")
            };
        }
        let scoped = ["scope", "scp"].into_iter().find(|n| has(n));
        let id_marker = ["nonce", "at_hash", "c_hash"].into_iter().find(|n| has(n));
        match (id_marker, scoped) {
            (Some("nonce"), None) => {
                return (
                    Self::IdToken,
                    "the nonce claim (ID tokens echo the login request's nonce)",
                );
            }
            (Some("at_hash"), None) => {
                return (Self::IdToken, "the at_hash claim (only ID tokens carry it)");
            }
            (Some(_), None) => {
                return (Self::IdToken, "the c_hash claim (only ID tokens carry it)");
            }
            (_, Some("scope")) => {
                return (
                    Self::AccessToken,
                    "the scope claim (scopes are granted to access tokens)",
                );
            }
            (_, Some(_)) => {
                return (
                    Self::AccessToken,
                    "the scp claim (scopes are granted to access tokens)",
                );
            }
            _ => {}
        }
        if has("client_id") {
            return (Self::AccessToken, "the client_id claim (RFC 9068)");
        }
        let aud_is_azp = match (claims.get("aud"), claims.get("azp")) {
            (Some(Value::String(aud)), Some(Value::String(azp))) => aud == azp,
            _ => false,
        };
        if aud_is_azp {
            return (
                Self::IdToken,
                "aud equal to azp (an ID token is for the client itself)",
            );
        }
        if has("auth_time") || has("azp") {
            return (
                Self::IdToken,
                "auth_time or azp without scopes (OpenID Connect)",
            );
        }
        (
            Self::Jwt,
            "nothing in the header or claims says what it is for",
        )
    }

    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            Self::AccessToken => "access token",
            Self::IdToken => "ID token (OpenID Connect)",
            Self::RefreshToken => "refresh token",
            Self::Workload => "workload identity token",
            Self::DpopProof => "DPoP proof (RFC 9449)",
            Self::LogoutToken => "logout token (OIDC Back-Channel Logout)",
            Self::SecurityEvent => "security event token (RFC 8417)",
            Self::Jwt => "JWT",
            Self::Encrypted => "encrypted token (JWE)",
            Self::Opaque => "opaque token",
        }
    }
}

/// One claim as the report shows it: meaning, and for dates the human forms. The value itself
/// is in the report's `payload`, once: a 1 MiB token is not copied twice.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ClaimView {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<&'static str>,
    /// Human forms of a NumericDate claim.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<HumanTime>,
    /// `aud`, `scope`, `scp`, `amr`: the individual items.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<String>,
    /// Why the value is unusable (a string `exp`, an `aud` that is a number …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

/// Claims whose value is a NumericDate.
pub(super) const DATE_CLAIMS: [&str; 6] = ["exp", "nbf", "iat", "auth_time", "updated_at", "toe"];

/// Builds the claim rows in token order.
#[must_use]
pub fn claim_views(claims: &Map<String, Value>, now: i64, token_type: TokenType) -> Vec<ClaimView> {
    claims
        .iter()
        .map(|(name, value)| {
            let explanation = match name.as_str() {
                "azp" => Some(vendor::explain_azp(token_type)),
                _ => explain_claim(name).or_else(|| vendor::explain_vendor_claim(name)),
            };
            let mut view = ClaimView {
                name: name.clone(),
                explanation,
                time: None,
                items: Vec::new(),
                problem: None,
            };
            if vendor::VENDOR_DATE_CLAIMS.contains(&name.as_str())
                && let DateClaim::Present(t) = DateClaim::from_value(value)
            {
                view.time = Some(HumanTime::new(t, now));
            }
            if DATE_CLAIMS.contains(&name.as_str()) {
                match DateClaim::from_value(value) {
                    DateClaim::Present(t) => view.time = Some(HumanTime::new(t, now)),
                    DateClaim::Malformed(why) => view.problem = Some(format!("{name} {why}")),
                    DateClaim::Absent => {}
                }
            }
            match name.as_str() {
                // Entra writes scp as one space-separated string, like scope.
                "scp" if value.is_string() => {
                    view.items = value
                        .as_str()
                        .unwrap_or_default()
                        .split_whitespace()
                        .map(str::to_string)
                        .collect();
                }
                "aud" | "amr" | "scp" | "roles" | "groups" | "wids" | "cognito:groups" => {
                    match string_list(value) {
                        Ok(items) => view.items = items,
                        Err(found) => {
                            view.problem = Some(format!(
                                "{name} should be a string or an array of strings, found {found}"
                            ))
                        }
                    }
                }
                "scope" => match value.as_str() {
                    Some(s) => view.items = s.split_whitespace().map(str::to_string).collect(),
                    None => {
                        view.problem = Some(format!(
                            "scope should be a space-separated string (RFC 8693 §4.2), found {}",
                            super::parse::json_type(value)
                        ))
                    }
                },
                _ => {}
            }
            view
        })
        .collect()
}

/// A string or an array of strings as a list; otherwise what was found instead.
pub fn string_list(value: &Value) -> Result<Vec<String>, &'static str> {
    str_list(value).map(|items| items.into_iter().map(str::to_string).collect())
}

/// As `string_list`, borrowing the items: the checks only compare and print them.
pub fn str_list(value: &Value) -> Result<Vec<&str>, &'static str> {
    match value {
        Value::String(s) => Ok(vec![s.as_str()]),
        Value::Array(items) => items
            .iter()
            .map(|v| v.as_str().ok_or("an array with a non-string item"))
            .collect(),
        other => Err(super::parse::json_type(other)),
    }
}

/// Scopes from `scope` (space-separated) or `scp` (array or string).
#[must_use]
pub fn scopes<C: Claims>(claims: &C) -> Option<Vec<&str>> {
    // RFC 9068 says a space-separated `scope`; some servers send an array, or `scp`.
    ["scope", "scp"]
        .into_iter()
        .filter_map(|name| claims.get(name))
        .find_map(|value| match value {
            Value::String(s) => Some(s.split_whitespace().collect()),
            other => str_list(other).ok(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn classifies_by_typ_then_claims() {
        let none = Map::new();
        let kind = |h: Value, c: Option<Value>, label: Option<&str>| {
            TokenType::classify(&obj(h), c.map(obj).as_ref(), label).0
        };
        assert_eq!(
            kind(json!({"typ": "application/AT+JWT"}), None, None),
            TokenType::AccessToken
        );
        assert_eq!(
            TokenType::classify(&none, Some(&obj(json!({"nonce": "n", "aud": "c"}))), None),
            (
                TokenType::IdToken,
                "the nonce claim (ID tokens echo the login request's nonce)"
            )
        );
        assert_eq!(
            kind(json!({}), Some(json!({"scope": "a b"})), None),
            TokenType::AccessToken
        );
        assert_eq!(
            kind(json!({"typ": "dpop+jwt"}), None, None),
            TokenType::DpopProof
        );
        // A response's name for a token outranks what its claims suggest.
        assert_eq!(
            kind(
                json!({}),
                Some(json!({"nonce": "n"})),
                Some("refresh_token")
            ),
            TokenType::RefreshToken
        );
    }

    #[test]
    fn aud_and_scope_become_items() {
        let views = claim_views(
            &obj(json!({"aud": ["a", "b"], "scope": "read  write", "exp": "soon"})),
            0,
            TokenType::Jwt,
        );
        assert_eq!(views[0].items, ["a", "b"]);
        assert_eq!(views[1].items, ["read", "write"]);
        assert!(views[2].problem.as_deref().unwrap().contains("a string"));
    }
}
