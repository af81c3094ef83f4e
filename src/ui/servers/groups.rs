//! The workspace groups a profile's server fills: a fetch's, a refresh's (when its tokens
//! had no group yet) and a browser or device login's, each known to the server side so
//! Refresh, Keep alive and the rotation timeline work on its tokens.

use crate::oauth::grants::TokenResponse;
use crate::profiles::ProfileName;
use crate::ui::app::App;
use crate::ui::state::app_state::Group;
use crate::ui::state::intent::clock_time;
use crate::ui::state::servers::FetchedGroup;

impl App {
    /// A new workspace group for the tokens a profile's server just gave ("fetched",
    /// "refreshed", "logged in"), known to the server side so Refresh and Keep alive work on it.
    pub(super) fn new_fetched_group(
        &mut self,
        profile: &ProfileName,
        how: &str,
        tokens: &TokenResponse,
        client_credentials: bool,
    ) -> u64 {
        let id = self.state.next_job();
        let now = self.now();
        self.state.groups.push(Group {
            id,
            title: format!("{profile} · {how} {}", clock_time(now)),
            details: response_details(tokens),
        });
        self.state.servers.groups.insert(
            id,
            FetchedGroup {
                profile: profile.clone(),
                client_credentials,
                timeline: Vec::new(),
            },
        );
        id
    }

    /// The tokens of a browser or device login: a group of the profile's like a fetch's, so
    /// Refresh, Keep alive and the rotation timeline work on them. Returns the group.
    pub(in crate::ui) fn place_login(
        &mut self,
        profile: &ProfileName,
        tokens: &TokenResponse,
        skew: Option<i64>,
    ) -> u64 {
        let group = self.new_fetched_group(profile, "logged in", tokens, false);
        let first = self.place_response(group, profile, tokens, skew);
        self.state.selected = Some(first);
        group
    }
}

/// The token response's own words under the group's title.
fn response_details(tokens: &TokenResponse) -> Vec<String> {
    let mut details = vec![format!("token_type: {}", tokens.token_type)];
    if let Some(s) = tokens.expires_in {
        details.push(format!("expires_in: {s}"));
    }
    if let Some(scope) = &tokens.scope {
        details.push(format!("scope: {scope}"));
    }
    details
}
