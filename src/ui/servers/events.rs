//! The worker's server answers become window state here. An answer whose job is no longer
//! wanted (cancelled, or its token removed) is dropped; exchanges always go to the log.

use crate::oauth::endpoints::{RetryAfter, Revocation, Userinfo};
use crate::oauth::grants::TokenResponse;
use crate::oauth::outcome::Reply;
use crate::ops::{Finding, OpsError, TokenResult};
use crate::profiles::{ProfileError, ProfileName};
use crate::sensitive::Sensitive;
use crate::token::introspection::compare;
use crate::worker::ServerEvent;
use crate::worker::servers::ProfilesNow;

use crate::ui::app::App;
use crate::ui::state::app_state::Level;
use crate::ui::state::entry::{Entry, EntryId};
use crate::ui::state::flow_run::FlowKind;
use crate::ui::state::servers::{
    CallView, IntrospectionView, RotationRow, ServerJob, TokenOp, fingerprint,
};

use super::apply::plan;

/// A token of a token response, placed in the workspace.
struct Arrived<'a> {
    /// `access_token`, `id_token`, `refresh_token`; none for a token kept in the keychain.
    source: Option<&'static str>,
    token: &'a Sensitive,
    known_exp: Option<i64>,
}

impl App {
    /// Applies one server answer.
    pub(in crate::ui) fn handle_server_event(&mut self, event: ServerEvent) {
        match event {
            ServerEvent::KeychainUnavailable(warning) => {
                self.state.servers.keychain_warning = Some(warning);
            }
            // Every exchange is logged, a cancelled job's too: it did go over the wire.
            ServerEvent::Exchange { exchange, .. } => self.state.servers.log.push(*exchange),
            ServerEvent::Profiles { job, result } => {
                let Some(ServerJob::Profiles { open }) = self.state.servers.jobs.remove(&job)
                else {
                    return;
                };
                self.profiles_now(result, open);
            }
            ServerEvent::Discovered {
                job,
                profile,
                result,
            } => {
                if self.state.servers.jobs.remove(&job).is_none() {
                    return;
                }
                let servers = &mut self.state.servers;
                match result {
                    Ok(metadata) => {
                        servers.discovery_errors.remove(&profile);
                        servers.metadata.insert(profile.clone(), metadata);
                        self.notify(Level::Info, format!("Discovered {profile}'s server"));
                    }
                    Err(e) => {
                        servers.discovery_errors.insert(profile.clone(), e);
                        self.notify(Level::Error, format!("Discovery of {profile} failed"));
                    }
                }
            }
            ServerEvent::Fetched { job, result } => {
                let Some(ServerJob::Fetch { profile, group }) =
                    self.state.servers.jobs.remove(&job)
                else {
                    return;
                };
                self.fetched(&profile, group, result);
            }
            other => self.token_answer(other),
        }
    }

    fn profiles_now(
        &mut self,
        result: Result<ProfilesNow, ProfileError>,
        open: Option<ProfileName>,
    ) {
        let servers = &mut self.state.servers;
        match result {
            Ok(now) => {
                servers.file = Some(now.file);
                servers.file_error = None;
                servers.profile_error = None;
                if !now.imported.is_empty() {
                    servers.import_text = None;
                    let names: Vec<String> = now.imported.iter().map(ToString::to_string).collect();
                    self.notify(Level::Info, format!("Imported {}", names.join(", ")));
                }
                if let Some(name) = open {
                    let servers = &mut self.state.servers;
                    servers.form = None;
                    servers.open = Some(name.clone());
                    self.notify(Level::Info, format!("Saved profile {name}"));
                }
                for kept in now.kept {
                    let id = self.place(
                        None,
                        &kept.profile,
                        &Arrived {
                            source: None,
                            token: &kept.token,
                            known_exp: None,
                        },
                    );
                    self.state.selected.get_or_insert(id);
                    if let Some(e) = self.state.entry_mut(id) {
                        e.server.kept = true;
                        e.label = format!("Kept token ({})", kept.profile);
                    }
                }
            }
            Err(e @ (ProfileError::Invalid { .. } | ProfileError::Read { .. })) => {
                servers.file_error = Some(e);
            }
            Err(e) => servers.profile_error = Some(e.to_string()),
        }
    }

