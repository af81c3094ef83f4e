//! `tokenscope profile add|list|show|remove`: server profiles from the command line.

use std::io::{BufRead as _, IsTerminal as _, Read as _};

use clap::{Args, Subcommand};

use super::{Status, human, out};
use crate::jose::KeySource;
use crate::oauth::http::HttpClient;
use crate::profiles::endpoints::{self, Origin};
use crate::profiles::{
    self, AuthMethod, EndpointUrl, Profile, ProfileError, ProfileName, ProfilesFile,
};
use crate::secrets::{self, SecretKind, SecretStore};
use crate::sensitive::Sensitive;

/// `tokenscope profile …`.
#[derive(Debug, Args)]
pub struct ProfileArgs {
    #[command(subcommand)]
    pub action: ProfileAction,
}

/// What to do with profiles.
#[derive(Debug, Subcommand)]
pub enum ProfileAction {
    /// Add a profile: an authorization server and a client of it.
    Add(Box<AddArgs>),
    /// List the profiles.
    List,
    /// Show a profile: its settings, its endpoints and where each came from, whether a
    /// secret is stored (never the secret).
    Show {
        /// The profile's name.
        name: String,
    },
    /// Remove a profile and every secret stored for it in the keychain.
    Remove {
        /// The profile's name.
        name: String,
    },
}

/// `tokenscope profile add`: everything a profile holds but its secret, which comes on stdin.
#[derive(Debug, Args)]
pub struct AddArgs {
    /// The profile's name: letters, digits, '-', '_' and '.'.
    pub name: String,
    /// The issuer, exactly as the server writes it in tokens' iss.
    #[arg(long, value_name = "URL")]
    pub issuer: String,
    /// The client's id at the server.
    #[arg(long, value_name = "ID")]
    pub client_id: String,
    /// How the client authenticates at the token endpoint.
    #[arg(long, value_enum, default_value_t = AuthMethod::ClientSecretBasic)]
    pub auth_method: AuthMethod,
    /// Read the client secret from standard input (one line; not echoed on a terminal) and
    /// keep it in the OS keychain.
    #[arg(long)]
    pub client_secret_stdin: bool,
    /// A scope to ask for; repeat or separate with spaces.
    #[arg(long = "scope", value_name = "S")]
    pub scopes: Vec<String>,
    /// An RFC 8707 resource indicator; repeatable.
    #[arg(long = "resource", value_name = "R")]
    pub resources: Vec<String>,
    /// An audience parameter, for servers that take one instead of a resource.
    #[arg(long, value_name = "A")]
    pub audience: Option<String>,
    /// A fixed redirect URI (default: http://127.0.0.1:<ephemeral port>/callback).
    #[arg(long, value_name = "URI")]
    pub redirect_uri: Option<String>,
    /// Allow plain http:// to hosts that are not loopback.
    #[arg(long)]
    pub allow_http: bool,
    /// Token endpoint (default: from discovery).
    #[arg(long, value_name = "URL")]
    pub token_endpoint: Option<String>,
    /// Authorization endpoint (default: from discovery).
    #[arg(long, value_name = "URL")]
    pub authorization_endpoint: Option<String>,
    /// Device authorization endpoint (default: from discovery).
    #[arg(long, value_name = "URL")]
    pub device_endpoint: Option<String>,
    /// Introspection endpoint (default: from discovery).
    #[arg(long, value_name = "URL")]
    pub introspection_endpoint: Option<String>,
    /// Revocation endpoint (default: from discovery).
    #[arg(long, value_name = "URL")]
    pub revocation_endpoint: Option<String>,
    /// UserInfo endpoint (default: from discovery).
    #[arg(long, value_name = "URL")]
    pub userinfo_endpoint: Option<String>,
    /// The JWKS URL (default: from discovery).
    #[arg(long, value_name = "URL")]
    pub jwks_uri: Option<String>,
    /// Seconds before a request to this server is given up, kept in the profile (a server
    /// command's own --timeout wins over it).
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: Option<u64>,
}

