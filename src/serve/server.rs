//! The preview's transport: hyper (HTTP/1.1) on a small tokio runtime, hardened for clients
//! that are broken or hostile. Request heads are bounded (431) and must arrive within a
//! timeout (slowloris; idle keep-alive connections end the same way), bodies are never read,
//! writes that make no progress time out (clients that stop reading), connections are counted
//! and the ones over the limit are refused with a 503, and accept errors (out of file
//! descriptors) back off and retry instead of ending the accept loop. What to answer is decided
//! by the pure functions of `http.rs`.

use super::http::{inject, refuse, route, Reply, EVENTS_PATH};
use super::Shared;
use http_body_util::{channel::Channel, Either, Full};
use hyper::body::Incoming;
use hyper::header::{HeaderValue, CONTENT_LENGTH, HOST, TRANSFER_ENCODING};
use hyper::{Request, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio_io_timeout::TimeoutStream;

/// The preview's limits; `Limits::default()` is what `backlot serve` uses.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Open connections (event streams included); more are answered 503 and closed.
    pub max_connections: usize,
    /// A request head (request line and headers) larger than this gets 431.
    pub max_head: usize,
    /// A request head must arrive within this, and an idle keep-alive connection is closed
    /// after it.
    pub head_timeout: Duration,
    /// A write that makes no progress for this long drops the connection.
    pub write_timeout: Duration,
    /// Reload events a page may be behind before its stream is dropped (it reconnects).
    pub reload_buffer: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_connections: default_max_connections(),
            max_head: 64 * 1024,
            head_timeout: Duration::from_secs(10),
            write_timeout: Duration::from_secs(10),
            reload_buffer: 16,
        }
    }
}

/// 512, or half the file descriptors this process may open when that is less, so a flood of
/// connections leaves descriptors for reading the site and watching it.
fn default_max_connections() -> usize {
    #[cfg(target_os = "linux")]
    {
        let soft = rustix::process::getrlimit(rustix::process::Resource::Nofile).current;
        let half = soft.map_or(usize::MAX, |n| usize::try_from(n / 2).unwrap_or(usize::MAX));
        512.min(half).max(16)
    }
    #[cfg(not(target_os = "linux"))]
    {
        // macOS starts processes with 256 descriptors.
        100
    }
}

/// Binds the listening socket; must run inside the runtime.
pub(crate) fn listen(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = match addr {
        SocketAddr::V4(_) => tokio::net::TcpSocket::new_v4()?,
        SocketAddr::V6(_) => tokio::net::TcpSocket::new_v6()?,
    };
    #[cfg(unix)]
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    // A deep backlog: a burst of browsers' parallel connections waits instead of failing.
    socket.listen(1024)
}

/// Accepts connections for ever.
pub(crate) async fn accept_loop(listener: TcpListener, shared: Arc<Shared>, limits: Limits) {
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let limits = Arc::new(limits);
    let mut failing = false;
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(e) => {
                if !failing && !per_connection(&e) {
                    eprintln!("warning: cannot accept connections ({e}); retrying");
                }
                failing = true;
                // Out of descriptors or memory: give other connections time to close.
                if !per_connection(&e) {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                continue;
            }
        };
        failing = false;
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            // Best effort, without waiting: the client gets a 503 or a reset, never a hang.
            let _ = stream.try_write(
                b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
            continue;
        };
        let (shared, limits) = (shared.clone(), limits.clone());
        tokio::spawn(async move {
            shared.open.fetch_add(1, Ordering::Relaxed);
            connection(stream, shared.clone(), &limits).await;
            shared.open.fetch_sub(1, Ordering::Relaxed);
            drop(slot);
        });
    }
}

/// Errors that concern one connection that went away before it was accepted.
fn per_connection(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::*;
    matches!(e.kind(), ConnectionAborted | ConnectionReset | Interrupted)
}

async fn connection(stream: TcpStream, shared: Arc<Shared>, limits: &Limits) {
    // Responses are written whole; without this each later response on a kept-alive
    // connection can wait ~40 ms for the client's delayed ACK (Nagle).
    let _ = stream.set_nodelay(true);
    let mut stream = TimeoutStream::new(stream);
    stream.set_write_timeout(Some(limits.write_timeout));
    let io = TokioIo::new(Box::pin(stream));
    let service = hyper::service::service_fn(move |req| {
        let shared = shared.clone();
        async move { Ok::<_, Infallible>(answer(&shared, &req)) }
    });
    let _ = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.head_timeout)
        .max_header_size(limits.max_head)
        .serve_connection(io, service)
        .await;
}

type Body = Either<Full<bytes::Bytes>, Channel<bytes::Bytes>>;

/// One request: the event stream, or a reply from `route`.
fn answer(shared: &Shared, req: &Request<Incoming>) -> Response<Body> {
    let host = req
        .uri()
        .authority()
        .map(|a| a.as_str())
        .or_else(|| req.headers().get(HOST).and_then(|h| h.to_str().ok()));
    let url = req.uri().path_and_query().map_or("/", |p| p.as_str());
    let has_body = req.headers().contains_key(TRANSFER_ENCODING)
        || req
            .headers()
            .get(CONTENT_LENGTH)
            .is_some_and(|v| v.as_bytes() != b"0");
    if let Some(reply) = refuse(url, has_body) {
        return respond(reply, "");
    }
    let allowed = host.is_some_and(|h| shared.hosts.allows(h));
    if allowed && req.method() == hyper::Method::GET && req.uri().path() == EVENTS_PATH {
        return events(shared, req);
    }
    // The version first: a page may be newer than the id it carries, never older.
    let version = shared.reload.version();
    let served = shared.current();
    let reply = route(&served, req.method().as_str(), url, host, &shared.hosts);
    respond(reply, &version)
}

fn events(shared: &Shared, req: &Request<Incoming>) -> Response<Body> {
    let from_query = req.uri().query().and_then(|q| {
        q.split('&')
            .find_map(|kv| kv.strip_prefix("since="))
            .map(str::to_string)
    });
    let since = req
        .headers()
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or(from_query);
    let body = shared.reload.subscribe(since.as_deref());
    let mut response = Response::new(Either::Right(body));
    let headers = response.headers_mut();
    for (name, value) in [
        ("content-type", "text/event-stream"),
        ("cache-control", "no-store"),
        ("x-content-type-options", "nosniff"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

/// Holds a page's bytes for hyper without copying them.
struct Owned(Arc<Vec<u8>>);

impl AsRef<[u8]> for Owned {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

fn respond(reply: Reply, version: &str) -> Response<Body> {
    let body = if reply.inject {
        bytes::Bytes::from(inject(&reply.body, version))
    } else {
        bytes::Bytes::from_owner(Owned(reply.body))
    };
    let mut response = Response::new(Either::Left(Full::new(body)));
    *response.status_mut() =
        hyper::StatusCode::from_u16(reply.status).unwrap_or(hyper::StatusCode::OK);
    let headers = response.headers_mut();
    headers.insert("content-type", HeaderValue::from_static(reply.content_type));
    headers.insert("cache-control", HeaderValue::from_static("no-store"));
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    // `encode_path` makes every Location a valid header value; a bad one is dropped, not fatal.
    if let Some(to) = reply.location.and_then(|l| HeaderValue::from_str(&l).ok()) {
        headers.insert("location", to);
    }
    match reply.status {
        405 => drop(headers.insert("allow", HeaderValue::from_static("GET, HEAD"))),
        // The body is left unread: the connection cannot be reused.
        413 | 414 => drop(headers.insert("connection", HeaderValue::from_static("close"))),
        _ => {}
    }
    response
}
