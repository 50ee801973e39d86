//! Tests over the bundled SMTP site: completeness, correctness rules, languages, links.

mod common;
use common::site_checks::*;
use common::*;
use std::path::Path;

fn built() -> &'static Path {
    bundled_site()
}

fn api(name: &str) -> serde_json::Value {
    let p = built().join("api/v1/smtp").join(name);
    serde_json::from_str(
        &std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display())),
    )
    .unwrap()
}

fn index() -> serde_json::Value {
    api("index.json")
}

/// Basic codes the standards define (RFC 5321, 4954, 3207, 1870, 7504) that must be covered.
const REQUIRED_BASIC: &[u16] = &[
    211, 214, 220, 221, 235, 250, 251, 252, 334, 354, 421, 432, 450, 451, 452, 454, 455, 500, 501,
    502, 503, 504, 521, 530, 534, 535, 538, 550, 551, 552, 553, 554, 555, 556,
];

#[test]
fn every_required_basic_code_has_a_page_in_both_languages() {
    for code in REQUIRED_BASIC {
        for prefix in ["", "zh/"] {
            let p = built().join(format!("{prefix}smtp/{code}/index.html"));
            assert!(p.is_file(), "missing {}", p.display());
        }
    }
}

#[test]
fn page_count_matches_the_formula() {
    let idx = index();
    let codes = idx["codes"].as_array().unwrap().len();
    let enhanced = idx["enhanced"].as_array().unwrap();
    let concrete: usize = enhanced
        .iter()
        .map(|e| e["concrete"].as_array().unwrap().len())
        .sum();
    let pairs = codes * (codes - 1) / 2;
    // Concrete codes redirect to their registry entry or to the provider page that claims them,
    // except a code that is a provider page's own name.
    let providers = idx["providers"].as_array().unwrap();
    let mut all_concrete = std::collections::BTreeSet::new();
    for item in enhanced.iter().chain(providers) {
        for c in item["concrete"].as_array().unwrap() {
            all_concrete.insert(c.as_str().unwrap().to_string());
        }
    }
    assert!(all_concrete.len() >= concrete);
    let code_slugs = providers
        .iter()
        .filter(|p| {
            p["slug"]
                .as_str()
                .unwrap()
                .starts_with(|c: char| c.is_ascii_digit())
        })
        .count();
    let redirects = all_concrete.len()
        - providers
            .iter()
            .filter(|p| all_concrete.contains(p["slug"].as_str().unwrap()))
            .count();
    // Short aliases: every basic code, every concrete code, every x.s.d slug and every
    // provider page named after its codes.
    let aliases = codes + redirects + enhanced.len() + code_slugs;
    // home, 404, search, explain, family index
    let fixed = 5;
    let html_per_lang =
        fixed + codes + enhanced.len() + providers.len() + redirects + pairs * 2 + aliases;
    let html = files(built())
        .iter()
        .filter(|f| f.ends_with(".html"))
        .count();
    assert_eq!(
        html,
        html_per_lang * 2,
        "codes={codes} enhanced={} pairs={pairs}",
        enhanced.len()
    );
}