/// Runs a `profile` subcommand.
pub fn run(args: &ProfileArgs) -> Status {
    let result = match &args.action {
        ProfileAction::Add(add_args) => add(add_args),
        ProfileAction::List => list(),
        ProfileAction::Show { name } => show(name),
        ProfileAction::Remove { name } => remove(name),
    };
    result.unwrap_or_else(|(status, message)| {
        // Escaped line by line: server words may hold escape sequences, our hint a line break.
        let lines: Vec<String> = message.lines().map(human::escape).collect();
        eprintln!("tokenscope: {}", lines.join("\n"));
        status
    })
}

type Outcome = Result<Status, (Status, String)>;

fn bad(message: impl Into<String>) -> (Status, String) {
    (Status::BadInput, message.into())
}

fn profile_error(e: &ProfileError) -> (Status, String) {
    (Status::BadInput, e.to_string())
}

fn load() -> Result<ProfilesFile, (Status, String)> {
    let path = profiles::default_path().map_err(|e| profile_error(&e))?;
    profiles::load(&path).map_err(|e| profile_error(&e))
}

fn name_arg(name: &str) -> Result<ProfileName, (Status, String)> {
    ProfileName::new(name).map_err(bad)
}

/// Prints lines whose values came from a hand-editable file: control characters in them are
/// shown escaped, never sent to the terminal.
fn out_lines(text: &str) {
    let escaped: String = text
        .lines()
        .map(|l| format!("{}\n", human::escape(l)))
        .collect();
    out(&escaped);
}

/// The secret store, its warning said once on stderr.
pub(super) fn open_secrets() -> std::sync::Arc<dyn SecretStore> {
    let opened = secrets::open();
    if let Some(warning) = &opened.warning {
        eprintln!(
            "tokenscope: warning: {}",
            human::escape(&warning.to_string())
        );
    }
    opened.store
}

fn url_arg(flag: &str, value: Option<&String>) -> Result<Option<EndpointUrl>, (Status, String)> {
    value
        .map(|v| EndpointUrl::new(v).map_err(|e| bad(format!("--{flag}: {e}"))))
        .transpose()
}

fn profile_from(args: &AddArgs) -> Result<Profile, (Status, String)> {
    let issuer = EndpointUrl::new(&args.issuer).map_err(|e| bad(format!("--issuer: {e}")))?;
    if args.client_id.trim().is_empty() {
        return Err(bad("--client-id cannot be empty"));
    }
    let mut profile = Profile::new(issuer, args.client_id.clone());
    profile.auth_method = args.auth_method;
    profile.scopes = args
        .scopes
        .iter()
        .flat_map(|s| s.split_whitespace())
        .map(str::to_string)
        .collect();
    profile.resources.clone_from(&args.resources);
    profile.audience.clone_from(&args.audience);
    profile.redirect_uri = url_arg("redirect-uri", args.redirect_uri.as_ref())?;
    profile.allow_http = args.allow_http;
    profile.timeout_seconds = args.timeout;
    let e = &mut profile.endpoints;
    e.token = url_arg("token-endpoint", args.token_endpoint.as_ref())?;
    e.authorization = url_arg(
        "authorization-endpoint",
        args.authorization_endpoint.as_ref(),
    )?;
    e.device = url_arg("device-endpoint", args.device_endpoint.as_ref())?;
    e.introspection = url_arg(
        "introspection-endpoint",
        args.introspection_endpoint.as_ref(),
    )?;
    e.revocation = url_arg("revocation-endpoint", args.revocation_endpoint.as_ref())?;
    e.userinfo = url_arg("userinfo-endpoint", args.userinfo_endpoint.as_ref())?;
    e.jwks_uri = url_arg("jwks-uri", args.jwks_uri.as_ref())?;
    Ok(profile)
}

const MAX_SECRET_LINE_BYTES: u64 = 64 * 1024;

