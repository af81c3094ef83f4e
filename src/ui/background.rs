//! The window's handle on its worker thread, which starts once the first frame is on screen:
//! on two cores the worker's start (its runtime, the keychain's D-Bus session, the samples' RSA
//! key) took the CPU that frame needed, and the window showed later. Commands given before
//! then are held and sent when it starts.

use crate::worker::{Command, Event, ServerSetup, Worker};

pub(super) enum Background {
    /// Not started: what it will start with, and the commands given meanwhile.
    Waiting {
        setup: ServerSetup,
        held: Vec<Command>,
    },
    Running(Worker),
    /// It could not start; the user was told.
    Unavailable,
}

/// The worker could not take a command: it never started.
pub(super) struct Unavailable;

impl Background {
    pub(super) fn new(setup: ServerSetup) -> Self {
        Self::Waiting {
            setup,
            held: Vec::new(),
        }
    }

    /// Sends a command, or holds it until the worker starts.
    pub(super) fn send(&mut self, command: Command) -> Result<(), Unavailable> {
        match self {
            Self::Waiting { held, .. } => held.push(command),
            Self::Running(worker) => worker.send(command),
            Self::Unavailable => return Err(Unavailable),
        }
        Ok(())
    }

    /// Starts the worker, waking `ctx` on each of its events, and gives it the held commands.
    /// Does nothing once started (or failed).
    pub(super) fn start(&mut self, ctx: &egui::Context) -> std::io::Result<()> {
        let (setup, held) = match std::mem::replace(self, Self::Unavailable) {
            Self::Waiting { setup, held } => (setup, held),
            started => {
                *self = started;
                return Ok(());
            }
        };
        let ctx = ctx.clone();
        let worker = Worker::spawn_with(Box::new(move || ctx.request_repaint()), setup)?;
        for command in held {
            worker.send(command);
        }
        *self = Self::Running(worker);
        Ok(())
    }

    /// Every event that has arrived since the last call, without waiting.
    pub(super) fn drain(&self) -> Vec<Event> {
        match self {
            Self::Running(worker) => worker.drain(),
            Self::Waiting { .. } | Self::Unavailable => Vec::new(),
        }
    }
}
