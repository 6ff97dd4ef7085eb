//! covenant: a contract-terms rules engine.
//!
//! An agreement is written as TOML rules ([`terms`]), each citing the passage of
//! a source document it rests on. covenant loads them once, validated, and
//! answers questions ([`eval`], [`ask`]): may this party do this, on this
//! date, under this version, given these facts and this reading of a disputed
//! point? Every answer names the rule that decided it and the passage behind it.
//!
//! The binary is a thin layer over [`command`].

pub mod ask;
pub mod check;
pub mod command;
pub mod diagnostic;
pub mod diff;
pub mod eval;
pub mod export;
pub mod generate;
pub mod interval;
pub mod json;
pub mod listing;
pub mod number;
pub mod output;
pub mod query;
pub mod scenario;
pub mod show;
pub mod space;
pub mod syntax;
pub mod terms;
pub mod timeline;
pub mod verdict;
