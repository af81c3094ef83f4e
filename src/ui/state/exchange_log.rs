//! The exchange log's rows: every request to a server and its answer, newest last, in
//! memory only.

use crate::oauth::exchange::Exchange;

/// Exchanges kept in the log; older ones drop off (memory only, and a long session with
/// keep-alive would otherwise grow without end).
pub const MAX_EXCHANGES: usize = 500;

#[derive(Debug, Default)]
pub struct ExchangeLog {
    /// Newest last; the dock shows them newest first.
    pub rows: Vec<LoggedExchange>,
    /// Exchanges logged so far, trimmed ones included: the next one's serial number.
    logged: u64,
    /// Whether the dock shows the rows.
    pub open: bool,
}

impl ExchangeLog {
    /// Adds an exchange, dropping the oldest past the limit.
    pub fn push(&mut self, exchange: Exchange) {
        self.rows.push(LoggedExchange {
            exchange,
            serial: self.logged,
            reveal: false,
            open: false,
            drawn_height: None,
        });
        self.logged += 1;
        if self.rows.len() > MAX_EXCHANGES {
            self.rows.remove(0);
        }
    }
}

/// One exchange in the log.
#[derive(Debug, Clone)]
pub struct LoggedExchange {
    pub exchange: Exchange,
    /// Its place in the order of logging, for the lifetime of the window: its row's id, which
    /// must not change when older rows are trimmed or scrolled past.
    pub serial: u64,
    pub reveal: bool,
    pub open: bool,
    /// Its row's height in the log (spacing included) when last drawn: the log lays out only
    /// the rows in view and needs the others' heights to place them.
    pub drawn_height: Option<f32>,
}
