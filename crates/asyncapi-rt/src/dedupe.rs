//! At-least-once deliveries, handled once.
//!
//! Webhook senders retry until they see a success, so the same event can arrive
//! several times. Before calling the user's handler, the receiver
//! [claims](DedupeStore::claim) the event's key: a [`Claim::Duplicate`] is
//! acknowledged without calling the handler again. If the handler fails, the
//! receiver [releases](DedupeStore::release) the key so that the sender's retry
//! is processed.
//!
//! The store is pluggable. [`MemoryDedupe`] suits a single receiver process; a
//! shared store lets several processes share the work, e.g. with Redis:
//! `claim` is `SET key 1 NX PX <ttl>` (`OK` means [`Claim::New`], nil means
//! [`Claim::Duplicate`]), `release` is `DEL key`, and
//! [`release_abandoned`](DedupeStore::release_abandoned) spawns that `DEL` on
//! the client's runtime.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

/// The outcome of claiming a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// First time the key is seen (within the store's retention): process it.
    New,
    /// The key was already claimed: acknowledge without processing.
    Duplicate,
}

/// Records which deliveries were already seen.
pub trait DedupeStore: Send + Sync + 'static {
    /// Atomically records `key` as seen; `Duplicate` if it was already seen
    /// within the store's retention.
    fn claim(&self, key: &str) -> impl Future<Output = Result<Claim, DedupeError>> + Send;
    /// Forgets `key`, so that a delivery whose handler failed is processed
    /// again when the sender retries.
    fn release(&self, key: &str) -> impl Future<Output = Result<(), DedupeError>> + Send;

    /// Forgets `key` without waiting. The dispatcher calls this when a delivery
    /// that claimed `key` was abandoned before its handler finished: the request
    /// was cancelled (the sender hung up, a timeout fired) or the handler
    /// panicked. [`release`](DedupeStore::release) cannot be awaited there, and
    /// keeping the key would make the sender's retry a duplicate, acknowledged
    /// without ever having been handled.
    ///
    /// The default polls `release` once and gives up if it is not done by then:
    /// enough for stores that answer without waiting, like [`MemoryDedupe`]. A
    /// store that must wait (a network store) should override this, for example
    /// by spawning the release on its runtime; otherwise an abandoned key stays
    /// claimed for the store's retention.
    fn release_abandoned(&self, key: &str) {
        let release = std::pin::pin!(self.release(key));
        match release.poll(&mut Context::from_waker(Waker::noop())) {
            Poll::Ready(Ok(())) => {}
            Poll::Ready(Err(error)) => {
                tracing::error!(%error, key, "could not release an abandoned delivery's key");
            }
            Poll::Pending => tracing::error!(
                key,
                "could not release an abandoned delivery's key without waiting: its retry \
                 will be taken for a duplicate until the store forgets the key"
            ),
        }
    }
}

/// A store could not answer (a shared store being unreachable, say).
#[derive(Debug)]
pub struct DedupeError {
    message: String,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl DedupeError {
    pub fn new(message: impl Into<String>) -> Self {
        Self { message: message.into(), source: None }
    }

    /// An error caused by `source`, such as the store client's own error.
    pub fn with_source(
        message: impl Into<String>,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        Self { message: message.into(), source: Some(source.into()) }
    }
}

impl fmt::Display for DedupeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DedupeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|source| source as &(dyn std::error::Error + 'static))
    }
}

/// A store that remembers nothing: every delivery is [`Claim::New`]. For
/// handlers that are idempotent anyway.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoDedupe;

impl DedupeStore for NoDedupe {
    async fn claim(&self, _key: &str) -> Result<Claim, DedupeError> {
        Ok(Claim::New)
    }

    async fn release(&self, _key: &str) -> Result<(), DedupeError> {
        Ok(())
    }
}

type MonotonicClock = Arc<dyn Fn() -> Instant + Send + Sync>;

/// An in-process store: keys are remembered for a time to live, and the oldest
/// are forgotten first when the capacity is reached. Duplicates arriving at
/// another process, or after a restart, are not detected.
#[derive(Clone)]
pub struct MemoryDedupe {
    state: Arc<Mutex<State>>,
    capacity: usize,
    ttl: Duration,
    clock: MonotonicClock,
}

impl MemoryDedupe {
    /// Keys remembered at most, by default.
    pub const DEFAULT_CAPACITY: usize = 100_000;
    /// How long a key is remembered, by default: longer than senders keep retrying.
    pub const DEFAULT_TTL: Duration = Duration::from_secs(24 * 60 * 60);

