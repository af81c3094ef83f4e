//! Tokens shaped like the big issuers' (made and signed here, never copied): each gets the
//! right type, says which claim decided it, and has its vendor claims explained.

#[path = "util/sign.rs"]
mod sign;
mod util;

use serde_json::{Value, json};
use sign::{TestKey, sign_jws};
use util::{check, tokenscope};

const NOW: i64 = 1_800_000_000;

fn token(header: Value, claims: Value) -> String {
    sign_jws(&TestKey::for_alg("RS256"), &header, &claims)
}

fn report(token: &str, extra: &[&str]) -> (i32, Value) {
    let now = NOW.to_string();
    let mut args = vec!["inspect", "--json", "--now", &now];
    args.extend_from_slice(extra);
    args.push(token);
    let run = tokenscope(&args, "");
    (run.status, run.json())
}

fn explanation<'a>(r: &'a Value, claim: &str) -> &'a str {
    r["claims"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == claim)
        .and_then(|c| c["explanation"].as_str())
        .unwrap_or_else(|| panic!("no explanation for {claim}: {r:#}"))
}

fn entra_app_only() -> Value {
    json!({
        "aud": "api://billing", "iss": "https://sts.windows.net/8eaef023-2b34-4da1-9baa-8bc8c9d6a490/",
        "iat": NOW - 60, "nbf": NOW - 60, "exp": NOW + 3540,
        "appid": "6e74172b-be56-4843-9ff4-e66a39bb12e3", "appidacr": "1", "idtyp": "app",
        "oid": "b13a2d6a-0000-4000-8000-000000000001", "roles": ["Invoices.Read.All"],
        "sub": "b13a2d6a-0000-4000-8000-000000000001",
        "tid": "8eaef023-2b34-4da1-9baa-8bc8c9d6a490", "ver": "1.0",
        "xms_tcdt": 1_500_000_000
    })
}

#[test]
fn an_entra_app_only_token_is_an_access_token_by_idtyp() {
    let (status, r) = report(
        &token(json!({"alg": "RS256", "typ": "JWT"}), entra_app_only()),
        &[],
    );
    assert_eq!(status, 0);
    assert_eq!(r["token_type"], "access_token");
    assert!(
        r["token_type_reason"].as_str().unwrap().contains("idtyp"),
        "{r:#}"
    );
    assert!(explanation(&r, "appid").contains("client"));
    assert!(explanation(&r, "oid").contains("service principal"));
    let tcdt = r["claims"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "xms_tcdt")
        .unwrap();
    assert!(
        tcdt["time"]["utc"]
            .as_str()
            .unwrap()
            .starts_with("2017-07-14"),
        "{tcdt}"
    );
}

#[test]
fn entra_roles_satisfy_a_required_scope_and_a_missing_one_speaks_of_app_roles() {
    let t = token(json!({"alg": "RS256", "typ": "JWT"}), entra_app_only());
    let (status, r) = report(&t, &["--scope", "Invoices.Read.All"]);
    assert_eq!(status, 0, "{r:#}");
    let scope = check(&r, "scope");
    assert_eq!(scope["status"], "pass");
    assert!(
        scope["message"].as_str().unwrap().contains("roles"),
        "{scope}"
    );

    let (status, r) = report(&t, &["--scope", "Invoices.Write"]);
    assert_eq!(status, 1);
    let hint = check(&r, "scope")["hint"].as_str().unwrap().to_string();
    assert!(
        hint.contains("app role") && hint.contains("client credentials"),
        "{hint}"
    );
}

#[test]
fn entra_delegated_scp_passes_and_says_so() {
    let claims = json!({"aud": "api://orders", "iss": "https://login.microsoftonline.com/t/v2.0",
        "exp": NOW + 600, "scp": "Orders.Read Orders.Write", "tid": "t", "ver": "2.0",
        "azp": "c1", "oid": "u1", "sub": "s1"});
    let (status, r) = report(
        &token(json!({"alg": "RS256"}), claims),
        &["--scope", "Orders.Write"],
    );
    assert_eq!(status, 0);
    assert_eq!(r["token_type"], "access_token");
    assert_eq!(check(&r, "scope")["status"], "pass");
    assert!(
        explanation(&r, "azp").contains("requested this access token"),
        "{r:#}"
    );
}

#[test]
fn an_old_keycloak_access_token_is_not_called_an_id_token() {
    // Old Keycloak access tokens carry nonce, auth_time and azp, and no scope.
    let claims = json!({"iss": "https://kc.example/auth/realms/shop", "sub": "u1", "typ": "Bearer",
        "azp": "web", "nonce": "n-1", "auth_time": NOW - 100, "session_state": "s-1",
        "exp": NOW + 300, "realm_access": {"roles": ["user"]},
        "resource_access": {"account": {"roles": ["view-profile"]}}});
    let (_, r) = report(&token(json!({"alg": "RS256", "typ": "JWT"}), claims), &[]);
    assert_eq!(r["token_type"], "access_token", "{r:#}");
    assert!(
        r["token_type_reason"]
            .as_str()
            .unwrap()
            .contains("Keycloak")
    );
    assert!(explanation(&r, "session_state").contains("session"));
    assert!(explanation(&r, "realm_access").contains("realm roles"));
}

