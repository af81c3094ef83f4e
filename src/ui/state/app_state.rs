//! The window's run-time state: the workspace's tokens and groups, the selection, the status
//! line's notice and the background jobs it waits for. Never saved (see `settings`).

use std::collections::HashMap;

use crate::worker::JobId;

use crate::ui::state::entry::{Entry, EntryId};
use crate::ui::state::servers::ServersState;

/// Everything the window holds at run time and never saves: tokens, keys, jobs.
#[derive(Default)]
pub struct AppState {
    pub entries: Vec<Entry>,
    /// The token the Compare tab sets the selected one against.
    pub compare_with: Option<EntryId>,
    pub selected: Option<EntryId>,
    pub groups: Vec<Group>,
    /// The entry being renamed and the name typed so far.
    pub renaming: Option<(EntryId, String)>,
    pub confirm_clear: bool,
    pub help_open: bool,
    pub notice: Option<Notice>,
    pub samples_job: Option<JobId>,
    /// Files being read, each with the entry selected when it was asked for (a key file goes
    /// to that entry's verification form).
    pub file_jobs: HashMap<JobId, FileJob>,
    /// The jobs the window was started with (the samples, files named on the command line).
    /// While they run and nothing is selected, the centre says what it is opening rather than
    /// showing the first-run page for the moment until they land.
    pub launch_jobs: Vec<JobId>,
    /// The window is wide enough for the key panel beside the token (see `shell::layout`).
    pub key_panel_fits: bool,
    /// The frame in which the Paste button asked the platform for the clipboard.
    pub paste_asked_in_frame: Option<u64>,
    /// Profiles, server jobs, fetched groups and the exchange log.
    pub servers: ServersState,
    /// Logins through the browser or another device, and the profiles to start them with.
    pub flows: crate::ui::state::flows::Flows,
    next_id: u64,
}

/// A file being read for the workspace (dropped) or for a key form (named there).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileJob {
    pub target: Option<EntryId>,
    /// Named in the key form: anything but a key is refused, never added as a token (a
    /// file holding a bare secret would otherwise be shown as one).
    pub key_only: bool,
}

/// The launch's jobs still running (`AppState::opening_at_launch`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Opening {
    /// The sample tokens are being signed.
    pub samples: bool,
    /// Files named on the command line still being read.
    pub files: usize,
}

/// Tokens pasted together, as one token-endpoint response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub id: u64,
    pub title: String,
    /// The response's other members (`token_type: Bearer`, `expires_in: 300` …).
    pub details: Vec<String>,
}

/// The status line's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub level: Level,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    /// Background work started; the status line shows what is still running on its own.
    Busy,
    Warn,
    Error,
}

impl AppState {
    /// A fresh id for an entry, a group or a job.
    pub fn next_job(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    #[must_use]
    pub fn entry(&self, id: EntryId) -> Option<&Entry> {
        self.entries.iter().find(|e| e.id == id)
    }

    pub fn entry_mut(&mut self, id: EntryId) -> Option<&mut Entry> {
        self.entries.iter_mut().find(|e| e.id == id)
    }

    /// `base`, or `base 2`, `base 3` … when the name is taken.
    #[must_use]
    pub fn unique_label(&self, base: &str) -> String {
        let taken = |name: &str| self.entries.iter().any(|e| e.label == name);
        if !taken(base) {
            return base.to_string();
        }
        (2..)
            .map(|n| format!("{base} {n}"))
            .find(|n| !taken(n))
            .unwrap_or_default()
    }

    /// What the window is still opening from its launch, if anything.
    #[must_use]
    pub fn opening_at_launch(&self) -> Option<Opening> {
        let samples = self
            .samples_job
            .is_some_and(|job| self.launch_jobs.contains(&job));
        let files = self
            .launch_jobs
            .iter()
            .filter(|job| self.file_jobs.contains_key(job))
            .count();
        (samples || files > 0).then_some(Opening { samples, files })
    }

    /// Verifications, file reads and server calls still running.
    #[must_use]
    pub fn background_jobs(&self) -> usize {
        self.entries
            .iter()
            .filter(|e| e.verification.running.is_some())
            .count()
            + self.file_jobs.len()
            + usize::from(self.samples_job.is_some())
            + self.servers.calls_running()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_launchs_own_jobs_stand_in_for_the_first_run_page() {
        let mut state = AppState::default();
        assert_eq!(state.opening_at_launch(), None);
        let launch_file = state.next_job();
        let dropped = state.next_job();
        for job in [launch_file, dropped] {
            let file = FileJob {
                target: None,
                key_only: false,
            };
            state.file_jobs.insert(job, file);
        }
        state.launch_jobs = vec![launch_file];
        let one_file = Opening {
            samples: false,
            files: 1,
        };
        assert_eq!(state.opening_at_launch(), Some(one_file));

        // The launch's file has landed; a file dropped since, or samples asked for since, do
        // not bring the launch's line back: the first-run page waits for them.
        state.file_jobs.remove(&launch_file);
        state.samples_job = Some(state.next_job());
        assert_eq!(state.opening_at_launch(), None);
    }
}