    fn fetched(
        &mut self,
        profile: &ProfileName,
        group: Option<u64>,
        result: Result<Box<TokenResult>, OpsError>,
    ) {
        let client_credentials =
            self.state.servers.fetch_forms.get(profile).is_none_or(|f| {
                f.grant == crate::ui::state::servers::FetchGrant::ClientCredentials
            });
        let result = match result {
            Ok(r) => r,
            Err(e) => return self.server_failed(group, &e.to_string()),
        };
        let tokens = match &result.outcome.reply {
            Reply::Success(t) => t,
            Reply::Error(e) => return self.server_failed(group, &e.to_string()),
        };
        let skew = result.clock_skew_seconds();
        let group = group.unwrap_or_else(|| {
            self.new_fetched_group(profile, "fetched", tokens, client_credentials)
        });
        let first = self.place_response(group, profile, tokens, skew);
        // The password grant is a user's login, not the client's own: the one-step view's
        // words are for client credentials alone.
        if client_credentials {
            let exchange = &result.outcome.exchange;
            self.record_token_request(
                FlowKind::ClientCredentials,
                profile,
                exchange,
                tokens,
                group,
            );
        }
        if self.state.servers.open.is_some() || self.state.selected.is_none() {
            self.state.servers.open = None;
            self.state.selected = Some(first);
        }
        let words = warnings(&result.findings);
        self.notify(
            if words.is_empty() {
                Level::Info
            } else {
                Level::Warn
            },
            format!("Fetched a token from {profile}{words}"),
        );
    }

    /// Puts the tokens of `tokens` into `group`, replacing the ones of the same kind (a
    /// refresh token only when a new one came). Returns the access token's entry.
    pub(super) fn place_response(
        &mut self,
        group: u64,
        profile: &ProfileName,
        tokens: &TokenResponse,
        skew: Option<i64>,
    ) -> EntryId {
        let at = |secs: Option<chrono::DateTime<chrono::Utc>>| secs.map(|t| t.timestamp());
        let arrived = [
            Some(Arrived {
                source: Some("access_token"),
                token: &tokens.access_token,
                known_exp: at(tokens.expires_at()),
            }),
            tokens.id_token.as_ref().map(|t| Arrived {
                source: Some("id_token"),
                token: t,
                known_exp: None,
            }),
            tokens.refresh_token.as_ref().map(|t| Arrived {
                source: Some("refresh_token"),
                token: t,
                known_exp: at(tokens.refresh_expires_at()),
            }),
        ];
        let mut first = None;
        for a in arrived.iter().flatten() {
            let id = self.place(Some(group), profile, a);
            if let Some(e) = self.state.entry_mut(id) {
                e.server.arrived_at = Some(tokens.received_at.timestamp());
                e.server.clock_skew = skew;
            }
            first.get_or_insert(id);
        }
        let now = self.now();
        for e in self
            .state
            .entries
            .iter_mut()
            .filter(|e| e.group == Some(group))
        {
            e.judge(now);
            let next = plan(e);
            if let Some(keep) = &mut e.server.keep_alive {
                keep.next_at = next;
            }
        }
        first.unwrap_or_default()
    }

    /// Adds the token `a` to `group` (replacing the one of its kind there), attached to
    /// `profile`; returns its entry.
    fn place(&mut self, group: Option<u64>, profile: &ProfileName, a: &Arrived<'_>) -> EntryId {
        let now = self.now();
        let leeway = self.settings.default_leeway;
        let existing = group.and_then(|g| {
            self.state
                .entries
                .iter()
                .position(|e| e.group == Some(g) && e.source.as_deref() == a.source)
        });
        let id = match existing {
            Some(at) => self.state.entries[at].id,
            None => self.state.next_job(),
        };
        let mut entry = Entry::new(
            id,
            a.token.clone(),
            a.source.map(str::to_string),
            Vec::new(),
            now,
            leeway,
        );
        entry.group = group;
        entry.server.profile = Some(profile.clone());
        entry.server.known_exp = a.known_exp;
        match existing {
            Some(at) => {
                let old = &mut self.state.entries[at];
                entry.label = old.label.clone();
                entry.server.keep_alive = old.server.keep_alive.take();
                entry.server.call_form = old.server.call_form.take();
                entry.server.last_call = old.server.last_call.take();
                entry.expect = old.expect.clone();
                entry.judge(now);
                *old = entry;
            }
            None => {
                let base = match a.source {
                    Some("access_token") => "Access token",
                    Some("id_token") => "ID token",
                    Some("refresh_token") => "Refresh token",
                    _ => "Token",
                };
                entry.label = self.state.unique_label(base);
                entry.judge(now);
                let after =
                    group.and_then(|g| self.state.entries.iter().rposition(|e| e.group == Some(g)));
                match after {
                    Some(at) => self.state.entries.insert(at + 1, entry),
                    None => self.state.entries.push(entry),
                }
            }
        }
        id
    }

