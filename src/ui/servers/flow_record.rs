//! A fetch or refresh from the Servers area is a flow too: its token request is kept as a
//! one-step run, so the Flow tab of the tokens it produced shows what went over the wire and
//! what the step is for, as it does after a browser or device login.

use crate::oauth::exchange::Exchange;
use crate::oauth::grants::TokenResponse;
use crate::profiles::ProfileName;
use crate::ui::app::App;
use crate::ui::state::flow_run::{FlowKind, FlowRun};

impl App {
    /// Keeps `exchange` as a finished run of `kind` and points the tokens of `group` that
    /// `tokens` brought at it. A login's ID token that a refresh did not replace keeps
    /// pointing at the login.
    pub(super) fn record_token_request(
        &mut self,
        kind: FlowKind,
        profile: &ProfileName,
        exchange: &Exchange,
        tokens: &TokenResponse,
        group: u64,
    ) {
        let brought = [
            Some("access_token"),
            tokens.id_token.as_ref().map(|_| "id_token"),
            tokens.refresh_token.as_ref().map(|_| "refresh_token"),
        ];
        let job = self.state.next_job();
        let run = FlowRun::of_exchanges(kind, profile.as_str(), std::slice::from_ref(exchange));
        self.state.flows.runs.push((job, run));
        let produced: Vec<_> = self
            .state
            .entries
            .iter()
            .filter(|e| e.group == Some(group) && brought.contains(&e.source.as_deref()))
            .map(|e| e.id)
            .collect();
        for id in produced {
            self.state.flows.produced.insert(id, job);
        }
    }
}
