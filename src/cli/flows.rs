//! `tokenscope fetch --grant authorization_code | device_code`: the interactive grants.
//! What the user must act on goes to stderr as it happens — the authorization URL on a line
//! of its own (so it can be copied or read by a script), the device's user code and
//! verification URI — and the answer is printed as `fetch` prints it.

use super::Status;
use super::fetch::{FetchArgs, GrantArg, print_tokens, scope_of};
use super::human::escape;
use super::server::{Keychain, Session, early_failure};
use crate::oauth::flow::{CancelToken, FlowStep, Handoff};
use crate::oauth::grants::device::{PollStatus, TokioClock};
use crate::ops::{self, FlowRequest};
use crate::token::time::duration;

/// Runs `fetch` with an interactive grant.
pub(super) fn run(args: &FetchArgs) -> Status {
    let bad = |m: &str| early_failure(&args.opts, (Status::BadInput, m.to_string()));
    if args.username.is_some() || args.password_stdin {
        return bad("--username and --password-stdin belong to --grant password");
    }
    if args.no_browser && args.grant == GrantArg::DeviceCode {
        return bad(
            "--no-browser belongs to --grant authorization_code (the device grant opens no browser here)",
        );
    }
    let session = match Session::start(&args.opts, Keychain::Needed) {
        Ok(s) => s,
        Err(fail) => return early_failure(&args.opts, fail),
    };
    let target = match session.target(&args.profile) {
        Ok(t) => t,
        Err(fail) => return early_failure(&args.opts, fail),
    };
    let request = FlowRequest {
        scope: scope_of(&args.scopes),
        resources: args.resources.clone(),
        ..FlowRequest::default()
    };
    // Ctrl-C ends the process, and with it the listener and the polling: nothing to cancel.
    let cancel = CancelToken::new();
    let result = if args.grant == GrantArg::DeviceCode {
        session.block_on(ops::device_login(
            &session.services,
            &target,
            request,
            &TokioClock::default(),
            &cancel,
            tell,
        ))
    } else {
        let no_browser = args.no_browser;
        let opener = move |url: &str| {
            if no_browser {
                Handoff::LeftToUser
            } else {
                ops::open_system_browser(url)
            }
        };
        session.block_on(ops::log_in(
            &session.services,
            &target,
            request,
            &opener,
            &cancel,
            tell,
        ))
    };
    match result {
        Ok(flow) => {
            let status = print_tokens(&session, &flow.tokens, flow.id_token.as_ref());
            if flow.exit_status() == 1 {
                status.max(Status::Rejected)
            } else {
                status
            }
        }
        Err(e) => session.failed(&e),
    }
}

/// Tells the user, on stderr, what a step asks of them. The failure itself is printed once,
/// at the end, with the rest of the answer.
fn tell(step: FlowStep) {
    match step {
        FlowStep::ListenerBound { redirect_uri } => say(&format!(
            "waiting for the browser to come back to {redirect_uri}; log in through this URL:"
        )),
        // Alone on its line: nothing else there, so it can be copied or read by a script.
        FlowStep::AuthorizationUrlReady { url, .. } => eprintln!("{}", escape(&url)),
        FlowStep::BrowserHandoff { handoff } => match handoff {
            Handoff::Opened => say("opened in the system browser"),
            Handoff::LeftToUser => say("open it in any browser (--no-browser)"),
            Handoff::Failed { reason } => say(&format!(
                "the browser could not be opened ({reason}); open the URL above yourself"
            )),
        },
        FlowStep::CallbackReceived { .. } => {
            say("the browser came back with a code; exchanging it at the token endpoint");
        }
        FlowStep::DeviceCodeIssued {
            user_code,
            verification_uri,
            verification_uri_complete,
            expires_in,
            ..
        } => {
            say(&format!(
                "open {verification_uri} on any device and enter the code {user_code} (it expires in {})",
                duration(expires_in)
            ));
            if let Some(complete) = verification_uri_complete {
                say(&format!("or open {complete} (the code is in it)"));
            }
            say("waiting for the approval…");
        }
        FlowStep::Polled {
            status: PollStatus::SlowDown { interval },
            ..
        } => say(&format!(
            "the server asked to slow down: polling every {} from now on",
            duration(interval.as_secs())
        )),
        _ => {}
    }
}

fn say(line: &str) {
    eprintln!("tokenscope: {}", escape(line));
}