    /// A store with the default capacity and time to live.
    pub fn new() -> Self {
        Self {
            state: Arc::default(),
            capacity: Self::DEFAULT_CAPACITY,
            ttl: Self::DEFAULT_TTL,
            clock: Arc::new(Instant::now),
        }
    }

    /// Remembers at most `capacity` keys (at least 1).
    pub fn with_capacity(mut self, capacity: usize) -> Self {
        self.capacity = capacity.max(1);
        self
    }

    /// Remembers each key for `ttl`.
    pub fn with_ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl;
        self
    }

    /// Replaces the monotonic clock (`Instant::now`), for tests.
    pub fn with_clock(mut self, clock: impl Fn() -> Instant + Send + Sync + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Keys currently remembered (expired ones may linger until the next claim).
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // The state is consistent after every statement that mutates it, so a
        // panic elsewhere while holding the lock leaves nothing to repair.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn claim_now(&self, key: &str) -> Claim {
        let now = (self.clock)();
        let mut state = self.lock();
        state.forget_expired(now, self.ttl);
        if let Some(entry) = state.entries.get(key) {
            // Kept by `forget_expired` only if still live, but a clock going
            // backwards must not make an entry live forever either.
            if now.saturating_duration_since(entry.claimed_at) < self.ttl {
                return Claim::Duplicate;
            }
        }
        while state.entries.len() >= self.capacity {
            if !state.forget_oldest() {
                break;
            }
        }
        state.insert(key, now);
        Claim::New
    }
}

impl Default for MemoryDedupe {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for MemoryDedupe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryDedupe")
            .field("capacity", &self.capacity)
            .field("ttl", &self.ttl)
            .field("len", &self.len())
            .finish_non_exhaustive()
    }
}

impl DedupeStore for MemoryDedupe {
    async fn claim(&self, key: &str) -> Result<Claim, DedupeError> {
        Ok(self.claim_now(key))
    }

    async fn release(&self, key: &str) -> Result<(), DedupeError> {
        self.lock().remove(key);
        Ok(())
    }

    fn release_abandoned(&self, key: &str) {
        self.lock().remove(key);
    }
}

/// Keys by claim time, plus their claim order for expiry and eviction.
///
/// A released or re-claimed key leaves a stale entry in `order` (its
/// generation no longer matches), skipped when reached and swept when stale
/// entries outnumber live ones, so every operation is O(1) amortised.
#[derive(Default)]
struct State {
    entries: HashMap<Arc<str>, Entry>,
    order: VecDeque<(Arc<str>, u64)>,
    next_generation: u64,
}

struct Entry {
    claimed_at: Instant,
    generation: u64,
}

impl State {
    fn insert(&mut self, key: &str, now: Instant) {
        let key: Arc<str> = Arc::from(key);
        let generation = self.next_generation;
        self.next_generation += 1;
        self.entries.insert(Arc::clone(&key), Entry { claimed_at: now, generation });
        self.order.push_back((key, generation));
    }

    fn remove(&mut self, key: &str) {
        if self.entries.remove(key).is_some() && self.order.len() > 2 * self.entries.len() + 16 {
            let entries = &self.entries;
            self.order.retain(|(key, generation)| is_current(entries, key, *generation));
        }
    }

    /// Forgets the entries claimed `ttl` or longer ago, which are the oldest.
    fn forget_expired(&mut self, now: Instant, ttl: Duration) {
        while let Some((key, generation)) = self.order.front() {
            match self.entries.get(key) {
                Some(entry) if entry.generation == *generation => {
                    if now.saturating_duration_since(entry.claimed_at) < ttl {
                        return;
                    }
                    self.entries.remove(key);
                }
                _ => {}
            }
            self.order.pop_front();
        }
    }

    /// Forgets the oldest live entry; `false` if there is none.
    fn forget_oldest(&mut self) -> bool {
        while let Some((key, generation)) = self.order.pop_front() {
            if is_current(&self.entries, &key, generation) {
                self.entries.remove(&key);
                return true;
            }
        }
        false
    }
}

