//! A fetch or refresh from the Servers area is a flow too: its token request is kept as a
//! one-step run, so the Flow tab of the tokens it produced shows what went over the wire and
//! what the step is for, as it does after a browser or device login.

use crate::oauth::exchange::Exchange;
use crate::profiles::ProfileName;
use crate::ui::app::App;
use crate::ui::state::flow_run::{FlowKind, FlowRun};

impl App {
    /// Keeps `exchange` as a finished run of `kind` and points every token of `group` at it
    /// (a refresh replaces the run its tokens pointed at; the older run stays in the list).
    pub(super) fn record_token_request(
        &mut self,
        kind: FlowKind,
        profile: &ProfileName,
        exchange: &Exchange,
        group: u64,
    ) {
        let job = self.state.next_job();
        let run = FlowRun::of_exchanges(kind, profile.as_str(), std::slice::from_ref(exchange));
        self.state.flows.runs.push((job, run));
        let produced: Vec<_> = self
            .state
            .entries
            .iter()
            .filter(|e| e.group == Some(group))
            .map(|e| e.id)
            .collect();
        for id in produced {
            self.state.flows.produced.insert(id, job);
        }
    }
}