    /// A fetch (or keep alive's re-fetch for `group`) failed.
    fn server_failed(&mut self, group: Option<u64>, words: &str) {
        if let Some(g) = group {
            for e in self.state.entries.iter_mut().filter(|e| e.group == Some(g)) {
                if let Some(keep) = &mut e.server.keep_alive {
                    keep.stopped = Some(words.to_string());
                }
            }
        }
        self.notify(Level::Error, format!("Fetch failed: {words}"));
    }

    /// Answers about one token (introspect, refresh, revoke, userinfo, call, keep).
    fn token_answer(&mut self, event: ServerEvent) {
        let job = match &event {
            ServerEvent::Refreshed { job, .. }
            | ServerEvent::Introspected { job, .. }
            | ServerEvent::Revoked { job, .. }
            | ServerEvent::Userinfo { job, .. }
            | ServerEvent::Called { job, .. }
            | ServerEvent::TokenKept { job, .. } => *job,
            _ => return,
        };
        let Some(what) = self.state.servers.jobs.remove(&job) else {
            return;
        };
        let Some(id) = what.entry() else {
            return;
        };
        let automatic = matches!(
            what,
            ServerJob::Token {
                automatic: true,
                ..
            }
        );
        let now = self.now();
        let failure: Option<String> = match event {
            ServerEvent::Refreshed { result, .. } => self.refreshed(id, result, automatic),
            ServerEvent::Introspected { result, .. } => match result {
                Err(e) => Some(e.to_string()),
                Ok(answer) => {
                    let entry = self.state.entry_mut(id);
                    match (entry, &answer.outcome.reply) {
                        (None, _) => None,
                        (Some(_), Reply::Error(e)) => Some(e.to_string()),
                        (Some(entry), Reply::Success(i)) => {
                            let empty = serde_json::Map::new();
                            let claims = entry
                                .report()
                                .and_then(|r| r.payload.as_object())
                                .unwrap_or(&empty);
                            let differences = match (i.active, i.raw.as_object()) {
                                (true, Some(raw)) if !claims.is_empty() => compare(claims, raw),
                                _ => Vec::new(),
                            };
                            if i.active && entry.server.known_exp.is_none() {
                                entry.server.known_exp = i.exp;
                            }
                            entry.server.clock_skew = answer.clock_skew_seconds();
                            entry.server.introspection = Some(IntrospectionView {
                                at: now,
                                active: i.active,
                                raw: i.raw.clone(),
                                differences,
                            });
                            entry.judge(now);
                            None
                        }
                    }
                }
            },
            ServerEvent::Revoked { result, .. } => match result {
                Err(e) => Some(e.to_string()),
                Ok(answer) => match &answer.outcome.reply {
                    Reply::Error(e) => Some(e.to_string()),
                    Reply::Success(Revocation::Accepted) => {
                        if let Some(e) = self.state.entry_mut(id) {
                            e.server.revoked_at = Some(now);
                        }
                        None
                    }
                    Reply::Success(Revocation::Unavailable { retry_after }) => Some(format!(
                        "the revocation endpoint answered 503: the token was NOT revoked; {}",
                        match retry_after {
                            Some(RetryAfter::Seconds(s)) => format!("try again in {s} s"),
                            Some(RetryAfter::At(t)) => format!("try again after {t}"),
                            None => "try again later".into(),
                        }
                    )),
                },
            },
            ServerEvent::Userinfo { result, .. } => match result {
                Err(e) => Some(e.to_string()),
                Ok(answer) => match &answer.outcome.reply {
                    Reply::Error(e) => Some(e.to_string()),
                    Reply::Success(info) => {
                        if let Some(e) = self.state.entry_mut(id) {
                            e.server.userinfo = Some(match info {
                                Userinfo::Claims(map) => serde_json::Value::Object(map.clone()),
                                Userinfo::Jwt(_) => serde_json::Value::String(
                                    "a signed or encrypted userinfo JWT (see the exchange log)"
                                        .into(),
                                ),
                            });
                        }
                        self.settings.tab = crate::ui::state::settings::Tab::Server;
                        None
                    }
                },
            },
            ServerEvent::Called { result, .. } => match result {
                Err(e) => Some(e.to_string()),
                Ok(called) => {
                    let response = &called.outcome.response;
                    let view = CallView {
                        method: called.outcome.exchange.method.clone(),
                        url: called.outcome.exchange.url.clone(),
                        status: response.status,
                        body: called
                            .outcome
                            .exchange
                            .response_body_text(false)
                            .unwrap_or_default(),
                        sentences: called.sentences(),
                    };
                    if let Some(e) = self.state.entry_mut(id) {
                        e.server.last_call = Some(view);
                        e.server.clock_skew = called.clock_skew_seconds().or(e.server.clock_skew);
                        e.judge(now);
                    }
                    None
                }
            },
            ServerEvent::TokenKept { kept, result, .. } => match result {
                Err(e) => Some(format!("the keychain refused: {e}")),
                Ok(()) => {
                    if let Some(e) = self.state.entry_mut(id) {
                        e.server.kept = kept;
                    }
                    let words = if kept {
                        "Kept the token in the keychain: it comes back at the next start"
                    } else {
                        "Removed the token from the keychain"
                    };
                    self.notify(Level::Info, words);
                    None
                }
            },
            _ => None,
        };
        let op = match what {
            ServerJob::Token { op, .. } => Some(op),
            _ => None,
        };
        let Some(entry) = self.state.entry_mut(id) else {
            return;
        };
        match failure {
            Some(words) => {
                if let Some(keep) = &mut entry.server.keep_alive {
                    keep.stopped = Some(words.clone());
                }
                let what = op.map_or("Keep in keychain", TokenOp::label);
                entry.server.error = Some(format!("{what} failed: {words}"));
                self.notify(Level::Error, format!("{what} failed"));
            }
            None => {
                if let Some(op) = op {
                    let label = entry.label.clone();
                    self.notify(Level::Info, format!("{}: {label}", op.label()));
                }
            }
        }
    }

