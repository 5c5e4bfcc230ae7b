//! Two pieces of work at once, on the machine's second core.

/// Runs `side` on a helper thread with a `stack`-byte stack while `here` runs
/// on this one, and returns both results. When no thread can be started,
/// `side` runs here after `here`: the results are the same, only later. A
/// panic on the helper is raised again here.
pub(crate) fn beside<A: Send, B>(
    stack: usize,
    side: impl Fn() -> A + Sync,
    here: impl FnOnce() -> B,
) -> (A, B) {
    std::thread::scope(|scope| {
        let helper = std::thread::Builder::new().stack_size(stack).spawn_scoped(scope, &side);
        let here = here();
        let side = match helper {
            Ok(helper) => helper.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            Err(_) => side(),
        };
        (side, here)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_results_come_back() {
        let (side, here) = beside(1 << 20, || std::thread::current().id(), || std::thread::current().id());
        assert_ne!(side, here, "the side work ran on another thread");
        assert_eq!(here, std::thread::current().id());
    }

    #[test]
    #[should_panic(expected = "on the helper")]
    fn a_panic_on_the_helper_is_raised_here() {
        beside(1 << 20, || panic!("on the helper"), || ());
    }
}
