//! At-least-once deliveries, handled once.
//!
//! Webhook senders retry until they see a success, so the same event can arrive
//! several times, even while an earlier copy is still being handled. Before
//! calling the user's handler, the receiver [claims](DedupeStore::claim) the
//! event's key (with its message's name: `16:registrant.added:<eventKey>`, so
//! that two messages never share a key), and settles the claim when the handler answers: a success
//! [completes](DedupeStore::complete) it, so later copies are
//! [`Claim::Duplicate`]s, acknowledged without calling the handler again; a
//! failure [releases](DedupeStore::release) it, so the sender's retry is
//! handled. A copy arriving while the claim is unsettled is
//! [`Claim::InProgress`]: the receiver asks the sender to retry later rather
//! than acknowledge an event whose handling may yet fail.
//!
//! Every claim carries a [`ClaimToken`], and settling a claim that is no longer
//! the key's current one (it expired and the key was claimed again) changes
//! nothing, so a slow handler cannot undo a newer copy's claim.
//!
//! The store is pluggable. [`MemoryDedupe`] suits a single receiver process; a
//! shared store lets several processes share the work, e.g. with Redis:
//! `claim` is `SET key pending:<token> NX PX <lease>` (`OK` means
//! [`Claim::New`]; on nil, `GET key` tells `done` ([`Claim::Duplicate`]) from
//! `pending:...` ([`Claim::InProgress`])); `complete` and `release` are small
//! Lua scripts that set the value to `done` with the retention as expiry
//! (unless another claim's token is there), or delete it (only while it is
//! still `pending:<token>`). The lease bounds how long
//! a claim that nobody settles (a crashed process) holds its key;
//! [`release_abandoned`](DedupeStore::release_abandoned) spawns the release on
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
    /// First time the key is seen (within the store's retention): process it,
    /// then settle the claim with this token.
    New(ClaimToken),
    /// Another copy claimed the key and has not settled it yet: neither
    /// process nor acknowledge; the sender should retry later.
    InProgress,
    /// The key was handled already: acknowledge without processing.
    Duplicate,
}

/// Identifies one claim of a key, so that settling it cannot touch a later
/// claim of the same key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClaimToken(pub u64);

/// Records which deliveries were already seen.
pub trait DedupeStore: Send + Sync + 'static {
    /// Atomically claims `key`: [`Claim::New`] if nobody holds or completed it
    /// within the store's retention.
    fn claim(&self, key: &str) -> impl Future<Output = Result<Claim, DedupeError>> + Send;
    /// The claim's delivery was handled: later copies are duplicates, for the
    /// store's retention. Does nothing if the key was claimed again since (the
    /// claim expired); a key forgotten meanwhile is recorded all the same.
    fn complete(&self, key: &str, token: ClaimToken) -> impl Future<Output = Result<(), DedupeError>> + Send;
    /// Forgets the claim, so that a delivery whose handler failed is processed
    /// again when the sender retries. Does nothing if the claim is no longer
    /// current.
    fn release(&self, key: &str, token: ClaimToken) -> impl Future<Output = Result<(), DedupeError>> + Send;

    /// Forgets the claim without waiting. The dispatcher calls this when a
    /// delivery that claimed `key` was abandoned before its handler finished:
    /// the request was cancelled (the sender hung up, a timeout fired) or the
    /// handler panicked. [`release`](DedupeStore::release) cannot be awaited
    /// there, and keeping the claim would hold off the sender's retries until
    /// it expires.
    ///
    /// The default polls `release` once and gives up if it is not done by then:
    /// enough for stores that answer without waiting, like [`MemoryDedupe`]. A
    /// store that must wait (a network store) should override this, for example
    /// by spawning the release on its runtime; otherwise an abandoned claim
    /// holds its key until its lease ends.
    fn release_abandoned(&self, key: &str, token: ClaimToken) {
        settle_without_waiting(self.release(key, token), key, "release an abandoned delivery's key");
    }

    /// [`complete`](DedupeStore::complete) without waiting. The dispatcher
    /// calls this when a delivery was abandoned after its handler answered,
    /// while its key was being recorded: left unsettled, the claim would hold
    /// off the sender's retries until its lease ends, and then let a copy be
    /// handled a second time.
    ///
    /// The default polls `complete` once, as
    /// [`release_abandoned`](DedupeStore::release_abandoned) polls `release`;
    /// a store that must wait should override both.
    fn complete_abandoned(&self, key: &str, token: ClaimToken) {
        settle_without_waiting(self.complete(key, token), key, "record an abandoned handled delivery's key");
    }
}

