//! The application: the frame's layout, global shortcuts, worker events, persistence and the
//! repaint schedule. The state it holds is in `state/`.
//!
//! Repainting: egui draws only on input, on a worker's wake-up, or when this file asks for a
//! timed repaint — at the next moment a visible countdown's text changes (the next second
//! boundary while under an hour). An idle window with no live token never repaints.

use egui::{Key, KeyboardShortcut, Modifiers};

use crate::token::diff::diff;
use crate::worker::{Event, ServerSetup};

use super::background::Background;
use super::flows::compare::{self, Compare};
use super::inspect::hints::KeyPanel;
use super::inspect::{checklist, claims, expect, header, raw, tree, verify};
use super::servers;
use super::shell::{empty, help, layout, status, tabs, toolbar, workspace};
use super::state::app_state::{AppState, FileJob, Level, Notice};
use super::state::entry::{Body, EntryId, KeyKind};
use super::state::intent::{Intent, file_name};
use super::state::settings::{Settings, Tab};
use super::widgets::style;
use super::{Clock, LaunchOptions};

/// The window.
pub struct App {
    pub(super) settings: Settings,
    pub(super) state: AppState,
    background: Background,
    clock: Clock,
}

/// The font atlas's width (see `raw_input_hook`).
const FONT_ATLAS_SIDE: usize = 2048;

impl App {
    /// Builds the window's state: settings from eframe's storage, a worker that wakes egui.
    #[must_use]
    pub fn new(cc: &eframe::CreationContext<'_>, clock: Clock, launch: LaunchOptions) -> Self {
        Self::new_with(cc, clock, launch, ServerSetup::default())
    }

    /// As `new`, with profiles and secrets where `setup` says.
    #[must_use]
    pub fn new_with(
        cc: &eframe::CreationContext<'_>,
        clock: Clock,
        launch: LaunchOptions,
        setup: ServerSetup,
    ) -> Self {
        let settings: Settings = cc
            .storage
            .and_then(|s| eframe::get_value(s, eframe::APP_KEY))
            .unwrap_or_default();
        style::install(&cc.egui_ctx);
        cc.egui_ctx.set_theme(settings.theme.preference());
        let mut app = Self {
            settings,
            state: AppState::default(),
            background: Background::new(setup),
            clock,
        };
        app.load_profiles();
        if launch.open_sample {
            app.apply(&cc.egui_ctx, Intent::LoadSamples);
        }
        for path in launch.files {
            let key_only = false;
            app.apply(&cc.egui_ctx, Intent::ReadFile { path, key_only });
        }
        let state = &mut app.state;
        state.launch_jobs = state
            .samples_job
            .iter()
            .chain(state.file_jobs.keys())
            .copied()
            .collect();
        app
    }

    /// The window with an injected clock and default settings: what the UI tests build.
    /// Secrets stay in memory and profiles go to a fresh directory under the system's
    /// temporary one, so a test never touches the user's keychain or profiles.
    #[must_use]
    pub fn new_for_test(cc: &eframe::CreationContext<'_>, clock: Clock) -> Self {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("tokenscope-ui-test-{}-{n}", std::process::id()));
        let setup = ServerSetup {
            profiles_path: Some(dir.join(crate::profiles::FILE_NAME)),
            secrets: Some(std::sync::Arc::new(crate::secrets::MemoryStore::new())),
            scratch_dir: Some(dir.clone()),
        };
        Self::new_with(cc, clock, LaunchOptions::default(), setup)
    }

    /// Seconds since 1970 by the window's clock.
    #[must_use]
    pub fn now(&self) -> i64 {
        (self.clock)().div_euclid(1000)
    }

    /// Milliseconds since 1970 by the window's clock.
    pub(super) fn now_ms(&self) -> i64 {
        (self.clock)()
    }

    pub(super) fn notify(&mut self, level: Level, text: impl Into<String>) {
        self.state.notice = Some(Notice {
            level,
            text: text.into(),
        });
    }