    /// A refresh answered: the group gets the new tokens and a timeline row. Returns the
    /// failure in words.
    fn refreshed(
        &mut self,
        id: EntryId,
        result: Result<Box<TokenResult>, OpsError>,
        automatic: bool,
    ) -> Option<String> {
        let result = match result {
            Ok(r) => r,
            Err(e) => return Some(e.to_string()),
        };
        let tokens = match &result.outcome.reply {
            Reply::Success(t) => t,
            Reply::Error(e) => {
                let dead = result.findings.contains(&Finding::RefreshTokenDead);
                return Some(if dead {
                    format!(
                        "{e}. The refresh token is dead (expired, revoked or already used): fetch a new token"
                    )
                } else {
                    e.to_string()
                });
            }
        };
        let entry = self.state.entry(id)?;
        let profile = entry.server.profile.clone()?;
        let old = self.group_refresh_fingerprint(entry);
        let group = match entry
            .group
            .filter(|g| self.state.servers.groups.contains_key(g))
        {
            Some(g) => g,
            None => self.new_fetched_group(&profile, "refreshed", tokens, false),
        };
        let skew = result.clock_skew_seconds();
        let access = self.place_response(group, &profile, tokens, skew);
        self.record_token_request(
            FlowKind::Refresh,
            &profile,
            &result.outcome.exchange,
            tokens,
            group,
        );
        let access_expires_at = self
            .state
            .entry(access)
            .and_then(|e| e.live()?.expires_at.as_ref().map(|t| t.unix));
        let row = RotationRow {
            at: self.now(),
            old: old.unwrap_or_else(|| "stored".into()),
            new: tokens.refresh_token.as_ref().map(fingerprint),
            access_expires_at,
            automatic,
        };
        if let Some(g) = self.state.servers.groups.get_mut(&group) {
            g.timeline.push(row);
        }
        None
    }

    fn group_refresh_fingerprint(&self, entry: &Entry) -> Option<String> {
        if entry.is_refresh_token() {
            return Some(fingerprint(&entry.raw));
        }
        let g = entry.group?;
        self.state
            .entries
            .iter()
            .find(|e| e.group == Some(g) && e.is_refresh_token())
            .map(|e| fingerprint(&e.raw))
    }
}

/// The warnings among `findings`, as " (…; …)".
fn warnings(findings: &[Finding]) -> String {
    let words: Vec<String> = findings
        .iter()
        .filter(|f| f.is_warning())
        .map(ToString::to_string)
        .collect();
    if words.is_empty() {
        String::new()
    } else {
        format!(" ({})", words.join("; "))
    }
}
