//! A fault-injecting HTTP proxy for S3 tests: listens on `127.0.0.1:0`, forwards each request
//! to an upstream S3 server (moto_server) and, when told, answers 500 or 503 (SlowDown) itself,
//! delays requests, or drops connections in the middle of a request or a response.
//!
//! Faults are [`FaultRule`]s matched against each request in order: the first rule whose
//! method matches and whose dice roll fires (a fixed-seed generator, so runs repeat) applies,
//! and uses up one of its `times`. Every request is logged with the fault it got.
//!
//! Each client connection carries one request: the proxy forwards it with `Connection: close`,
//! so the upstream's response (which then says `Connection: close` too) ends at end of stream
//! and is relayed byte for byte without parsing.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// What the proxy does to a request instead of (or before) forwarding it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Answers with this status and an S3 XML error (`InternalError`, or `SlowDown` for 503)
    /// without forwarding.
    Status(u16),
    /// Forwards the request after this delay.
    Delay(Duration),
    /// Reads the request head and part of its body, then closes the connection: the upstream
    /// never sees the request.
    DropRequest,
    /// Forwards the request, then relays only part of the response and closes the connection:
    /// the upstream has acted on the request but the client cannot know.
    DropResponse,
}

/// When a [`Fault`] applies.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultRule {
    pub fault: Fault,
    /// Only requests with this method (`"PUT"`, `"GET"`, ...); `None` for all.
    pub method: Option<String>,
    /// How many more requests this rule may hit; `None` for no limit.
    pub times: Option<usize>,
    /// The chance (0..=1) that a matching request is hit.
    pub probability: f64,
}

impl FaultRule {
    /// The next `n` requests get `fault`.
    pub fn next(n: usize, fault: Fault) -> FaultRule {
        FaultRule {
            fault,
            method: None,
            times: Some(n),
            probability: 1.0,
        }
    }

    /// Each request gets `fault` with probability `p`, until the rules are cleared.
    pub fn fraction(p: f64, fault: Fault) -> FaultRule {
        FaultRule {
            fault,
            method: None,
            times: None,
            probability: p,
        }
    }

    /// Restricts the rule to requests with `method`.
    pub fn method(mut self, method: &str) -> FaultRule {
        self.method = Some(method.to_owned());
        self
    }
}

/// One request as the proxy saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxiedRequest {
    pub method: String,
    /// The request target (path and query).
    pub target: String,
    /// The request body's declared length (0 when none).
    pub bytes: u64,
    pub fault: Option<Fault>,
}

#[derive(Default)]
struct State {
    rules: Vec<FaultRule>,
    log: Vec<ProxiedRequest>,
    rng: u64,
}

struct Shared {
    upstream: SocketAddr,
    state: Mutex<State>,
    stopped: AtomicBool,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
}

impl Shared {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Picks the fault for a request and logs it.
    fn decide(&self, method: &str, target: &str, bytes: u64) -> Option<Fault> {
        let mut st = self.state();
        let mut chosen = None;
        for i in 0..st.rules.len() {
            let rule = &st.rules[i];
            let method_ok = rule.method.as_deref().is_none_or(|m| m == method);
            if !method_ok || rule.times == Some(0) {
                continue;
            }
            let p = rule.probability;
            // xorshift64*: deterministic, so a failing run can be repeated.
            st.rng ^= st.rng >> 12;
            st.rng ^= st.rng << 25;
            st.rng ^= st.rng >> 27;
            let roll =
                (st.rng.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64;
            if roll < p {
                let rule = &mut st.rules[i];
                if let Some(t) = rule.times.as_mut() {
                    *t -= 1;
                }
                chosen = Some(rule.fault);
                break;
            }
        }
        st.log.push(ProxiedRequest {
            method: method.to_owned(),
            target: target.to_owned(),
            bytes,
            fault: chosen,
        });
        chosen
    }
}

/// A running proxy; stops accepting when dropped.
pub struct S3Proxy {
    addr: SocketAddr,
    shared: Arc<Shared>,
}

impl S3Proxy {
    /// Starts a proxy in front of `upstream` (e.g. moto_server's address).
    pub fn start(upstream: SocketAddr) -> S3Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the s3 proxy");
        let addr = listener.local_addr().expect("s3 proxy address");
        let shared = Arc::new(Shared {
            upstream,
            state: Mutex::new(State {
                rng: 0x9e37_79b9_7f4a_7c15,
                ..State::default()
            }),
            stopped: AtomicBool::new(false),
            in_flight: AtomicUsize::new(0),
            max_in_flight: AtomicUsize::new(0),
        });
        let s = Arc::clone(&shared);
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if s.stopped.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let s = Arc::clone(&s);
                std::thread::spawn(move || {
                    // A client or upstream hanging up mid-way is part of the job.
                    let _ = serve(conn, &s);
                });
            }
        });
        S3Proxy { addr, shared }
    }

    /// `http://127.0.0.1:<port>`, the endpoint clients use instead of the upstream's.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Adds a rule after the existing ones.
    pub fn inject(&self, rule: FaultRule) {
        self.shared.state().rules.push(rule);
    }

    /// Removes every rule: requests pass through untouched from now on.
    pub fn clear(&self) {
        self.shared.state().rules.clear();
    }

    /// Every request so far, in arrival order.
    pub fn requests(&self) -> Vec<ProxiedRequest> {
        self.shared.state().log.clone()
    }

    /// The most requests that were being served at the same time.
    pub fn max_in_flight(&self) -> usize {
        self.shared.max_in_flight.load(Ordering::SeqCst)
    }

    /// How many requests got a fault.
    pub fn faults_injected(&self) -> usize {
        self.shared
            .state()
            .log
            .iter()
            .filter(|r| r.fault.is_some())
            .count()
    }
}

