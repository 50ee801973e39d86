//! Runs the pipeline: load → validate → plan → render → write.

use crate::diag::{Diagnostic, Diagnostics};
use crate::load;
use crate::plan::{self, Page, Urls};
use crate::render::{Engine, Renderer};
use crate::validate;
use crate::write::{Staging, WriteError};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What the user asked for.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Site root (holds config.yaml, content/, templates/, …).
    pub root: PathBuf,
    /// Output folder; `None` only checks.
    pub output: Option<PathBuf>,
    /// Overrides `base_url` from config.yaml.
    pub base_url: Option<String>,
    /// Missing translations are errors.
    pub strict: bool,
    /// Print nothing but errors (no "waiting for another build" notice).
    pub quiet: bool,
    /// Shared with the caller: where the build is (for a progress line) and a stop request.
    pub progress: Arc<Progress>,
}

/// A running build's stage and page count, and a way to stop it, shared with the caller.
///
/// The build only stores into atomics, so a caller can draw a progress line from another thread
/// (the CLI on a terminal) or ask the build to stop (`serve` on Ctrl-C) without slowing it down.
#[derive(Debug, Default)]
pub struct Progress {
    stage: Mutex<&'static str>,
    done: AtomicUsize,
    total: AtomicUsize,
    cancel: AtomicBool,
}

impl Progress {
    /// The current stage (`loading`, `rendering`, …) and pages rendered out of the total.
    pub fn get(&self) -> (&'static str, usize, usize) {
        (
            *self.stage.lock().unwrap(),
            self.done.load(Ordering::Relaxed),
            self.total.load(Ordering::Relaxed),
        )
    }

    /// Asks the build to stop: it renders nothing more and publishes nothing.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::SeqCst);
    }

    /// True once [`Progress::cancel`] was called.
    pub fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::SeqCst)
    }

    fn set_stage(&self, stage: &'static str) {
        *self.stage.lock().unwrap() = stage;
    }

    /// Starts the rendering stage: `total` pages to go.
    pub fn start_rendering(&self, total: usize) {
        self.done.store(0, Ordering::Relaxed);
        self.total.store(total, Ordering::Relaxed);
        self.set_stage("rendering");
    }

    /// One more page rendered.
    pub fn page_done(&self) {
        self.done.fetch_add(1, Ordering::Relaxed);
    }
}

/// The error a cancelled build returns.
fn cancelled() -> Vec<Diagnostic> {
    vec![Diagnostic::error("build", "cancelled")]
}

/// `5881` → `5,881`: counts in messages read at a glance.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// What a successful build did.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Pages per (kind, language code or "-").
    pub counts: BTreeMap<(String, String), usize>,
    /// Total files.
    pub total: usize,
    /// Wall time.
    pub elapsed: Duration,
    /// Warnings (e.g. missing translations without --strict).
    pub warnings: Vec<Diagnostic>,
    /// Files whose bytes changed (the rest were already up to date and not rewritten).
    pub changed: usize,
}

impl Report {
    /// The short summary: `wrote 5,881 files, 12 changed, 0.41 s`.
    pub fn summary(&self) -> String {
        format!(
            "wrote {} files, {} changed, {:.2} s",
            thousands(self.total),
            thousands(self.changed),
            self.elapsed.as_secs_f64()
        )
    }

    /// Files per language and kind (`en: 50 code, …; zh: …`), shown with `--verbose`.
    pub fn detail(&self) -> String {
        let mut by_lang: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for ((kind, lang), n) in &self.counts {
            by_lang.entry(lang).or_default().push(format!("{n} {kind}"));
        }
        let parts: Vec<String> = by_lang
            .iter()
            .map(|(l, v)| {
                if *l == "-" {
                    format!("other: {}", v.join(", "))
                } else {
                    format!("{l}: {}", v.join(", "))
                }
            })
            .collect();
        parts.join("; ")
    }
}

