//! `tokenscope inspect`: the report on one pasted token (or each token of a response).

use clap::Args;
use serde_json::json;

use super::{Status, human, out, read_token_arg};
use crate::jose::KeySource;
use crate::oauth::discovery::KeyResolver;
use crate::token::parse::ParseError;
use crate::token::{self, DEFAULT_LEEWAY, Options, Token, parse, time};

#[derive(Args)]
pub struct InspectArgs {
    /// The token, an Authorization header, a redirect URL or a token response; `-` or absent reads stdin.
    // An opaque token may start with `-` (base64url): it is still the token, not an option.
    #[arg(allow_hyphen_values = true)]
    pub token: Option<String>,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// Judge the token at this instant (seconds since 1970) instead of now.
    #[arg(long, value_name = "UNIX", value_parser = clap::value_parser!(i64).range(0..=253_402_300_799))]
    pub now: Option<i64>,
    /// Clock skew allowed for exp, nbf and iat.
    #[arg(long, value_name = "SECONDS", default_value_t = DEFAULT_LEEWAY,
          value_parser = clap::value_parser!(u64).range(0..=86_400))]
    pub leeway: u64,
    /// Expected audience; the token passes when its aud contains any of them.
    #[arg(long = "aud", value_name = "A")]
    pub aud: Vec<String>,
    /// Expected issuer (exact comparison).
    #[arg(long = "iss", value_name = "I")]
    pub iss: Option<String>,
    /// A scope the token must grant; repeat or separate with spaces.
    #[arg(long = "scope", value_name = "S")]
    pub scope: Vec<String>,
    #[command(flatten)]
    pub key: KeyArgs,
}

/// Where the verification key comes from: at most one.
#[derive(Args)]
#[group(multiple = false)]
pub struct KeyArgs {
    /// HMAC secret as text (visible in the process list: prefer --secret-env).
    // A secret may start with '-' (one base64url secret in 64 does).
    #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
    pub secret: Option<String>,
    /// Name of an environment variable holding the HMAC secret.
    #[arg(long, value_name = "VAR")]
    pub secret_env: Option<String>,
    /// HMAC secret as base64 or base64url.
    #[arg(long, value_name = "B64", allow_hyphen_values = true)]
    pub secret_base64: Option<String>,
    /// A key file: PEM (public key, certificate or private key), JWK or JWKS.
    #[arg(long, value_name = "FILE")]
    pub key: Option<std::path::PathBuf>,
    /// Fetch the JWKS at this URL.
    #[arg(long, value_name = "URL")]
    pub jwks_url: Option<String>,
    /// Discover the issuer's JWKS (OIDC discovery, then RFC 8414).
    #[arg(long, value_name = "ISSUER")]
    pub discover: Option<String>,
    /// Use a profile's keys (its jwks_uri, else discovery of its issuer); iss must be its issuer.
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Also try a key embedded in the token header (jwk, x5c). Proves nothing about the issuer.
    #[arg(long)]
    pub use_embedded_key: bool,
}

// By hand: the token and the secrets must never reach Debug output.
impl std::fmt::Debug for InspectArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InspectArgs")
            .field(
                "token",
                &self.token.as_ref().map(|t| format!("<{} bytes>", t.len())),
            )
            .field("json", &self.json)
            .field("now", &self.now)
            .field("leeway", &self.leeway)
            .field("aud", &self.aud)
            .field("iss", &self.iss)
            .field("scope", &self.scope)
            .field("key", &self.key)
            .finish()
    }
}

impl std::fmt::Debug for KeyArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hidden = |s: &Option<String>| s.as_ref().map(|_| "<hidden>");
        f.debug_struct("KeyArgs")
            .field("secret", &hidden(&self.secret))
            .field("secret_env", &self.secret_env)
            .field("secret_base64", &hidden(&self.secret_base64))
            .field("key", &self.key)
            .field("jwks_url", &self.jwks_url)
            .field("discover", &self.discover)
            .field("profile", &self.profile)
            .field("use_embedded_key", &self.use_embedded_key)
            .finish()
    }
}

