//! The `codesite` command line.

use clap::{Parser, Subcommand};
use codesite::cmd;

/// Build a bilingual reference site of reply codes from YAML content and Tera templates.
#[derive(Debug, Parser)]
#[command(name = "codesite", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build the site into the output folder (public/ by default).
    Build(cmd::build::Args),
    /// Load and validate the site without writing anything.
    Check(cmd::check::Args),
    /// Build, serve on 127.0.0.1:1111 and rebuild and reload on every change.
    Serve(cmd::serve::Args),
}

fn main() {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            // clap exits 2 on usage errors and 0 for --help/--version.
            e.exit();
        }
    };
    let code = match cli.command {
        Command::Build(a) => cmd::build::run(a),
        Command::Check(a) => cmd::check::run(a),
        Command::Serve(a) => cmd::serve::run(a),
    };
    std::process::exit(code);
}
