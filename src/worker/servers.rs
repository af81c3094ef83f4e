//! The worker's server side: profiles (file and keychain), discovery and the operations of
//! `ops`, over one [`Services`] value owned here. The keychain is opened on this thread, once,
//! when the worker starts; a frame never waits on it. Every HTTP exchange goes to the UI as its
//! own event as it completes (for the exchange log), tagged with the job that made it, before
//! that job's result.

use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::OnceCell;

use super::{Event, JobId, Outbox};
use crate::oauth::endpoints::{Introspection, Revocation, TokenTypeHint, Userinfo};
use crate::oauth::exchange::Exchange;
use crate::oauth::http::{ExchangeLog, HttpClient};
use crate::ops::{
    self, Answer, CallRequest, Called, FetchRequest, OpsError, RefreshRequest, Services, Target,
    TokenResult,
};
use crate::profiles::endpoints::ServerMetadata;
use crate::profiles::{self, Profile, ProfileError, ProfileName, ProfilesFile};
use crate::secrets::{self, KeychainUnavailable, SecretKind, SecretStore};
use crate::sensitive::Sensitive;

tokio::task_local! {
    /// The job an HTTP exchange belongs to: the exchange log's sink is one closure for the
    /// whole client, and reads the job of the task it runs in.
    static CURRENT_JOB: JobId;
}

/// Where the worker finds profiles and secrets.
#[derive(Debug, Clone, Default)]
pub struct ServerSetup {
    /// The profiles file; `None` is `profiles.toml` in the config directory.
    pub profiles_path: Option<PathBuf>,
    /// The secret store; `None` probes the OS keychain (memory, with a warning, without one).
    pub secrets: Option<Arc<dyn SecretStore>>,
    /// A directory of the worker's own, removed when it stops (the UI tests' profiles).
    pub scratch_dir: Option<PathBuf>,
}

/// What happens to a profile's client secret when it is saved.
#[derive(Debug, Clone)]
pub enum SecretChange {
    Keep,
    Set(Sensitive),
    Remove,
}

/// A server-side request from the UI. Each carries the job its answers are tagged with.
#[derive(Debug)]
pub enum ServerCommand {
    /// Read the profiles file and the tokens pinned under each profile.
    LoadProfiles { job: JobId },
    /// Add (`original: None`) or change a profile; a changed name moves its secrets.
    SaveProfile {
        job: JobId,
        original: Option<ProfileName>,
        name: ProfileName,
        profile: Box<Profile>,
        secret: SecretChange,
    },
    /// Remove a profile and every secret under it.
    RemoveProfile { job: JobId, name: ProfileName },
    /// Add the profiles of an exported TOML document (no name may be taken already).
    ImportProfiles { job: JobId, text: String },
    /// Fetch the server's metadata again.
    Discover { job: JobId, target: Box<Target> },
    Fetch {
        job: JobId,
        target: Box<Target>,
        request: FetchRequest,
    },
    Refresh {
        job: JobId,
        target: Box<Target>,
        request: RefreshRequest,
    },
    Introspect {
        job: JobId,
        target: Box<Target>,
        token: Sensitive,
        hint: Option<TokenTypeHint>,
    },
    Revoke {
        job: JobId,
        target: Box<Target>,
        token: Sensitive,
        hint: Option<TokenTypeHint>,
    },
    Userinfo {
        job: JobId,
        target: Box<Target>,
        token: Sensitive,
    },
    Call {
        job: JobId,
        target: Option<Box<Target>>,
        request: CallRequest,
    },
    /// Keep a token in the keychain under its profile (`id` names it there), or forget it.
    KeepToken {
        job: JobId,
        profile: ProfileName,
        id: String,
        token: Option<Sensitive>,
    },
}

impl ServerCommand {
    /// The job this command runs as.
    #[must_use]
    pub fn job(&self) -> JobId {
        match self {
            Self::LoadProfiles { job }
            | Self::SaveProfile { job, .. }
            | Self::RemoveProfile { job, .. }
            | Self::ImportProfiles { job, .. }
            | Self::Discover { job, .. }
            | Self::Fetch { job, .. }
            | Self::Refresh { job, .. }
            | Self::Introspect { job, .. }
            | Self::Revoke { job, .. }
            | Self::Userinfo { job, .. }
            | Self::Call { job, .. }
            | Self::KeepToken { job, .. } => *job,
        }
    }
}