/// One line from stdin, without its line ending; not echoed when stdin is a terminal.
fn read_secret_line() -> Result<Sensitive, (Status, String)> {
    let stdin = std::io::stdin();
    let line = if stdin.is_terminal() {
        eprint!("Client secret (not shown): ");
        rpassword::read_password()
            .map_err(|e| bad(format!("cannot read the client secret: {e}")))?
    } else {
        let mut line = String::new();
        // A secret is a line; a flood on stdin is not read whole.
        stdin
            .lock()
            .take(MAX_SECRET_LINE_BYTES)
            .read_line(&mut line)
            .map_err(|e| bad(format!("cannot read the client secret from stdin: {e}")))?;
        line
    };
    let secret = line.trim_end_matches(['\r', '\n']);
    if secret.is_empty() {
        return Err(bad(
            "--client-secret-stdin: standard input held no secret (an empty line)",
        ));
    }
    Ok(Sensitive::from(secret))
}

fn add(args: &AddArgs) -> Outcome {
    let name = name_arg(&args.name)?;
    let profile = profile_from(args)?;
    if args.client_secret_stdin && !profile.auth_method.needs_secret() {
        return Err(bad(
            "--client-secret-stdin with --auth-method none: a public client has no secret",
        ));
    }
    let mut file = load()?;
    if file.get(&name).is_some() {
        return Err(profile_error(&ProfileError::Exists(name)));
    }
    profile.check_http().map_err(bad)?;
    let secret = if args.client_secret_stdin {
        Some(read_secret_line()?)
    } else {
        None
    };
    let store = match &secret {
        Some(_) => open_secrets(),
        None => std::sync::Arc::new(secrets::MemoryStore::new()),
    };
    profiles::add(&mut file, name.clone(), profile, secret.as_ref(), &*store)
        .map_err(|e| profile_error(&e))?;
    let kept = match &secret {
        Some(_) if store.is_persistent() => "; client secret stored in the OS keychain",
        Some(_) => "; the client secret was NOT stored (no keychain)",
        None => "",
    };
    out(&format!(
        "added profile {name} to {}{kept}\n",
        file.path().display()
    ));
    Ok(Status::Ok)
}

fn list() -> Outcome {
    let file = load()?;
    if file.names().is_empty() {
        out(&format!("no profiles in {}\n", file.path().display()));
        return Ok(Status::Ok);
    }
    let width = file
        .names()
        .iter()
        .map(|n| n.as_str().len())
        .max()
        .unwrap_or(0);
    let mut text = String::new();
    for (name, profile) in file.iter() {
        text.push_str(&format!(
            "{:width$}  {}  client {}  {}\n",
            name.as_str(),
            profile.issuer,
            profile.client_id,
            profile.auth_method.as_str()
        ));
    }
    out_lines(&text);
    Ok(Status::Ok)
}

