//! What a value in `config.yaml` may look like.
//!
//! Config values end up in URLs, in `robots.txt`, in HTML attributes and in the `CNAME` file, so
//! each one is checked for its shape before anything is built: a newline in `base_url` would
//! otherwise add a line to `robots.txt`, a quote would end an attribute. [`validate`] reports
//! these rules as located errors; the CLI applies [`base_url`] to `--base-url` as a usage error.
//!
//! [`validate`]: crate::validate

use crate::diag::{Diagnostic, Diagnostics};
use crate::model::{Config, Source};

/// What `base_url` accepts, for hints and `--help`.
pub const BASE_URL_ACCEPTS: &str = "accepted: `/`, a path such as `/docs/`, or an http:// or https:// URL such as `https://org.github.io/repo/`, without spaces, a query (`?`) or a fragment (`#`)";

/// Checks a base URL; the error says what is wrong with it, in a phrase that follows the value.
pub fn base_url(s: &str) -> Result<(), String> {
    if s.is_empty() {
        return Err("is empty".into());
    }
    if let Some(c) = s.chars().find(|c| c.is_whitespace() || c.is_control()) {
        return Err(if c == ' ' {
            "contains a space (write it as %20)".into()
        } else {
            format!("contains a control character ({c:?})")
        });
    }
    if s.contains('?') {
        return Err("has a query (`?…`), which would end up inside every link".into());
    }
    if s.contains('#') {
        return Err("has a fragment (`#…`), which would end up inside every link".into());
    }
    if let Some(c) = s.chars().find(|c| {
        !c.is_ascii()
            || matches!(
                c,
                '"' | '\'' | '<' | '>' | '\\' | '^' | '`' | '{' | '|' | '}'
            )
    }) {
        return Err(format!(
            "contains {c:?}, which is not allowed in a URL (percent-encode it)"
        ));
    }
    if let Some(rest) = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"))
    {
        let host = rest.split('/').next().unwrap_or("");
        let name = host.rsplit_once(':').map_or(host, |(h, port)| {
            if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) {
                h
            } else {
                host
            }
        });
        if name.is_empty() || name.contains('@') || !(hostname(name) || ip_literal(name)) {
            return Err(format!("has no valid host name (`{host}`)"));
        }
        return Ok(());
    }
    if s.starts_with("//") {
        return Err("starts with // (a link to another host); write the scheme, https://".into());
    }
    if !s.starts_with('/') {
        return Err("must start with / or http:// or https://".into());
    }
    Ok(())
}

fn ip_literal(s: &str) -> bool {
    s.parse::<std::net::Ipv4Addr>().is_ok()
        || s.strip_prefix('[')
            .and_then(|r| r.strip_suffix(']'))
            .is_some_and(|r| r.parse::<std::net::Ipv6Addr>().is_ok())
}

/// A DNS host name: dot-separated labels of letters, digits and inner hyphens, at most 253
/// characters. One label (`localhost`) is allowed here; `cname` asks for a dot as well.
pub fn hostname(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        })
}

