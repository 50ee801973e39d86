//! Diagnostics: every problem found in a build, with where it is.
//!
//! Stages never stop at the first problem: they push into a [`Diagnostics`] list so that a
//! contributor sees everything wrong with a pull request in one run.

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

/// How bad a diagnostic is. Warnings are printed but do not fail the build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Fails the build.
    Error,
    /// Printed, build goes on (e.g. a missing translation without `--strict`).
    Warning,
}

/// One problem, pointing at a file and, where known, a line and column (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Path relative to the site root, with `/` separators, so messages read the same everywhere.
    pub file: String,
    /// 1-based line, if known.
    pub line: Option<usize>,
    /// 1-based column, if known.
    pub column: Option<usize>,
    /// What is wrong.
    pub message: String,
    /// How to fix it, when we can say.
    pub hint: Option<String>,
    /// How many problems this line reports: 1, or more for a summary line such as
    /// "and 5,342 more like this", so the closing count stays the true total.
    pub count: usize,
}

impl Diagnostic {
    /// An error in `file` with no position.
    pub fn error(file: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.into(),
            line: None,
            column: None,
            message: message.into(),
            hint: None,
            count: 1,
        }
    }

    /// Sets the position.
    pub fn at(mut self, pos: Option<(usize, usize)>) -> Self {
        if let Some((l, c)) = pos {
            self.line = Some(l);
            self.column = Some(c);
        }
        self
    }

    /// Adds a hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Turns the diagnostic into a warning.
    pub fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        // Names and messages can quote content (file names, keys): never let their control
        // characters (ANSI escapes, carriage returns) reach the terminal raw.
        write!(f, "{kind}: {}", escape(&self.file, false))?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
            if let Some(c) = self.column {
                write!(f, ":{c}")?;
            }
        }
        // Multi-line messages (Tera's reports) go on their own lines, indented.
        if self.message.contains('\n') {
            write!(f, ":")?;
            for line in self.message.lines() {
                write!(f, "\n  {}", escape(line, false))?;
            }
        } else {
            write!(f, ": {}", escape(&self.message, false))?;
        }
        if let Some(h) = &self.hint {
            write!(f, "\n  = hint: {}", escape(h, false))?;
        }
        Ok(())
    }
}

/// A list of diagnostics collected across a stage.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Adds one.
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    /// Adds all of `other`.
    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    /// True when at least one error (not warning) is present.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    /// All diagnostics sorted by file, then position, then message: a stable order for
    /// humans and for tests, whatever order the parallel stages found them in.
    pub fn sorted(&self) -> Vec<Diagnostic> {
        let mut v = self.items.clone();
        v.sort_by(|a, b| {
            (&a.file, a.line, a.column, a.severity, &a.message)
                .cmp(&(&b.file, b.line, b.column, b.severity, &b.message))
        });
        v.dedup();
        v
    }

    /// True when nothing at all was reported.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// Renders a path relative to `root` with forward slashes, for messages.
pub fn rel(root: &Path, path: &Path) -> String {
    let p: PathBuf = path.strip_prefix(root).unwrap_or(path).to_path_buf();
    p.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Shows control characters (escape, carriage return, newline unless `keep_newlines`, …) as
/// `\u{1b}`-style escapes, so text quoted from content cannot drive the terminal.
pub fn escape(s: &str, keep_newlines: bool) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| c.is_control() && !(keep_newlines && c == '\n') && c != '\t';
    if !s.chars().any(bad) {
        return s.into();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if bad(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out.into()
}

/// Prints one line to stdout. A closed stdout (`| head`) is not worth a panic: the output is
/// dropped and the command ends with the exit code of what it did.
pub fn print_line(s: &str) {
    let _ = writeln!(std::io::stdout().lock(), "{s}");
}

/// Prints one line to stderr, ignoring a closed stderr like [`print_line`].
pub fn eprint_line(s: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{s}");
}
