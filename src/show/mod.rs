//! `show`: one rule, everything it says, and each passage it cites in the
//! sentence of its seed that holds it.
//!
//! As for `ask`, `diff`, `check` and `timeline`, the command's model is in
//! [`report`] (serialised as JSON) and its text in [`render`]; finding the
//! sentence around a quote is [`sentence`].

pub mod render;
pub mod report;
pub mod sentence;
