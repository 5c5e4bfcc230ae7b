#![doc = include_str!("../../README.md")]
//!
//! ---
//!
//! This crate holds the workspace's end-to-end tests (the files next to
//! `src/`), and the support code they share.

pub mod differential;
pub mod document_mutations;
pub mod e2e;
pub mod json_path;
pub mod rng;
