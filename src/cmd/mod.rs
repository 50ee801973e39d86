//! One module per subcommand; `main.rs` only parses arguments and dispatches here.

pub mod build;
pub mod check;
pub mod serve;