    pub(super) fn send(&mut self, command: crate::worker::Command) {
        if self.background.send(command).is_err() {
            self.notify(
                Level::Error,
                "Background work is unavailable; nothing was started",
            );
        }
    }

    /// The entries' names, in list order (tests read the workspace through this).
    #[must_use]
    pub fn entry_labels(&self) -> Vec<String> {
        self.state.entries.iter().map(|e| e.label.clone()).collect()
    }

    /// Whether anything sent to the worker, profile loads included, still awaits its answer.
    #[must_use]
    pub fn worker_idle(&self) -> bool {
        self.background_jobs() == 0 && self.state.servers.jobs.is_empty()
    }

    /// Background jobs still running: verifications, file reads, server calls.
    #[must_use]
    pub fn background_jobs(&self) -> usize {
        self.state.background_jobs()
    }

    fn handle_event(&mut self, event: Event) {
        let now = self.now();
        match event {
            Event::Verified { job, verdict } => {
                // No entry waits for this job: it was removed or cancelled. Drop the answer.
                let Some(entry) = self
                    .state
                    .entries
                    .iter_mut()
                    .find(|e| e.verification.running == Some(job))
                else {
                    return;
                };
                entry.verification.running = None;
                entry.verification.used = entry.verification.trying.take();
                let words = format!("{}: {}", entry.label, verdict_words(verdict.status));
                let level = match verdict.status {
                    crate::token::SignatureStatus::Valid => Level::Info,
                    crate::token::SignatureStatus::Invalid => Level::Error,
                    _ => Level::Warn,
                };
                entry.verification.verdict = Some(verdict);
                entry.judge(now);
                // Another token's verdict shows in its own view; the line speaks of this one.
                if self.state.selected == Some(entry.id) {
                    self.notify(level, words);
                }
            }
            Event::FileRead { job, path, result } => {
                let Some(FileJob { target, key_only }) = self.state.file_jobs.remove(&job) else {
                    return;
                };
                let name = file_name(&path);
                match result {
                    Err(e) => self.notify(Level::Error, format!("Cannot use {name}: {e}")),
                    Ok(text) if key_only && !crate::jose::keys::looks_like_key(&text) => self
                        .notify(
                            Level::Error,
                            format!("{name} is not a key file: expected PEM, a JWK or a JWKS"),
                        ),
                    Ok(text) => self.add_text(&text, &name, target),
                }
            }
            Event::Server(event) => self.handle_server_event(event),
            Event::Samples { job, result } => {
                if self.state.samples_job != Some(job) {
                    return;
                }
                self.state.samples_job = None;
                match result {
                    Ok(samples) => self.add_samples(samples),
                    Err(e) => {
                        self.notify(Level::Error, format!("Cannot make the sample tokens: {e}"))
                    }
                }
            }
            Event::Flow(event) => self.handle_flow_event(event),
        }
    }

    pub(super) fn load_key_file(&mut self, target: Option<EntryId>, name: &str, text: String) {
        let entry = target
            .and_then(|id| self.state.entry_mut(id))
            .filter(|e| e.jws().is_some());
        match entry {
            Some(entry) => {
                entry.key.kind = KeyKind::KeyText;
                entry.key.key_text = text.into();
                let id = entry.id;
                let words = format!(
                    "Loaded the key from {name} for {}; press Verify",
                    entry.label
                );
                self.forget_verdict(id);
                self.notify(Level::Info, words);
            }
            None => self.notify(
                Level::Warn,
                format!("{name} holds a key, not a token: select a signed token first, then give the key again"),
            ),
        }
    }

