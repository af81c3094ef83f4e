//! What the big issuers write into their tokens: the claims they add (Microsoft Entra ID,
//! Amazon Cognito, Keycloak, Google, GitHub Actions, Kubernetes, Supabase) and the markers
//! that say whether a token is an access, ID or refresh token. A developer pasting an Entra
//! token should not have to look up `idtyp` or `wids`.

use serde_json::Value;

use super::claim_set::Claims;
use super::claims::TokenType;

/// Claims that issuers add beyond the registered ones, in one line each.
#[must_use]
pub fn explain_vendor_claim(name: &str) -> Option<&'static str> {
    Some(match name {
        // Microsoft Entra ID (v1 and v2 tokens)
        "appid" => "Entra ID: the client (application) ID that requested the token (v1 tokens)",
        "appidacr" => {
            "Entra ID: how the client authenticated (0 public, 1 secret, 2 certificate; v1)"
        }
        "azpacr" => {
            "Entra ID: how the client authenticated (0 public, 1 secret, 2 certificate; v2)"
        }
        "idtyp" => "Entra ID: app for an app-only (client credentials) token, user for a user's",
        "upn" => "Entra ID: the user's sign-in name (user principal name; may change)",
        "unique_name" => "Entra ID: a human-readable name of the user (v1; not stable)",
        "wids" => "Entra ID: directory role template IDs held by the user (admin roles)",
        "aio" => "Entra ID: internal data used by Entra for token reuse (opaque)",
        "uti" => "Entra ID: token identifier, used to revalidate (opaque)",
        "rh" => "Entra ID: internal claim used to revalidate tokens (opaque)",
        "acct" => "Entra ID: account status in the tenant (0 member, 1 guest)",
        "ipaddr" => "Entra ID: the IP address the user authenticated from",
        "onprem_sid" => "Entra ID: the user's on-premises security identifier",
        "xms_tcdt" => "Entra ID: when the tenant was created",
        "xms_pdt" => "Entra ID: when the user's password was last changed",
        "in_corp" => "Entra ID: whether the client signed in from the corporate network",
        "pwd_exp" => "Entra ID: seconds until the user's password expires",
        "pwd_url" => "Entra ID: where the user can change their password",
        // Amazon Cognito
        "token_use" => "Cognito: access for an access token, id for an ID token",
        "cognito:groups" => "Cognito: the user pool groups the user belongs to",
        "cognito:username" => "Cognito: the user's name in the user pool",
        "cognito:roles" => "Cognito: IAM role ARNs of the user's groups",
        "username" => "The user's name at the issuer (Cognito access tokens)",
        "origin_jti" => "Cognito: the ID of the original authentication, shared by its tokens",
        "event_id" => "Cognito: the ID of the sign-in event",
        // Keycloak
        "typ" => "Keycloak: what the token is (Bearer: access, ID, Refresh, Offline)",
        "session_state" => "Keycloak: the ID of the user's session (used by logout)",
        "allowed-origins" => "Keycloak: web origins allowed to use the token (CORS)",
        "clientId" => "Keycloak: the client of a service account token",
        "clientHost" => "Keycloak: the host the service account token was requested from",
        "clientAddress" => "Keycloak: the address the service account token was requested from",
        // Google
        "hd" => "Google: the Workspace domain of the user (hosted domain)",
        // GitHub Actions OIDC
        "repository" => "GitHub Actions: the repository the workflow runs in",
        "repository_owner" => "GitHub Actions: the owner of the repository",
        "repository_id" => "GitHub Actions: the repository's numeric ID",
        "repository_visibility" => "GitHub Actions: public, private or internal",
        "ref" => "GitHub Actions: the git ref that triggered the workflow; Supabase: project ref",
        "ref_type" => "GitHub Actions: branch or tag",
        "sha" => "GitHub Actions: the commit the workflow runs on",
        "workflow" => "GitHub Actions: the workflow's name",
        "workflow_ref" => "GitHub Actions: the workflow file and the ref it came from",
        "job_workflow_ref" => {
            "GitHub Actions: the (possibly reusable) workflow file that runs the job; cloud trust policies match on it"
        }
        "environment" => "GitHub Actions: the deployment environment of the job",
        "actor" => "GitHub Actions: the account that triggered the workflow",
        "event_name" => "GitHub Actions: the event that triggered the workflow",
        "run_id" => "GitHub Actions: the workflow run",
        "run_number" => "GitHub Actions: the run's number in the workflow",
        "run_attempt" => "GitHub Actions: which attempt of the run this is",
        "runner_environment" => "GitHub Actions: github-hosted or self-hosted runner",
        // Kubernetes service accounts
        "kubernetes.io" => {
            "Kubernetes: the namespace, service account (and pod) the token is bound to"
        }
        "warnafter" => {
            "Kubernetes: after this time the API server logs a warning that the token is stale"
        }
        // Supabase
        "role" => "Supabase: the Postgres role the request runs as (anon, authenticated …)",
        "aal" => "Supabase: authenticator assurance level (aal1 password, aal2 MFA)",
        "session_id" => "The ID of the user's session (Supabase)",
        "is_anonymous" => "Supabase: whether the user signed in anonymously",
        "app_metadata" => "Supabase: data about the user that only the server can change",
        "user_metadata" => "Supabase: data about the user that the user can change",
        _ => return None,
    })
}

