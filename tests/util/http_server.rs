//! A tiny local HTTP server for faults a real authorization server will not produce: HTML
//! bodies, oversize bodies, stalls, cut connections, skewed clocks, key rotation on demand.
//! Records the requests it sees (method, path, headers, body) and what it managed to send.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
    pub location: Option<String>,
    /// More headers, sent as given (e.g. `Date`, `WWW-Authenticate`, `Retry-After`).
    pub headers: Vec<(String, String)>,
    /// Wait this long before answering at all (a stalled server).
    pub delay: Option<Duration>,
    /// After `body`, stream this many more filler bytes (an endless-looking body).
    pub stream_extra: usize,
    /// Announce this Content-Length instead of the real one (a cut-off body).
    pub declared_length: Option<usize>,
}

impl Reply {
    pub fn json(body: &serde_json::Value) -> Self {
        Self::new(200, "application/json", body.to_string().into_bytes())
    }

    pub fn new(status: u16, content_type: &'static str, body: impl Into<Vec<u8>>) -> Self {
        Self {
            status,
            content_type,
            body: body.into(),
            location: None,
            headers: Vec::new(),
            delay: None,
            stream_extra: 0,
            declared_length: None,
        }
    }

    pub fn redirect(to: &str) -> Self {
        Self {
            location: Some(to.to_string()),
            ..Self::new(302, "text/plain", "moved")
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }
}

/// One request as the server read it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The form body's fields, decoded.
    pub fn form(&self) -> Vec<(String, String)> {
        url::form_urlencoded::parse(self.body.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    }
}

type Handler = dyn Fn(&Request) -> Reply + Send + Sync;

pub struct TestServer {
    pub base: String,
    hits: Arc<Mutex<Vec<Request>>>,
    handler: Arc<Mutex<Box<Handler>>>,
    count: Arc<AtomicUsize>,
    sent: Arc<AtomicUsize>,
    write_failed: Arc<AtomicBool>,
}

impl TestServer {
    /// A server answering by path.
    pub fn start(handler: impl Fn(&str) -> Reply + Send + Sync + 'static) -> Self {
        Self::start_with(move |r: &Request| handler(&r.path))
    }

    /// A server answering by the whole request.
    pub fn start_with(handler: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let server = Self {
            base,
            hits: Arc::default(),
            handler: Arc::new(Mutex::new(Box::new(handler))),
            count: Arc::default(),
            sent: Arc::default(),
            write_failed: Arc::default(),
        };
        let shared = server.shared();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let shared = shared.clone();
                // One thread per connection: a stalled reply does not hold up the next one.
                std::thread::spawn(move || shared.serve(stream));
            }
        });
        server
    }

    fn shared(&self) -> Shared {
        Shared {
            hits: self.hits.clone(),
            handler: self.handler.clone(),
            count: self.count.clone(),
            sent: self.sent.clone(),
            write_failed: self.write_failed.clone(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Replaces what the server answers from now on (by path).
    pub fn set(&self, handler: impl Fn(&str) -> Reply + Send + Sync + 'static) {
        *self.handler.lock().unwrap() = Box::new(move |r: &Request| handler(&r.path));
    }

    pub fn requests(&self) -> usize {
        self.count.load(Ordering::SeqCst)
    }

    pub fn paths(&self) -> Vec<String> {
        self.hits
            .lock()
            .unwrap()
            .iter()
            .map(|r| r.path.clone())
            .collect()
    }

    /// Every request seen, in order.
    pub fn seen(&self) -> Vec<Request> {
        self.hits.lock().unwrap().clone()
    }

    /// Body bytes written to clients so far.
    pub fn bytes_sent(&self) -> usize {
        self.sent.load(Ordering::SeqCst)
    }

    /// True once a write failed: the client closed the connection while a body was going out.
    pub fn saw_client_close(&self) -> bool {
        self.write_failed.load(Ordering::SeqCst)
    }
}

#[derive(Clone)]
struct Shared {
    hits: Arc<Mutex<Vec<Request>>>,
    handler: Arc<Mutex<Box<Handler>>>,
    count: Arc<AtomicUsize>,
    sent: Arc<AtomicUsize>,
    write_failed: Arc<AtomicBool>,
}

impl Shared {
    fn serve(&self, mut stream: TcpStream) {
        let Some(request) = read_request(&stream) else {
            return;
        };
        self.hits.lock().unwrap().push(request.clone());
        self.count.fetch_add(1, Ordering::SeqCst);
        let reply = (self.handler.lock().unwrap())(&request);
        if let Some(delay) = reply.delay {
            std::thread::sleep(delay);
        }
        let mut head = format!(
            "HTTP/1.1 {} X\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n",
            reply.status,
            reply.content_type,
            reply
                .declared_length
                .unwrap_or(reply.body.len() + reply.stream_extra)
        );
        if let Some(l) = &reply.location {
            head.push_str(&format!("Location: {l}\r\n"));
        }
        for (name, value) in &reply.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        if stream.write_all(head.as_bytes()).is_err() {
            self.write_failed.store(true, Ordering::SeqCst);
            return;
        }
        if !self.write(&mut stream, &reply.body) {
            return;
        }
        let filler = vec![b' '; 64 * 1024];
        let mut left = reply.stream_extra;
        while left > 0 {
            let n = left.min(filler.len());
            if !self.write(&mut stream, &filler[..n]) {
                return;
            }
            left -= n;
        }
        let _ = stream.flush();
    }

    fn write(&self, stream: &mut TcpStream, bytes: &[u8]) -> bool {
        match stream.write_all(bytes) {
            Ok(()) => {
                self.sent.fetch_add(bytes.len(), Ordering::SeqCst);
                true
            }
            Err(_) => {
                self.write_failed.store(true, Ordering::SeqCst);
                false
            }
        }
    }
}

/// Reads the request line, headers and a Content-Length body (reading the body matters:
/// closing a socket with unread bytes resets the connection before the client reads).
fn read_request(stream: &TcpStream) -> Option<Request> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut words = line.split_whitespace();
    let method = words.next().unwrap_or("GET").to_string();
    let path = words.next().unwrap_or("/").to_string();
    let mut headers = Vec::new();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap_or(0) == 0 || header == "\r\n" {
            break;
        }
        if let Some((n, v)) = header.trim_end().split_once(':') {
            headers.push((n.trim().to_string(), v.trim().to_string()));
        }
    }
    let length = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Request {
        method,
        path,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}
