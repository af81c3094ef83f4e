//! What the user asked for during a frame, and the one place that acts on it.
//!
//! Panels only draw and return intents; `App::apply` changes the workspace, talks to the
//! worker and the clipboard. Keeping every side effect here makes the panels easy to read and
//! the effects easy to find (STYLE.md item 3).

use std::path::PathBuf;

use crate::sensitive::Sensitive;
use crate::token;
use crate::worker::{Command, Samples};

use crate::ui::app::App;
use crate::ui::state::app_state::{Group, Level};
use crate::ui::state::entry::{Body, Entry, EntryId, KeyKind, Verification};
use crate::ui::state::settings::{Tab, ThemeChoice};

/// One thing the user asked for.
#[must_use]
#[derive(Debug, Clone, PartialEq)]
pub enum Intent {
    /// Text pasted from the clipboard: one token, or several from a token response.
    Pasted {
        text: Sensitive,
    },
    /// The Paste button: ask the platform for the clipboard (it arrives as a paste event).
    RequestPaste,
    /// Read a dropped file, or one named in the key form (`key_only`): a key goes to the
    /// selected token's verification form; anything else is added as tokens, if allowed.
    ReadFile {
        path: PathBuf,
        key_only: bool,
    },
    LoadSamples,
    Select(EntryId),
    /// Move the selection up (-1) or down (+1) the list.
    SelectOffset(isize),
    StartRename(EntryId),
    /// Finish renaming: keep the new name, or not.
    FinishRename {
        keep: bool,
    },
    Remove(EntryId),
    ClearAll,
    /// Expectations changed: judge the token again.
    Rejudge(EntryId),
    Verify(EntryId),
    CancelVerify(EntryId),
    /// The key in the verification form changed: the verdict, which belongs to the old key,
    /// is forgotten.
    KeyChanged(EntryId),
    /// Put `text` on the clipboard; `what` says what it was, for the status line.
    Copy {
        text: Sensitive,
        what: String,
    },
    SetTab(Tab),
    SetTheme(ThemeChoice),
    TogglePresenter,
    /// Open (`Some(true)`), close, or flip (`None`) the shortcuts overlay.
    Help(Option<bool>),
    ToggleSidePanel,
    /// Show (or hide again) a token's personal claims in presenter mode.
    RevealPersonal(EntryId, bool),
    /// The Compare tab sets the selected token against this one.
    CompareWith(EntryId),
    /// Profiles, server operations, the exchange log.
    Server(crate::ui::state::servers::ServerIntent),
    /// The Flows window: open it, start or cancel a login, replay one.
    Flow(crate::ui::state::flows::FlowIntent),
}

