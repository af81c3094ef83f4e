//! What each claim and header parameter means, in one line, and what kind of token the
//! header and claims together describe.

use serde_json::{Map, Value};

use super::time::{DateClaim, HumanTime};

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
        "azp" => "Authorized party: the client the ID token was issued to",
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
        "oid" => "Object ID of the user (Microsoft Entra ID)",
        "ver" => "Token format version",
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
    /// RFC 9068 JWT access token (`typ: at+jwt`).
    AccessToken,
    IdToken,
    DpopProof,
    LogoutToken,
    SecurityEvent,
    /// A JWT whose purpose the header and claims do not say.
    Jwt,
    Encrypted,
    Opaque,
}

impl TokenType {
    /// Classifies a decoded JWT.
    #[must_use]
    pub fn classify(header: &Map<String, Value>, claims: Option<&Map<String, Value>>) -> Self {
        let typ = header
            .get("typ")
            .and_then(Value::as_str)
            .map(|t| t.to_ascii_lowercase());
        let typ = typ
            .as_deref()
            .map(|t| t.strip_prefix("application/").unwrap_or(t));
        match typ {
            Some("at+jwt") => return Self::AccessToken,
            Some("dpop+jwt") => return Self::DpopProof,
            Some("logout+jwt") => return Self::LogoutToken,
            Some("secevent+jwt") => return Self::SecurityEvent,
            _ => {}
        }
        let has = |name: &str| claims.is_some_and(|c| c.contains_key(name));
        if has("events") && has("sid") | has("sub") && !has("nonce") && has("jti") {
            return if claims
                .and_then(|c| c.get("events"))
                .and_then(Value::as_object)
                .is_some_and(|e| {
                    e.contains_key("http://schemas.openid.net/event/backchannel-logout")
                }) {
                Self::LogoutToken
            } else {
                Self::SecurityEvent
            };
        }
        let oidc =
            has("nonce") || has("at_hash") || has("c_hash") || has("auth_time") || has("azp");
        if oidc && !has("scope") && !has("scp") {
            return Self::IdToken;
        }
        if has("scope") || has("scp") || has("client_id") {
            return Self::AccessToken;
        }
        if oidc {
            return Self::IdToken;
        }
        Self::Jwt
    }

    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            Self::AccessToken => "access token",
            Self::IdToken => "ID token (OpenID Connect)",
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
pub fn claim_views(claims: &Map<String, Value>, now: i64) -> Vec<ClaimView> {
    claims
        .iter()
        .map(|(name, value)| {
            let mut view = ClaimView {
                name: name.clone(),
                explanation: explain_claim(name),
                time: None,
                items: Vec::new(),
                problem: None,
            };
            if DATE_CLAIMS.contains(&name.as_str()) {
                match DateClaim::from_value(value) {
                    DateClaim::Present(t) => view.time = Some(HumanTime::new(t, now)),
                    DateClaim::Malformed(why) => view.problem = Some(format!("{name} {why}")),
                    DateClaim::Absent => {}
                }
            }
            match name.as_str() {
                "aud" | "amr" | "scp" | "roles" | "groups" => match string_list(value) {
                    Ok(items) => view.items = items,
                    Err(found) => {
                        view.problem = Some(format!(
                            "{name} should be a string or an array of strings, found {found}"
                        ))
                    }
                },
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
    match value {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(items) => items
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or("an array with a non-string item")
            })
            .collect(),
        other => Err(super::parse::json_type(other)),
    }
}

/// Scopes from `scope` (space-separated) or `scp` (array or string).
#[must_use]
pub fn scopes(claims: &Map<String, Value>) -> Option<Vec<String>> {
    // RFC 9068 says a space-separated `scope`; some servers send an array, or `scp`.
    ["scope", "scp"]
        .into_iter()
        .filter_map(|name| claims.get(name))
        .find_map(|value| match value {
            Value::String(s) => Some(s.split_whitespace().map(str::to_string).collect()),
            other => string_list(other).ok(),
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
        assert_eq!(
            TokenType::classify(&obj(json!({"typ": "application/AT+JWT"})), None),
            TokenType::AccessToken
        );
        assert_eq!(
            TokenType::classify(&none, Some(&obj(json!({"nonce": "n", "aud": "c"})))),
            TokenType::IdToken
        );
        assert_eq!(
            TokenType::classify(&none, Some(&obj(json!({"scope": "a b"})))),
            TokenType::AccessToken
        );
        assert_eq!(
            TokenType::classify(&obj(json!({"typ": "dpop+jwt"})), None),
            TokenType::DpopProof
        );
    }

    #[test]
    fn aud_and_scope_become_items() {
        let views = claim_views(
            &obj(json!({"aud": ["a", "b"], "scope": "read  write", "exp": "soon"})),
            0,
        );
        assert_eq!(views[0].items, ["a", "b"]);
        assert_eq!(views[1].items, ["read", "write"]);
        assert!(views[2].problem.as_deref().unwrap().contains("a string"));
    }
}