fn show(name: &str) -> Outcome {
    let name = name_arg(name)?;
    let file = load()?;
    let profile = file
        .get(&name)
        .cloned()
        .ok_or_else(|| profile_error(&file.not_found(&name)))?;
    let secret = if profile.auth_method.needs_secret() {
        secret_state(&*open_secrets(), &name)
    } else {
        "none (a public client)".to_string()
    };
    let mut text = format!("profile {name}  ({})\n", file.path().display());
    let mut row = |label: &str, value: &str| {
        if !value.is_empty() {
            text.push_str(&format!("  {label:<14} {value}\n"));
        }
    };
    row("issuer", profile.issuer.as_str());
    row("client id", &profile.client_id);
    row("auth method", profile.auth_method.as_str());
    row("client secret", &secret);
    row("scopes", &profile.scopes.join(" "));
    row("resources", &profile.resources.join(" "));
    row("audience", profile.audience.as_deref().unwrap_or_default());
    row(
        "redirect uri",
        profile
            .redirect_uri
            .as_ref()
            .map_or("", EndpointUrl::as_str),
    );
    if profile.allow_http {
        row("allow http", "yes");
    }
    if let Some(t) = profile.timeout_seconds {
        row("timeout", &format!("{t} s"));
    }

    let (metadata, failure) = if endpoints::fully_overridden(&profile) {
        (None, None)
    } else {
        match discover(profile.issuer.as_str()) {
            Ok(m) => (Some(m), None),
            Err(f) => (None, Some(f)),
        }
    };
    match &metadata {
        Some(m) => {
            let when = chrono::DateTime::<chrono::Utc>::from(m.fetched_at);
            text.push_str(&format!(
                "endpoints (discovered {} from {})\n",
                when.format("%Y-%m-%d %H:%M:%S UTC"),
                m.documents
                    .iter()
                    .map(|(u, _)| u.as_str())
                    .collect::<Vec<_>>()
                    .join(" and ")
            ));
        }
        None if failure.is_some() => text.push_str("endpoints (discovery failed: see below)\n"),
        None => text.push_str("endpoints (all given in the profile)\n"),
    }
    for resolved in endpoints::resolve(&profile, metadata.as_ref()) {
        let (url, origin) = match (&resolved.url, &resolved.origin) {
            (Some(u), Origin::Override) => (u.as_str(), "override".to_string()),
            (Some(u), Origin::Discovery { document }) => {
                (u.as_str(), format!("discovery ({document})"))
            }
            _ if metadata.is_some() => ("-", "not advertised".to_string()),
            _ => ("-", "not known".to_string()),
        };
        text.push_str(&format!(
            "  {:<14} {url}  [{origin}]\n",
            resolved.endpoint.name()
        ));
    }
    out_lines(&text);
    match failure {
        Some(f) => Err(f),
        None => Ok(Status::Ok),
    }
}

/// Whether the client secret is stored, in words; never the secret.
fn secret_state(store: &dyn SecretStore, name: &ProfileName) -> String {
    if !store.is_persistent() {
        return "not known: no OS keychain answered".into();
    }
    match store.get(name, &SecretKind::ClientSecret) {
        Ok(Some(_)) => "stored in the OS keychain".into(),
        Ok(None) => "none stored".into(),
        Err(e) => format!("not known: {e}"),
    }
}

/// The issuer's metadata on a one-shot runtime; a failure with its exit status.
fn discover(issuer: &str) -> Result<endpoints::ServerMetadata, (Status, String)> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            (
                Status::Network,
                format!("cannot start the async runtime: {e}"),
            )
        })?;
    runtime
        .block_on(endpoints::fetch_metadata(&HttpClient::new(), issuer))
        .map_err(|e| {
            let status = if e.is_network() {
                Status::Network
            } else {
                Status::BadInput
            };
            (status, format!("discovery failed: {e}\n  → {}", e.hint()))
        })
}

fn remove(name: &str) -> Outcome {
    let name = name_arg(name)?;
    let mut file = load()?;
    if file.get(&name).is_none() {
        return Err(profile_error(&file.not_found(&name)));
    }
    let store = open_secrets();
    profiles::remove(&mut file, &name, &*store).map_err(|e| profile_error(&e))?;
    let secrets_said = if store.is_persistent() {
        " and its secrets"
    } else {
        " (its keychain secrets, if any, could not be reached)"
    };
    out(&format!(
        "removed profile {name}{secrets_said} from {}\n",
        file.path().display()
    ));
    Ok(Status::Ok)
}

/// For `inspect --profile NAME`: the profile's key source (its `jwks_uri` override, else
/// discovery of its issuer) and its issuer, which the token's `iss` must match.
pub(super) fn key_source(name: &str) -> Result<(KeySource, String), String> {
    let name = ProfileName::new(name)?;
    let file = load().map_err(|(_, m)| m)?;
    let profile = file
        .get(&name)
        .ok_or_else(|| file.not_found(&name).to_string())?;
    let issuer = profile.issuer.as_str().to_string();
    let source = match &profile.endpoints.jwks_uri {
        Some(jwks) => KeySource::JwksUrl(jwks.as_str().to_string()),
        None => KeySource::Issuer(issuer.clone()),
    };
    Ok((source, issuer))
}