/// A token the user kept in the keychain, restored at start-up.
#[derive(Debug, Clone)]
pub struct KeptToken {
    pub profile: ProfileName,
    pub id: String,
    pub token: Sensitive,
}

/// The profiles as they are on disk now, and the tokens kept under them.
#[derive(Debug, Clone)]
pub struct ProfilesNow {
    pub file: ProfilesFile,
    /// Filled on the first load only.
    pub kept: Vec<KeptToken>,
    /// Names an import added.
    pub imported: Vec<ProfileName>,
}

/// An answer from the server side.
#[derive(Debug)]
pub enum ServerEvent {
    /// Said once: no keychain answered; secrets stay in memory for this session.
    KeychainUnavailable(KeychainUnavailable),
    /// After a load, save, removal or import: the file as it is now, or why not.
    Profiles {
        job: JobId,
        result: Result<ProfilesNow, ProfileError>,
    },
    /// One HTTP exchange, as it completed (before its job's result).
    Exchange {
        job: Option<JobId>,
        exchange: Box<Exchange>,
    },
    Discovered {
        job: JobId,
        profile: ProfileName,
        result: Result<Arc<ServerMetadata>, String>,
    },
    Fetched {
        job: JobId,
        result: Result<Box<TokenResult>, OpsError>,
    },
    Refreshed {
        job: JobId,
        result: Result<Box<TokenResult>, OpsError>,
    },
    Introspected {
        job: JobId,
        result: Result<Box<Answer<Introspection>>, OpsError>,
    },
    Revoked {
        job: JobId,
        result: Result<Box<Answer<Revocation>>, OpsError>,
    },
    Userinfo {
        job: JobId,
        result: Result<Box<Answer<Userinfo>>, OpsError>,
    },
    Called {
        job: JobId,
        result: Result<Box<Called>, OpsError>,
    },
    /// A token was kept in (or removed from) the keychain, or could not be.
    TokenKept {
        job: JobId,
        kept: bool,
        result: Result<(), String>,
    },
}

/// The server side's shared state: the setup and, once opened, the services.
pub(super) struct ServerSide {
    setup: ServerSetup,
    services: OnceCell<Arc<Services>>,
    outbox: Outbox,
}

impl ServerSide {
    pub(super) fn new(setup: ServerSetup, outbox: Outbox) -> Arc<Self> {
        Arc::new(Self {
            setup,
            services: OnceCell::new(),
            outbox,
        })
    }

    /// The services, opening the keychain on first use (off the async threads: it blocks).
    /// Flows use these too: one keychain, one exchange log, one refresh lock per profile.
    pub(super) async fn services(&self) -> Arc<Services> {
        let services = self.services.get_or_init(|| async {
            let given = self.setup.secrets.clone();
            let opened = tokio::task::spawn_blocking(move || match given {
                Some(store) => secrets::OpenedStore {
                    store,
                    warning: None,
                },
                None => secrets::open(),
            })
            .await
            .unwrap_or_else(|e| secrets::OpenedStore {
                store: Arc::new(secrets::MemoryStore::new()),
                warning: Some(KeychainUnavailable {
                    reason: secrets::ProbeFailure::Failed(format!(
                        "the keychain probe stopped: {e}"
                    )),
                }),
            });
            if let Some(warning) = opened.warning {
                self.send(ServerEvent::KeychainUnavailable(warning));
            }
            let outbox = self.outbox.clone();
            let log = ExchangeLog::new(move |exchange: &Exchange| {
                outbox.send(Event::Server(ServerEvent::Exchange {
                    job: CURRENT_JOB.try_with(|j| *j).ok(),
                    exchange: Box::new(exchange.clone()),
                }));
            });
            Arc::new(Services::new(HttpClient::new().with_log(log), opened.store))
        });
        Arc::clone(services.await)
    }

