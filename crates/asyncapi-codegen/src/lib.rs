//! asyncapi-codegen: an AsyncAPI 2.6 document in, a typed, validated Rust crate
//! with a dispatcher out.
pub mod check;
pub mod diagnostic;
pub mod ir;
pub mod load;
pub mod pointer;
pub mod resolve;
