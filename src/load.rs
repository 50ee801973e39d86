//! Stage 1: walk the site root and parse every YAML file into the typed model.
//!
//! Each file is parsed independently and every failure is recorded, so one broken file does not
//! hide the problems in the others. Cross-file checks belong to `validate`.

use crate::diag::{Diagnostic, Diagnostics, rel};
use crate::model::*;
use crate::yaml;
use serde::de::DeserializeOwned;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use walkdir::WalkDir;

mod providers;

/// Largest content file we read. Real code files are a few KB; anything this big is a mistake
/// (or an attack on a CI runner) and is refused before it is parsed.
pub const MAX_FILE_BYTES: u64 = 2 * 1024 * 1024;

/// A template file found under `templates/`.
#[derive(Debug, Clone)]
pub struct TemplateFile {
    /// Name relative to `templates/` (`code.html`).
    pub name: String,
    /// Path relative to the site root, for messages.
    pub file: String,
    /// Its text.
    pub text: String,
}

/// A file under `static/` to copy as is.
#[derive(Debug, Clone)]
pub struct StaticFile {
    /// Absolute path on disk.
    pub path: PathBuf,
    /// Path relative to `static/`, `/`-separated: where it goes in the output.
    pub rel: String,
}

/// Everything `load` produced: the model (if the core files parsed) and the raw inputs of the
/// later stages.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The site model; `None` when `config.yaml` itself could not be read.
    pub site: Option<Site>,
    /// Template sources.
    pub templates: Vec<TemplateFile>,
    /// Static files.
    pub statics: Vec<StaticFile>,
}

/// The one error for a symbolic link among the inputs.
fn link_error(root: &Path, path: &Path) -> Diagnostic {
    // A link could point anywhere on the build machine (a key, a token), and errors quote the
    // text they read: no input is ever read through one.
    Diagnostic::error(
        rel(root, path),
        "symbolic links are not allowed in the site's files",
    )
    .hint("replace the link with the file or folder itself")
}

/// True when a name is fit to be shown and used: UTF-8, no control characters (a newline or an
/// escape sequence in a file name must never reach a path, a URL or the terminal).
fn clean_name(name: &std::ffi::OsStr) -> bool {
    name.to_str()
        .is_some_and(|n| !n.chars().any(char::is_control))
}

fn name_error(root: &Path, path: &Path) -> Diagnostic {
    Diagnostic::error(
        rel(root, path),
        "file name contains a control character (such as a newline) or is not UTF-8",
    )
    .hint("rename it using letters, digits, `-` and `.`")
}

/// Checks an entry found in an input folder: links and unfit names are reported. Returns whether
/// the entry may be used.
fn entry_ok(root: &Path, entry: &walkdir::DirEntry, diags: &mut Diagnostics) -> bool {
    if !clean_name(entry.file_name()) {
        diags.push(name_error(root, entry.path()));
        false
    } else if entry.path_is_symlink() {
        diags.push(link_error(root, entry.path()));
        false
    } else {
        true
    }
}

/// What is at `path`, links not followed: `Some(true)` a folder, `Some(false)` something else,
/// `None` nothing. A link is reported and counts as nothing.
fn probe(root: &Path, path: &Path, diags: &mut Diagnostics) -> Option<bool> {
    let meta = fs::symlink_metadata(path).ok()?;
    if meta.file_type().is_symlink() {
        diags.push(link_error(root, path));
        return None;
    }
    Some(meta.is_dir())
}

/// Reads a static file's bytes, never through a symbolic link (one swapped in after `load` listed
/// the folder included).
pub fn read_static(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)?;
    if !f.metadata()?.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    let mut v = Vec::new();
    f.read_to_end(&mut v)?;
    Ok(v)
}

