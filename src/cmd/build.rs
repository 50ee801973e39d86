//! `codesite build`: build the site into the output folder.

use crate::build::{self, BuildOptions};
use std::path::PathBuf;

/// Arguments of `build`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Site root: the folder holding config.yaml, content/, templates/, static/ and i18n/.
    /// Found by walking up from the current folder when not given.
    #[arg(long)]
    pub root: Option<PathBuf>,
    /// Output folder, relative to the root unless absolute. Replaced atomically on success.
    #[arg(long, short, default_value = "public")]
    pub output: PathBuf,
    /// Public URL of the site: `/`, a path such as `/docs/`, or an http(s) URL such as
    /// https://org.github.io/repo/ (overrides config.yaml).
    #[arg(long, value_name = "URL", value_parser = super::parse_base_url)]
    pub base_url: Option<String>,
    /// Treat a missing translation as an error instead of falling back to English.
    #[arg(long)]
    pub strict: bool,
    /// Print only errors.
    #[arg(long, short)]
    pub quiet: bool,
    /// Also print the files written per language and kind.
    #[arg(long, short, conflicts_with = "quiet")]
    pub verbose: bool,
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
        output: Some(build::output_path(&root, &args.output)),
        root,
        base_url: args.base_url,
        strict: args.strict,
        quiet: args.quiet,
        ..Default::default()
    };
    match super::with_progress(&opts.progress, !args.quiet, || build::build(&opts)) {
        Ok(report) => {
            if !args.quiet {
                build::print_diagnostics(&report.warnings);
                crate::diag::print_line(&report.summary());
                if args.verbose {
                    crate::diag::print_line(&format!("  {}", report.detail()));
                }
            }
            0
        }
        Err(diags) => {
            build::print_diagnostics(&diags);
            1
        }
    }
}