impl App {
    /// Acts on one intent.
    pub(in crate::ui) fn apply(&mut self, ctx: &egui::Context, intent: Intent) {
        let now = self.now();
        match intent {
            Intent::Pasted { text } => {
                let selected = self.state.selected;
                self.add_text(&text, "the clipboard", selected);
            }
            Intent::RequestPaste => {
                ctx.send_viewport_cmd(egui::ViewportCommand::RequestPaste);
                self.state.paste_asked_in_frame = Some(ctx.cumulative_frame_nr());
                ctx.request_repaint();
            }
            Intent::ReadFile { path, key_only } => {
                let job = self.state.next_job();
                let target = self.state.selected;
                self.state.file_jobs.insert(
                    job,
                    crate::ui::state::app_state::FileJob { target, key_only },
                );
                self.notify(Level::Busy, format!("Reading {}…", file_name(&path)));
                self.send(Command::ReadFile { job, path });
            }
            Intent::LoadSamples => {
                if self.state.samples_job.is_some() {
                    return;
                }
                let job = self.state.next_job();
                self.state.samples_job = Some(job);
                self.notify(
                    Level::Busy,
                    "Signing the sample tokens with a throwaway RSA key…",
                );
                self.send(Command::MakeSamples { job, now });
            }
            Intent::Select(id) => {
                self.state.selected = Some(id);
                // A token chosen takes the centre back from a profile page.
                self.state.servers.close_centre();
                if self.state.renaming.as_ref().is_some_and(|(r, _)| *r != id) {
                    self.state.renaming = None;
                }
                if let Some(e) = self.state.entry_mut(id) {
                    e.judge(now);
                }
            }
            Intent::SelectOffset(delta) => {
                let ids: Vec<EntryId> = self.state.entries.iter().map(|e| e.id).collect();
                let at = self
                    .state
                    .selected
                    .and_then(|s| ids.iter().position(|&i| i == s));
                let next = match at {
                    Some(i) => i
                        .saturating_add_signed(delta)
                        .min(ids.len().saturating_sub(1)),
                    None => 0,
                };
                if let Some(&id) = ids.get(next) {
                    self.apply(ctx, Intent::Select(id));
                }
            }
            Intent::StartRename(id) => {
                let label = self
                    .state
                    .entry(id)
                    .map(|e| e.label.clone())
                    .unwrap_or_default();
                self.state.renaming = Some((id, label));
            }
            Intent::FinishRename { keep } => {
                if let Some((id, name)) = self.state.renaming.take()
                    && keep
                    && !name.trim().is_empty()
                    && let Some(e) = self.state.entry_mut(id)
                {
                    e.label = name.trim().to_string();
                }
            }
            Intent::Remove(id) => self.remove(id),
            Intent::ClearAll => {
                let ids: Vec<EntryId> = self.state.entries.iter().map(|e| e.id).collect();
                for id in ids {
                    self.remove(id);
                }
                self.state.confirm_clear = false;
                self.notify(Level::Info, "Workspace cleared");
            }
            Intent::Rejudge(id) => {
                if let Some(e) = self.state.entry_mut(id) {
                    e.judge(now);
                }
            }
            Intent::Verify(id) => self.verify(id),
            Intent::KeyChanged(id) => self.forget_verdict(id),
            Intent::CancelVerify(id) => {
                let job = self.state.entry_mut(id).and_then(|e| {
                    e.verification.trying = None;
                    e.verification.running.take()
                });
                if let Some(job) = job {
                    self.send(Command::Cancel(job));
                    self.notify(Level::Info, "Verification cancelled");
                }
            }
            Intent::Copy { text, what } => {
                ctx.copy_text(text.into_inner());
                self.notify(Level::Info, format!("Copied {what}"));
            }
            Intent::SetTab(tab) => self.settings.tab = tab,
            Intent::CompareWith(id) => self.state.compare_with = Some(id),
            Intent::Flow(intent) => self.apply_flow(ctx, intent),
            Intent::SetTheme(theme) => {
                self.settings.theme = theme;
                ctx.set_theme(theme.preference());
            }
            Intent::TogglePresenter => {
                self.settings.presenter = !self.settings.presenter;
                // Each time presenter mode starts, personal claims start hidden again.
                for entry in &mut self.state.entries {
                    entry.reveal_personal = false;
                }
                let words = if self.settings.presenter {
                    "Presenter mode on: tokens, signatures, secrets and personal claims are masked"
                } else {
                    "Presenter mode off"
                };
                self.notify(Level::Info, words);
            }
            Intent::Help(open) => self.state.help_open = open.unwrap_or(!self.state.help_open),
            Intent::RevealPersonal(id, reveal) => {
                if let Some(e) = self.state.entry_mut(id) {
                    e.reveal_personal = reveal;
                }
            }
            Intent::Server(intent) => self.apply_server(ctx, intent),
            Intent::ToggleSidePanel => {
                self.settings.show_side_panel = !self.settings.show_side_panel
            }
        }
    }

    /// Normalises `text` and adds every token in it, grouped when there are several.
    /// A key among them goes to `key_for`'s verification form instead: the token selected
    /// when it was pasted or dropped.
    pub(in crate::ui) fn add_text(&mut self, text: &str, origin: &str, key_for: Option<EntryId>) {
        if crate::jose::keys::looks_like_key(text) {
            self.load_key_file(key_for, origin, text.to_string());
            return;
        }
        let now = self.now();
        let normalized = match token::normalize(text) {
            Ok(n) => n,
            Err(e) => {
                self.notify(Level::Error, format!("Nothing added from {origin}: {e}"));
                return;
            }
        };
        let grouped = normalized.tokens.len() > 1 || !normalized.response_fields.is_empty();
        let group = grouped.then(|| {
            let id = self.state.next_job();
            let details = normalized
                .response_fields
                .iter()
                .map(|(k, v)| {
                    format!(
                        "{k}: {}",
                        v.as_str().map_or_else(|| v.to_string(), str::to_string)
                    )
                })
                .collect();
            self.state.groups.push(Group {
                id,
                title: format!("Token response · {}", clock_time(now)),
                details,
            });
            id
        });
        let mut first = None;
        let count = normalized.tokens.len();
        for found in normalized.tokens {
            let id = self.state.next_job();
            // Where in the paste the token was is said with what was stripped around it.
            let mut stripped = normalized.stripped.clone();
            stripped.extend(found.context.map(|place| format!("found in {place}")));
            let mut entry = Entry::new(
                id,
                found.token.into(),
                found.label,
                stripped,
                now,
                self.settings.default_leeway,
            );
            entry.group = group;
            entry.label = self.state.unique_label(&base_label(&entry));
            first.get_or_insert(id);
            self.state.entries.push(entry);
        }
        self.state.selected = first.or(self.state.selected);
        if first.is_some() {
            self.state.servers.close_centre();
        }
        let malformed = self
            .state
            .selected
            .and_then(|id| self.state.entry(id))
            .is_some_and(|e| matches!(e.body, Body::Malformed(_)));
        if malformed {
            self.notify(
                Level::Error,
                format!("The token from {origin} cannot be read: see the error"),
            );
        } else if count > 1 {
            self.notify(Level::Info, format!("Added {count} tokens from {origin}"));
        } else {
            self.notify(Level::Info, format!("Added a token from {origin}"));
        }
    }