#[test]
fn a_keycloak_refresh_token_is_a_refresh_token_with_its_own_advice() {
    let claims = json!({"iss": "https://kc.example/realms/shop", "sub": "u1", "typ": "Refresh",
        "azp": "web", "exp": NOW - 600, "iat": NOW - 2400});
    let (status, r) = report(&token(json!({"alg": "HS256", "typ": "JWT"}), claims), &[]);
    assert_eq!(status, 1);
    assert_eq!(r["token_type"], "refresh_token", "{r:#}");
    let hint = check(&r, "exp")["hint"].as_str().unwrap().to_string();
    assert!(
        !hint.contains("refresh it") && hint.contains("sign in again"),
        "{hint}"
    );
}

#[test]
fn cognito_tokens_by_token_use() {
    let base = json!({"iss": "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123",
        "sub": "u1", "exp": NOW + 600, "cognito:groups": ["admins"], "username": "ann"});
    let mut access = base.clone();
    access["token_use"] = json!("access");
    access["scope"] = json!("aws.cognito.signin.user.admin");
    access["client_id"] = json!("c1");
    let mut id = base;
    id["token_use"] = json!("id");
    id["aud"] = json!("c1");
    let (_, r) = report(&token(json!({"alg": "RS256"}), access), &[]);
    assert_eq!(r["token_type"], "access_token");
    assert!(r["token_type_reason"].as_str().unwrap().contains("Cognito"));
    assert!(explanation(&r, "cognito:groups").contains("groups"));
    let (_, r) = report(&token(json!({"alg": "RS256"}), id), &[]);
    assert_eq!(r["token_type"], "id_token");
}

#[test]
fn google_id_token_by_aud_equal_to_azp() {
    let claims = json!({"iss": "https://accounts.google.com", "azp": "123.apps.googleusercontent.com",
        "aud": "123.apps.googleusercontent.com", "sub": "1", "hd": "example.com",
        "email": "a@example.com", "email_verified": true, "exp": NOW + 600, "iat": NOW});
    let (_, r) = report(&token(json!({"alg": "RS256"}), claims), &[]);
    assert_eq!(r["token_type"], "id_token");
    assert!(
        r["token_type_reason"].as_str().unwrap().contains("azp"),
        "{r:#}"
    );
    assert!(explanation(&r, "hd").contains("Workspace domain"));
    assert!(explanation(&r, "azp").contains("ID token"));
}

#[test]
fn workload_tokens_github_actions_and_kubernetes() {
    let gha = json!({"iss": "https://token.actions.githubusercontent.com", "aud": "sts.amazonaws.com",
        "sub": "repo:acme/app:ref:refs/heads/main", "repository": "acme/app", "ref": "refs/heads/main",
        "workflow": "deploy", "job_workflow_ref": "acme/app/.github/workflows/deploy.yml@refs/heads/main",
        "environment": "prod", "exp": NOW + 300});
    let (_, r) = report(&token(json!({"alg": "RS256"}), gha), &[]);
    assert_eq!(r["token_type"], "workload");
    assert!(explanation(&r, "job_workflow_ref").contains("workflow"));

    let k8s = json!({"iss": "https://kubernetes.default.svc.cluster.local", "aud": ["https://kubernetes.default.svc"],
        "sub": "system:serviceaccount:shop:api", "exp": NOW + 3600, "iat": NOW,
        "kubernetes.io": {"namespace": "shop", "serviceaccount": {"name": "api", "uid": "x"}},
        "warnafter": NOW + 1800});
    let (_, r) = report(&token(json!({"alg": "RS256"}), k8s), &[]);
    assert_eq!(r["token_type"], "workload");
    let warn = r["claims"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "warnafter")
        .unwrap();
    assert!(warn["time"].is_object(), "warnafter is a date: {warn}");
}

#[test]
fn a_graph_token_header_nonce_is_explained() {
    let claims = json!({"aud": "00000003-0000-0000-c000-000000000000", "scp": "User.Read",
        "tid": "t", "exp": NOW + 600});
    let t = token(
        json!({"alg": "RS256", "typ": "JWT", "nonce": "abc"}),
        claims,
    );
    let run = tokenscope(&["inspect", "--now", &NOW.to_string(), &t], "");
    assert!(
        run.stdout.contains("only Graph can verify"),
        "{}",
        run.stdout
    );
}