    /// Shortcuts, pastes and drops that belong to the whole window.
    fn global_input(&self, ctx: &egui::Context) -> Vec<Intent> {
        let typing = ctx.text_edit_focused();
        let help_open = self.state.help_open;
        let selected = self.state.selected;
        ctx.input_mut(|i| {
            let mut out = Vec::new();
            let presenter = KeyboardShortcut::new(Modifiers::COMMAND | Modifiers::SHIFT, Key::P);
            if i.consume_shortcut(&presenter) {
                out.push(Intent::TogglePresenter);
            }
            if i.consume_key(Modifiers::NONE, Key::F1) {
                out.push(Intent::Help(None));
            }
            if help_open && i.consume_key(Modifiers::NONE, Key::Escape) {
                out.push(Intent::Help(Some(false)));
            }
            for (key, tab) in [
                (Key::Num1, Tab::Overview),
                (Key::Num2, Tab::Tree),
                (Key::Num3, Tab::Raw),
                (Key::Num4, Tab::Compare),
                (Key::Num5, Tab::Server),
                (Key::Num6, Tab::Flow),
            ] {
                if i.consume_key(Modifiers::COMMAND, key) {
                    out.push(Intent::SetTab(tab));
                }
            }
            if !typing {
                for event in &i.events {
                    match event {
                        egui::Event::Paste(text) => out.push(Intent::Pasted {
                            text: text.as_str().into(),
                        }),
                        egui::Event::Text(t) if t == "?" => out.push(Intent::Help(None)),
                        _ => {}
                    }
                }
            }
            // A clicked card or button keeps keyboard focus; only a text field owns the keys.
            if !typing {
                if i.consume_key(Modifiers::NONE, Key::ArrowUp) {
                    out.push(Intent::SelectOffset(-1));
                }
                if i.consume_key(Modifiers::NONE, Key::ArrowDown) {
                    out.push(Intent::SelectOffset(1));
                }
                if let Some(id) = selected
                    && i.consume_key(Modifiers::NONE, Key::Delete)
                {
                    out.push(Intent::Remove(id));
                }
            }
            for file in &i.raw.dropped_files {
                out.push(Intent::ReadFile {
                    path: file.path().to_path_buf(),
                    key_only: false,
                });
            }
            out
        })
    }

    fn centre(&mut self, ui: &mut egui::Ui, now: i64, intents: &mut Vec<Intent>) {
        let presenter = self.settings.presenter;
        let tab = self.settings.tab;
        let loading = self.state.samples_job.is_some();
        if servers::profiles::wants_centre(&self.state.servers) {
            intents.extend(servers::profiles::show(
                ui,
                &mut self.state.servers,
                presenter,
            ));
            return;
        }
        let (side_panel, fits) = (self.settings.show_side_panel, self.state.key_panel_fits);
        let Some(id) = self.state.selected else {
            match self.state.opening_at_launch() {
                Some(opening) => empty::opening(ui, opening),
                None => intents.extend(empty::first_run(ui, loading)),
            }
            return;
        };
        let compare = (tab == Tab::Compare).then(|| self.compare_for(id));
        let renewal = self.renewal(id);
        // Cloned: the entry below borrows the state for the rest of the frame.
        let flow = (tab == Tab::Flow)
            .then(|| self.state.flows.run_of(id).map(|(j, r)| (j, r.clone())))
            .flatten();
        let Some(entry) = self.state.entries.iter_mut().find(|e| e.id == id) else {
            return;
        };
        if let Body::Malformed(_) = &entry.body {
            intents.extend(empty::malformed(ui, entry, presenter));
            return;
        }
        header::show(ui, entry, presenter, now);
        ui.add_space(4.0);
        let strip = servers::actions::Context { renewal, now };
        intents.extend(servers::actions::show(
            ui,
            &self.state.servers,
            entry,
            &strip,
        ));
        ui.add_space(6.0);
        tabs::tab_row(ui, tab, side_panel, fits, intents);
        ui.separator();
        let personal = claims::Personal::of(entry, presenter);
        let key_panel = if side_panel && fits {
            KeyPanel::Open
        } else {
            KeyPanel::Folded
        };
        match tab {
            Tab::Overview => {
                // One scroll position per token: another token opens at its top, where
                // its failing checks are.
                egui::ScrollArea::vertical()
                    .id_salt(("overview", entry.id))
                    .auto_shrink([false; 2])
                    .show(ui, |ui| {
                        // A nested JWT (cty: JWT) shows the token inside after its wrapper.
                        let mut level = entry.report();
                        while let Some(report) = level {
                            checklist::show(ui, report, key_panel);
                            ui.add_space(12.0);
                            intents.extend(claims::show(ui, report, now, personal));
                            level = report.nested.as_deref();
                            if let Some(inner) = level {
                                ui.add_space(16.0);
                                style::section(ui, "Nested token");
                                ui.weak(format!(
                                    "The payload above is another token: {}.",
                                    inner.token_type_description
                                ));
                                ui.add_space(6.0);
                            }
                        }
                    });
            }
            Tab::Tree => intents.extend(tree::show(ui, entry, now, presenter)),
            Tab::Raw => intents.extend(raw::show(ui, entry, presenter)),
            Tab::Compare => {
                if let Some(compare) = &compare {
                    intents.extend(compare::show(ui, compare, presenter));
                }
            }
            Tab::Server => {
                let group = entry.group.and_then(|g| self.state.servers.groups.get(&g));
                intents.extend(servers::server_tab::show(ui, entry, group, presenter, now));
            }
            Tab::Flow => intents.extend(crate::ui::flows::flows_window::token_tab(
                ui,
                flow.as_ref().map(|(j, r)| (*j, r)),
                now * 1000,
                presenter,
            )),
        }
    }

