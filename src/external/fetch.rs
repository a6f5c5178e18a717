//! Asking hosts whether addresses work: concurrently, but never more than `per_host` requests
//! at a time to one host (so a docs site with 200 links to one forge is not a burst); HEAD
//! first, GET when HEAD is refused (many servers answer 405 or 403 to HEAD); redirects
//! followed; 429, 5xx and dropped connections retried with backoff, honouring `Retry-After`.
//! A timeout is not retried: a host that did not answer in time costs the whole timeout again.

use reqwest::{header, Client, StatusCode};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

pub(crate) struct Limits {
    pub(crate) timeout: Duration,
    /// Requests in flight at once, in all.
    pub(crate) total: usize,
    /// Requests in flight at once to one host.
    pub(crate) per_host: usize,
    /// Attempts after the first for a retryable answer.
    pub(crate) retries: u32,
    /// The first backoff, doubled on each retry (when the host sends no Retry-After).
    pub(crate) backoff: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            timeout: Duration::from_secs(15),
            total: 16,
            per_host: 2,
            retries: 2,
            backoff: Duration::from_secs(1),
        }
    }
}

/// The longest Retry-After honoured: a host asking for more is reported as rate limited.
const MAX_WAIT: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// 2xx (or 3xx left after redirects), with the status.
    Ok(u16),
    /// A 4xx or 5xx answer: status and reason.
    Status(u16, String),
    Timeout,
    /// No answer: the connection, TLS or redirect chain failed.
    Failed(String),
}

/// Checks every address; the outcomes come back in the order of `urls`.
pub(crate) fn check_all(urls: &[String], limits: &Limits) -> Vec<Outcome> {
    if urls.is_empty() {
        return Vec::new();
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime starts");
    runtime.block_on(check_all_async(urls, limits))
}

async fn check_all_async(urls: &[String], limits: &Limits) -> Vec<Outcome> {
    let client = match client(limits) {
        Ok(c) => c,
        Err(e) => return vec![Outcome::Failed(format!("no HTTP client: {e}")); urls.len()],
    };
    let total = Arc::new(Semaphore::new(limits.total));
    let mut hosts: HashMap<String, Arc<Semaphore>> = HashMap::new();
    let mut tasks = tokio::task::JoinSet::new();
    for (i, url) in urls.iter().enumerate() {
        let host = reqwest::Url::parse(url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or_default();
        let per_host = hosts
            .entry(host)
            .or_insert_with(|| Arc::new(Semaphore::new(limits.per_host)))
            .clone();
        let (client, total, url) = (client.clone(), total.clone(), url.clone());
        let (retries, backoff) = (limits.retries, limits.backoff);
        tasks.spawn(async move {
            let _host = per_host.acquire_owned().await;
            let _slot = total.acquire_owned().await;
            (i, check_one(&client, &url, retries, backoff).await)
        });
    }
    let mut out = vec![Outcome::Failed("not checked".into()); urls.len()];
    while let Some(done) = tasks.join_next().await {
        if let Ok((i, outcome)) = done {
            out[i] = outcome;
        }
    }
    out
}

fn client(limits: &Limits) -> reqwest::Result<Client> {
    Client::builder()
        .timeout(limits.timeout)
        .redirect(reqwest::redirect::Policy::limited(10))
        .user_agent(concat!(
            "backlot/",
            env!("CARGO_PKG_VERSION"),
            " (link checker)"
        ))
        .default_headers(header::HeaderMap::from_iter([(
            header::ACCEPT,
            header::HeaderValue::from_static("text/html,*/*;q=0.8"),
        )]))
        .build()
}

/// One address, retried while the answer says "later".
async fn check_one(client: &Client, url: &str, retries: u32, backoff: Duration) -> Outcome {
    let mut attempt = 0;
    loop {
        let answer = probe(client, url).await;
        let wait = match &answer {
            Ok(r) if r.status == StatusCode::TOO_MANY_REQUESTS || r.status.is_server_error() => {
                r.retry_after.unwrap_or(backoff * 2u32.pow(attempt))
            }
            Err(e) if !e.is_timeout() && (e.is_connect() || e.is_request()) => {
                backoff * 2u32.pow(attempt)
            }
            _ => return outcome(answer),
        };
        if attempt == retries || wait > MAX_WAIT {
            return outcome(answer);
        }
        tokio::time::sleep(wait).await;
        attempt += 1;
    }
}

struct Answer {
    status: StatusCode,
    retry_after: Option<Duration>,
}

/// HEAD, then GET if HEAD was refused with a 4xx other than 429. The GET's body is not read.
async fn probe(client: &Client, url: &str) -> reqwest::Result<Answer> {
    let mut response = client.head(url).send().await?;
    let refused =
        response.status().is_client_error() && response.status() != StatusCode::TOO_MANY_REQUESTS;
    if refused {
        response = client.get(url).send().await?;
    }
    Ok(Answer {
        status: response.status(),
        retry_after: response
            .headers()
            .get(header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(retry_after),
    })
}

/// `Retry-After: 120` or `Retry-After: Wed, 21 Oct 2026 07:28:00 GMT`.
fn retry_after(value: &str) -> Option<Duration> {
    if let Ok(secs) = value.trim().parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value.trim()).ok()?;
    Some(
        at.duration_since(std::time::SystemTime::now())
            .unwrap_or_default(),
    )
}

fn outcome(answer: reqwest::Result<Answer>) -> Outcome {
    match answer {
        Ok(a) if a.status.is_client_error() || a.status.is_server_error() => Outcome::Status(
            a.status.as_u16(),
            a.status.canonical_reason().unwrap_or("").to_string(),
        ),
        Ok(a) => Outcome::Ok(a.status.as_u16()),
        Err(e) if e.is_timeout() => Outcome::Timeout,
        Err(e) => Outcome::Failed(error_chain(&e)),
    }
}

/// reqwest's message plus its causes ("error sending request: ... : connection refused").
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_takes_seconds_or_a_date() {
        assert_eq!(retry_after("3"), Some(Duration::from_secs(3)));
        assert_eq!(
            retry_after("Thu, 01 Jan 1970 00:00:00 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after("soon"), None);
    }
}
