//! Paired timing for the benchmarks' ratios.
//!
//! On a shared machine a benchmark can land in a slow minute that the one it
//! is compared with misses, and criterion's separate runs then disagree by tens
//! of percent. Here each round times a batch of every operation back to back
//! (in an order that rotates from round to round), and ratios are taken within
//! a round, so that they compare like with like; the median over many rounds
//! and its quartiles are what gets reported.

use std::hint::black_box;
use std::time::{Duration, Instant};

/// One operation under measurement: runs it `batch` times and returns the time
/// that took. Work that must not be timed (cloning inputs the operation
/// consumes) is done before starting the clock.
pub type Operation<'a> = Box<dyn FnMut(usize) -> Duration + 'a>;

/// The time `batch` runs of `operation` take: the body of most [`Operation`]s.
pub fn timed<T>(batch: usize, mut operation: impl FnMut() -> T) -> Duration {
    let started = Instant::now();
    for _ in 0..batch {
        black_box(operation());
    }
    started.elapsed()
}

/// Seconds per batch of each operation, one row per round.
pub fn rounds(operations: &mut [Operation<'_>], rounds: usize, batch: usize) -> Vec<Vec<f64>> {
    let count = operations.len();
    (0..rounds)
        .map(|round| {
            let mut seconds = vec![0.0; count];
            for step in 0..count {
                let which = (round + step) % count;
                seconds[which] = operations[which](batch).as_secs_f64();
            }
            seconds
        })
        .collect()
}

/// Whether the benchmark binary runs as a benchmark (`cargo bench` passes
/// `--bench`), rather than as a quick check under `cargo test --benches`,
/// where the paired rounds would take minutes for nothing, and not under
/// `--profile-time`, where they would blur the profile of one benchmark.
pub fn benchmarking() -> bool {
    runs_paired(std::env::args())
}

/// [`benchmarking`], for the command line `args`.
fn runs_paired(args: impl IntoIterator<Item = String>) -> bool {
    let (mut bench, mut profiling) = (false, false);
    for arg in args {
        bench |= arg == "--bench";
        profiling |= arg == "--profile-time";
    }
    bench && !profiling
}

/// `median (q1-q3)` of `ratios`, as `1.23x (1.20-1.30)`.
pub fn quartiles(mut ratios: Vec<f64>) -> String {
    if ratios.is_empty() {
        return "no rounds".to_owned();
    }
    ratios.sort_by(f64::total_cmp);
    let at = |fraction: f64| ratios[((ratios.len() - 1) as f64 * fraction).round() as usize];
    format!("{:.2}x ({:.2}-{:.2})", at(0.5), at(0.25), at(0.75))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    #[test]
    fn every_operation_runs_once_per_round_in_rotating_order() {
        let calls = RefCell::new(Vec::new());
        let mut operations: Vec<Operation<'_>> = (0..3)
            .map(|index| -> Operation<'_> {
                let calls = &calls;
                Box::new(move |batch| {
                    calls.borrow_mut().push((index, batch));
                    Duration::from_millis(index as u64 + 1)
                })
            })
            .collect();
        let seconds = rounds(&mut operations, 3, 7);
        drop(operations);
        let order: Vec<usize> = calls
            .into_inner()
            .iter()
            .map(|&(index, batch)| {
                assert_eq!(batch, 7);
                index
            })
            .collect();
        assert_eq!(order, [0, 1, 2, 1, 2, 0, 2, 0, 1]);
        // Each row holds each operation's own time, whatever the order it ran in.
        assert!(seconds.iter().all(|row| row == &[0.001, 0.002, 0.003]));
    }

    #[test]
    fn paired_rounds_run_under_cargo_bench_only() {
        let run = |args: &[&str]| runs_paired(args.iter().map(|arg| arg.to_string()));
        assert!(run(&["validation", "--bench"]));
        assert!(run(&["validation", "--bench", "valid/"]));
        assert!(!run(&["validation"]), "cargo test --benches");
        assert!(!run(&["validation", "--bench", "--profile-time", "5", "^valid/"]));
    }

    #[test]
    fn timed_runs_the_operation_once_per_batch_item() {
        let mut runs = 0;
        timed(5, || runs += 1);
        assert_eq!(runs, 5);
    }

    #[test]
    fn quartiles_of_an_odd_and_an_empty_set() {
        assert_eq!(quartiles(vec![5.0, 1.0, 3.0, 2.0, 4.0]), "3.00x (2.00-4.00)");
        assert_eq!(quartiles(Vec::new()), "no rounds");
    }
}
