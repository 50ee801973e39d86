//! `codesite build`: build the site into the output folder.

use crate::build::{self, BuildOptions};
use std::path::PathBuf;

/// Arguments of `build`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Site root: the folder holding config.yaml, content/, templates/, static/ and i18n/.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Output folder, relative to the root unless absolute. Replaced atomically on success.
    #[arg(long, short, default_value = "public")]
    pub output: PathBuf,
    /// Public URL of the site, e.g. https://org.github.io/repo/ (overrides config.yaml).
    #[arg(long)]
    pub base_url: Option<String>,
    /// Treat a missing translation as an error instead of falling back to English.
    #[arg(long)]
    pub strict: bool,
    /// Print only errors.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Runs the command; returns the process exit code.
pub fn run(args: Args) -> i32 {
    let opts = BuildOptions {
        output: Some(build::output_path(&args.root, &args.output)),
        root: args.root,
        base_url: args.base_url,
        strict: args.strict,
    };
    match build::build(&opts) {
        Ok(report) => {
            if !args.quiet {
                build::print_diagnostics(&report.warnings);
                println!("{}", report.summary());
            }
            0
        }
        Err(diags) => {
            build::print_diagnostics(&diags);
            1
        }
    }
}
