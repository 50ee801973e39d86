//! codesite: a static site generator for bilingual reference sites of protocol reply codes.
//!
//! The build is a one-way pipeline, one module per stage:
//! [`load`] → [`validate`] → [`plan`] → [`render`] → [`write`]. [`build`] runs it.

#![warn(missing_docs)]

pub mod build;
pub mod cmd;
pub mod compare;
pub mod config_rules;
pub mod data;
pub mod diag;
pub mod explain_index;
pub mod glossary;
pub mod load;
pub mod markdown;
pub mod model;
pub mod plan;
pub mod render;
pub mod typography;
pub mod validate;
pub mod write;
pub mod yaml;