/// Every provider page is linked from the family index in both languages, every code it claims
/// leads to it (a single-code page inside another page's range wins that code), and its
/// registry entry links back to it.
#[test]
fn every_provider_page_is_reachable_and_every_claimed_code_leads_to_it() {
    let idx = index();
    let providers = idx["providers"].as_array().unwrap();
    assert!(!providers.is_empty());
    let mut owner: std::collections::BTreeMap<String, (bool, String)> = Default::default();
    for p in providers {
        let slug = p["slug"].as_str().unwrap();
        for spec in p["codes"].as_array().unwrap() {
            let single = !spec.as_str().unwrap().contains('-');
            let codes: Vec<String> = if single {
                vec![spec.as_str().unwrap().to_string()]
            } else {
                p["concrete"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| c.as_str().unwrap().to_string())
                    .collect()
            };
            for c in codes {
                if single || !owner.get(&c).is_some_and(|o| o.0) {
                    owner.insert(c, (single, slug.to_string()));
                }
            }
        }
    }
    for (prefix, lang) in [("", "en"), ("zh/", "zh")] {
        let family =
            std::fs::read_to_string(built().join(format!("{prefix}smtp/index.html"))).unwrap();
        for p in providers {
            let slug = p["slug"].as_str().unwrap();
            let url = format!("/{prefix}smtp/{slug}/");
            assert!(
                family.contains(&format!("href=\"{url}\"")),
                "{lang}: family index does not link {url}"
            );
            assert!(
                built()
                    .join(format!("{prefix}smtp/{slug}/index.html"))
                    .is_file()
            );
            if let Some(entry) = p["entry"].as_str() {
                let page = std::fs::read_to_string(
                    built().join(format!("{prefix}smtp/{}/index.html", entry.to_lowercase())),
                )
                .unwrap();
                assert!(
                    page.contains(&format!("href=\"{url}\"")),
                    "{entry} does not link {url}"
                );
            }
        }
        for (code, (_, slug)) in &owner {
            let file = built().join(format!("{prefix}smtp/{code}/index.html"));
            let html = std::fs::read_to_string(&file).unwrap_or_else(|e| {
                panic!(
                    "{lang}: {code} is claimed by {slug} but {}: {e}",
                    file.display()
                )
            });
            if code != slug {
                assert!(
                    html.contains(&format!("url=/{prefix}smtp/{slug}/\"")),
                    "{lang}: /smtp/{code}/ does not redirect to {slug}"
                );
            }
        }
    }
}

#[test]
fn class_matches_first_digit_and_rfc_refs_are_complete() {
    let idx = index();
    for c in idx["codes"].as_array().unwrap() {
        let code = c["code"].as_str().unwrap();
        let data = api(&format!("{code}.json"));
        let class = data["class"].as_u64().unwrap();
        assert_eq!(code[..1].parse::<u64>().unwrap(), class, "{code}");
        assert!((2..=5).contains(&class), "{code}");
        let rfcs = data["rfcs"].as_array().unwrap();
        if data["standard"].as_bool().unwrap() {
            assert!(!rfcs.is_empty(), "{code} has no RFC reference");
        }
        for r in rfcs {
            assert!(r["rfc"].as_u64().unwrap() > 0, "{code}");
            assert!(!r["section"].as_str().unwrap().is_empty(), "{code}");
        }
    }
    for e in idx["enhanced"].as_array().unwrap() {
        for c in e["concrete"].as_array().unwrap() {
            let digit = &c.as_str().unwrap()[..1];
            assert!(["2", "4", "5"].contains(&digit), "{c}");
        }
        let slug = e["code"].as_str().unwrap().to_lowercase();
        let data = api(&format!("{slug}.json"));
        let rfcs = data["rfcs"].as_array().unwrap();
        // X.7.28's only reference is the draft IANA cites, so a source may stand in for an RFC.
        let sources = data["sources"].as_array().unwrap();
        assert!(
            !rfcs.is_empty() || !sources.is_empty(),
            "{slug} has no reference"
        );
        for r in rfcs {
            assert!(!r["section"].as_str().unwrap().is_empty(), "{slug}");
        }
    }
}

#[test]
fn ticket_links_to_concrete_enhanced_codes_work() {
    for code in ["5.7.26", "4.7.0", "5.1.1", "4.4.7", "5.7.1", "2.0.0"] {
        for prefix in ["", "zh/"] {
            let p = built().join(format!("{prefix}smtp/{code}/index.html"));
            let html =
                std::fs::read_to_string(&p).unwrap_or_else(|_| panic!("missing {}", p.display()));
            assert!(
                html.contains("http-equiv=\"refresh\""),
                "{code} should redirect to its registry entry"
            );
        }
    }
}

#[test]
fn every_page_declares_its_language() {
    for page in pages(built()) {
        let want = if page.rel.starts_with("zh/") {
            "zh-Hans"
        } else {
            "en"
        };
        assert!(
            page.raw.contains(&format!("<html lang=\"{want}\">")),
            "{} lacks <html lang=\"{want}\">",
            page.rel
        );
    }
}

