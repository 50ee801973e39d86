//! `codesite check`: load and validate only; same errors as `build`, nothing written.

use crate::build::{self, BuildOptions};
use std::path::PathBuf;

/// Arguments of `check`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Site root; found by walking up from the current folder when not given.
    #[arg(long)]
    pub root: Option<PathBuf>,
    /// Treat a missing translation as an error.
    #[arg(long)]
    pub strict: bool,
}

/// Runs the command; returns the process exit code.
pub fn run(args: Args) -> i32 {
    let root = match super::site_root(args.root.as_deref()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{e}");
            return super::USAGE;
        }
    };
    let opts = BuildOptions {
        root,
        strict: args.strict,
        ..Default::default()
    };
    match build::build(&opts) {
        Ok(report) => {
            build::print_diagnostics(&report.warnings);
            crate::diag::print_line(&format!("ok: {} files would be written", report.total));
            0
        }
        Err(diags) => {
            build::print_diagnostics(&diags);
            1
        }
    }
}