/// Loads and validates; returns the pieces the later stages need, or every problem found.
pub fn check(
    opts: &BuildOptions,
) -> Result<(crate::model::Site, load::Loaded, Engine, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut diags = Diagnostics::default();
    opts.progress.set_stage("loading");
    let mut loaded = load::load(&opts.root, &mut diags);
    if let (Some(site), Some(b)) = (loaded.site.as_mut(), &opts.base_url) {
        site.config.base_url = b.clone();
    }
    opts.progress.set_stage("checking");
    if let Some(site) = &loaded.site {
        validate::validate(
            site,
            &loaded.templates,
            validate::Options {
                strict: opts.strict,
            },
            &mut diags,
        );
    }
    let engine = Engine::new(&loaded.templates, &mut diags);
    match (loaded.site.take(), engine) {
        (Some(site), Some(engine)) if !diags.has_errors() => {
            Ok((site, loaded, engine, diags.sorted()))
        }
        _ => Err(diags.sorted()),
    }
}

/// A checked site and its plan: everything the render stage needs, owned in one place so that a
/// [`Renderer`] can borrow it (`build` writes the pages to disk, `serve` keeps them in memory).
pub struct Prepared {
    /// The site model.
    pub site: crate::model::Site,
    /// Templates and static files as read.
    pub loaded: load::Loaded,
    /// The compiled templates.
    pub engine: Engine,
    /// URL maker for the site's base URL.
    pub urls: Urls,
    /// Every output file, in plan order.
    pub pages: Vec<Page>,
    /// Counts and warnings, to be completed by whoever renders.
    pub report: Report,
}

impl Prepared {
    /// The renderer over this site: builds the shared per-language views (in parallel).
    pub fn renderer(&self) -> Renderer<'_> {
        Renderer::new(&self.site, &self.urls, &self.engine, &self.loaded.statics)
    }
}

/// Loads, validates and plans: every problem short of rendering, all at once.
pub fn prepare(opts: &BuildOptions) -> Result<Prepared, Vec<Diagnostic>> {
    let progress = &opts.progress;
    let (site, loaded, engine, warnings) = check(opts)?;
    if progress.cancelled() {
        return Err(cancelled());
    }
    progress.set_stage("planning");
    let urls = Urls::new(&site.config.base_url, &site.config.languages);
    let pages = plan::plan(&site, &urls, &loaded.statics);

    let mut seen = HashSet::new();
    let mut dup = Vec::new();
    for p in &pages {
        // The writer refuses these too; checking here lets `check` report them.
        if !crate::write::safe_rel(&p.out) {
            dup.push(Diagnostic::error(
                "content",
                format!(
                    "refusing to write {:?}: the path would leave the output folder",
                    p.out
                ),
            ));
        } else if !seen.insert(p.out.as_str()) {
            dup.push(Diagnostic::error(
                "content",
                format!("two outputs would be written to {}", p.out),
            ));
        }
    }
    if !dup.is_empty() {
        return Err(dup);
    }

    let mut counts: BTreeMap<(String, String), usize> = BTreeMap::new();
    for p in &pages {
        let lang = p
            .lang
            .map_or("-".to_string(), |l| site.config.languages[l].code.clone());
        *counts.entry((p.kind_name().to_string(), lang)).or_default() += 1;
    }
    let report = Report {
        counts,
        total: pages.len(),
        elapsed: Duration::ZERO,
        warnings,
        changed: 0,
    };
    Ok(Prepared {
        site,
        loaded,
        engine,
        urls,
        pages,
        report,
    })
}