#[test]
fn no_doubled_words_and_no_empty_sections() {
    let mut bad = Vec::new();
    for page in pages(built()) {
        for d in doubled_words(&page.raw) {
            bad.push(format!("{}: doubled word: {d}", page.rel));
        }
        for e in empty_sections(&page.doc) {
            bad.push(format!("{}: {e}", page.rel));
        }
    }
    assert!(
        bad.is_empty(),
        "{} problems:\n{}",
        bad.len(),
        bad[..bad.len().min(40)].join("\n")
    );
}

#[test]
fn english_pages_contain_no_chinese_and_chinese_pages_are_chinese() {
    let han = |s: &str| {
        s.chars()
            .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
            .count()
    };
    for page in pages(built()) {
        let body = page.raw.split_once("<main").map(|(_, b)| b).unwrap_or("");
        let body = body.split_once("</main>").map(|(b, _)| b).unwrap_or(body);
        // Example server lines and code spans are data (an SMTPUTF8 address may well be
        // written in Chinese), not the page's language.
        let body = without(&without(body, "<pre", "</pre>"), "<code", "</code>");
        let body = body.as_str();
        if page.rel.starts_with("zh/") {
            if !page.raw.contains("http-equiv=\"refresh\"") {
                assert!(han(body) > 20, "{} has almost no Chinese text", page.rel);
            }
        } else {
            assert_eq!(han(body), 0, "{} contains Chinese text", page.rel);
        }
    }
}