impl KeyArgs {
    fn source(&self) -> Result<Option<KeySource>, String> {
        Ok(Some(if let Some(s) = &self.secret {
            KeySource::Secret(s.clone())
        } else if let Some(var) = &self.secret_env {
            KeySource::Secret(
                std::env::var(var).map_err(|_| format!("environment variable {var} is not set"))?,
            )
        } else if let Some(s) = &self.secret_base64 {
            KeySource::SecretBase64(s.clone())
        } else if let Some(path) = &self.key {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read the key file {}: {e}", path.display()))?;
            KeySource::KeyFile {
                path: path.display().to_string(),
                text,
            }
        } else if let Some(u) = &self.jwks_url {
            KeySource::JwksUrl(u.clone())
        } else if let Some(i) = &self.discover {
            KeySource::Issuer(i.clone())
        } else if self.use_embedded_key {
            KeySource::KeyText(r#"{"keys":[]}"#.to_string())
        } else {
            return Ok(None);
        }))
    }
}

impl InspectArgs {
    fn options(&self) -> Options {
        Options {
            now: self.now.unwrap_or_else(time::now_unix),
            leeway: self.leeway,
            expected_iss: self.iss.clone(),
            expected_aud: self.aud.clone(),
            required_scopes: self
                .scope
                .iter()
                .flat_map(|s| s.split_whitespace())
                .map(str::to_string)
                .collect(),
        }
    }
}

pub fn run(args: &InspectArgs) -> Status {
    let input = match read_token_arg(args.token.as_deref()) {
        Ok(t) => t,
        Err(msg) => return usage_error(args.json, &msg, None),
    };
    let mut opts = args.options();
    let source = match &args.key.profile {
        Some(name) => match super::profile::key_source(name) {
            Ok((source, issuer)) => {
                opts.expected_iss.get_or_insert(issuer);
                Some(source)
            }
            Err(msg) => return usage_error(args.json, &msg, None),
        },
        None => match args.key.source() {
            Ok(s) => s,
            Err(msg) => return usage_error(args.json, &msg, None),
        },
    };
    let verifier = source.map(|s| Verifier::new(s, args.key.use_embedded_key));
    let normalized = match token::normalize(&input) {
        Ok(n) => n,
        // The server said no: its words as they are, and the exit status of a refusal.
        Err(ParseError::ErrorResponse { error, description }) => {
            return server_said_no(args.json, &error, description.as_deref());
        }
        Err(e) => {
            return fail(
                args.json,
                &e.to_string(),
                e.token_offset(),
                None,
                Status::BadInput,
            );
        }
    };
    let mut status = Status::Ok;
    let mut errors_said: Vec<String> = Vec::new();
    let mut json_items = Vec::new();
    let mut human_text = String::new();
    for found in &normalized.tokens {
        let info = token::input_info(&normalized, found);
        match parse(&found.token) {
            Ok(parsed) => {
                let verdict = match (&verifier, &parsed) {
                    (Some(v), Token::Jws(jws)) => Some(match v.verify(jws) {
                        Ok(verdict) => verdict,
                        // The key could not be had: say so once, and still report every token.
                        Err((code, msg)) => {
                            if !errors_said.contains(&msg) {
                                // Server words (an HTML title, a JSON error) can hold escape sequences.
                                eprintln!("tokenscope: {}", human::escape(&msg));
                                errors_said.push(msg.clone());
                            }
                            status = status.max(code);
                            unverified(&msg)
                        }
                    }),
                    _ => None,
                };
                let report = token::diagnose_owned(parsed, info, &opts, verdict.as_ref());
                if report.has_failure() {
                    status = status.max(Status::Rejected);
                }
                if args.json {
                    json_items.push(serde_json::to_value(&report).unwrap_or_default());
                } else {
                    human_text.push_str(&human::report(&report, human::Style::detect()));
                }
            }
            Err(e) => {
                status = status.max(Status::BadInput);
                if args.json {
                    json_items.push(error_json(
                        &e.to_string(),
                        e.token_offset(),
                        found.label.as_deref(),
                    ));
                } else {
                    human_text.push_str(&human::parse_error(
                        &e,
                        &found.token,
                        found.label.as_deref(),
                    ));
                }
            }
        }
    }
    if args.json {
        let value = if json_items.len() == 1 {
            json_items.pop().unwrap_or_default()
        } else {
            serde_json::Value::Array(json_items)
        };
        print_json(&value);
    } else {
        out(&human_text);
    }
    status
}

fn error_json(message: &str, offset: Option<usize>, label: Option<&str>) -> serde_json::Value {
    let mut v = json!({ "ok": false, "error": message });
    if let Some(offset) = offset {
        v["offset"] = offset.into();
    }
    if let Some(label) = label {
        v["input"] = json!({ "label": label });
    }
    v
}

fn print_json(value: &serde_json::Value) {
    out(&format!(
        "{}\n",
        serde_json::to_string_pretty(value).unwrap_or_default()
    ));
}

/// A pasted OAuth error response (RFC 6749 §5.2).
fn server_said_no(json_out: bool, error: &str, description: Option<&str>) -> Status {
    if json_out {
        let mut v = json!({ "ok": false, "error": error });
        if let Some(d) = description {
            v["error_description"] = d.into();
        }
        v["detail"] = "an OAuth error response, not a token".into();
        print_json(&v);
    } else {
        let said = description.map_or_else(|| error.to_string(), |d| format!("{error}: {d}"));
        eprintln!(
            "tokenscope: the server said {}\n  → this is an OAuth error response, not a token: {}",
            human::escape(&said),
            error_advice(error)
        );
    }
    Status::Rejected
}

/// What to do about the common OAuth error codes (RFC 6749 §5.2, RFC 8628 §3.5).
fn error_advice(error: &str) -> &'static str {
    match error {
        "invalid_grant" => {
            "the code or refresh token is expired, used or revoked; sign in again for a new one"
        }
        "invalid_client" => "the client id or secret is wrong, or the authentication method",
        "invalid_scope" => "ask for scopes this client is allowed",
        "unauthorized_client" => "this client may not use this grant type",
        "unsupported_grant_type" => "the server does not offer this grant type",
        "authorization_pending" | "slow_down" => "the user has not finished signing in yet",
        _ => "the error_description says why",
    }
}