impl Drop for S3Proxy {
    fn drop(&mut self) {
        self.shared.stopped.store(true, Ordering::SeqCst);
        // Wakes the accept loop so it sees the flag.
        let _ = TcpStream::connect(self.addr);
    }
}

/// The request head: request line and headers, up to the blank line.
struct Head {
    method: String,
    target: String,
    /// Header lines without the request line, `Connection` and `Keep-Alive` dropped.
    headers: Vec<String>,
    content_length: Option<u64>,
}

fn read_head(r: &mut impl BufRead) -> std::io::Result<Option<Head>> {
    let mut line = String::new();
    if r.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    let mut parts = line.split_whitespace();
    let (Some(method), Some(target)) = (parts.next(), parts.next()) else {
        return Err(std::io::ErrorKind::InvalidData.into());
    };
    let (method, target) = (method.to_owned(), target.to_owned());
    let mut headers = Vec::new();
    let mut content_length = None;
    loop {
        line.clear();
        if r.read_line(&mut line)? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        let h = line.trim_end_matches(['\r', '\n']);
        if h.is_empty() {
            break;
        }
        let (name, value) = h.split_once(':').unwrap_or((h, ""));
        let name = name.trim().to_ascii_lowercase();
        if name == "content-length" {
            content_length = value.trim().parse().ok();
        }
        if name != "connection" && name != "keep-alive" {
            headers.push(h.to_owned());
        }
    }
    Ok(Some(Head {
        method,
        target,
        headers,
        content_length,
    }))
}

/// Counts a request as served when dropped.
struct InFlight<'a>(&'a AtomicUsize);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

fn serve(client: TcpStream, shared: &Shared) -> std::io::Result<()> {
    let mut reader = BufReader::new(client.try_clone()?);
    let Some(head) = read_head(&mut reader)? else {
        return Ok(());
    };
    let fault = shared.decide(&head.method, &head.target, head.content_length.unwrap_or(0));
    let now = shared.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    shared.max_in_flight.fetch_max(now, Ordering::SeqCst);
    let _served = InFlight(&shared.in_flight);
    let mut client = client;
    match fault {
        Some(Fault::Status(code)) => {
            if let Some(n) = head.content_length {
                std::io::copy(&mut (&mut reader).take(n), &mut std::io::sink())?;
            }
            let (code_name, reason) = match code {
                503 => ("SlowDown", "Please reduce your request rate."),
                _ => ("InternalError", "We encountered an internal error."),
            };
            let body = format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code_name}</Code>\
                 <Message>{reason}</Message><RequestId>proxy</RequestId></Error>"
            );
            let body = if head.method == "HEAD" { "" } else { &body };
            write!(
                client,
                "HTTP/1.1 {code} {code_name}\r\nContent-Type: application/xml\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            )?;
            client.flush()?;
            return client.shutdown(Shutdown::Both);
        }
        Some(Fault::DropRequest) => {
            let part = head.content_length.unwrap_or(0) / 2;
            std::io::copy(&mut (&mut reader).take(part), &mut std::io::sink())?;
            return client.shutdown(Shutdown::Both);
        }
        Some(Fault::Delay(d)) => std::thread::sleep(d),
        Some(Fault::DropResponse) | None => {}
    }
    let mut upstream = TcpStream::connect(shared.upstream)?;
    let mut out = format!("{} {} HTTP/1.1\r\n", head.method, head.target);
    for h in &head.headers {
        out.push_str(h);
        out.push_str("\r\n");
    }
    out.push_str("Connection: close\r\n\r\n");
    upstream.write_all(out.as_bytes())?;
    // The body (and anything else the client sends) flows on its own thread.
    let mut up_writer = upstream.try_clone()?;
    let pump = std::thread::spawn(move || {
        let _ = std::io::copy(&mut reader, &mut up_writer);
    });
    if fault == Some(Fault::DropResponse) {
        let mut resp = Vec::new();
        upstream.read_to_end(&mut resp)?;
        let head_end = resp
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .map_or(resp.len(), |p| p + 4);
        let cut = if resp.len() > head_end + 1 {
            head_end + (resp.len() - head_end) / 2
        } else {
            head_end / 2
        };
        client.write_all(&resp[..cut])?;
    } else {
        std::io::copy(&mut upstream, &mut client)?;
    }
    client.flush()?;
    let _ = client.shutdown(Shutdown::Both);
    let _ = upstream.shutdown(Shutdown::Both);
    let _ = pump.join();
    Ok(())
}