/// Polls `settle` once; logs what could not be done (`what`) without waiting.
fn settle_without_waiting(settle: impl Future<Output = Result<(), DedupeError>>, key: &str, what: &str) {
    let settle = std::pin::pin!(settle);
    match settle.poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(Ok(())) => {}
        Poll::Ready(Err(error)) => tracing::error!(%error, key, "could not {what}"),
        Poll::Pending => tracing::error!(
            key,
            "could not {what} without waiting: its retries are asked to wait until the claim's lease ends"
        ),
    }
}

/// A store could not answer (a shared store being unreachable, say).
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
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

/// A store that remembers nothing: every delivery is [`Claim::New`]. For
/// handlers that are idempotent anyway.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoDedupe;

impl DedupeStore for NoDedupe {
    async fn claim(&self, _key: &str) -> Result<Claim, DedupeError> {
        Ok(Claim::New(ClaimToken(0)))
    }

    async fn complete(&self, _key: &str, _token: ClaimToken) -> Result<(), DedupeError> {
        Ok(())
    }

    async fn release(&self, _key: &str, _token: ClaimToken) -> Result<(), DedupeError> {
        Ok(())
    }
}

type MonotonicClock = Arc<dyn Fn() -> Instant + Send + Sync>;

/// An in-process store: handled keys are remembered for a time to live, claims
/// that nobody settles for a lease, and the oldest handled keys are forgotten
/// first when the capacity is reached. Claims in progress are never forgotten
/// to make room (a copy would be handled alongside): when they alone fill the
/// store, a new claim fails, the receiver answers 503 and the sender retries.
/// Duplicates arriving at another process, or after a restart, are not
/// detected.
#[derive(Clone)]
pub struct MemoryDedupe {
    state: Arc<Mutex<State>>,
    capacity: usize,
    ttl: Duration,
    lease: Duration,
    clock: MonotonicClock,
}

impl MemoryDedupe {
    /// Keys remembered at most, by default.
    pub const DEFAULT_CAPACITY: usize = 100_000;
    /// How long a handled key is remembered, by default: longer than senders
    /// keep retrying.
    pub const DEFAULT_TTL: Duration = Duration::from_secs(24 * 60 * 60);
    /// How long an unsettled claim holds its key, by default: far longer than a
    /// handler should run. Claims are settled as soon as the handler answers,
    /// fails, panics or is cancelled; the lease only bounds a handler that hangs.
    pub const DEFAULT_LEASE: Duration = Duration::from_secs(10 * 60);

    /// A store with the default capacity, time to live and lease.
    pub fn new() -> Self {
        Self {
            state: Arc::default(),
            capacity: Self::DEFAULT_CAPACITY,
            ttl: Self::DEFAULT_TTL,
            lease: Self::DEFAULT_LEASE,
            clock: Arc::new(Instant::now),
        }
    }

    /// Remembers at most `capacity` keys (at least 1).
    pub fn with_capacity(mut self, capacity: usize) -> Self {
        self.capacity = capacity.max(1);
        self
    }