/// Reports an error once: as the JSON object with `--json`, else on stderr.
fn fail(
    json_out: bool,
    message: &str,
    offset: Option<usize>,
    label: Option<&str>,
    status: Status,
) -> Status {
    if json_out {
        print_json(&error_json(message, offset, label));
    } else {
        eprintln!("tokenscope: {}", human::escape(message));
    }
    status
}

/// Verifies with one key source on a small runtime of its own; the CLI is one-shot.
struct Verifier {
    source: KeySource,
    resolver: KeyResolver,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Verifier {
    fn new(source: KeySource, use_embedded_key: bool) -> Self {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .ok();
        Self {
            source,
            resolver: KeyResolver::new().use_embedded_key(use_embedded_key),
            runtime,
        }
    }

    fn verify(&self, jws: &token::parse::Jws) -> Result<token::SignatureVerdict, (Status, String)> {
        let runtime = self.runtime.as_ref().ok_or((
            Status::Network,
            "cannot start the async runtime".to_string(),
        ))?;
        runtime
            .block_on(self.resolver.try_verify(jws, &self.source))
            .map_err(|e| {
                let code = if e.is_network() {
                    Status::Network
                } else {
                    Status::BadInput
                };
                (code, e.to_string())
            })
    }
}

/// The verdict for a token whose key could not be obtained.
fn unverified(reason: &str) -> token::SignatureVerdict {
    token::SignatureVerdict {
        status: token::SignatureStatus::Unverified,
        detail: format!("not verified: {reason}"),
        hint: Some("fix the key source and run again; the reason above is what went wrong".into()),
        key: None,
        alg_problem: None,
        warnings: Vec::new(),
    }
}

fn usage_error(json_out: bool, msg: &str, label: Option<&str>) -> Status {
    fail(json_out, msg, None, label, Status::BadInput)
}

#[cfg(test)]
mod tests {
    use clap::Parser as _;

    use super::super::Cli;

    #[test]
    fn debug_output_holds_neither_the_token_nor_the_secret() {
        let cli = Cli::try_parse_from([
            "tokenscope",
            "inspect",
            "--secret-base64",
            "-the-secret-value",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln",
        ])
        .expect("a secret may start with '-'");
        let debug = format!("{cli:?}");
        assert!(!debug.contains("the-secret-value"), "{debug}");
        assert!(!debug.contains("eyJzdWIiOiJhIn0"), "{debug}");
        assert!(
            debug.contains("<hidden>") && debug.contains("<41 bytes>"),
            "{debug}"
        );
    }

    #[test]
    fn an_instant_outside_what_a_date_can_be_is_refused() {
        for now in ["-1", "253402300800", "-9223372036854775808"] {
            let parsed = Cli::try_parse_from(["tokenscope", "inspect", "--now", now, "x"]);
            assert!(parsed.is_err(), "--now {now} was accepted");
        }
        // A day of clock skew is already far more than any verifier allows.
        let parsed = Cli::try_parse_from(["tokenscope", "inspect", "--leeway", "86401", "x"]);
        assert!(parsed.is_err(), "--leeway 86401 was accepted");
    }
}