    fn send(&self, event: ServerEvent) {
        self.outbox.send(Event::Server(event));
    }

    fn profiles_path(&self) -> Result<PathBuf, ProfileError> {
        match &self.setup.profiles_path {
            Some(path) => Ok(path.clone()),
            None => profiles::default_path(),
        }
    }

    /// Runs one command to its end; the caller spawns it and may abort it (Cancel).
    pub(super) async fn run(self: Arc<Self>, command: ServerCommand) {
        let job = command.job();
        CURRENT_JOB.scope(job, self.run_job(command)).await;
    }

    async fn run_job(&self, command: ServerCommand) {
        let services = self.services().await;
        let event = match command {
            ServerCommand::LoadProfiles { job } => {
                let path = self.profiles_path();
                let store = Arc::clone(&services.secrets);
                let result = blocking(move || load_with_kept(path?, store.as_ref())).await;
                ServerEvent::Profiles { job, result }
            }
            ServerCommand::SaveProfile {
                job,
                original,
                name,
                profile,
                secret,
            } => {
                let path = self.profiles_path();
                let store = Arc::clone(&services.secrets);
                let result = blocking(move || {
                    save_profile(path?, store.as_ref(), original, name, *profile, secret)
                })
                .await;
                ServerEvent::Profiles { job, result }
            }
            ServerCommand::RemoveProfile { job, name } => {
                let path = self.profiles_path();
                let store = Arc::clone(&services.secrets);
                let result = blocking(move || {
                    let mut file = ProfilesFile::load(&path?)?;
                    profiles::remove(&mut file, &name, store.as_ref())?;
                    Ok(now(file))
                })
                .await;
                ServerEvent::Profiles { job, result }
            }
            ServerCommand::ImportProfiles { job, text } => {
                let path = self.profiles_path();
                let result = blocking(move || {
                    let path = path?;
                    let mut file = ProfilesFile::load(&path)?;
                    let names =
                        file.import(&text, std::path::Path::new("the imported text"), false)?;
                    for name in &names {
                        if let Some(p) = file.get(name) {
                            p.check_http().map_err(ProfileError::BadInput)?;
                        }
                    }
                    file.save()?;
                    Ok(ProfilesNow {
                        imported: names,
                        ..now(file)
                    })
                })
                .await;
                ServerEvent::Profiles { job, result }
            }
            ServerCommand::Discover { job, target } => {
                let issuer = target.profile.issuer.as_str().to_string();
                let mut http = services.http.clone().allow_http(target.profile.allow_http);
                if let Some(s) = target.profile.timeout_seconds {
                    http = http.with_timeout(std::time::Duration::from_secs(s));
                }
                let result = services
                    .discovery
                    .get(&http, &issuer, true)
                    .await
                    .map_err(|e| format!("{e} ({})", e.hint()));
                ServerEvent::Discovered {
                    job,
                    profile: target.name,
                    result,
                }
            }
            ServerCommand::Fetch {
                job,
                target,
                request,
            } => ServerEvent::Fetched {
                job,
                result: ops::fetch(&services, &target, request).await.map(Box::new),
            },
            ServerCommand::Refresh {
                job,
                target,
                request,
            } => ServerEvent::Refreshed {
                job,
                result: ops::refresh(&services, &target, request)
                    .await
                    .map(Box::new),
            },
            ServerCommand::Introspect {
                job,
                target,
                token,
                hint,
            } => ServerEvent::Introspected {
                job,
                result: ops::introspect(&services, &target, &token, hint)
                    .await
                    .map(Box::new),
            },
            ServerCommand::Revoke {
                job,
                target,
                token,
                hint,
            } => ServerEvent::Revoked {
                job,
                result: ops::revoke(&services, &target, &token, hint)
                    .await
                    .map(Box::new),
            },
            ServerCommand::Userinfo { job, target, token } => ServerEvent::Userinfo {
                job,
                result: ops::userinfo(&services, &target, &token)
                    .await
                    .map(Box::new),
            },
            ServerCommand::Call {
                job,
                target,
                request,
            } => ServerEvent::Called {
                job,
                result: ops::call(&services, target.as_deref().map(|t| &t.profile), request)
                    .await
                    .map(Box::new),
            },
            ServerCommand::KeepToken {
                job,
                profile,
                id,
                token,
            } => {
                let path = self.profiles_path();
                let store = Arc::clone(&services.secrets);
                let kept = token.is_some();
                let result =
                    blocking(move || keep_token(path?, store.as_ref(), &profile, id, token))
                        .await
                        .map_err(|e| e.to_string());
                ServerEvent::TokenKept { job, kept, result }
            }
        };
        self.send(event);
    }

