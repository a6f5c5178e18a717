//! Issue 14: the preview server against broken and hostile clients, each case on the real
//! server on port 0 (docs/testing.md, "Threat model: the preview server"). Loopback only;
//! every wait is bounded by `GUARD`, which guards against a hung test and is not a timing
//! assertion (the load test's median is the one timing bound, asked for by the issue).

use crate::serve::{append, copy_fixture, preview, request, Events, FIXTURE};
use backlot::serve::{Limits, Running};
use std::io::{Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const GUARD: Duration = Duration::from_secs(30);
/// The size of the large file served to clients that do not read it: more than the socket
/// buffers on both sides hold, so the server's writes stall.
const BIG: usize = 32 << 20;
const PAGE: &str = "/repo/guide/intro/";

fn host(addr: SocketAddr) -> String {
    format!("127.0.0.1:{}", addr.port())
}

/// Polls `ok` until it holds; panics after `GUARD`.
fn wait_until(what: &str, mut ok: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ok() {
        assert!(start.elapsed() < GUARD, "gave up waiting: {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The serve fixture with a large static file.
fn big_site() -> (tempfile::TempDir, PathBuf) {
    let (dir, root) = copy_fixture(FIXTURE);
    std::fs::write(root.join("static/big.bin"), vec![b'x'; BIG]).unwrap();
    (dir, root)
}

fn start(root: &Path, limits: Limits) -> (Running, String) {
    let running = preview(root, "127.0.0.1", limits);
    let host = host(running.addr);
    (running, host)
}

/// Sends `bytes` (from another thread, so a server that stops reading cannot block the test)
/// and returns whatever comes back before the server closes.
fn exchange(addr: SocketAddr, bytes: Vec<u8>) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(GUARD)).unwrap();
    let mut w = s.try_clone().unwrap();
    let writer = std::thread::spawn(move || {
        let _ = w.write_all(&bytes);
    });
    let mut got = Vec::new();
    let mut chunk = [0u8; 4096];
    while let Ok(n @ 1..) = s.read(&mut chunk) {
        got.extend_from_slice(&chunk[..n]);
    }
    drop(s);
    writer.join().unwrap();
    String::from_utf8_lossy(&got).into_owned()
}

/// `n` connections that each sent a GET for `path` and read nothing yet.
fn requested(addr: SocketAddr, host: &str, path: &str, n: usize) -> Vec<TcpStream> {
    (0..n)
        .map(|_| {
            let mut s = TcpStream::connect(addr).unwrap();
            write!(s, "GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n").unwrap();
            s
        })
        .collect()
}

/// A kept-alive connection sending GETs one after another.
struct Conn {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Conn {
    fn open(addr: SocketAddr) -> std::io::Result<Conn> {
        let stream = TcpStream::connect(addr)?;
        stream.set_read_timeout(Some(GUARD))?;
        // As browsers do.
        stream.set_nodelay(true)?;
        Ok(Conn {
            stream,
            buf: Vec::new(),
        })
    }

    /// One GET: the status and body, or an error for anything short of a whole response.
    fn get(&mut self, path: &str, host: &str) -> std::io::Result<(u16, Vec<u8>)> {
        // One write: `write!` would send the pieces in separate segments.
        let request = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n");
        self.stream.write_all(request.as_bytes())?;
        let head_end = loop {
            if let Some(i) = self.buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            self.fill()?;
        };
        let head = String::from_utf8_lossy(&self.buf[..head_end]).to_ascii_lowercase();
        let status = head.split(' ').nth(1).and_then(|c| c.parse().ok());
        let len = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse::<usize>().ok());
        let (Some(status), Some(len)) = (status, len) else {
            return Err(std::io::Error::other(format!("bad head: {head}")));
        };
        while self.buf.len() < head_end + len {
            self.fill()?;
        }
        let body = self.buf[head_end..head_end + len].to_vec();
        self.buf.drain(..head_end + len);
        Ok((status, body))
    }

    fn fill(&mut self) -> std::io::Result<()> {
        let mut chunk = [0u8; 16 * 1024];
        match self.stream.read(&mut chunk)? {
            0 => Err(std::io::ErrorKind::UnexpectedEof.into()),
            n => {
                self.buf.extend_from_slice(&chunk[..n]);
                Ok(())
            }
        }
    }
}

#[test]
fn request_bodies_are_refused_unread() {
    let (_dir, root) = copy_fixture(FIXTURE);
    let (running, host) = start(&root, Limits::default());
    let huge =
        format!("GET /repo/ HTTP/1.1\r\nHost: {host}\r\nContent-Length: 99999999999999\r\n\r\nabc");
    let reply = exchange(running.addr, huge.into_bytes());
    assert!(reply.starts_with("HTTP/1.1 413"), "{reply}");
    let chunked = format!(
        "POST /repo/ HTTP/1.1\r\nHost: {host}\r\nTransfer-Encoding: chunked\r\n\r\nffffffff\r\nabc"
    );
    let reply = exchange(running.addr, chunked.into_bytes());
    assert!(reply.starts_with("HTTP/1.1 413"), "{reply}");
    assert_eq!(request(running.addr, "GET", PAGE, &host).0, 200);
}

#[test]
fn oversized_heads_get_431_and_long_urls_414() {
    let (_dir, root) = copy_fixture(FIXTURE);
    let (running, host) = start(&root, Limits::default());
    let big_header = format!(
        "GET /repo/ HTTP/1.1\r\nHost: {host}\r\nX-Big: {}\r\n\r\n",
        "a".repeat(1 << 20)
    );
    let reply = exchange(running.addr, big_header.into_bytes());
    assert!(reply.starts_with("HTTP/1.1 431"), "{reply:.200}");
    let many: String = (0..2000).map(|i| format!("X-{i}: y\r\n")).collect();
    let reply = exchange(
        running.addr,
        format!("GET /repo/ HTTP/1.1\r\nHost: {host}\r\n{many}\r\n").into_bytes(),
    );
    assert!(reply.starts_with("HTTP/1.1 431"), "{reply:.200}");
    let long_url = format!(
        "GET /repo/{} HTTP/1.1\r\nHost: {host}\r\n\r\n",
        "a".repeat(32 * 1024)
    );
    let reply = exchange(running.addr, long_url.into_bytes());
    assert!(reply.starts_with("HTTP/1.1 414"), "{reply:.200}");
    // A request line so long that the head passes its limit before the line ends.
    let huge_url = format!("GET /repo/{} HTTP/1.1\r\n\r\n", "a".repeat(1 << 20));
    let reply = exchange(running.addr, huge_url.into_bytes());
    assert!(reply.starts_with("HTTP/1.1 431"), "{reply:.200}");
    assert_eq!(request(running.addr, "GET", PAGE, &host).0, 200);
}

#[test]
fn clients_that_never_read_block_no_one_and_are_dropped() {
    let (_dir, root) = big_site();
    // Long enough that the four are surely still stuck while the others are served.
    let limits = Limits {
        write_timeout: Duration::from_secs(4),
        ..Limits::default()
    };
    let (running, host) = start(&root, limits);
    let stuck = requested(running.addr, &host, "/repo/big.bin", 4);
    wait_until("four stuck connections", || {
        running.shared.connections() == 4
    });
    for _ in 0..5 {
        let (status, _, body) = request(running.addr, "GET", PAGE, &host);
        assert!(status == 200 && body.contains("</html>"));
    }
    // The stalled writes time out and the server lets the four go.
    wait_until("the stuck clients dropped", || {
        running.shared.connections() == 0
    });
    for mut s in stuck {
        s.set_read_timeout(Some(GUARD)).unwrap();
        let mut got = Vec::new();
        let _ = s.read_to_end(&mut got);
        assert!(got.len() < BIG, "a stuck client got the whole file");
    }
}

#[test]
fn slowloris_and_idle_connections_are_dropped() {
    let (_dir, root) = copy_fixture(FIXTURE);
    let limits = Limits {
        head_timeout: Duration::from_secs(1),
        ..Limits::default()
    };
    let (running, host) = start(&root, limits);
    let mut idle = Conn::open(running.addr).unwrap();
    assert_eq!(idle.get(PAGE, &host).unwrap().0, 200);
    let mut slow = TcpStream::connect(running.addr).unwrap();
    write!(slow, "GET {PAGE} HTTP/1.1\r\nHost: {host}\r\n").unwrap();
    // A header line every 100 ms: the head never ends, until the server hangs up.
    let started = Instant::now();
    while slow.write_all(b"X-A: b\r\n").is_ok() {
        assert!(
            started.elapsed() < GUARD,
            "the slowloris connection was kept"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(
        idle.get(PAGE, &host).is_err(),
        "the idle connection was closed"
    );
}

#[test]
fn over_the_connection_limit_new_ones_are_refused_not_queued() {
    let (_dir, root) = copy_fixture(FIXTURE);
    let limits = Limits {
        max_connections: 8,
        ..Limits::default()
    };
    let (running, host) = start(&root, limits);
    let held: Vec<TcpStream> = (0..8)
        .map(|_| TcpStream::connect(running.addr).unwrap())
        .collect();
    wait_until("eight held connections", || {
        running.shared.connections() == 8
    });
    // The ninth gets a 503, or at worst a reset, at once; never a wait.
    let reply = exchange(
        running.addr,
        format!("GET {PAGE} HTTP/1.1\r\nHost: {host}\r\n\r\n").into_bytes(),
    );
    assert!(
        reply.is_empty() || reply.starts_with("HTTP/1.1 503"),
        "{reply:.200}"
    );
    drop(held);
    wait_until("a slot again", || {
        Conn::open(running.addr)
            .and_then(|mut c| c.get(PAGE, &host))
            .is_ok_and(|(status, _)| status == 200)
    });
}

#[test]
fn a_reload_stream_that_never_reads_does_not_stop_rebuilds() {
    let (_dir, root) = copy_fixture(FIXTURE);
    let limits = Limits {
        reload_buffer: 2,
        write_timeout: Duration::from_secs(1),
        ..Limits::default()
    };
    let (running, host) = start(&root, limits);
    let _stuck = requested(running.addr, &host, "/__backlot/events", 4);
    let mut good = Events::open(running.addr);
    for i in 0..25 {
        append(&root, "content/guide/intro.md", &format!("\nEdit {i}.\n"));
        let event = good.wait_for("event: reload");
        assert!(event.contains("/repo/guide/intro/index.html"), "{event}");
    }
    let (_, _, page) = request(running.addr, "GET", PAGE, &host);
    assert!(page.contains("Edit 24."));
}

/// The server's end of the connection whose client end is `peer`, found among this process's
/// descriptors (the server runs in the test process).
#[cfg(target_os = "linux")]
fn server_socket_of(peer: SocketAddr) -> Option<std::os::fd::OwnedFd> {
    for entry in std::fs::read_dir("/proc/self/fd").ok()?.flatten() {
        let Ok(fd) = entry.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        // SAFETY: the descriptor is only borrowed to duplicate it; if another thread closed it
        // meanwhile, the dup fails or yields some other descriptor, which the peer check skips.
        let borrowed = unsafe { std::os::fd::BorrowedFd::borrow_raw(fd) };
        let Ok(owned) = rustix::io::fcntl_dupfd_cloexec(borrowed, 0) else {
            continue;
        };
        let addr = rustix::net::getpeername(&owned).ok().flatten();
        if addr.and_then(|a| SocketAddr::try_from(a).ok()) == Some(peer) {
            return Some(owned);
        }
    }
    None
}

#[cfg(target_os = "linux")]
#[test]
fn kept_alive_connections_do_not_wait_for_delayed_acks() {
    let (_dir, root) = copy_fixture(FIXTURE);
    let (running, host) = start(&root, Limits::default());
    let mut conn = Conn::open(running.addr).unwrap();
    for _ in 0..20 {
        assert_eq!(conn.get(PAGE, &host).unwrap().0, 200);
    }
    let me = conn.stream.local_addr().unwrap();
    let server_end = server_socket_of(me).expect("the accepted socket");
    // Nagle off: a response's last segment goes out without waiting for the client's ACK.
    assert!(rustix::net::sockopt::tcp_nodelay(&server_end).unwrap());
}

/// A path as a browser sends it: UTF-8 bytes outside the unreserved set percent-encoded.
fn browser_encode(path: &str) -> String {
    path.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[test]
fn a_non_ascii_path_redirects_with_an_encoded_location() {
    let (_dir, root) = copy_fixture(FIXTURE);
    std::fs::create_dir(root.join("content/Café")).unwrap();
    std::fs::write(
        root.join("content/Café/_index.md"),
        "---\ntitle: Café\ndescription: A section with an accent.\n---\n\nCoffee.\n",
    )
    .unwrap();
    let (running, host) = start(&root, Limits::default());
    let served = running.shared.current();
    let section = served
        .snapshot
        .paths()
        .find(|k| !k.is_ascii() && k.ends_with("/index.html"))
        .expect("the Café section")
        .trim_end_matches("index.html")
        .trim_end_matches('/')
        .to_string();
    let url = browser_encode(&format!("/repo/{section}"));
    // More requests than the old server had workers: each one panicked one.
    for _ in 0..8 {
        let (status, head, _) = request(running.addr, "GET", &url, &host);
        assert_eq!(status, 301, "{head}");
        let location = format!("location: {url}/\r\n");
        assert!(
            head.to_ascii_lowercase()
                .contains(&location.to_ascii_lowercase()),
            "{head}"
        );
    }
    let (status, _, body) = request(running.addr, "GET", &format!("{url}/"), &host);
    assert!(status == 200 && body.contains("Coffee."), "{status}");
}

/// The `since=` id a served page carries.
fn version_of(page: &str) -> String {
    let from = page.find("since=").expect("the reload script") + "since=".len();
    page[from..].split('"').next().unwrap().to_string()
}

#[test]
fn a_save_before_the_stream_connects_still_reaches_the_page() {
    let (_dir, root) = copy_fixture(FIXTURE);
    let (running, host) = start(&root, Limits::default());
    let (_, _, page) = request(running.addr, "GET", PAGE, &host);
    let since = version_of(&page);
    append(&root, "content/guide/intro.md", "\nSaved early.\n");
    wait_until("the save served", || {
        request(running.addr, "GET", PAGE, &host)
            .2
            .contains("Saved early.")
    });
    // The page's stream connects only now, after the reload event went out.
    let mut late = Events::open_at(running.addr, &format!("/__backlot/events?since={since}"));
    let event = late.wait_for("event: reload");
    assert!(event.contains("/repo/guide/intro/index.html"), "{event}");
    // A page rendered after the save is not told again: its first event is the next save.
    let (_, _, fresh) = request(running.addr, "GET", PAGE, &host);
    let since = version_of(&fresh);
    let mut current = Events::open_at(running.addr, &format!("/__backlot/events?since={since}"));
    append(&root, "content/ops/deploy.md", "\nLater.\n");
    let event = current.wait_for("event: reload");
    assert!(
        event.contains("/repo/ops/deploy/") && !event.contains("guide/intro"),
        "{event}"
    );
    // A page that goes away frees its connection.
    drop((late, current));
    wait_until("closed streams released", || {
        running.shared.connections() == 0
    });
}

#[test]
fn an_edit_during_the_first_build_is_served() {
    let (_dir, root) = copy_fixture(FIXTURE);
    // Enough pages that the first build takes a while.
    for i in 0..200 {
        let text = format!(
            "---\ntitle: Filler {i}\ndescription: Filler.\n---\n\n{}\n",
            "Words and more words. ".repeat(50)
        );
        std::fs::write(root.join(format!("content/ops/filler-{i}.md")), text).unwrap();
    }
    let intro = root.join("content/guide/intro.md");
    let original = std::fs::read_to_string(&intro).unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let editor = {
        let (stop, intro, root) = (stop.clone(), intro.clone(), root.clone());
        std::thread::spawn(move || {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                // An editor's atomic save: the watcher ignores the temporary file.
                let tmp = root.join("content/guide/intro.md.tmp");
                std::fs::write(&tmp, format!("{original}\nMarker {n}.\n")).unwrap();
                std::fs::rename(&tmp, &intro).unwrap();
                std::thread::sleep(Duration::from_millis(10));
            }
            n
        })
    };
    let (running, host) = start(&root, Limits::default());
    stop.store(true, Ordering::Relaxed);
    let last = editor.join().unwrap();
    wait_until("the last edit served", || {
        request(running.addr, "GET", PAGE, &host)
            .2
            .contains(&format!("Marker {last}."))
    });
}

/// A non-loopback address of this machine, when it has one (no packet is sent).
fn own_address() -> Option<IpAddr> {
    let s = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    s.connect("192.0.2.1:9").ok()?;
    let ip = s.local_addr().ok()?.ip();
    (!ip.is_loopback() && !ip.is_unspecified()).then_some(ip)
}

#[test]
fn a_wildcard_bind_answers_other_devices_and_a_loopback_bind_does_not() {
    let (_dir, root) = copy_fixture(FIXTURE);
    let running = preview(&root, "0.0.0.0", Limits::default());
    assert!(running.addr.ip().is_unspecified());
    let port = running.addr.port();
    assert!(running
        .url
        .starts_with(&format!("http://127.0.0.1:{port}/")));
    let local = SocketAddr::new([127, 0, 0, 1].into(), port);
    let mut hosts = vec![
        format!("127.0.0.1:{port}"),
        format!("192.168.77.5:{port}"),
        format!("[fe80::1]:{port}"),
    ];
    if let Ok(name) = std::fs::read_to_string("/proc/sys/kernel/hostname") {
        hosts.push(format!("{}:{port}", name.trim()));
    }
    for h in &hosts {
        assert_eq!(request(local, "GET", PAGE, h).0, 200, "{h}");
    }
    for h in ["evil.example", "192.168.77.5.nip.io"] {
        assert_eq!(request(local, "GET", PAGE, h).0, 403, "{h}");
    }
    if let Some(ip) = own_address() {
        let addr = SocketAddr::new(ip, port);
        let h = format!("{addr}");
        assert_eq!(request(addr, "GET", PAGE, &h).0, 200, "{h}");
    }
    // A loopback bind keeps refusing every name but its own (DNS rebinding).
    let (lo, _) = start(&root, Limits::default());
    assert_eq!(request(lo.addr, "GET", PAGE, "192.168.77.5").0, 403);
}

/// Raises this process's soft descriptor limit to the hard one: the load test holds both ends
/// of several hundred connections.
#[cfg(target_os = "linux")]
fn raise_nofile() {
    use rustix::process::{getrlimit, setrlimit, Resource, Rlimit};
    let now = getrlimit(Resource::Nofile);
    let _ = setrlimit(
        Resource::Nofile,
        Rlimit {
            current: now.maximum,
            maximum: now.maximum,
        },
    );
}

#[test]
fn under_load_a_normal_client_stays_fast() {
    #[cfg(target_os = "linux")]
    raise_nofile();
    let (_dir, root) = big_site();
    let limits = Limits {
        max_connections: 512,
        ..Limits::default()
    };
    let (running, host) = start(&root, limits);
    let addr = running.addr;
    let stop = Arc::new(AtomicBool::new(false));
    let errors = Arc::new(AtomicUsize::new(0));
    let mut threads = Vec::new();
    let spawn = |f: Box<dyn FnOnce() + Send>| {
        std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(f)
            .unwrap()
    };
    // 200 clients on kept-alive connections, a page every ~50 ms each.
    for i in 0..200 {
        let (stop, errors, host) = (stop.clone(), errors.clone(), host.clone());
        threads.push(spawn(Box::new(move || {
            std::thread::sleep(Duration::from_millis(i % 50));
            let mut conn = Conn::open(addr);
            while !stop.load(Ordering::Relaxed) {
                let ok = conn.as_mut().is_ok_and(|c| {
                    c.get(PAGE, &host)
                        .is_ok_and(|(s, b)| s == 200 && b.ends_with(b"</html>\n"))
                });
                if !ok {
                    errors.fetch_add(1, Ordering::Relaxed);
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        })));
    }
    // Slow readers: a large file, 4 KiB at a time.
    for _ in 0..4 {
        let (stop, host) = (stop.clone(), host.clone());
        threads.push(spawn(Box::new(move || {
            let mut s = requested(addr, &host, "/repo/big.bin", 1).remove(0);
            let mut chunk = [0u8; 4096];
            while !stop.load(Ordering::Relaxed) && s.read(&mut chunk).is_ok_and(|n| n > 0) {
                std::thread::sleep(Duration::from_millis(50));
            }
        })));
    }
    // Slowloris: a request head that never ends, a header line at a time.
    for _ in 0..20 {
        let (stop, host) = (stop.clone(), host.clone());
        threads.push(spawn(Box::new(move || {
            let mut s = TcpStream::connect(addr).unwrap();
            let _ = write!(s, "GET {PAGE} HTTP/1.1\r\nHost: {host}\r\n");
            while !stop.load(Ordering::Relaxed) && s.write_all(b"X-A: b\r\n").is_ok() {
                std::thread::sleep(Duration::from_millis(200));
            }
        })));
    }
    // Warm-up, then the measured client.
    std::thread::sleep(Duration::from_secs(1));
    let mut conn = Conn::open(addr).unwrap();
    for _ in 0..20 {
        assert_eq!(conn.get(PAGE, &host).unwrap().0, 200);
    }
    let mut times: Vec<Duration> = (0..100)
        .map(|_| {
            std::thread::sleep(Duration::from_millis(20));
            let started = Instant::now();
            let (status, _) = conn.get(PAGE, &host).unwrap();
            assert_eq!(status, 200);
            started.elapsed()
        })
        .collect();
    stop.store(true, Ordering::Relaxed);
    for t in threads {
        t.join().unwrap();
    }
    times.sort();
    let median = times[times.len() / 2];
    println!(
        "load: median {median:?}, slowest {:?}",
        times.last().unwrap()
    );
    assert_eq!(errors.load(Ordering::Relaxed), 0, "clients saw errors");
    assert!(median < Duration::from_millis(50), "median {median:?}");
}

/// Runs `backlot serve` as a child process; returns it and its address.
#[cfg(target_os = "linux")]
fn serve_child(
    root: &Path,
) -> (
    std::process::Child,
    SocketAddr,
    Arc<std::sync::Mutex<String>>,
) {
    use std::io::BufRead;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_backlot"))
        .args(["serve", "--port", "0", "--root"])
        .arg(root)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let url = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|l| l.strip_prefix("serving at http://").map(str::to_string))
        .expect("the serving line");
    let addr: SocketAddr = url.split('/').next().unwrap().parse().unwrap();
    std::thread::spawn(move || lines.for_each(drop));
    let stderr = Arc::new(std::sync::Mutex::new(String::new()));
    let mut err = std::io::BufReader::new(child.stderr.take().unwrap());
    let sink = stderr.clone();
    std::thread::spawn(move || {
        let mut line = String::new();
        while err.read_line(&mut line).is_ok_and(|n| n > 0) {
            sink.lock().unwrap().push_str(&line);
            line.clear();
        }
    });
    (child, addr, stderr)
}

#[cfg(target_os = "linux")]
#[test]
fn running_out_of_file_descriptors_does_not_close_the_port() {
    use rustix::process::{getrlimit, kill_process, prlimit, Pid, Resource, Rlimit, Signal};
    let (_dir, root) = copy_fixture(FIXTURE);
    let (mut child, addr, stderr) = serve_child(&root);
    let host = host(addr);
    assert_eq!(request(addr, "GET", PAGE, &host).0, 200);
    // Lower the running server's descriptor limit far below its connection limit.
    let pid = Pid::from_child(&child);
    let low = Rlimit {
        current: Some(48),
        maximum: getrlimit(Resource::Nofile).maximum,
    };
    prlimit(Some(pid), Resource::Nofile, low).unwrap();
    let held: Vec<TcpStream> = (0..120)
        .map(|_| TcpStream::connect(addr).unwrap())
        .collect();
    wait_until("accept to fail", || {
        stderr.lock().unwrap().contains("cannot accept connections")
    });
    assert!(child.try_wait().unwrap().is_none(), "the server died");
    drop(held);
    wait_until("the port to answer again", || {
        Conn::open(addr)
            .and_then(|mut c| c.get(PAGE, &host))
            .is_ok_and(|(status, _)| status == 200)
    });
    // Ctrl-C still ends it.
    kill_process(pid, Signal::INT).unwrap();
    wait_until("the server to exit", || child.try_wait().unwrap().is_some());
}