    /// The Compare tab's choices for the selected token `id`, and its diff against the one
    /// chosen (when that one is still there and readable).
    fn compare_for(&self, id: EntryId) -> Compare {
        let others = self
            .state
            .entries
            .iter()
            .filter(|e| e.id != id && e.report().is_some())
            .map(|e| (e.id, e.label.clone()))
            .collect();
        let chosen = self.state.compare_with.and_then(|other| {
            let a = self.state.entry(id)?.report()?;
            let b = self.state.entry(other).filter(|_| other != id)?;
            Some((other, b.label.clone(), diff(a, b.report()?)))
        });
        Compare { others, chosen }
    }
}

impl eframe::App for App {
    /// egui sizes its font atlas to the widest texture the driver allows: 16 384 pixels under
    /// Mesa's llvmpipe, a 2 MB image kept twice (egui's copy and the driver's) of which this
    /// window's few fonts use a sliver. 2048 (egui's own portable default) fits them all.
    fn raw_input_hook(&mut self, _ctx: &egui::Context, raw_input: &mut egui::RawInput) {
        raw_input.max_texture_side = raw_input
            .max_texture_side
            .map(|side| side.min(FONT_ATLAS_SIDE));
    }

    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        // The window appears after its first frame is drawn; the worker starts after it (see
        // `background`).
        if ctx.cumulative_frame_nr() == 0 {
            ctx.request_repaint();
        } else if let Err(e) = self.background.start(ctx) {
            self.notify(
                Level::Error,
                format!("Background work is unavailable (cannot start a thread: {e}); verification will not run"),
            );
        }
        let events = self.background.drain();
        for event in events {
            self.handle_event(event);
        }
        let intents = self.global_input(ctx);
        if let Some(asked) = self.state.paste_asked_in_frame {
            let pasted = intents.iter().any(|i| matches!(i, Intent::Pasted { .. }));
            // The platform answers a paste request with a paste event in the next frame, or
            // not at all when the clipboard holds no text.
            if ctx.cumulative_frame_nr() > asked {
                self.state.paste_asked_in_frame = None;
                if !pasted {
                    self.notify(
                        Level::Warn,
                        "The clipboard holds no text: copy a token first, then Paste",
                    );
                }
            }
        }
        for intent in intents {
            self.apply(ctx, intent);
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        let now_ms = (self.clock)();

        let now = now_ms.div_euclid(1000);
        let selected = self.state.selected;
        for entry in &mut self.state.entries {
            entry.tick(now, Some(entry.id) == selected);
        }
        self.keep_alive_tick(now);
        let mut intents = Vec::new();

        egui::Panel::top("toolbar")
            .frame(style::panel(ui))
            .show(ui, |ui| {
                intents.extend(toolbar::show(ui, &self.settings, &self.state));
            });
        egui::Panel::bottom("status")
            .frame(style::panel(ui))
            .show(ui, |ui| {
                intents.extend(status::status_line(ui, &self.state));
            });
        let presenter = self.settings.presenter;
        egui::Panel::bottom("exchange-log")
            .frame(style::panel(ui))
            .show(ui, |ui| {
                intents.extend(servers::exchange_log::show(
                    ui,
                    &mut self.state.servers,
                    presenter,
                ));
            });
        let window = ui.max_rect().width();
        let workspace_width = egui::Panel::left("workspace")
            .frame(style::panel(ui))
            .resizable(true)
            .default_size(290.0)
            .size_range(layout::workspace_range(window))
            .show(ui, |ui| {
                egui::Panel::top("servers-list")
                    .frame(egui::Frame::new())
                    .show(ui, |ui| {
                        intents.extend(servers::list::show(ui, &mut self.state.servers));
                        ui.add_space(4.0);
                    });
                intents.extend(workspace::show(ui, &mut self.state));
            })
            .response
            .rect
            .width();
        // The key panel shrinks with the window and folds away where the centre would be
        // squeezed under its minimum: it must never cover the tabs.
        let key_panel = layout::key_panel_range(window, workspace_width);
        self.state.key_panel_fits = key_panel.is_some();
        if let Some(widths) = key_panel.filter(|_| self.settings.show_side_panel)
            && let Some(entry) = selected
                .and_then(|id| self.state.entry_mut(id))
                .filter(|e| e.report().is_some())
        {
            egui::Panel::right("key-and-expectations")
                .frame(style::panel(ui))
                .resizable(true)
                .default_size(330.0)
                .size_range(widths)
                .show(ui, |ui| {
                    egui::ScrollArea::vertical()
                        .auto_shrink([false; 2])
                        .show(ui, |ui| {
                            intents.extend(verify::show(ui, entry, presenter));
                            ui.add_space(10.0);
                            intents.extend(expect::show(ui, entry));
                        });
                });
        }
        egui::CentralPanel::default()
            .frame(style::central(ui))
            .show(ui, |ui| self.centre(ui, now, &mut intents));

        if self.state.flows.open {
            intents.extend(crate::ui::flows::flows_window::show(
                &ctx,
                &self.state.flows,
                self.state.servers.file.as_ref(),
                now_ms,
                presenter,
            ));
        }
        if self.state.help_open {
            intents.extend(help::show(&ctx));
        }
        help::drop_overlay(&ctx);

        for intent in intents {
            self.apply(&ctx, intent);
        }
        self.schedule_repaint(&ctx, now_ms);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, eframe::APP_KEY, &self.settings);
    }

    /// The window background, so panels need not paint one (see `style::panel`).
    fn clear_color(&self, visuals: &egui::Visuals) -> [f32; 4] {
        visuals.panel_fill.to_normalized_gamma_f32()
    }

    /// egui's memory holds text-field state, which can include a typed secret: never saved.
    fn persist_egui_memory(&self) -> bool {
        false
    }
}

fn verdict_words(status: crate::token::SignatureStatus) -> &'static str {
    use crate::token::SignatureStatus as S;
    match status {
        S::Valid => "signature valid",
        S::Invalid => "signature INVALID",
        S::Unverified => "signature not verified (see Verify the signature)",
        S::NotSigned => "not signed",
        S::Unsupported => "signature cannot be checked",
    }
}
