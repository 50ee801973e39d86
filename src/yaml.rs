//! The one place that knows which YAML crate we use.
//!
//! The backend is `serde-saphyr`, not `serde_yaml`: content comes from pull requests, and
//! `serde_yaml` (archived upstream) silently lets the last of two equal keys win and expands
//! aliases without a bound (a 1 MB file of `&a`/`*a` needs about 1 GB). `serde-saphyr` refuses
//! duplicate keys in every map and enforces budgets on aliases, events, nodes and depth, with an
//! error that has a line and column. Every call goes through [`from_str`], so the rest of the
//! code does not know which crate parses.

use serde::de::DeserializeOwned;
use serde_saphyr as backend;

/// A YAML parse or type error with its 1-based position, if the parser gave one.
#[derive(Debug, Clone)]
pub struct YamlError {
    /// The parser's message, without any position or snippet (we print the position in front).
    pub message: String,
    /// 1-based (line, column).
    pub position: Option<(usize, usize)>,
}

const MAX_ALIASES: usize = 1_000;
const MAX_ANCHORS: usize = 1_000;
const MAX_DEPTH: usize = 64;
const ALIASES: &str =
    "YAML aliases expand too far (more than 1,000 `*` references or 10,000 repeated values)";

/// Limits far above any real content file (a few KB, flat maps and short lists) and far below
/// what would hurt a CI runner.
fn options() -> backend::Options {
    let mut o = backend::Options::default();
    o.duplicate_keys = backend::DuplicateKeyPolicy::Error;
    o.with_snippet = false;
    // An alias may be replayed, but never into a large document: this bounds the expansion.
    o.alias_limits.max_total_replayed_events = 10_000;
    o.alias_limits.max_replay_stack_depth = 16;
    let mut b = backend::Budget::default();
    b.max_events = 200_000;
    b.max_nodes = 100_000;
    b.max_aliases = MAX_ALIASES;
    b.max_anchors = MAX_ANCHORS;
    b.max_depth = MAX_DEPTH;
    o.budget = Some(b);
    o
}

/// Parses `text` into `T`, mapping the backend's error to [`YamlError`].
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    backend::from_str_with_options(text, options()).map_err(|e| {
        let e = e.without_snippet();
        let position = e
            .location()
            .filter(|l| l.line() > 0)
            .map(|l| (l.line() as usize, l.column() as usize));
        let message = message(e, position.map(|p| token_at(text, p)).unwrap_or_default());
        YamlError { message, position }
    })
}

/// The backend's message in the words a contributor needs; `found` is the source text at the
/// error's position (the backend does not quote the bad value itself).
fn message(e: &backend::Error, found: &str) -> String {
    use backend::Error as E;
    let found_kind = match found.chars().next() {
        Some('[') | Some('-') => "a list".to_string(),
        Some('{') => "a map".to_string(),
        _ => format!("`{found}`"),
    };
    match e {
        E::InvalidScalar { ty, .. } => {
            let want = match *ty {
                "u8" | "u16" | "u32" | "u64" | "usize" | "i8" | "i16" | "i32" | "i64" => {
                    "a whole number"
                }
                "f32" | "f64" => "a number",
                "bool" => "true or false",
                other => other,
            };
            format!("invalid type: found {found_kind}, expected {want}")
        }
        E::Unexpected { expected, .. } => {
            let want = match *expected {
                "string scalar" => "a single value",
                other => other,
            };
            format!("invalid type: found {found_kind}, expected {want}")
        }
        E::SerdeUnknownField {
            field, expected, ..
        } => format!(
            "unknown field `{field}`, expected one of {}",
            ticks(expected)
        ),
        E::SerdeUnknownVariant {
            variant, expected, ..
        } => format!(
            "unknown variant `{variant}`, expected one of {}",
            ticks(expected)
        ),
        E::DuplicateMappingKey { key, .. } => match key {
            Some(k) => format!("duplicate key `{k}`: a key may appear only once in a map"),
            None => "duplicate key: a key may appear only once in a map".to_string(),
        },
        E::Budget { breach, .. } => {
            let kind = format!("{breach:?}");
            match kind.split([' ', '{', '(']).next().unwrap_or_default() {
                "Aliases" => ALIASES.to_string(),
                "Anchors" => format!("too many YAML anchors (more than {MAX_ANCHORS} `&` names)"),
                "Depth" => format!("YAML nested too deeply (more than {MAX_DEPTH} levels)"),
                _ => format!("YAML document too large ({kind})"),
            }
        }
        E::AliasReplayLimitExceeded { .. }
        | E::AliasExpansionLimitExceeded { .. }
        | E::AliasReplayStackDepthExceeded { .. }
        | E::AliasReplayCounterOverflow { .. } => ALIASES.to_string(),
        _ => {
            let mut m = e.to_string();
            // The backend may append the position; we print it in front instead.
            if let Some(i) = m.rfind(" at line ") {
                m.truncate(i);
            }
            m
        }
    }
}

/// `a`, `b`, `c`: names as they are written in the file.
fn ticks(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The scalar starting at 1-based (line, column), up to the end of the line or a flow delimiter.
fn token_at(text: &str, (line, col): (usize, usize)) -> &str {
    let Some(l) = text.lines().nth(line.saturating_sub(1)) else {
        return "";
    };
    let start = l
        .char_indices()
        .nth(col.saturating_sub(1))
        .map_or(l.len(), |(i, _)| i);
    let rest = &l[start..];
    if rest.starts_with(['[', '{', '-']) {
        return rest;
    }
    let end = rest.find([',', ']', '}', '#']).unwrap_or(rest.len());
    rest[..end].trim_end()
}