/// Reads a file as UTF-8 text within the size limit. Never through a symbolic link, and only a
/// regular file (a FIFO would hang the build). A UTF-8 byte order mark is skipped.
pub fn read_text(root: &Path, path: &Path, diags: &mut Diagnostics) -> Option<String> {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let file = rel(root, path);
    let opened = fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path);
    let mut f = match opened {
        Ok(f) => f,
        Err(e) if e.raw_os_error() == Some(libc::ELOOP) => {
            diags.push(link_error(root, path));
            return None;
        }
        Err(e) => {
            diags.push(Diagnostic::error(file, format!("cannot read file: {e}")));
            return None;
        }
    };
    let meta = match f.metadata() {
        Ok(m) if m.is_file() => m,
        Ok(_) => {
            diags.push(
                Diagnostic::error(file, "not a regular file")
                    .hint("only plain files are read from the site"),
            );
            return None;
        }
        Err(e) => {
            diags.push(Diagnostic::error(file, format!("cannot read file: {e}")));
            return None;
        }
    };
    if meta.len() > MAX_FILE_BYTES {
        diags.push(
            Diagnostic::error(
                file,
                format!(
                    "file is too large ({} bytes; the limit is {} bytes)",
                    meta.len(),
                    MAX_FILE_BYTES
                ),
            )
            .hint("content files are small YAML documents; split or trim this one"),
        );
        return None;
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // One byte more than the limit: a file that grew after the check is still refused.
    if let Err(e) = (&mut f).take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes) {
        diags.push(Diagnostic::error(file, format!("cannot read file: {e}")));
        return None;
    }
    // Editors on Windows may save a byte order mark; it is not part of the text.
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    match String::from_utf8(bytes) {
        Ok(s) => Some(s),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let before = &e.as_bytes()[..valid];
            let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
            let col = String::from_utf8_lossy(
                &before[before
                    .iter()
                    .rposition(|&b| b == b'\n')
                    .map_or(0, |p| p + 1)..],
            )
            .chars()
            .count()
                + 1;
            diags.push(
                Diagnostic::error(file, "file is not valid UTF-8")
                    .at(Some((line, col)))
                    .hint("save the file as UTF-8"),
            );
            None
        }
    }
}

/// Reads and parses one YAML file into `T`.
fn parse_file<T: DeserializeOwned>(
    root: &Path,
    path: &Path,
    diags: &mut Diagnostics,
) -> Option<(Source, T)> {
    let text = read_text(root, path, diags)?;
    let file = rel(root, path);
    if text.trim().is_empty() {
        diags.push(Diagnostic::error(file, "file is empty"));
        return None;
    }
    match yaml::from_str::<T>(&text) {
        Ok(v) => Some((
            Source {
                file,
                text: Arc::from(text),
            },
            v,
        )),
        Err(e) => {
            let hint = hint_for(&e.message);
            let mut d = Diagnostic::error(file, e.message).at(e.position);
            if let Some(h) = hint {
                d = d.hint(h);
            }
            diags.push(d);
            None
        }
    }
}

/// A hint for the common serde messages.
fn hint_for(msg: &str) -> Option<String> {
    if msg.contains("unknown field") {
        Some("check the spelling of the key; the README lists every field".into())
    } else if msg.contains("missing field") {
        Some("add the field; the README lists the required fields".into())
    } else if msg.contains("invalid type") {
        Some("the value has the wrong type; see the content format in the README".into())
    } else if msg.contains("YAML aliases") || msg.contains("YAML anchors") {
        Some(
            "content files need no anchors (`&name`) or aliases (`*name`): write each value out"
                .into(),
        )
    } else if msg.contains("recursion limit") || msg.contains("nested too deeply") {
        Some("content files are flat; this one is nested far too deep".into())
    } else if msg.contains("duplicate key") {
        Some(
            "remove one of the two: only one value can be kept, and the file must say which".into(),
        )
    } else if msg.contains("invalid value")
        || msg.contains("unknown variant")
        || msg.contains("YAML document too large")
    {
        None
    } else {
        Some("this is a YAML syntax error: check indentation, quotes and brackets on this line and the lines just above it".into())
    }
}

/// Sorted `.yaml` files directly in `dir`; other files are reported.
fn yaml_files(root: &Path, dir: &Path, diags: &mut Diagnostics) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if probe(root, dir, diags) != Some(true) {
        return out;
    }
    for entry in WalkDir::new(dir)
        .min_depth(1)
        .max_depth(1)
        .sort_by_file_name()
    {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                diags.push(Diagnostic::error(
                    rel(root, dir),
                    format!("cannot list folder: {e}"),
                ));
                continue;
            }
        };
        let p = entry.path();
        let name = entry.file_name().to_string_lossy();
        if name.starts_with('.') {
            continue;
        }
        if !entry_ok(root, &entry, diags) {
            continue;
        } else if entry.file_type().is_file() && name.ends_with(".yaml") {
            out.push(p.to_path_buf());
        } else {
            let (what, hint) = if entry.file_type().is_dir() {
                (
                    "unexpected folder",
                    "this folder holds only .yaml files, no subfolders",
                )
            } else if name.ends_with(".yml") {
                ("unexpected file", "rename it to end in .yaml")
            } else {
                ("unexpected file", "this folder holds only .yaml files")
            };
            diags.push(Diagnostic::error(rel(root, p), what).hint(hint));
        }
    }
    out
}

