//! Runs the pipeline: load → validate → plan → render → write.

use crate::diag::{Diagnostic, Diagnostics};
use crate::load;
use crate::plan::{self, Page, Urls};
use crate::render::{Engine, Renderer};
use crate::validate;
use crate::write::Staging;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
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
    /// One summary line: `wrote 1234 files (en: 50 code, …) in 0.41 s`.
    pub fn summary(&self) -> String {
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
        format!(
            "wrote {} files ({}; {} changed) in {:.2} s",
            self.total,
            parts.join("; "),
            self.changed,
            self.elapsed.as_secs_f64()
        )
    }
}

/// Loads and validates; returns the pieces the later stages need, or every problem found.
pub fn check(
    opts: &BuildOptions,
) -> Result<(crate::model::Site, load::Loaded, Engine, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut diags = Diagnostics::default();
    let mut loaded = load::load(&opts.root, &mut diags);
    if let (Some(site), Some(b)) = (loaded.site.as_mut(), &opts.base_url) {
        site.config.base_url = b.clone();
    }
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
    let (site, loaded, engine, warnings) = check(opts)?;
    lap("load + validate");
    let urls = Urls::new(&site.config.base_url, &site.config.languages);
    let pages = plan::plan(&site, &urls, &loaded.statics);

    let mut seen = HashSet::new();
    let mut dup = Vec::new();
    for p in &pages {
        if !seen.insert(p.out.as_str()) {
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

    let Some(output) = &opts.output else {
        return Ok(report);
    };
    lap("plan");
    let staging = Staging::new(&opts.root, output).map_err(|e| {
        vec![Diagnostic::error(
            output.display().to_string(),
            e.to_string(),
        )]
    })?;
    let renderer = Renderer::new(&site, &urls, &engine, &loaded.statics);
    lap("prepare shared views");
    let errors = Mutex::new(Diagnostics::default());
    // Each page is written as soon as it is rendered, so memory never holds the whole site.
    pages
        .par_iter()
        .for_each(|p: &Page| match renderer.render(p) {
            Ok(bytes) => {
                if let Err(e) = staging.write(&p.out, &bytes) {
                    errors
                        .lock()
                        .unwrap()
                        .push(Diagnostic::error(p.out.clone(), e.to_string()));
                }
            }
            Err(d) => errors.lock().unwrap().push(d),
        });
    let errors = errors.into_inner().unwrap();
    let changed = staging.changed();
    lap("render + write");
    if errors.has_errors() {
        return Err(errors.sorted());
    }
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

/// Prints diagnostics to stderr and a count line.
pub fn print_diagnostics(diags: &[Diagnostic]) {
    for d in diags {
        eprintln!("{d}");
    }
    let n = diags
        .iter()
        .filter(|d| d.severity == crate::diag::Severity::Error)
        .count();
    if n > 0 {
        eprintln!(
            "{n} error{} found; nothing was written",
            if n == 1 { "" } else { "s" }
        );
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
