//! The live-reload fan-out: one Server-Sent Events stream per open page, fed from a bounded
//! broadcast channel. The rebuild side never waits for a browser: sending is a non-blocking push
//! into a ring buffer, a page that falls more than `buffer` messages behind is disconnected (its
//! browser reconnects and catches up from the history), and a page that stops reading is dropped
//! by the connection's write timeout.
//!
//! Every message has an id, `<epoch>-<n>`: `n` counts reload events, `epoch` tells this process
//! from an earlier one. A page is rendered with the id current at the time, and its stream
//! starts from it (`?since=`, or the browser's `Last-Event-ID` on a reconnect), so a save that
//! lands between the page load and the stream's connect, or during the first build, is replayed
//! at once instead of being lost.

use bytes::Bytes;
use http_body_util::channel::{Channel, Sender};
use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;
use tokio::sync::broadcast;

/// How many past events a reconnecting page can catch up on before it is told to reload.
const HISTORY: usize = 64;
/// A comment line this often keeps proxies quiet and finds connections that went away.
const PING: Duration = Duration::from_secs(20);

/// One event as sent: its number and its bytes on the wire.
type Message = (u64, Bytes);

pub(crate) struct Reload {
    epoch: String,
    state: Mutex<State>,
    tx: broadcast::Sender<Message>,
}

#[derive(Default)]
struct State {
    /// The number of the last event (0 before the first).
    version: u64,
    /// The last build failed.
    error: bool,
    recent: VecDeque<Message>,
}

impl Reload {
    /// `buffer`: how many messages a slow page may be behind before it is disconnected.
    pub(crate) fn new(buffer: usize) -> Reload {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        Reload {
            epoch: format!("{:x}", nanos as u64),
            state: Mutex::new(State::default()),
            tx: broadcast::channel(buffer.max(1)).0,
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The id of the last event: a page rendered now is up to date with it. Read it *before*
    /// reading the site to serve, so a page can only be older than its id says, never newer.
    pub(crate) fn version(&self) -> String {
        format!("{}-{}", self.epoch, self.state().version)
    }

    /// Tells every open page what changed (URLs); pages decide whether to reload. Call it once
    /// the new site is in place. Never blocks.
    pub(crate) fn publish(&self, changed: &[String], error: bool) {
        let mut state = self.state();
        state.version += 1;
        state.error = error;
        let data = serde_json::json!({ "changed": changed, "error": error });
        let message = (state.version, self.event(state.version, &data));
        if state.recent.len() == HISTORY {
            state.recent.pop_front();
        }
        state.recent.push_back(message.clone());
        // An error only means nobody is listening.
        let _ = self.tx.send(message);
    }

    fn event(&self, n: u64, data: &serde_json::Value) -> Bytes {
        Bytes::from(format!(
            "id: {}-{n}\nevent: reload\ndata: {data}\n\n",
            self.epoch
        ))
    }

    /// Opens a stream for a page that has seen everything up to `since` (an event id): the
    /// body starts with what it missed, then follows live events. Runs inside the runtime.
    pub(crate) fn subscribe(&self, since: Option<&str>) -> Channel<Bytes> {
        let state = self.state();
        let rx = self.tx.subscribe();
        let seen = since.and_then(|s| s.strip_prefix(&self.epoch)?.strip_prefix('-')?.parse().ok());
        let mut first = vec![Bytes::from_static(b"retry: 500\n: connected\n\n")];
        match (since, seen) {
            // A stream opened without an id (not from a page) starts with live events.
            (None, _) => {}
            (Some(_), Some(n)) if n >= state.version => {}
            // `recent` holds the last events without a gap.
            (Some(_), Some(n)) if state.version - n <= state.recent.len() as u64 => {
                let missed = state.recent.iter().filter(|(v, _)| *v > n);
                first.extend(missed.map(|(_, m)| m.clone()));
            }
            // Another process's id, or too far behind: reload whatever the page is.
            (Some(_), _) => {
                let data = serde_json::json!({ "changed": [], "error": state.error, "all": true });
                first.push(self.event(state.version, &data));
            }
        }
        let last = seen.unwrap_or(0).max(state.version);
        drop(state);
        let (tx, body) = Channel::new(2);
        tokio::spawn(pump(first, rx, last, tx));
        body
    }
}

/// Feeds one page's stream until the page goes away or falls behind.
async fn pump(
    first: Vec<Bytes>,
    mut rx: broadcast::Receiver<Message>,
    last: u64,
    mut tx: Sender<Bytes>,
) {
    for m in first {
        if tx.send_data(m).await.is_err() {
            return;
        }
    }
    let mut ping = tokio::time::interval_at(tokio::time::Instant::now() + PING, PING);
    loop {
        let message = tokio::select! {
            got = rx.recv() => match got {
                // Already replayed, or the page was rendered after it.
                Ok((n, _)) if n <= last => continue,
                Ok((_, m)) => m,
                // Lagged: dropping the stream makes the browser reconnect and catch up.
                Err(_) => return,
            },
            _ = ping.tick() => Bytes::from_static(b": ping\n\n"),
        };
        if tx.send_data(message).await.is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;

    async fn next(body: &mut Channel<Bytes>) -> String {
        let frame = body.frame().await.unwrap().unwrap();
        String::from_utf8(frame.into_data().unwrap().to_vec()).unwrap()
    }

    #[tokio::test]
    async fn catches_up_from_the_version_a_page_was_rendered_at() {
        let r = Reload::new(4);
        let v0 = r.version();
        r.publish(&["/a/index.html".into()], false);
        let v1 = r.version();
        r.publish(&["/b/index.html".into()], false);
        // Rendered at v0: both events come at once.
        let mut body = r.subscribe(Some(&v0));
        assert!(next(&mut body).await.contains(": connected"));
        assert!(next(&mut body).await.contains("/a/index.html"));
        assert!(next(&mut body).await.contains("/b/index.html"));
        // Rendered at v1: only the second.
        let mut body = r.subscribe(Some(&v1));
        next(&mut body).await;
        assert!(next(&mut body).await.contains("/b/index.html"));
        // Up to date: nothing until the next event, which comes live.
        let mut body = r.subscribe(Some(&r.version()));
        next(&mut body).await;
        r.publish(&["/c/index.html".into()], true);
        let live = next(&mut body).await;
        assert!(live.contains("/c/index.html") && live.contains("\"error\":true"));
        assert!(
            live.starts_with(&format!("id: {}\n", r.version())),
            "{live}"
        );
    }

    #[tokio::test]
    async fn a_page_that_falls_behind_is_dropped_and_publishing_never_waits() {
        let r = Reload::new(2);
        let mut body = r.subscribe(None);
        // Nobody reads the stream: publishing still returns at once.
        for i in 0..100 {
            r.publish(&[format!("/p{i}/index.html")], false);
        }
        let mut frames = 0;
        while let Some(frame) = body.frame().await {
            frame.unwrap();
            frames += 1;
        }
        // The stream ended (its browser reconnects and catches up from the history).
        assert!(frames < 4, "{frames}");
    }

    #[tokio::test]
    async fn a_stranger_id_or_a_long_absence_reloads_everything() {
        let r = Reload::new(4);
        for _ in 0..HISTORY + 2 {
            r.publish(&[], false);
        }
        for since in [Some("0-1".to_string()), Some(format!("{}-1", r.epoch))] {
            let mut body = r.subscribe(since.as_deref());
            next(&mut body).await;
            assert!(next(&mut body).await.contains("\"all\":true"));
        }
    }
}