    /// The sample tokens arrived from the worker: add them with their key and verify them.
    pub(in crate::ui) fn add_samples(&mut self, samples: Samples) {
        let now = self.now();
        let group = self.state.next_job();
        self.state.groups.push(Group {
            id: group,
            title: "Samples · signed at start-up".into(),
            details: vec![
                "Signed with a throwaway RSA key; its public JWK is pre-filled for verification"
                    .into(),
            ],
        });
        let mut ids = Vec::new();
        for (raw, label) in [
            (samples.access_token, "Sample access token"),
            (samples.id_token, "Sample ID token (expired)"),
        ] {
            let id = self.state.next_job();
            let mut entry = Entry::new(
                id,
                raw.into(),
                None,
                Vec::new(),
                now,
                self.settings.default_leeway,
            );
            entry.group = Some(group);
            entry.label = self.state.unique_label(label);
            entry.key.kind = KeyKind::KeyText;
            entry.key.key_text = samples.public_jwk.clone().into();
            entry.expect.audience = "https://api.example.com".into();
            if label.contains("ID token") {
                entry.expect.audience = "tokenscope-demo".into();
            }
            entry.judge(now);
            ids.push(id);
            self.state.entries.push(entry);
        }
        self.state.selected = ids.first().copied();
        for id in ids {
            self.verify(id);
        }
        self.notify(
            Level::Info,
            "Loaded two sample tokens signed with a throwaway key",
        );
    }

    fn verify(&mut self, id: EntryId) {
        let job = self.state.next_job();
        let Some(entry) = self.state.entry_mut(id) else {
            return;
        };
        let Some(jws) = entry.jws_for_worker() else {
            self.notify(
                Level::Warn,
                "Only a signed JWT (JWS) has a signature to verify",
            );
            return;
        };
        let Some(source) = entry.key.source() else {
            self.notify(
                Level::Warn,
                "Give a key first: a secret, a PEM/JWK/JWKS, a JWKS URL or an issuer",
            );
            return;
        };
        if let Some(old) = entry.verification.running.replace(job) {
            self.send(Command::Cancel(old));
        }
        let Some(entry) = self.state.entry_mut(id) else {
            return;
        };
        entry.verification.trying = Some(source.describe());
        let words = format!("Verifying with {}…", source.describe());
        self.send(Command::Verify { job, jws, source });
        self.notify(Level::Busy, words);
    }

    /// Forgets the verdict of `id` and cancels a verification still running: both belong to a
    /// key the form no longer holds, and a stale "invalid" under a new key misleads.
    ///
    /// A changed key is not verified at once: while a key is typed it is incomplete (each
    /// keystroke would flash "invalid"), and a JWKS URL or an issuer goes to the network,
    /// which happens only when the user presses Verify. The form says the key is not verified
    /// yet, so one press gives the verdict that belongs to the key on screen.
    pub(in crate::ui) fn forget_verdict(&mut self, id: EntryId) {
        let now = self.now();
        let Some(entry) = self.state.entry_mut(id) else {
            return;
        };
        let had_verdict = entry.verification.verdict.is_some();
        let running = entry.verification.running.take();
        entry.verification = Verification::default();
        if had_verdict {
            entry.judge(now);
        }
        if let Some(job) = running {
            self.send(Command::Cancel(job));
        }
    }

    fn remove(&mut self, id: EntryId) {
        let Some(at) = self.state.entries.iter().position(|e| e.id == id) else {
            return;
        };
        let entry = self.state.entries.remove(at);
        if let Some(job) = entry.verification.running {
            self.send(Command::Cancel(job));
        }
        if let Some((job, _)) = self.state.servers.running_for(id) {
            self.state.servers.jobs.remove(&job);
            self.send(Command::Cancel(job));
        }
        if self.state.renaming.as_ref().is_some_and(|(r, _)| *r == id) {
            self.state.renaming = None;
        }
        if let Some(group) = entry.group
            && !self.state.entries.iter().any(|e| e.group == Some(group))
        {
            self.state.groups.retain(|g| g.id != group);
            self.state.servers.groups.remove(&group);
        }
        if self.state.selected == Some(id) {
            let next = at.min(self.state.entries.len().saturating_sub(1));
            self.state.selected = self.state.entries.get(next).map(|e| e.id);
        }
        self.notify(Level::Info, format!("Removed {}", entry.label));
    }
}

/// "access token", or what the token turned out to be.
fn base_label(entry: &Entry) -> String {
    match entry.source.as_deref() {
        Some("access_token") => "Access token".into(),
        Some("id_token") => "ID token".into(),
        Some("refresh_token") => "Refresh token".into(),
        Some(other) => other.replace('_', " "),
        None => entry.kind_label().to_string(),
    }
}

/// "14:03:22" in local time.
pub(in crate::ui) fn clock_time(now: i64) -> String {
    let local = token::time::HumanTime::new(now, now).local();
    local.split(' ').nth(1).unwrap_or(&local).to_string()
}

/// A file's name as the status line says it.
pub(in crate::ui) fn file_name(path: &std::path::Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}
