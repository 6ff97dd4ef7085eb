//! `ask`: one question, or a party's every action, on a date.
//!
//! As for `diff`, `check` and `timeline`, the command's model is in
//! [`report`] (what an answer says, serialised as JSON) and its text in
//! [`render`].

pub mod render;
pub mod report;
pub mod why;