    /// Remembers each handled key for `ttl`.
    pub fn with_ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl;
        self
    }

    /// Lets an unsettled claim hold its key for `lease`; after that, a copy of
    /// the delivery is processed again.
    pub fn with_lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
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

    fn claim_now(&self, key: &str) -> Result<Claim, DedupeError> {
        let now = (self.clock)();
        let mut state = self.lock();
        state.forget_expired(now, self.ttl, self.lease);
        if let Some(entry) = state.entries.get(key) {
            // Kept by `forget_expired` only if still live, but a clock going
            // backwards must not make an entry live forever either.
            if entry.is_live(now, self.ttl, self.lease) {
                return Ok(if entry.done { Claim::Duplicate } else { Claim::InProgress });
            }
            // Its own dead entry makes no room for it to take.
            state.remove(key);
        }
        while state.entries.len() >= self.capacity {
            if !state.forget_oldest_handled() {
                return Err(DedupeError::new(format!(
                    "full: {} deliveries are being handled at once (raise `with_capacity`)",
                    state.entries.len()
                )));
            }
        }
        Ok(Claim::New(state.insert(key, now, false)))
    }

    fn complete_now(&self, key: &str, token: ClaimToken) {
        let now = (self.clock)();
        let mut state = self.lock();
        // A key forgotten meanwhile (the lease ran out, or room was needed)
        // and claimed by nobody since is recorded all the same.
        let settle = state.entries.get(key).is_none_or(|entry| entry.is_claim(token));
        if settle {
            // Remembered from now on, and ordered by now among the others.
            state.remove(key);
            state.insert(key, now, true);
        }
    }

    fn release_now(&self, key: &str, token: ClaimToken) {
        let mut state = self.lock();
        if state.entries.get(key).is_some_and(|entry| entry.is_claim(token)) {
            state.remove(key);
        }
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
            .field("lease", &self.lease)
            .field("len", &self.len())
            .finish_non_exhaustive()
    }
}

impl DedupeStore for MemoryDedupe {
    async fn claim(&self, key: &str) -> Result<Claim, DedupeError> {
        self.claim_now(key)
    }

    async fn complete(&self, key: &str, token: ClaimToken) -> Result<(), DedupeError> {
        self.complete_now(key, token);
        Ok(())
    }

    async fn release(&self, key: &str, token: ClaimToken) -> Result<(), DedupeError> {
        self.release_now(key, token);
        Ok(())
    }

    fn release_abandoned(&self, key: &str, token: ClaimToken) {
        self.release_now(key, token);
    }
}

/// Keys, plus two queues of them in the order they were claimed or completed,
/// for expiry and eviction: claims (held for the lease) and completed keys
/// (remembered for the time to live). Each queue's entries share one length of
/// life, so each expires from its front.
///
/// A released, completed or re-claimed key leaves a stale entry in a queue (its
/// generation no longer matches), skipped when reached and swept when stale
/// entries outnumber live ones, so every operation is O(1) amortised.
/// The generation of a claim is its [`ClaimToken`].
#[derive(Default)]
struct State {
    entries: HashMap<Arc<str>, Entry>,
    claimed: VecDeque<(Arc<str>, u64)>,
    done: VecDeque<(Arc<str>, u64)>,
    next_generation: u64,
}

struct Entry {
    since: Instant,
    generation: u64,
    /// Completed (remembered for the time to live), or only claimed (held for
    /// the lease).
    done: bool,
}

impl Entry {
    /// Whether this is the unsettled claim `token` names.
    fn is_claim(&self, token: ClaimToken) -> bool {
        !self.done && self.generation == token.0
    }

    fn is_live(&self, now: Instant, ttl: Duration, lease: Duration) -> bool {
        now.saturating_duration_since(self.since) < if self.done { ttl } else { lease }
    }
}

impl State {
    fn insert(&mut self, key: &str, now: Instant, done: bool) -> ClaimToken {
        let key: Arc<str> = Arc::from(key);
        let generation = self.next_generation;
        self.next_generation += 1;
        self.entries.insert(Arc::clone(&key), Entry { since: now, generation, done });
        let queue = if done { &mut self.done } else { &mut self.claimed };
        queue.push_back((key, generation));
        ClaimToken(generation)
    }

