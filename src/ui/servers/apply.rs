//! The user's server intents become worker commands here, each registered as a job so its
//! answer finds its way back (and a cancelled one is dropped). Keep alive's timer fires here.

use crate::oauth::endpoints::TokenTypeHint;
use crate::ops::{CallRequest, FetchRequest, Grant, RefreshRequest, RefreshSource, Target};
use crate::profiles::ProfileName;
use crate::worker::servers::SecretChange;
use crate::worker::{Command, ServerCommand};

use crate::ui::app::App;
use crate::ui::state::app_state::Level;
use crate::ui::state::entry::{Entry, EntryId};
use crate::ui::state::servers::{
    FetchGrant, KeepAlive, ProfileForm, ServerIntent, ServerJob, TokenOp, fingerprint,
};

use super::actions::Renewal;

impl App {
    /// The server profiles' names, as last read (tests read the Servers area through this).
    #[must_use]
    pub fn profile_names(&self) -> Vec<String> {
        self.state
            .servers
            .names()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    /// Server jobs of any kind still waiting for their answer.
    #[must_use]
    pub fn server_jobs(&self) -> usize {
        self.state.servers.jobs.len()
    }

    fn server_send(&mut self, job: u64, what: ServerJob, command: ServerCommand) {
        self.state.servers.jobs.insert(job, what);
        self.send(Command::Server(command));
    }

    /// Asks the worker for the profiles (at start-up).
    pub(in crate::ui) fn load_profiles(&mut self) {
        let job = self.state.next_job();
        self.server_send(
            job,
            ServerJob::Profiles { open: None },
            ServerCommand::LoadProfiles { job },
        );
    }

    /// The target for `name`: the profile as last read.
    fn target(&self, name: &ProfileName) -> Option<Target> {
        Some(Target {
            name: name.clone(),
            profile: self.state.servers.profile(name)?.clone(),
        })
    }

    /// Acts on one server intent.
    pub(in crate::ui) fn apply_server(&mut self, ctx: &egui::Context, intent: ServerIntent) {
        let servers = &mut self.state.servers;
        match intent {
            ServerIntent::NewProfile => {
                servers.form = Some(ProfileForm::new_profile());
                servers.import_text = None;
                servers.profile_error = None;
            }
            ServerIntent::Edit(name) => {
                if let Some(p) = servers.profile(&name) {
                    servers.form = Some(ProfileForm::of(&name, p));
                    servers.profile_error = None;
                }
            }
            ServerIntent::Duplicate(name) => {
                if let Some(p) = servers.profile(&name) {
                    let mut copy = p.clone();
                    copy.pinned.clear();
                    let mut form = ProfileForm::of(&name, &copy);
                    form.original = None;
                    form.name = format!("{name}-copy");
                    servers.form = Some(form);
                    servers.profile_error = None;
                }
            }
            ServerIntent::CloseForm => {
                servers.form = None;
                servers.profile_error = None;
            }
            ServerIntent::SaveForm => self.save_form(),
            ServerIntent::Open(name) => {
                servers.open = Some(name);
                servers.form = None;
                servers.import_text = None;
                servers.profile_error = None;
            }
            ServerIntent::Remove(name) => {
                servers.confirm_remove = None;
                servers.open = None;
                let job = self.state.next_job();
                self.server_send(
                    job,
                    ServerJob::Profiles { open: None },
                    ServerCommand::RemoveProfile { job, name },
                );
            }
            ServerIntent::Discover(name) => {
                let Some(target) = self.target(&name) else {
                    return;
                };
                let job = self.state.next_job();
                self.server_send(
                    job,
                    ServerJob::Discover(name),
                    ServerCommand::Discover {
                        job,
                        target: Box::new(target),
                    },
                );
            }
            ServerIntent::Fetch(name) => self.fetch(&name, None),
            ServerIntent::Export => {
                let text = servers.file.as_ref().map(|f| f.export(&[]));
                match text {
                    Some(Ok(text)) => {
                        ctx.copy_text(text);
                        self.notify(
                            Level::Info,
                            "Copied every profile as TOML (secrets are never in it)",
                        );
                    }
                    Some(Err(e)) => self.notify(Level::Error, e.to_string()),
                    None => {}
                }
            }
            ServerIntent::Import => {
                let Some(text) = servers.import_text.clone() else {
                    return;
                };
                let job = self.state.next_job();
                self.server_send(
                    job,
                    ServerJob::Profiles { open: None },
                    ServerCommand::ImportProfiles { job, text },
                );
            }
            ServerIntent::Act { entry, op } => self.act(entry, op, false),
            ServerIntent::Attach { entry, profile } => {
                if let Some(e) = self.state.entry_mut(entry) {
                    e.server.profile = Some(profile);
                }
            }
            ServerIntent::Cancel(job) => {
                if let Some(what) = self.state.servers.jobs.remove(&job) {
                    self.send(Command::Cancel(job));
                    if let Some(e) = what.entry().and_then(|id| self.state.entry_mut(id))
                        && let Some(keep) = &mut e.server.keep_alive
                    {
                        keep.stopped = Some("cancelled".into());
                    }
                    self.notify(Level::Info, "Cancelled; its answer will be ignored");
                }
            }
            ServerIntent::KeepAlive { entry, on } => {
                let renewal = self.renewal(entry);
                if let Some(e) = self.state.entry_mut(entry) {
                    e.server.keep_alive = on.then(|| KeepAlive {
                        next_at: plan(e),
                        stopped: None,
                    });
                    if on && renewal == Renewal::None {
                        e.server.keep_alive = None;
                    }
                }
            }
            ServerIntent::KeepInKeychain { entry, on } => {
                let Some(e) = self.state.entry(entry) else {
                    return;
                };
                let Some(profile) = e.server.profile.clone() else {
                    return;
                };
                let id = fingerprint(&e.raw);
                let token = on.then(|| e.raw.clone());
                let job = self.state.next_job();
                self.server_send(
                    job,
                    ServerJob::Keep { entry, keep: on },
                    ServerCommand::KeepToken {
                        job,
                        profile,
                        id,
                        token,
                    },
                );
            }
            ServerIntent::CopyCurl(index) => {
                let presenter = self.settings.presenter;
                if let Some(logged) = servers.log.rows.get(index) {
                    let curl = logged.exchange.to_curl(logged.reveal && !presenter);
                    ctx.copy_text(curl);
                    self.notify(Level::Info, "Copied the request as curl");
                }
            }
        }
    }

    fn save_form(&mut self) {
        let servers = &mut self.state.servers;
        let Some(form) = &servers.form else {
            return;
        };
        let (name, profile) = match form.build() {
            Ok(built) => built,
            Err(e) => {
                servers.profile_error = Some(e);
                return;
            }
        };
        let secret = if form.clear_secret {
            SecretChange::Remove
        } else if !form.secret.is_empty() && form.auth_method.needs_secret() {
            SecretChange::Set(form.secret.clone())
        } else {
            SecretChange::Keep
        };
        let original = form.original.clone();
        servers.profile_error = None;
        let job = self.state.next_job();
        self.server_send(
            job,
            ServerJob::Profiles {
                open: Some(name.clone()),
            },
            ServerCommand::SaveProfile {
                job,
                original,
                name,
                profile: Box::new(profile),
                secret,
            },
        );
    }

    /// Fetches with `name`'s Fetch form; `group` is a group to renew (keep alive).
    pub(in crate::ui) fn fetch(&mut self, name: &ProfileName, group: Option<u64>) {
        let Some(target) = self.target(name) else {
            return;
        };
        let form = self
            .state
            .servers
            .fetch_forms
            .get(name)
            .cloned()
            .unwrap_or_default();
        let grant = match form.grant {
            FetchGrant::ClientCredentials => Grant::ClientCredentials,
            FetchGrant::Password => Grant::Password {
                username: form.username.trim().to_string(),
                password: form.password.clone(),
            },
        };
        let nonempty = |s: &str| {
            let s = s.trim();
            (!s.is_empty()).then(|| s.to_string())
        };
        let request = FetchRequest {
            grant,
            scope: nonempty(&form.scope),
            resources: form
                .resource
                .split_whitespace()
                .map(str::to_string)
                .collect(),
            audience: nonempty(&form.audience),
        };
        let job = self.state.next_job();
        self.server_send(
            job,
            ServerJob::Fetch {
                profile: name.clone(),
                group,
            },
            ServerCommand::Fetch {
                job,
                target: Box::new(target),
                request,
            },
        );
        if group.is_none() {
            self.notify(Level::Busy, format!("Fetching a token from {name}…"));
        }
    }

    /// How the group of `id` is renewed: its refresh token, or a new fetch.
    pub(in crate::ui) fn renewal(&self, id: EntryId) -> Renewal {
        let Some(entry) = self.state.entry(id) else {
            return Renewal::None;
        };
        if entry.is_refresh_token() {
            return Renewal::Refresh;
        }
        if let Some(group) = entry.group
            && let Some(fetched) = self.state.servers.groups.get(&group)
        {
            let has_refresh = self
                .state
                .entries
                .iter()
                .any(|e| e.group == Some(group) && e.is_refresh_token());
            return match (has_refresh, fetched.client_credentials) {
                (true, _) => Renewal::Refresh,
                (false, true) => Renewal::Refetch,
                (false, false) => Renewal::None,
            };
        }
        // A pasted token attached to a profile: the profile may keep a refresh token.
        if entry.server.profile.is_some() {
            Renewal::Refresh
        } else {
            Renewal::None
        }
    }

    /// The refresh token of `entry`'s group, if the window has one.
    fn group_refresh_token(&self, entry: &Entry) -> Option<crate::sensitive::Sensitive> {
        if entry.is_refresh_token() {
            return Some(entry.raw.clone());
        }
        let group = entry.group?;
        self.state
            .entries
            .iter()
            .find(|e| e.group == Some(group) && e.is_refresh_token())
            .map(|e| e.raw.clone())
    }

    /// Runs `op` for the token `id`.
    pub(in crate::ui) fn act(&mut self, id: EntryId, op: TokenOp, automatic: bool) {
        if self.state.servers.running_for(id).is_some() {
            return;
        }
        let job = self.state.next_job();
        let Some(entry) = self.state.entry(id) else {
            return;
        };
        let target = entry
            .server
            .profile
            .as_ref()
            .and_then(|name| self.target(name));
        let hint = if entry.is_refresh_token() {
            Some(TokenTypeHint::RefreshToken)
        } else if entry.source.as_deref() == Some("id_token") {
            None
        } else {
            Some(TokenTypeHint::AccessToken)
        };
        let token = entry.raw.clone();
        let command = match (op, target) {
            (TokenOp::CallApi, target) => {
                let form = entry.server.call_form.clone().unwrap_or_default();
                let headers = form
                    .headers
                    .lines()
                    .filter_map(|l| l.split_once(':'))
                    .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
                    .collect();
                let body = (!form.body.is_empty() && form.method != "GET").then_some(form.body);
                ServerCommand::Call {
                    job,
                    target: target.map(Box::new),
                    request: CallRequest {
                        method: form.method,
                        url: form.url.trim().to_string(),
                        headers,
                        body,
                        token: Some(token),
                    },
                }
            }
            (_, None) => return,
            (TokenOp::Introspect, Some(t)) => ServerCommand::Introspect {
                job,
                target: Box::new(t),
                token,
                hint,
            },
            (TokenOp::Revoke, Some(t)) => ServerCommand::Revoke {
                job,
                target: Box::new(t),
                token,
                hint,
            },
            (TokenOp::Userinfo, Some(t)) => ServerCommand::Userinfo {
                job,
                target: Box::new(t),
                token,
            },
            (TokenOp::Refresh, Some(t)) => {
                let source = match self.group_refresh_token(entry) {
                    Some(rt) => RefreshSource::Given(rt),
                    None => RefreshSource::Stored,
                };
                ServerCommand::Refresh {
                    job,
                    target: Box::new(t),
                    request: RefreshRequest {
                        source,
                        scope: None,
                    },
                }
            }
        };
        if let Some(e) = self.state.entry_mut(id) {
            e.server.error = None;
            if op == TokenOp::Revoke || op == TokenOp::Introspect {
                e.server.revoked_at = e.server.revoked_at.filter(|_| op == TokenOp::Introspect);
            }
        }
        self.server_send(
            job,
            ServerJob::Token {
                entry: id,
                op,
                automatic,
            },
            command,
        );
    }

    /// Keep alive: renews every token whose planned moment has come.
    pub(in crate::ui) fn keep_alive_tick(&mut self, now: i64) {
        let due: Vec<EntryId> =
            self.state
                .entries
                .iter()
                .filter(|e| {
                    e.server.keep_alive.as_ref().is_some_and(|k| {
                        k.stopped.is_none() && k.next_at.is_some_and(|at| at <= now)
                    })
                })
                .map(|e| e.id)
                .collect();
        for id in due {
            if self.state.servers.running_for(id).is_some() {
                continue;
            }
            match self.renewal(id) {
                Renewal::Refresh => self.act(id, TokenOp::Refresh, true),
                Renewal::Refetch => {
                    let found = self
                        .state
                        .entry(id)
                        .and_then(|e| Some((e.server.profile.clone()?, e.group?)));
                    if let Some((profile, group)) = found {
                        self.fetch(&profile, Some(group));
                    }
                }
                Renewal::None => {}
            }
            // Planned again when the answer arrives; until then nothing is due.
            if let Some(keep) = self
                .state
                .entry_mut(id)
                .and_then(|e| e.server.keep_alive.as_mut())
            {
                keep.next_at = None;
            }
        }
    }
}

/// When keep alive renews `entry`: 80 % of the way from its start (`iat`, else its arrival)
/// to its expiry.
#[must_use]
pub fn plan(entry: &Entry) -> Option<i64> {
    let live = entry.live()?;
    let exp = live.expires_at.as_ref()?.unix;
    let start = live
        .issued_at
        .as_ref()
        .map(|t| t.unix)
        .or(entry.server.arrived_at)?;
    Some(start + (exp - start).max(0) * 4 / 5)
}
