//! `cargo xtask codegen [--check]`: regenerates the generated crates of this
//! workspace, or checks that they are what their documents generate.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use xtask::{Outcome, REGENERATE, codegen};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Development tasks of this workspace")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Regenerates the generated crates from their documents.
    Codegen {
        /// Changes nothing: fails, with a diff, when a generated crate is stale.
        #[arg(long)]
        check: bool,
    },
    /// Writes a synthetic document with N messages (JSON) to standard output,
    /// to measure generation time against document size.
    SyntheticSpec {
        #[arg(long, default_value_t = 1000)]
        messages: usize,
        /// What each message looks like.
        #[arg(long, value_enum, default_value = "rich")]
        shape: xtask::synthetic::Shape,
    },
    /// Prints the ratios the benchmarks are judged by, from the last
    /// `cargo bench -p asyncapi-benches` run.
    BenchReport,
}

fn main() -> ExitCode {
    let check = match Cli::parse().task {
        Task::Codegen { check } => check,
        Task::SyntheticSpec { messages, shape } => {
            let path = xtask::workspace_root().join("spec/gotowebinar-webhooks.asyncapi.yaml");
            let generated = std::fs::read_to_string(&path)
                .map_err(|error| format!("cannot read {}: {error}", path.display()))
                .and_then(|spec| xtask::synthetic::generate(messages, shape, &spec));
            return match generated {
                Ok(document) => {
                    println!("{document:#}");
                    ExitCode::SUCCESS
                }
                Err(error) => {
                    eprintln!("{error}");
                    ExitCode::FAILURE
                }
            };
        }
        Task::BenchReport => {
            let means = xtask::bench_report::means(&xtask::workspace_root().join("target/criterion"));
            print!("{}", xtask::bench_report::report(&means));
            return ExitCode::SUCCESS;
        }
    };
    let outcomes = match codegen(check) {
        Ok(outcomes) => outcomes,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::FAILURE;
        }
    };
    let mut stale = false;
    for (out, outcome) in outcomes {
        match outcome {
            Outcome::Fresh => eprintln!("{out}: up to date"),
            Outcome::Written { changed, removed } => {
                eprintln!("{out}: {} file(s) written, {} removed", changed.len(), removed.len());
                for path in changed.iter().chain(&removed) {
                    eprintln!("  {path}");
                }
            }
            Outcome::Stale(diff) => {
                print!("{diff}");
                eprintln!("{out} is stale: {REGENERATE} to update it");
                stale = true;
            }
        }
    }
    if stale { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}