    fn remove(&mut self, key: &str) {
        if self.entries.remove(key).is_some()
            && self.claimed.len() + self.done.len() > 2 * self.entries.len() + 16
        {
            let entries = &self.entries;
            self.claimed.retain(|(key, generation)| is_current(entries, key, *generation));
            self.done.retain(|(key, generation)| is_current(entries, key, *generation));
        }
    }

    /// Forgets every entry that is no longer live.
    fn forget_expired(&mut self, now: Instant, ttl: Duration, lease: Duration) {
        for queue in [&mut self.claimed, &mut self.done] {
            while let Some((key, generation)) = queue.front() {
                match self.entries.get(key) {
                    Some(entry) if entry.generation == *generation => {
                        if entry.is_live(now, ttl, lease) {
                            break;
                        }
                        self.entries.remove(key);
                    }
                    _ => {}
                }
                queue.pop_front();
            }
        }
    }

    /// Forgets the oldest handled key; `false` if there is none (claims in
    /// progress are never forgotten to make room: a copy would be handled
    /// alongside).
    fn forget_oldest_handled(&mut self) -> bool {
        while let Some((key, generation)) = self.done.pop_front() {
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

    /// A claim's outcome, in a word.
    fn word(claim: &Result<Claim, DedupeError>) -> &'static str {
        match claim {
            Ok(Claim::New(_)) => "new",
            Ok(Claim::InProgress) => "in progress",
            Ok(Claim::Duplicate) => "duplicate",
            Err(_) => "error",
        }
    }

    /// What claiming `key` says.
    async fn claim(store: &impl DedupeStore, key: &str) -> &'static str {
        word(&store.claim(key).await)
    }