fn is_current(entries: &HashMap<Arc<str>, Entry>, key: &str, generation: u64) -> bool {
    entries.get(key).is_some_and(|entry| entry.generation == generation)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A clock that moves only when told to.
    #[derive(Clone)]
    struct ManualClock(Arc<Mutex<Instant>>);

    impl ManualClock {
        fn new() -> Self {
            Self(Arc::new(Mutex::new(Instant::now())))
        }

        fn advance(&self, by: Duration) {
            *self.0.lock().unwrap_or_else(PoisonError::into_inner) += by;
        }

        fn store(&self) -> MemoryDedupe {
            let clock = self.clone();
            MemoryDedupe::new().with_clock(move || *clock.0.lock().unwrap_or_else(PoisonError::into_inner))
        }
    }

    #[tokio::test]
    async fn duplicate_within_ttl() {
        let clock = ManualClock::new();
        let store = clock.store().with_ttl(Duration::from_secs(60));
        assert_eq!(store.claim("event-1").await.ok(), Some(Claim::New));
        clock.advance(Duration::from_secs(59));
        assert_eq!(store.claim("event-1").await.ok(), Some(Claim::Duplicate));
        assert_eq!(store.claim("event-2").await.ok(), Some(Claim::New));
    }

    #[tokio::test]
    async fn new_again_after_ttl() {
        let clock = ManualClock::new();
        let store = clock.store().with_ttl(Duration::from_secs(60));
        assert_eq!(store.claim("event-1").await.ok(), Some(Claim::New));
        clock.advance(Duration::from_secs(30));
        assert_eq!(store.claim("event-2").await.ok(), Some(Claim::New));
        clock.advance(Duration::from_secs(30));
        // event-1 is exactly 60 s old: expired; event-2 is 30 s old: kept.
        assert_eq!(store.claim("event-1").await.ok(), Some(Claim::New));
        assert_eq!(store.claim("event-2").await.ok(), Some(Claim::Duplicate));
        assert_eq!(store.len(), 2);
    }

    #[tokio::test]
    async fn default_ttl_is_a_day() {
        let clock = ManualClock::new();
        let store = clock.store();
        assert_eq!(store.claim("k").await.ok(), Some(Claim::New));
        clock.advance(Duration::from_secs(24 * 60 * 60 - 1));
        assert_eq!(store.claim("k").await.ok(), Some(Claim::Duplicate));
        clock.advance(Duration::from_secs(1));
        assert_eq!(store.claim("k").await.ok(), Some(Claim::New));
    }

    #[tokio::test]
    async fn capacity_evicts_the_oldest() {
        let store = MemoryDedupe::new().with_capacity(3);
        for key in ["a", "b", "c"] {
            assert_eq!(store.claim(key).await.ok(), Some(Claim::New));
        }
        assert_eq!(store.claim("d").await.ok(), Some(Claim::New));
        assert_eq!(store.len(), 3);
        // "a" was evicted; "b", "c" and "d" are remembered.
        for key in ["b", "c", "d"] {
            assert_eq!(store.claim(key).await.ok(), Some(Claim::Duplicate), "{key}");
        }
        assert_eq!(store.claim("a").await.ok(), Some(Claim::New));
        // Re-claiming "a" evicted "b", now the oldest.
        assert_eq!(store.claim("b").await.ok(), Some(Claim::New));
    }

    #[tokio::test]
    async fn eviction_skips_released_keys() {
        let store = MemoryDedupe::new().with_capacity(2);
        store.claim("a").await.ok();
        store.claim("b").await.ok();
        store.release("a").await.ok();
        store.claim("c").await.ok();
        // "a" was released, so "c" fitted without evicting "b".
        assert_eq!(store.claim("b").await.ok(), Some(Claim::Duplicate));
        assert_eq!(store.claim("c").await.ok(), Some(Claim::Duplicate));
        assert_eq!(store.len(), 2);
    }

    #[tokio::test]
    async fn zero_capacity_still_remembers_the_last_key() {
        let store = MemoryDedupe::new().with_capacity(0);
        assert_eq!(store.claim("a").await.ok(), Some(Claim::New));
        assert_eq!(store.claim("a").await.ok(), Some(Claim::Duplicate));
        assert_eq!(store.claim("b").await.ok(), Some(Claim::New));
        assert_eq!(store.claim("a").await.ok(), Some(Claim::New));
    }

    #[tokio::test]
    async fn release_then_claim_is_new() {
        let store = MemoryDedupe::new();
        assert_eq!(store.claim("k").await.ok(), Some(Claim::New));
        store.release("k").await.expect("release");
        assert!(store.is_empty());
        assert_eq!(store.claim("k").await.ok(), Some(Claim::New));
        assert_eq!(store.claim("k").await.ok(), Some(Claim::Duplicate));
        // Releasing an unknown key is not an error.
        store.release("never-seen").await.expect("release");
    }

    #[tokio::test]
    async fn released_keys_do_not_accumulate() {
        let store = MemoryDedupe::new();
        for _ in 0..10_000 {
            store.claim("retried").await.ok();
            store.release("retried").await.ok();
        }
        let state = store.lock();
        assert!(state.order.len() <= 2 * state.entries.len() + 17, "{}", state.order.len());
    }

    #[tokio::test]
    async fn expired_key_claimed_again_is_remembered_anew() {
        let clock = ManualClock::new();
        let store = clock.store().with_ttl(Duration::from_secs(10)).with_capacity(2);
        store.claim("a").await.ok();
        clock.advance(Duration::from_secs(10));
        // "a" expired and is claimed again, then "b" fills the store.
        assert_eq!(store.claim("a").await.ok(), Some(Claim::New));
        assert_eq!(store.claim("b").await.ok(), Some(Claim::New));
        assert_eq!(store.claim("a").await.ok(), Some(Claim::Duplicate));
        assert_eq!(store.claim("b").await.ok(), Some(Claim::Duplicate));
    }

    #[test]
    fn concurrent_claims_yield_exactly_one_new() {
        const THREADS: usize = 16;
        let store = MemoryDedupe::new();
        let barrier = Arc::new(std::sync::Barrier::new(THREADS));
        let handles: Vec<_> = (0..THREADS)
            .map(|_| {
                let (store, barrier) = (store.clone(), Arc::clone(&barrier));
                std::thread::spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
                    barrier.wait();
                    runtime.block_on(async {
                        let mut claims = Vec::new();
                        for i in 0..200 {
                            claims.push(store.claim(&format!("event-{i}")).await.ok());
                        }
                        claims
                    })
                })
            })
            .collect();
        let mut new_per_key = [0usize; 200];
        for handle in handles {
            let claims = handle.join().expect("thread");
            for (count, claim) in new_per_key.iter_mut().zip(claims) {
                match claim {
                    Some(Claim::New) => *count += 1,
                    Some(Claim::Duplicate) => {}
                    None => panic!("claim failed"),
                }
            }
        }
        assert!(new_per_key.iter().all(|&count| count == 1), "{new_per_key:?}");
    }

    #[tokio::test]
    async fn abandoned_keys_are_released_without_waiting() {
        let store = MemoryDedupe::new();
        assert_eq!(store.claim("k").await.ok(), Some(Claim::New));
        store.release_abandoned("k");
        assert!(store.is_empty());
        assert_eq!(store.claim("k").await.ok(), Some(Claim::New));

        /// A store relying on the default: its release answers at once, or never.
        struct Recording {
            released: Mutex<Vec<String>>,
            wait: bool,
        }
        impl DedupeStore for Recording {
            async fn claim(&self, _key: &str) -> Result<Claim, DedupeError> {
                Ok(Claim::New)
            }
            async fn release(&self, key: &str) -> Result<(), DedupeError> {
                if self.wait {
                    std::future::pending::<()>().await;
                }
                self.released.lock().unwrap_or_else(PoisonError::into_inner).push(key.to_owned());
                Err(DedupeError::new("released, then failed"))
            }
        }
        let immediate = Recording { released: Mutex::default(), wait: false };
        immediate.release_abandoned("a");
        assert_eq!(*immediate.released.lock().unwrap_or_else(PoisonError::into_inner), ["a"]);
        let waiting = Recording { released: Mutex::default(), wait: true };
        waiting.release_abandoned("b");
        assert!(waiting.released.lock().unwrap_or_else(PoisonError::into_inner).is_empty());
        NoDedupe.release_abandoned("c");
    }

    #[tokio::test]
    async fn no_dedupe_always_says_new() {
        assert_eq!(NoDedupe.claim("k").await.ok(), Some(Claim::New));
        assert_eq!(NoDedupe.claim("k").await.ok(), Some(Claim::New));
        NoDedupe.release("k").await.expect("release");
    }

    #[test]
    fn error_carries_message_and_source() {
        use std::error::Error as _;
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        let error = DedupeError::with_source("dedupe store unreachable", io);
        assert_eq!(error.to_string(), "dedupe store unreachable");
        assert_eq!(error.source().map(|s| s.to_string()), Some("refused".to_owned()));
        assert!(DedupeError::new("x").source().is_none());
        fn assert_send_sync<T: Send + Sync + 'static>() {}
        assert_send_sync::<DedupeError>();
    }

    #[test]
    fn stores_are_usable_as_generic_bounds() {
        fn assert_store<S: DedupeStore>(_: &S) {}
        assert_store(&MemoryDedupe::default());
        assert_store(&NoDedupe);
        let debug = format!("{:?}", MemoryDedupe::new());
        assert!(debug.contains("capacity: 100000"), "{debug}");
    }
}