/// `s` without the spans from `open` to `close`.
fn without(s: &str, open: &str, close: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find(open) {
        out.push_str(&rest[..i]);
        match rest[i..].find(close) {
            Some(j) => rest = &rest[i + j + close.len()..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn curated_pairs_show_their_note() {
    let pairs = std::fs::read_dir(repo().join("content/smtp/pairs")).unwrap();
    let mut n = 0;
    for e in pairs {
        let name = e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .trim_end_matches(".yaml")
            .to_string();
        for prefix in ["", "zh/"] {
            let html =
                std::fs::read_to_string(built().join(format!("{prefix}smtp/{name}/index.html")))
                    .unwrap();
            assert!(
                html.contains("class=\"curated\""),
                "{prefix}{name} lacks its curated note"
            );
        }
        n += 1;
    }
    assert!(n >= 15, "only {n} curated pairs");
}

#[test]
fn every_internal_link_resolves() {
    let bad = broken_links(built(), "", &pages(built()));
    assert!(
        bad.is_empty(),
        "{} broken links:\n{}",
        bad.len(),
        bad[..bad.len().min(40)].join("\n")
    );
}

/// The bundled site built once for a GitHub project page (`https://org.github.io/repo/`).
fn sub_path_site() -> &'static Path {
    static OUT: SharedBuild = SharedBuild::new();
    build_once(&OUT, &["--base-url", "https://org.github.io/repo/"])
}

#[test]
fn links_resolve_under_a_sub_path_too() {
    let out = sub_path_site();
    let bad = broken_links(out, "/repo", &pages(out));
    assert!(
        bad.is_empty(),
        "{} broken links:\n{}",
        bad.len(),
        bad[..bad.len().min(40)].join("\n")
    );
    // Every sitemap URL is a page of the output.
    let sitemap = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    let mut n = 0;
    for loc in sitemap.split("<loc>").skip(1) {
        let url = loc.split("</loc>").next().unwrap();
        let path = url
            .strip_prefix("https://org.github.io/repo/")
            .unwrap_or_else(|| panic!("{url}"));
        let file = if path.is_empty() || path.ends_with('/') {
            format!("{path}index.html")
        } else {
            path.to_string()
        };
        assert!(out.join(&file).is_file(), "sitemap URL {url} has no page");
        n += 1;
    }
    assert!(n > 100, "sitemap has only {n} URLs");
    let robots = std::fs::read_to_string(out.join("robots.txt")).unwrap();
    assert!(
        robots.contains("Sitemap: https://org.github.io/repo/sitemap.xml"),
        "{robots}"
    );
}

/// Loads a schema from `tests/api/`, with the shared definitions of `common.schema.json` merged
/// in (so no reference needs resolving from outside).
fn schema(name: &str) -> jsonschema::Validator {
    let dir = repo().join("tests/api");
    let text = std::fs::read_to_string(dir.join(name))
        .unwrap()
        .replace("common.schema.json#/$defs/", "#/$defs/");
    let mut s: serde_json::Value = serde_json::from_str(&text).unwrap();
    let common: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("common.schema.json")).unwrap())
            .unwrap();
    let defs = s
        .as_object_mut()
        .unwrap()
        .entry("$defs")
        .or_insert(serde_json::json!({}));
    for (k, v) in common["$defs"].as_object().unwrap() {
        defs.as_object_mut().unwrap().insert(k.clone(), v.clone());
    }
    jsonschema::validator_for(&s).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn assert_valid(v: &jsonschema::Validator, file: &Path) {
    let data: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    let errors: Vec<String> = v
        .iter_errors(&data)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{} does not match its schema:\n{}",
        file.display(),
        errors.join("\n")
    );
}

#[test]
fn every_api_file_and_search_index_matches_its_schema() {
    let (index, code, enhanced, provider, search) = (
        schema("index.schema.json"),
        schema("code.schema.json"),
        schema("enhanced.schema.json"),
        schema("provider.schema.json"),
        schema("search-index.schema.json"),
    );
    let mut providers = 0;
    let mut n = 0;
    for f in files(&built().join("api/v1/smtp")) {
        let path = built().join("api/v1/smtp").join(&f);
        let v = if f == "index.json" {
            &index
        } else if f.starts_with("x.") {
            &enhanced
        } else if f.len() == "451.json".len() && f.as_bytes()[0].is_ascii_digit() {
            &code
        } else {
            providers += 1;
            &provider
        };
        assert_valid(v, &path);
        n += 1;
    }
    assert!(n > 100, "only {n} API files");
    assert!(providers >= 2, "only {providers} provider API files");
    assert_valid(&search, &built().join("search-index.json"));
    assert_valid(&search, &built().join("zh/search-index.json"));
    // The schemas do reject wrong data.
    let bad = serde_json::json!({"api_version": 2});
    assert!(!code.is_valid(&bad));
    assert!(!provider.is_valid(&bad));
}

/// URL paths of every HTML file of a built site (`/smtp/451/`, `/404.html`).
fn published(out: &Path) -> std::collections::BTreeSet<String> {
    files(out)
        .into_iter()
        .filter(|f| f.ends_with(".html"))
        .map(|f| match f.strip_suffix("index.html") {
            Some(dir) => format!("/{dir}"),
            None => format!("/{f}"),
        })
        .collect()
}

/// Links in tickets live for years: every URL ever published (tests/published-urls.txt) must
/// still be served, as a page or as a redirect. After adding pages, record them with
/// `UPDATE_PUBLISHED_URLS=1 cargo test --test bundled published` (it only ever adds lines).
#[test]
fn no_published_url_is_ever_dropped() {
    let manifest_path = repo().join("tests/published-urls.txt");
    let manifest: std::collections::BTreeSet<String> = std::fs::read_to_string(&manifest_path)
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect();
    let now = published(built());
    if std::env::var_os("UPDATE_PUBLISHED_URLS").is_some() {
        let all: Vec<String> = manifest.union(&now).cloned().collect();
        let text = format!(
            "# Every URL path the site has published. Tests fail if a build drops one: a removed page\n# must become a redirect. Append-only; see tests/bundled.rs.\n{}\n",
            all.join("\n")
        );
        std::fs::write(&manifest_path, text).unwrap();
    }
    assert!(
        manifest.len() > 1000,
        "tests/published-urls.txt is missing or nearly empty ({} URLs)",
        manifest.len()
    );
    let dropped: Vec<&String> = manifest.difference(&now).collect();
    assert!(
        dropped.is_empty(),
        "{} published URLs are gone (make each a redirect, e.g. an alias):\n{}",
        dropped.len(),
        dropped
            .iter()
            .take(30)
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// A strict Content-Security-Policy (`default-src 'self'`) must hold: no inline script, no
/// inline style, no event-handler attributes; external links open with `rel="noopener"`.
#[test]
fn pages_are_csp_clean_and_external_links_are_noopener() {
    let mut bad = Vec::new();
    for page in pages(built()) {
        let raw = &page.raw;
        // Every HTML page, redirects included: a redirect page is a page too.
        if !raw.contains("Content-Security-Policy\" content=\"default-src 'self'") {
            bad.push(format!("{}: no CSP meta", page.rel));
        }
        for tag in raw
            .split('<')
            .skip(1)
            .map(|t| t.split('>').next().unwrap_or(""))
        {
            let lower = tag.to_ascii_lowercase();
            if lower.starts_with("script") && !lower.contains(" src=") {
                bad.push(format!("{}: inline script", page.rel));
            }
            if lower.starts_with("style") {
                bad.push(format!("{}: <style> element", page.rel));
            }
            if lower
                .split_whitespace()
                .skip(1)
                .any(|a| a.starts_with("style=") || (a.starts_with("on") && a.contains('=')))
            {
                bad.push(format!(
                    "{}: inline style or handler in <{}>",
                    page.rel,
                    tag.chars().take(60).collect::<String>()
                ));
            }
            if lower.starts_with("a ")
                && lower.contains("href=\"http")
                && !lower.contains("noopener")
            {
                bad.push(format!(
                    "{}: external link without rel=noopener: <{tag}>",
                    page.rel
                ));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "{} problems:\n{}",
        bad.len(),
        bad[..bad.len().min(30)].join("\n")
    );
}

/// Canonical, hreflang and `og:url` values on a page, in document order.
fn permalinks(page: &Page) -> Vec<String> {
    let mut v = Vec::new();
    for (selector, attr) in [
        ("link[rel=canonical]", "href"),
        ("link[rel=alternate][hreflang]", "href"),
        ("meta[property='og:url']", "content"),
    ] {
        for el in page.doc.select(&sel(selector)) {
            v.push(el.value().attr(attr).unwrap_or("").to_string());
        }
    }
    v
}

#[test]
fn published_build_uses_absolute_urls_where_the_web_requires_them() {
    let out = sub_path_site();
    let origin = "https://org.github.io/repo/";
    let mut bad = Vec::new();
    for page in pages(out) {
        let links = permalinks(&page);
        let redirect = page.raw.contains("http-equiv=\"refresh\"");
        // Every page but the 404 pages and redirects names its canonical URL and alternates.
        if !redirect && !page.rel.ends_with("404.html") && links.len() < 4 {
            bad.push(format!("{}: only {} permalinks", page.rel, links.len()));
        }
        for l in links {
            if !l.starts_with(origin) {
                bad.push(format!("{}: {l}", page.rel));
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad[..bad.len().min(20)].join("\n"));
    let robots = std::fs::read_to_string(out.join("robots.txt")).unwrap();
    assert_eq!(
        robots,
        "User-agent: *\nAllow: /\n\nSitemap: https://org.github.io/repo/sitemap.xml\n"
    );
}

#[test]
fn build_without_a_host_leaves_out_urls_that_must_be_absolute() {
    // The default base_url is `/`: relative canonical or sitemap URLs would be invalid, so
    // they are not written at all (and the build says so).
    let out = built();
    let mut bad = Vec::new();
    for page in pages(out) {
        for l in permalinks(&page) {
            bad.push(format!("{}: {l}", page.rel));
        }
    }
    assert!(bad.is_empty(), "{}", bad[..bad.len().min(20)].join("\n"));
    assert!(!out.join("sitemap.xml").exists());
    let robots = std::fs::read_to_string(out.join("robots.txt")).unwrap();
    assert_eq!(robots, "User-agent: *\nAllow: /\n");
}