/// Builds the site. On error nothing in the output folder changes.
pub fn build(opts: &BuildOptions) -> Result<Report, Vec<Diagnostic>> {
    let start = Instant::now();
    // CODESITE_PROFILE=1 prints how long each stage took, for the benchmark write-up.
    let profile = std::env::var_os("CODESITE_PROFILE").is_some();
    let mut last = start;
    let mut lap = |what: &str| {
        if profile {
            eprintln!(
                "profile: {what:<22} {:>8.1} ms",
                last.elapsed().as_secs_f64() * 1000.0
            );
            last = Instant::now();
        }
    };
    let progress = &opts.progress;
    let prepared = prepare(opts)?;
    lap("load + validate + plan");
    // `check` (no output) renders every page too and drops the bytes, so it reports every error
    // a build would, short of the output folder's own.
    let staging = match &opts.output {
        Some(output) => Some(Staging::new(&opts.root, output, !opts.quiet).map_err(|e| {
            vec![Diagnostic::error(
                output.display().to_string(),
                e.to_string(),
            )]
        })?),
        None => None,
    };
    let renderer = prepared.renderer();
    lap("prepare shared views");
    progress.start_rendering(prepared.pages.len());
    let errors = Mutex::new(Diagnostics::default());
    let write_errors = Mutex::new(Vec::new());
    // Each page is written as soon as it is rendered, so memory never holds the whole site.
    prepared.pages.par_iter().for_each(|p: &Page| {
        if progress.cancelled() {
            return;
        }
        progress.page_done();
        match renderer.render(p) {
            Ok(bytes) => {
                if let Some(Err(e)) = staging.as_ref().map(|s| s.write(&p.out, &bytes)) {
                    write_errors.lock().unwrap().push((p.out.clone(), e));
                }
            }
            Err(d) => errors.lock().unwrap().push(d),
        }
    });
    let errors = errors.into_inner().unwrap();
    let write_errors = write_errors.into_inner().unwrap();
    let changed = staging.as_ref().map_or(0, Staging::changed);
    lap("render + write");
    if errors.has_errors() || !write_errors.is_empty() {
        let mut all = errors.sorted();
        let out_name = opts
            .output
            .as_deref()
            .map(|o| crate::diag::rel(&opts.root, o))
            .unwrap_or_default();
        all.extend(summarise_write_errors(&out_name, write_errors));
        return Err(all);
    }
    if progress.cancelled() {
        return Err(cancelled());
    }
    let report = prepared.report;
    let (Some(staging), Some(output)) = (staging, &opts.output) else {
        return Ok(report);
    };
    progress.set_stage("publishing");
    staging.commit().map_err(|e| {
        vec![Diagnostic::error(
            output.display().to_string(),
            e.to_string(),
        )]
    })?;
    lap("swap in");
    Ok(Report {
        elapsed: start.elapsed(),
        changed,
        ..report
    })
}

/// How many errors of one kind (say, a full disk) are listed before the rest are counted.
const SAME_ERRORS_SHOWN: usize = 10;

/// Turns write errors into diagnostics, listing the first few of each kind and counting the rest,
/// so a full disk gives a dozen lines, not one per file.
fn summarise_write_errors(output: &str, mut errs: Vec<(String, WriteError)>) -> Vec<Diagnostic> {
    errs.sort_by(|a, b| a.0.cmp(&b.0));
    let mut by_kind: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for (out, e) in errs {
        let (kind, message) = match &e {
            WriteError::Io(io, _) => (io.to_string(), format!("cannot write the file: {io}")),
            other => (other.to_string(), other.to_string()),
        };
        by_kind.entry(kind).or_default().push((out, message));
    }
    let mut out = Vec::new();
    for (_, list) in by_kind {
        let more = list.len().saturating_sub(SAME_ERRORS_SHOWN);
        for (file, message) in list.into_iter().take(SAME_ERRORS_SHOWN) {
            out.push(Diagnostic::error(format!("{output}/{file}"), message));
        }
        if more > 0 {
            let mut d = Diagnostic::error(
                format!("{output}/…"),
                format!("and {} more like this", thousands(more)),
            );
            d.count = more;
            out.push(d);
        }
    }
    out
}

/// Prints diagnostics to stderr and a count line.
pub fn print_diagnostics(diags: &[Diagnostic]) {
    for d in diags {
        crate::diag::eprint_line(&d.to_string());
    }
    let n: usize = diags
        .iter()
        .filter(|d| d.severity == crate::diag::Severity::Error)
        .map(|d| d.count)
        .sum();
    if n > 0 {
        crate::diag::eprint_line(&format!(
            "{} error{} found; nothing was written",
            thousands(n),
            if n == 1 { "" } else { "s" }
        ));
    }
}

/// Resolves the output folder against the root when relative.
pub fn output_path(root: &Path, output: &Path) -> PathBuf {
    if output.is_absolute() {
        output.to_path_buf()
    } else {
        root.join(output)
    }
}