fn stem(p: &Path) -> String {
    p.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// True for names safe to use as one URL/path segment: lowercase ASCII letters, digits,
/// `-` and `.`, not starting with `.` or `-`.
pub fn safe_segment(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
        && !s.starts_with(['.', '-'])
        && !s.contains("..")
}

fn load_family(root: &Path, dir: &Path, diags: &mut Diagnostics) -> Option<Family> {
    let slug = dir.file_name()?.to_string_lossy().into_owned();
    let (source, meta) = parse_file::<FamilyMeta>(root, &dir.join("family.yaml"), diags)?;
    let mut codes = Vec::new();
    let mut broken = std::collections::BTreeSet::new();
    for p in yaml_files(root, &dir.join("codes"), diags) {
        match parse_file::<CodeData>(root, &p, diags) {
            Some((source, data)) => codes.push(Code { source, data }),
            None => {
                broken.insert(stem(&p));
            }
        }
    }
    let mut enhanced = Vec::new();
    for p in yaml_files(root, &dir.join("enhanced"), diags) {
        let parsed = parse_file::<EnhancedData>(root, &p, diags);
        if parsed.is_none() {
            broken.insert(stem(&p));
        }
        if let Some((source, data)) = parsed {
            match parse_enhanced(&data.code) {
                Some((None, subject, detail)) => enhanced.push(Enhanced {
                    source,
                    data,
                    subject,
                    detail,
                }),
                _ => {
                    broken.insert(stem(&p));
                    diags.push(
                        Diagnostic::error(
                            source.file.clone(),
                            format!("`{}` is not an enhanced code entry", data.code),
                        )
                        .at(source.locate_key("code"))
                        .hint("write it as in the IANA registry, with X for the class: X.7.26"),
                    )
                }
            }
        }
    }
    let mut pairs = Vec::new();
    for p in yaml_files(root, &dir.join("pairs"), diags) {
        let name = stem(&p);
        let parsed = name
            .split_once("-vs-")
            .and_then(|(a, b)| Some((a.parse::<u16>().ok()?, b.parse::<u16>().ok()?)));
        let Some((a, b)) = parsed else {
            diags.push(
                Diagnostic::error(
                    rel(root, &p),
                    "pair file name must be <code>-vs-<code>.yaml",
                )
                .hint("for example 450-vs-550.yaml"),
            );
            continue;
        };
        // One spelling per pair (not `0450-vs-550` or `+450-vs-550` beside `450-vs-550`), so a
        // pair can never have two notes of which one is silently ignored.
        if name != format!("{a}-vs-{b}") {
            diags.push(
                Diagnostic::error(
                    rel(root, &p),
                    "pair file name must be <code>-vs-<code>.yaml with the codes as plain numbers",
                )
                .hint(format!("rename it to {a}-vs-{b}.yaml")),
            );
            continue;
        }
        if let Some((source, data)) = parse_file::<PairData>(root, &p, diags) {
            pairs.push(Pair { source, a, b, data });
        }
    }
    let providers = providers::load_providers(root, &dir.join("providers"), &mut broken, diags);
    codes.sort_by_key(|c| c.data.code);
    enhanced.sort_by_key(|e| (e.subject, e.detail));
    pairs.sort_by_key(|p| (p.a, p.b));
    Some(Family {
        slug,
        source,
        meta,
        codes,
        enhanced,
        pairs,
        providers,
        broken,
    })
}

/// Loads the site at `root`. Always returns what it could read; problems go to `diags`.
pub fn load(root: &Path, diags: &mut Diagnostics) -> Loaded {
    let config = parse_file::<Config>(root, &root.join("config.yaml"), diags);

    let mut i18n = BTreeMap::new();
    if let Some((_, cfg)) = &config {
        // Unsafe language codes are reported by `validate`; never build a path from one.
        for lang in cfg.languages.iter().filter(|l| safe_segment(&l.code)) {
            let path = root.join("i18n").join(format!("{}.yaml", lang.code));
            if fs::symlink_metadata(&path).is_err() {
                diags.push(
                    Diagnostic::error(
                        rel(root, &path),
                        "missing label file for a configured language",
                    )
                    .hint("copy i18n/en.yaml and translate every value"),
                );
                continue;
            }
            if let Some((source, map)) = parse_file::<BTreeMap<String, String>>(root, &path, diags)
            {
                i18n.insert(lang.code.clone(), Labels { source, map });
            }
        }
    }

    let content = root.join("content");
    let mut families = Vec::new();
    // The input folders themselves may not be links either.
    for dir in ["i18n", "templates", "static"] {
        probe(root, &root.join(dir), diags);
    }
    if probe(root, &content, diags) == Some(true) {
        for entry in WalkDir::new(&content)
            .min_depth(1)
            .max_depth(1)
            .sort_by_file_name()
        {
            let Ok(entry) = entry else { continue };
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            if !entry_ok(root, &entry, diags) {
                continue;
            }
            if !entry.file_type().is_dir() {
                diags.push(
                    Diagnostic::error(rel(root, entry.path()), "unexpected file")
                        .hint("content/ holds one folder per code family"),
                );
                continue;
            }
            if fs::symlink_metadata(entry.path().join("family.yaml")).is_err() {
                diags.push(
                    Diagnostic::error(rel(root, entry.path()), "family folder has no family.yaml")
                        .hint("each content/<family>/ folder needs a family.yaml"),
                );
                continue;
            }
            if let Some(f) = load_family(root, entry.path(), diags) {
                families.push(f);
            }
        }
    }
    if families.is_empty() && !diags.has_errors() {
        diags.push(
            Diagnostic::error("content", "no code families found")
                .hint("add content/<family>/family.yaml and at least one code file"),
        );
    }

    let templates = load_templates(root, diags);
    let statics = list_static(root, diags);

    let glossary_path = root.join("i18n").join("glossary.yaml");
    let glossary = if fs::symlink_metadata(&glossary_path).is_ok() {
        parse_file::<crate::glossary::Glossary>(root, &glossary_path, diags)
    } else {
        None
    };

    let site = config.map(|(config_source, config)| Site {
        config,
        config_source,
        i18n,
        families,
        glossary,
    });
    Loaded {
        site,
        templates,
        statics,
    }
}

fn load_templates(root: &Path, diags: &mut Diagnostics) -> Vec<TemplateFile> {
    let dir = root.join("templates");
    let mut out = Vec::new();
    if !dir.is_dir() {
        if !dir.is_symlink() {
            diags.push(Diagnostic::error(
                "templates",
                "templates folder is missing",
            ));
        }
        return out;
    }
    if dir.is_symlink() {
        // Reported by `load`.
        return out;
    }
    for entry in WalkDir::new(&dir).min_depth(1).sort_by_file_name() {
        let Ok(entry) = entry else { continue };
        if entry.file_name().to_string_lossy().starts_with('.') || !entry_ok(root, &entry, diags) {
            continue;
        }
        if !entry.file_type().is_file() {
            continue;
        }
        if let Some(text) = read_text(root, entry.path(), diags) {
            out.push(TemplateFile {
                name: rel(&dir, entry.path()),
                file: rel(root, entry.path()),
                text,
            });
        }
    }
    out
}

fn list_static(root: &Path, diags: &mut Diagnostics) -> Vec<StaticFile> {
    let dir = root.join("static");
    let mut out = Vec::new();
    if !dir.is_dir() || dir.is_symlink() {
        // A linked static/ is reported by `load`.
        return out;
    }
    for entry in WalkDir::new(&dir).min_depth(1).sort_by_file_name() {
        match entry {
            Ok(e) if !entry_ok(root, &e, diags) => {}
            Ok(e) if e.file_type().is_file() => out.push(StaticFile {
                path: e.path().to_path_buf(),
                rel: rel(&dir, e.path()),
            }),
            Ok(e) if e.file_type().is_dir() => {}
            Ok(e) => diags.push(
                Diagnostic::error(rel(root, e.path()), "not a regular file")
                    .hint("static/ holds plain files and folders only"),
            ),
            Err(e) => diags.push(Diagnostic::error("static", format!("cannot list: {e}"))),
        }
    }
    out
}
