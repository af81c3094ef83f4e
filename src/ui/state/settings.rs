//! What the window remembers between runs: view choices only. This is the one struct eframe
//! persists; tokens, keys, secrets and expectations live in `AppState` and are never saved
//! (STYLE.md item 2). Adding a field here means deciding it is safe on disk.

use serde::{Deserialize, Serialize};

use crate::token::DEFAULT_LEEWAY;

/// The non-secret settings eframe saves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub theme: ThemeChoice,
    /// Kept on once chosen: a presenter who restarts the window should not leak a token.
    pub presenter: bool,
    /// The leeway new tokens start with, in seconds.
    pub default_leeway: u64,
    pub tab: Tab,
    pub show_side_panel: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            theme: ThemeChoice::System,
            presenter: false,
            default_leeway: DEFAULT_LEEWAY,
            tab: Tab::Overview,
            show_side_panel: true,
        }
    }
}

/// Light or dark, or whatever the system says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ThemeChoice {
    System,
    Light,
    Dark,
}

impl ThemeChoice {
    pub const ALL: [Self; 3] = [Self::System, Self::Light, Self::Dark];

    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::System => "System",
            Self::Light => "Light",
            Self::Dark => "Dark",
        }
    }

    #[must_use]
    pub fn preference(self) -> egui::ThemePreference {
        match self {
            Self::System => egui::ThemePreference::System,
            Self::Light => egui::ThemePreference::Light,
            Self::Dark => egui::ThemePreference::Dark,
        }
    }
}

/// The views of the selected token under the header strip.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Tab {
    /// Checks and the claims table.
    Overview,
    Tree,
    Raw,
    /// The selected token against another one.
    Compare,
    /// What its server said: introspection, rotation timeline, userinfo, API calls.
    Server,
    /// The steps of the flow that produced the selected token.
    Flow,
}

impl Tab {
    pub const ALL: [Self; 6] = [
        Self::Overview,
        Self::Tree,
        Self::Raw,
        Self::Compare,
        Self::Server,
        Self::Flow,
    ];

    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Overview => "Checks & claims",
            Self::Tree => "Tree",
            Self::Raw => "Raw",
            Self::Compare => "Compare",
            Self::Server => "Server",
            Self::Flow => "Flow",
        }
    }
}