    /// Claims `key` and, if new, completes the claim as a handler's success does.
    async fn handle(store: &impl DedupeStore, key: &str) -> &'static str {
        let claim = store.claim(key).await;
        if let Ok(Claim::New(token)) = claim {
            store.complete(key, token).await.expect("complete");
        }
        word(&claim)
    }

    async fn token(store: &impl DedupeStore, key: &str) -> ClaimToken {
        match store.claim(key).await {
            Ok(Claim::New(token)) => token,
            other => panic!("{key}: {other:?}"),
        }
    }

    #[tokio::test]
    async fn duplicate_within_ttl() {
        let clock = ManualClock::new();
        let store = clock.store().with_ttl(Duration::from_secs(60));
        assert_eq!(handle(&store, "event-1").await, "new");
        clock.advance(Duration::from_secs(59));
        assert_eq!(claim(&store, "event-1").await, "duplicate");
        assert_eq!(claim(&store, "event-2").await, "new");
    }

    #[tokio::test]
    async fn new_again_after_ttl() {
        let clock = ManualClock::new();
        let store = clock.store().with_ttl(Duration::from_secs(60));
        assert_eq!(handle(&store, "event-1").await, "new");
        clock.advance(Duration::from_secs(30));
        assert_eq!(handle(&store, "event-2").await, "new");
        clock.advance(Duration::from_secs(30));
        // event-1 is exactly 60 s old: expired; event-2 is 30 s old: kept.
        assert_eq!(handle(&store, "event-1").await, "new");
        assert_eq!(claim(&store, "event-2").await, "duplicate");
        assert_eq!(store.len(), 2);
    }

    #[tokio::test]
    async fn default_ttl_is_a_day() {
        let clock = ManualClock::new();
        let store = clock.store();
        assert_eq!(handle(&store, "k").await, "new");
        clock.advance(Duration::from_secs(24 * 60 * 60 - 1));
        assert_eq!(claim(&store, "k").await, "duplicate");
        clock.advance(Duration::from_secs(1));
        assert_eq!(claim(&store, "k").await, "new");
    }

    #[tokio::test]
    async fn the_ttl_runs_from_completion() {
        let clock = ManualClock::new();
        let store = clock.store().with_ttl(Duration::from_secs(60));
        let first = token(&store, "k").await;
        clock.advance(Duration::from_secs(50));
        store.complete("k", first).await.expect("complete");
        clock.advance(Duration::from_secs(59));
        assert_eq!(claim(&store, "k").await, "duplicate");
        clock.advance(Duration::from_secs(1));
        assert_eq!(claim(&store, "k").await, "new");
    }

    #[tokio::test]
    async fn an_unsettled_claim_is_in_progress_until_its_lease_ends() {
        let clock = ManualClock::new();
        let store = clock.store().with_lease(Duration::from_secs(30));
        let first = token(&store, "k").await;
        assert_eq!(claim(&store, "k").await, "in progress");
        clock.advance(Duration::from_secs(29));
        assert_eq!(claim(&store, "k").await, "in progress");
        clock.advance(Duration::from_secs(1));
        // The lease ended: a copy is processed again, under a new claim that
        // the first one's late answer cannot settle.
        let second = token(&store, "k").await;
        assert_ne!(first, second);
        store.complete("k", first).await.expect("complete");
        assert_eq!(claim(&store, "k").await, "in progress");
        store.release("k", first).await.expect("release");
        assert_eq!(claim(&store, "k").await, "in progress");
        store.complete("k", second).await.expect("complete");
        assert_eq!(claim(&store, "k").await, "duplicate");
    }

    #[tokio::test]
    async fn the_default_lease_is_ten_minutes() {
        let clock = ManualClock::new();
        let store = clock.store();
        token(&store, "k").await;
        clock.advance(Duration::from_secs(10 * 60 - 1));
        assert_eq!(claim(&store, "k").await, "in progress");
        clock.advance(Duration::from_secs(1));
        assert_eq!(claim(&store, "k").await, "new");
    }

    #[tokio::test]
    async fn a_stale_release_keeps_a_newer_claim() {
        // The first claim's lease ends while its handler runs; a copy claims
        // the key again; the first handler then fails.
        let clock = ManualClock::new();
        let store = clock.store().with_lease(Duration::from_secs(1));
        let first = token(&store, "k").await;
        clock.advance(Duration::from_secs(2));
        let second = token(&store, "k").await;
        store.release("k", first).await.expect("release");
        store.release_abandoned("k", first);
        assert_eq!(claim(&store, "k").await, "in progress");
        store.complete("k", second).await.expect("complete");
        assert_eq!(claim(&store, "k").await, "duplicate");
        // Nor can a settled claim be settled again.
        store.release("k", second).await.expect("release");
        assert_eq!(claim(&store, "k").await, "duplicate");
    }

    #[tokio::test]
    async fn claims_in_progress_are_never_evicted_to_make_room() {
        let store = MemoryDedupe::new().with_capacity(2);
        let running = token(&store, "running").await;
        handle(&store, "done").await;
        // The handled key makes room; then only claims are left, and a new
        // one is refused rather than let a copy of one of them through.
        assert_eq!(claim(&store, "next").await, "new");
        let error = store.claim("another").await.expect_err("the store is full of claims");
        assert!(error.to_string().contains("full: 2 deliveries are being handled at once"), "{error}");
        assert_eq!(claim(&store, "running").await, "in progress");
        // A settled claim frees its place for handled keys to be evicted again.
        store.complete("running", running).await.expect("complete");
        assert_eq!(claim(&store, "another").await, "new");
        assert_eq!(claim(&store, "next").await, "in progress");
    }

    #[tokio::test]
    async fn expired_keys_make_room_before_live_ones_are_evicted() {
        // Handled keys live 1 s, claims 10 minutes: the queue of one does not
        // hold up the expiry of the other.
        let clock = ManualClock::new();
        let store = clock.store().with_ttl(Duration::from_secs(1)).with_capacity(3);
        token(&store, "running").await;
        handle(&store, "a").await;
        handle(&store, "b").await;
        clock.advance(Duration::from_secs(2));
        assert_eq!(handle(&store, "c").await, "new");
        assert_eq!(claim(&store, "running").await, "in progress", "a live claim was evicted");
        assert_eq!(store.len(), 2);

        // And the other way round: a claim whose lease ended goes before
        // handled keys that are still remembered.
        let store = clock.store().with_lease(Duration::from_secs(1)).with_capacity(3);
        token(&store, "hung").await;
        handle(&store, "x").await;
        handle(&store, "y").await;
        clock.advance(Duration::from_secs(2));
        assert_eq!(handle(&store, "z").await, "new");
        assert_eq!(claim(&store, "x").await, "duplicate");
        assert_eq!(claim(&store, "y").await, "duplicate");
    }

    #[tokio::test]
    async fn room_is_made_from_handled_keys_before_claims() {
        let store = MemoryDedupe::new().with_capacity(2);
        token(&store, "running").await;
        handle(&store, "a").await;
        assert_eq!(handle(&store, "b").await, "new");
        // "a" went, though "running" is older.
        assert_eq!(claim(&store, "running").await, "in progress");
        assert_eq!(claim(&store, "a").await, "new");
    }

    #[tokio::test]
    async fn a_key_claimed_again_after_its_expiry_evicts_nothing() {
        let clock = ManualClock::new();
        let store = clock.store().with_ttl(Duration::from_secs(10)).with_capacity(2);
        handle(&store, "old").await;
        clock.advance(Duration::from_secs(5));
        handle(&store, "recent").await;
        clock.advance(Duration::from_secs(5));
        // "old" expired: claiming it again takes its own place.
        assert_eq!(handle(&store, "old").await, "new");
        assert_eq!(claim(&store, "recent").await, "duplicate");
    }

    #[tokio::test]
    async fn a_claim_forgotten_meanwhile_is_remembered_once_handled() {
        // The handler outlives the lease; another claim sweeps the expired one
        // before the handler answers: its success still counts.
        let clock = ManualClock::new();
        let store = clock.store().with_lease(Duration::from_secs(1));
        let slow = token(&store, "slow").await;
        clock.advance(Duration::from_secs(2));
        handle(&store, "other").await;
        assert_eq!(store.len(), 1, "the expired claim was swept");
        store.complete("slow", slow).await.expect("complete");
        assert_eq!(claim(&store, "slow").await, "duplicate");
    }

    #[tokio::test]
    async fn capacity_evicts_the_oldest() {
        let store = MemoryDedupe::new().with_capacity(3);
        for key in ["a", "b", "c"] {
            assert_eq!(handle(&store, key).await, "new");
        }
        assert_eq!(handle(&store, "d").await, "new");
        assert_eq!(store.len(), 3);
        // "a" was evicted; "b", "c" and "d" are remembered.
        for key in ["b", "c", "d"] {
            assert_eq!(claim(&store, key).await, "duplicate", "{key}");
        }
        assert_eq!(handle(&store, "a").await, "new");
        // Re-claiming "a" evicted "b", now the oldest.
        assert_eq!(claim(&store, "b").await, "new");
    }

    #[tokio::test]
    async fn eviction_skips_released_keys() {
        let store = MemoryDedupe::new().with_capacity(2);
        let a = token(&store, "a").await;
        handle(&store, "b").await;
        store.release("a", a).await.expect("release");
        handle(&store, "c").await;
        // "a" was released, so "c" fitted without evicting "b".
        assert_eq!(claim(&store, "b").await, "duplicate");
        assert_eq!(claim(&store, "c").await, "duplicate");
        assert_eq!(store.len(), 2);
    }

    #[tokio::test]
    async fn zero_capacity_still_remembers_the_last_key() {
        let store = MemoryDedupe::new().with_capacity(0);
        assert_eq!(handle(&store, "a").await, "new");
        assert_eq!(claim(&store, "a").await, "duplicate");
        assert_eq!(handle(&store, "b").await, "new");
        assert_eq!(claim(&store, "a").await, "new");
    }

    #[tokio::test]
    async fn release_then_claim_is_new() {
        let store = MemoryDedupe::new();
        let first = token(&store, "k").await;
        store.release("k", first).await.expect("release");
        assert!(store.is_empty());
        assert_eq!(handle(&store, "k").await, "new");
        assert_eq!(claim(&store, "k").await, "duplicate");
        // Settling an unknown key is not an error; completing it records it
        // (as for a claim forgotten while its handler ran).
        store.release("never-seen", first).await.expect("release");
        assert_eq!(claim(&store, "never-seen").await, "new");
        store.complete("forgotten", first).await.expect("complete");
        assert_eq!(claim(&store, "forgotten").await, "duplicate");
    }

    #[tokio::test]
    async fn settled_keys_do_not_accumulate() {
        let store = MemoryDedupe::new();
        for _ in 0..10_000 {
            let retried = token(&store, "retried").await;
            store.release("retried", retried).await.expect("release");
        }
        let handled = token(&store, "handled").await;
        store.complete("handled", handled).await.expect("complete");
        let state = store.lock();
        let queued = state.claimed.len() + state.done.len();
        assert!(queued <= 2 * state.entries.len() + 17, "{queued}");
    }

    #[tokio::test]
    async fn expired_key_claimed_again_is_remembered_anew() {
        let clock = ManualClock::new();
        let store = clock.store().with_ttl(Duration::from_secs(10)).with_capacity(2);
        handle(&store, "a").await;
        clock.advance(Duration::from_secs(10));
        // "a" expired and is claimed again, then "b" fills the store.
        assert_eq!(handle(&store, "a").await, "new");
        assert_eq!(handle(&store, "b").await, "new");
        assert_eq!(claim(&store, "a").await, "duplicate");
        assert_eq!(claim(&store, "b").await, "duplicate");
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
                            claims.push(claim(&store, &format!("event-{i}")).await);
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
                    "new" => *count += 1,
                    "in progress" => {}
                    other => panic!("claim said {other}"),
                }
            }
        }
        assert!(new_per_key.iter().all(|&count| count == 1), "{new_per_key:?}");
    }

    #[tokio::test]
    async fn abandoned_keys_are_released_without_waiting() {
        let store = MemoryDedupe::new();
        let abandoned = token(&store, "k").await;
        store.release_abandoned("k", abandoned);
        assert!(store.is_empty());
        assert_eq!(claim(&store, "k").await, "new");

        /// A store relying on the default: its release answers at once, or never.
        struct Recording {
            released: Mutex<Vec<String>>,
            wait: bool,
        }
        impl DedupeStore for Recording {
            async fn claim(&self, _key: &str) -> Result<Claim, DedupeError> {
                Ok(Claim::New(ClaimToken(0)))
            }
            async fn complete(&self, _key: &str, _token: ClaimToken) -> Result<(), DedupeError> {
                Ok(())
            }
            async fn release(&self, key: &str, _token: ClaimToken) -> Result<(), DedupeError> {
                if self.wait {
                    std::future::pending::<()>().await;
                }
                self.released.lock().unwrap_or_else(PoisonError::into_inner).push(key.to_owned());
                Err(DedupeError::new("released, then failed"))
            }
        }
        let immediate = Recording { released: Mutex::default(), wait: false };
        immediate.release_abandoned("a", ClaimToken(0));
        assert_eq!(*immediate.released.lock().unwrap_or_else(PoisonError::into_inner), ["a"]);
        let waiting = Recording { released: Mutex::default(), wait: true };
        waiting.release_abandoned("b", ClaimToken(0));
        assert!(waiting.released.lock().unwrap_or_else(PoisonError::into_inner).is_empty());
        NoDedupe.release_abandoned("c", ClaimToken(0));
    }

    #[tokio::test]
    async fn no_dedupe_always_says_new() {
        assert_eq!(handle(&NoDedupe, "k").await, "new");
        assert_eq!(claim(&NoDedupe, "k").await, "new");
        NoDedupe.release("k", ClaimToken(0)).await.expect("release");
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
        assert!(debug.contains("capacity: 100000") && debug.contains("lease: 600s"), "{debug}");
    }
}