/// The shape of a BCP 47 language tag: a 2–3 (or 4–8) letter language, then subtags of 1–8
/// letters or digits (`en`, `en-GB`, `zh-Hans`, `zh-Hans-CN`). Shape only: the registry of
/// subtags is not consulted.
pub fn bcp47(s: &str) -> bool {
    let mut parts = s.split('-');
    let lang = parts.next().unwrap_or("");
    (2..=8).contains(&lang.len())
        && lang.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// An Open Graph locale: language, underscore, territory (`en_US`, `zh_CN`).
pub fn og_locale(s: &str) -> bool {
    match s.split_once('_') {
        Some((l, t)) => {
            (2..=3).contains(&l.len())
                && l.bytes().all(|b| b.is_ascii_lowercase())
                && t.len() == 2
                && t.bytes().all(|b| b.is_ascii_uppercase())
        }
        None => false,
    }
}

/// A language code as used in URLs (`/zh/`) and content maps: 2–8 lowercase letters, with inner
/// hyphens allowed (`pt-br`).
pub fn language_code(s: &str) -> bool {
    (2..=8).contains(&s.len())
        && s.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
}

/// Position of the value of the `n`-th `key:` in block-style YAML (`key: value` or
/// `- key: value`), so an error in the second language points at the second language's line.
fn nth_value(src: &Source, key: &str, n: usize) -> Option<(usize, usize)> {
    let pat = format!("{key}:");
    let (i, line, at) = src
        .text
        .lines()
        .enumerate()
        .filter_map(|(i, line)| {
            let t = line.trim_start();
            let t = t.strip_prefix("- ").unwrap_or(t).trim_start();
            t.starts_with(&pat).then(|| (i, line, line.len() - t.len()))
        })
        .nth(n)?;
    let after = at + pat.len();
    let value = line[after..].len() - line[after..].trim_start().len();
    Some((i + 1, after + value + 1))
}

/// Checks every value of `config.yaml` whose shape matters, pushing one located error per bad
/// value. Returns false when a language code is bad: every later check speaks in terms of the
/// languages and would only repeat the problem.
pub fn check(cfg: &Config, cs: &Source, diags: &mut Diagnostics) -> bool {
    let at = |key: &str, n: usize| nth_value(cs, key, n).or_else(|| cs.locate_key(key));
    let mut codes_ok = true;
    let mut seen = std::collections::BTreeSet::new();
    for (n, l) in cfg.languages.iter().enumerate() {
        if !language_code(&l.code) {
            codes_ok = false;
            diags.push(
                Diagnostic::error(
                    &cs.file,
                    format!(
                        "language code `{}` is not safe in a URL",
                        l.code.escape_debug()
                    ),
                )
                .at(at("code", n))
                .hint("use a short lowercase code such as `en` or `zh`"),
            );
        }
        if !seen.insert(l.code.as_str()) {
            codes_ok = false;
            diags.push(
                Diagnostic::error(&cs.file, format!("language `{}` is listed twice", l.code))
                    .at(at("code", n)),
            );
        }
        if l.name.trim().is_empty() || l.name.chars().any(char::is_control) {
            diags.push(
                Diagnostic::error(
                    &cs.file,
                    format!(
                        "language name {:?} is empty or has a control character",
                        l.name
                    ),
                )
                .at(at("name", n))
                .hint("the name shown in the language switcher, e.g. `English` or `简体中文`"),
            );
        }
        if !bcp47(&l.html_lang) {
            diags.push(
                Diagnostic::error(
                    &cs.file,
                    format!("html_lang `{}` is not a BCP 47 language tag", l.html_lang.escape_debug()),
                )
                .at(at("html_lang", n))
                .hint("a tag such as `en`, `en-GB` or `zh-Hans`: letters and digits joined by hyphens"),
            );
        }
        if !og_locale(&l.locale) {
            diags.push(
                Diagnostic::error(
                    &cs.file,
                    format!(
                        "locale `{}` is not a locale like `en_US`",
                        l.locale.escape_debug()
                    ),
                )
                .at(at("locale", n))
                .hint("language, underscore, country, as Open Graph expects: `en_US`, `zh_CN`"),
            );
        }
    }
    if let Err(why) = base_url(&cfg.base_url) {
        diags.push(
            Diagnostic::error(
                &cs.file,
                format!("base_url `{}` {why}", cfg.base_url.escape_debug()),
            )
            .at(at("base_url", 0))
            .hint(BASE_URL_ACCEPTS),
        );
    }
    if let Some(c) = &cfg.cname
        && !(hostname(c) && c.contains('.'))
    {
        diags.push(
            Diagnostic::error(
                &cs.file,
                format!("cname `{}` is not a host name", c.escape_debug()),
            )
            .at(at("cname", 0))
            .hint("just the domain, such as `smtp.example.com`: no scheme, path, port or spaces"),
        );
    }
    codes_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls() {
        for ok in [
            "/",
            "/docs/",
            "https://org.github.io/repo/",
            "http://127.0.0.1:1111/",
            "https://a.b",
            "http://[::1]:8080/",
        ] {
            assert_eq!(base_url(ok), Ok(()), "{ok}");
        }
        for bad in [
            "",
            "https://org.github.io/a b/",
            "https://x.io/?x=1",
            "/#top",
            "ftp://x.io/",
            "//evil.io/",
            "x/",
            "/a\nb",
            "https:///",
            "https://u@x.io/",
            "/\"onload=",
            "https://x.io:/",
        ] {
            assert!(base_url(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn shapes() {
        assert!(bcp47("en") && bcp47("zh-Hans") && bcp47("zh-Hans-CN") && bcp47("en-GB"));
        assert!(
            !bcp47("e")
                && !bcp47("en_GB")
                && !bcp47("en-")
                && !bcp47("zh Hans")
                && !bcp47("en-toolongsubtag")
        );
        assert!(og_locale("en_US") && og_locale("zh_CN"));
        assert!(
            !og_locale("en-US") && !og_locale("en") && !og_locale("EN_us") && !og_locale("en_USA")
        );
        assert!(
            hostname("smtp.example.com")
                && !hostname("-x.com")
                && !hostname("a..b")
                && !hostname("x.com/path")
        );
        assert!(language_code("en") && language_code("pt-br"));
        assert!(
            !language_code("../zh")
                && !language_code("-en")
                && !language_code("e")
                && !language_code("EN")
        );
    }
}