/// Vendor claims whose value is a NumericDate, beyond the registered ones.
pub(super) const VENDOR_DATE_CLAIMS: [&str; 3] = ["xms_tcdt", "xms_pdt", "warnafter"];

/// `azp` depends on the token: in an ID token it is the client the token was issued to; in an
/// access token (Keycloak, Entra v2) the client that asked for it.
#[must_use]
pub fn explain_azp(token_type: TokenType) -> &'static str {
    match token_type {
        TokenType::AccessToken => {
            "Authorized party: the client that requested this access token (Keycloak, Entra v2)"
        }
        TokenType::RefreshToken => "Authorized party: the client this refresh token belongs to",
        _ => "Authorized party: the client the ID token was issued to",
    }
}

/// What a vendor's own marker says the token is, and which claim said it.
pub(super) fn vendor_marker<C: Claims>(claims: &C) -> Option<(TokenType, &'static str)> {
    let text = |name: &str| claims.get(name).and_then(Value::as_str);
    // Keycloak writes its own typ into the payload.
    match text("typ") {
        Some("Bearer") => {
            return Some((
                TokenType::AccessToken,
                "typ \"Bearer\" in the payload (Keycloak)",
            ));
        }
        Some("ID") => return Some((TokenType::IdToken, "typ \"ID\" in the payload (Keycloak)")),
        Some("Refresh") => {
            return Some((
                TokenType::RefreshToken,
                "typ \"Refresh\" in the payload (Keycloak)",
            ));
        }
        Some("Offline") => {
            return Some((
                TokenType::RefreshToken,
                "typ \"Offline\" in the payload (Keycloak offline token)",
            ));
        }
        _ => {}
    }
    match text("token_use") {
        Some("access") => {
            return Some((
                TokenType::AccessToken,
                "token_use \"access\" (Amazon Cognito)",
            ));
        }
        Some("id") => return Some((TokenType::IdToken, "token_use \"id\" (Amazon Cognito)")),
        _ => {}
    }
    if let Some(idtyp) = text("idtyp") {
        return Some((
            TokenType::AccessToken,
            if idtyp == "app" {
                "idtyp \"app\" (Entra ID app-only access token)"
            } else {
                "idtyp (Entra ID access token)"
            },
        ));
    }
    // Entra v1 access tokens name the client in appid; its ID tokens never carry it.
    if claims.contains_key("appid") && claims.contains_key("tid") {
        return Some((
            TokenType::AccessToken,
            "appid with tid (Entra ID v1 access token)",
        ));
    }
    if claims.contains_key("tid") && claims.contains_key("roles") && !claims.contains_key("nonce") {
        return Some((
            TokenType::AccessToken,
            "roles with tid (Entra ID access token)",
        ));
    }
    if claims.contains_key("kubernetes.io") {
        return Some((
            TokenType::Workload,
            "the kubernetes.io claim (Kubernetes service account)",
        ));
    }
    if claims.contains_key("job_workflow_ref") {
        return Some((
            TokenType::Workload,
            "job_workflow_ref (GitHub Actions OIDC token)",
        ));
    }
    if text("iss").is_some_and(|i| i.contains("supabase")) && claims.contains_key("role") {
        return Some((TokenType::AccessToken, "role with a Supabase issuer"));
    }
    None
}

/// Whether the token was issued to an application acting for itself (client credentials),
/// where permissions are app roles rather than delegated scopes; and what says so.
#[must_use]
pub fn app_only<C: Claims>(claims: &C) -> Option<&'static str> {
    let text = |name: &str| claims.get(name).and_then(Value::as_str);
    if text("idtyp") == Some("app") {
        return Some("idtyp is app");
    }
    if claims.contains_key("tid") && claims.contains_key("roles") && !claims.contains_key("scp") {
        return Some("an Entra token with roles and no scp");
    }
    if text("gty") == Some("client-credentials") {
        return Some("gty is client-credentials");
    }
    if text("preferred_username").is_some_and(|u| u.starts_with("service-account-")) {
        return Some("a Keycloak service account");
    }
    match (text("sub"), text("client_id")) {
        (Some(sub), Some(client)) if sub == client => Some("sub equals client_id"),
        _ => None,
    }
}
