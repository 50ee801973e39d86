//! `codesite check`: load and validate only; same errors as `build`, nothing written.

use crate::build::{self, BuildOptions};
use std::path::PathBuf;

/// Arguments of `check`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Site root.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Treat a missing translation as an error.
    #[arg(long)]
    pub strict: bool,
}

/// Runs the command; returns the process exit code.
pub fn run(args: Args) -> i32 {
    let opts = BuildOptions {
        root: args.root,
        output: None,
        base_url: None,
        strict: args.strict,
    };
    match build::build(&opts) {
        Ok(report) => {
            build::print_diagnostics(&report.warnings);
            println!("ok: {} files would be written", report.total);
            0
        }
        Err(diags) => {
            build::print_diagnostics(&diags);
            1
        }
    }
}