    /// Removes the scratch directory, if the setup names one: the worker is stopping.
    pub(super) fn clean_up(&self) {
        if let Some(dir) = &self.setup.scratch_dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }

    /// Opens the keychain now, so its warning (if any) arrives at start-up.
    pub(super) async fn warm_up(self: Arc<Self>) {
        let _ = self.services().await;
    }
}

/// Runs blocking file and keychain work off the async threads.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ProfileError> + Send + 'static,
) -> Result<T, ProfileError> {
    tokio::task::spawn_blocking(work).await.unwrap_or_else(|e| {
        Err(ProfileError::Read {
            path: PathBuf::new(),
            reason: format!("the work stopped: {e}"),
        })
    })
}

fn now(file: ProfilesFile) -> ProfilesNow {
    ProfilesNow {
        file,
        kept: Vec::new(),
        imported: Vec::new(),
    }
}

fn load_with_kept(path: PathBuf, store: &dyn SecretStore) -> Result<ProfilesNow, ProfileError> {
    let file = ProfilesFile::load(&path)?;
    let mut kept = Vec::new();
    for (name, profile) in file.iter() {
        for id in &profile.pinned {
            if let Some(token) = store.get(name, &SecretKind::PinnedToken(id.clone()))? {
                kept.push(KeptToken {
                    profile: name.clone(),
                    id: id.clone(),
                    token,
                });
            }
        }
    }
    Ok(ProfilesNow { kept, ..now(file) })
}

fn save_profile(
    path: PathBuf,
    store: &dyn SecretStore,
    original: Option<ProfileName>,
    name: ProfileName,
    mut profile: Profile,
    secret: SecretChange,
) -> Result<ProfilesNow, ProfileError> {
    let mut file = ProfilesFile::load(&path)?;
    match original {
        None => {
            let given = match &secret {
                SecretChange::Set(s) => Some(s),
                _ => None,
            };
            profiles::add(&mut file, name, profile, given, store)?;
            return Ok(now(file));
        }
        Some(original) => {
            profile.check_http().map_err(ProfileError::BadInput)?;
            if original != name {
                profiles::rename(&mut file, &original, name.clone(), store)?;
            }
            // The pinned ids are the window's bookkeeping, not the form's.
            if let Some(old) = file.get(&name) {
                profile.pinned = old.pinned.clone();
            }
            match &secret {
                SecretChange::Keep => {}
                SecretChange::Set(s) => store.set(&name, &SecretKind::ClientSecret, s)?,
                SecretChange::Remove => {
                    store.delete(&name, &SecretKind::ClientSecret)?;
                }
            }
            file.insert(name, profile);
            file.save()?;
        }
    }
    Ok(now(file))
}

fn keep_token(
    path: PathBuf,
    store: &dyn SecretStore,
    name: &ProfileName,
    id: String,
    token: Option<Sensitive>,
) -> Result<(), ProfileError> {
    let mut file = ProfilesFile::load(&path)?;
    let mut profile = file
        .get(name)
        .cloned()
        .ok_or_else(|| file.not_found(name))?;
    let kind = SecretKind::PinnedToken(id.clone());
    match token {
        Some(token) => {
            secrets::check_size(name, &kind, &token, secrets::PLATFORM_MAX_SECRET_BYTES)?;
            store.set(name, &kind, &token)?;
            if !profile.pinned.contains(&id) {
                profile.pinned.push(id);
            }
        }
        None => {
            store.delete(name, &kind)?;
            profile.pinned.retain(|p| *p != id);
        }
    }
    file.insert(name.clone(), profile);
    file.save()
}
