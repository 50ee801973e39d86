//! Stage 3: decide every file the site will contain, with its URL.
//!
//! The plan is plain data: a list of [`Page`]s. Rendering and writing never invent outputs of
//! their own, so a new kind of output (a JSON API, a sitemap) is a new [`Kind`] here.

use crate::load::StaticFile;
use crate::model::*;

/// Labels the generator itself uses in sentences it builds (not only templates), so they must
/// exist in every language.
pub const REQUIRED_LABELS: &[&str] = &[
    "not_translated",
    "list_sep",
    "list_last_sep",
    "sentence_sep",
    "list_and_sep",
    "kd_outcome",
    "kd_outcome_same_action",
    "kd_action",
    "kd_who",
    "kd_stages",
    "kd_stages_one",
    "kd_same",
    "kd_cause",
    "which_server",
    "which_reader_stages",
    "which_reader_stages_one",
    "which_reader_enhanced",
    "which_reader_text",
    "which_act",
    "which_act_same",
    "which_act_one",
    "occurs_stages",
    "occurs_enhanced",
    "kind_phrase_success",
    "kind_phrase_intermediate",
    "kind_phrase_transient",
    "kind_phrase_permanent",
    "actor_sender",
    "actor_sending_admin",
    "actor_receiving_admin",
    "actor_recipient",
    "who_nobody",
    "fix_lead",
    "fix_lead_nobody",
    "pair_fix_chars",
    "pair_title",
    "kind_success",
    "kind_intermediate",
    "kind_transient",
    "kind_permanent",
    "who_sender",
    "who_sending_admin",
    "who_receiving_admin",
    "who_recipient",
];

/// What a planned file is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// The home page of a language.
    Home,
    /// A family index (`/smtp/`).
    Family {
        /// Index into `Site::families`.
        family: usize,
    },
    /// A basic code page (`/smtp/451/`).
    Code {
        /// Family index.
        family: usize,
        /// Index into `Family::codes`.
        code: usize,
    },
    /// An enhanced registry entry page (`/smtp/x.7.26/`).
    Enhanced {
        /// Family index.
        family: usize,
        /// Index into `Family::enhanced`.
        entry: usize,
    },
    /// A pair page (`/smtp/235-vs-451/`), `a` the lower code.
    Pair {
        /// Family index.
        family: usize,
        /// Index of the lower code.
        a: usize,
        /// Index of the higher code.
        b: usize,
    },
    /// A provider page (`/smtp/5.7.606-5.7.649/`, `/smtp/yahoo-tss04/`).
    Provider {
        /// Family index.
        family: usize,
        /// Index into `Family::providers`.
        page: usize,
    },
    /// A redirect page to `target` (a URL path with the base path).
    Redirect {
        /// Where it points.
        target: String,
    },
    /// The "page not found" page.
    NotFound,
    /// A file copied from `static/`.
    Static {
        /// Index into the static file list.
        index: usize,
    },
    /// The search page of a language (`/search/`).
    Search,
    /// The bounce explainer page (`/explain/`).
    Explain,
    /// The search index JSON of a language, read by `site.js`.
    SearchIndex,
    /// The explainer's data of a language (`/explain-index.json`), read by `explain.js`.
    ExplainIndex,
    /// `sitemap.xml`: every canonical page with its language alternates.
    Sitemap {
        /// Site-relative paths (`smtp/451/`) that exist in every language.
        paths: Vec<String>,
    },
    /// `robots.txt`.
    Robots,
    /// An empty `.nojekyll`, so GitHub Pages serves the folder as is.
    NoJekyll,
    /// `CNAME` for a custom domain on GitHub Pages.
    Cname,
    /// `api/v1/<family>/index.json`: every code with titles and URLs in all languages.
    ApiIndex {
        /// Family index.
        family: usize,
    },
    /// `api/v1/<family>/<code>.json`: one basic code as data.
    ApiCode {
        /// Family index.
        family: usize,
        /// Code index.
        code: usize,
    },
    /// `api/v1/<family>/<slug>.json`: one provider page as data.
    ApiProvider {
        /// Family index.
        family: usize,
        /// Index into `Family::providers`.
        page: usize,
    },
    /// `api/v1/<family>/x.<s>.<d>.json`: one enhanced entry as data.
    ApiEnhanced {
        /// Family index.
        family: usize,
        /// Entry index.
        entry: usize,
    },
}

/// One output file.
#[derive(Debug, Clone)]
pub struct Page {
    /// What it is.
    pub kind: Kind,
    /// Index into `config.languages`; `None` for language-neutral files.
    pub lang: Option<usize>,
    /// URL path including the base path, e.g. `/repo/zh/smtp/451/`.
    pub url: String,
    /// Path inside the output folder, `/`-separated, e.g. `zh/smtp/451/index.html`.
    pub out: String,
}

impl Page {
    /// A short name for the summary line.
    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            Kind::Home => "home",
            Kind::Family { .. } => "index",
            Kind::Code { .. } => "code",
            Kind::Enhanced { .. } => "enhanced",
            Kind::Pair { .. } => "pair",
            Kind::Provider { .. } => "provider",
            Kind::Redirect { .. } => "redirect",
            Kind::NotFound => "404",
            Kind::Static { .. } => "static",
            Kind::Search => "search",
            Kind::Explain => "explain",
            Kind::SearchIndex => "search-index",
            Kind::ExplainIndex => "explain-index",
            Kind::Sitemap { .. } | Kind::Robots | Kind::NoJekyll | Kind::Cname => "meta",
            Kind::ApiIndex { .. }
            | Kind::ApiCode { .. }
            | Kind::ApiEnhanced { .. }
            | Kind::ApiProvider { .. } => "api",
        }
    }
}

/// Builds URLs from the configured base URL.
#[derive(Debug, Clone)]
pub struct Urls {
    /// `https://org.github.io` or empty when the base URL has no host.
    pub origin: String,
    /// `/repo` or empty for the domain root; never ends in `/`.
    pub base_path: String,
    /// Language URL prefixes: empty for the default language, `/zh` for the others.
    pub lang_prefix: Vec<String>,
}

impl Urls {
    /// From the base URL and languages.
    pub fn new(base_url: &str, langs: &[Language]) -> Self {
        let (origin, path) = match base_url.find("://") {
            Some(i) => {
                let after = &base_url[i + 3..];
                let slash = after.find('/').map_or(base_url.len(), |j| i + 3 + j);
                (base_url[..slash].to_string(), base_url[slash..].to_string())
            }
            None => (String::new(), base_url.to_string()),
        };
        let base_path = path.trim_end_matches('/').to_string();
        let base_path = if base_path.is_empty() || base_path.starts_with('/') {
            base_path
        } else {
            format!("/{base_path}")
        };
        let lang_prefix = langs
            .iter()
            .enumerate()
            .map(|(i, l)| {
                if i == 0 {
                    String::new()
                } else {
                    format!("/{}", l.code)
                }
            })
            .collect();
        Urls {
            origin,
            base_path,
            lang_prefix,
        }
    }

    /// URL path of a site-relative path (`smtp/451/`) in a language.
    pub fn page(&self, lang: usize, path: &str) -> String {
        format!("{}{}/{}", self.base_path, self.lang_prefix[lang], path)
    }

    /// URL path of a language-neutral file (`style.css`).
    pub fn asset(&self, path: &str) -> String {
        format!("{}/{}", self.base_path, path)
    }

    /// Absolute URL when the base URL has a host, else the path.
    pub fn absolute(&self, url_path: &str) -> String {
        format!("{}{}", self.origin, url_path)
    }

    /// Absolute URL, or `None` when the base URL has no host. Canonical links, hreflang
    /// alternates, `og:url` and sitemap entries must be absolute to be valid, so where no host
    /// is known they are left out rather than written as paths.
    pub fn permalink(&self, url_path: &str) -> Option<String> {
        (!self.origin.is_empty()).then(|| self.absolute(url_path))
    }

    /// Output file of a URL path: strips the base path, maps `/x/` to `x/index.html`.
    pub fn out_file(&self, url_path: &str) -> String {
        let p = url_path.strip_prefix(&self.base_path).unwrap_or(url_path);
        let p = p.trim_start_matches('/');
        if p.is_empty() || p.ends_with('/') {
            format!("{p}index.html")
        } else {
            p.to_string()
        }
    }
}

/// Site-relative path of a code page.
pub fn code_path(fam: &Family, code: u16) -> String {
    format!("{}/{}/", fam.slug, code)
}

/// Site-relative path of an enhanced entry page.
pub fn enhanced_path(fam: &Family, e: &Enhanced) -> String {
    format!("{}/{}/", fam.slug, e.slug())
}

/// Site-relative path of a provider page.
pub fn provider_path(fam: &Family, p: &Provider) -> String {
    format!("{}/{}/", fam.slug, p.data.slug)
}

/// Concrete codes of a family with the page they lead to, for the `/smtp/<code>/` redirects and
/// the root aliases: a provider page when one claims the code, else the registry entry. Codes
/// that are a provider page's own slug are left out (that page is the code's page).
pub fn concrete_targets(fam: &Family) -> Vec<(String, String)> {
    let claims = fam.provider_claims();
    let mut out: std::collections::BTreeMap<String, String> = Default::default();
    for e in &fam.enhanced {
        for c in e.concrete() {
            out.insert(c, enhanced_path(fam, e));
        }
    }
    for (c, i) in &claims {
        out.insert(c.to_string(), provider_path(fam, &fam.providers[*i]));
    }
    out.into_iter()
        .filter(|(c, _)| fam.providers.iter().all(|p| p.data.slug != *c))
        .collect()
}

/// Site-relative path of a pair page (lower code first).
pub fn pair_path(fam: &Family, a: u16, b: u16) -> String {
    format!("{}/{}-vs-{}/", fam.slug, a.min(b), a.max(b))
}

/// The pairs of a family that get pages, as index pairs into `codes` (lower first).
pub fn family_pairs(fam: &Family) -> Vec<(usize, usize)> {
    let n = fam.codes.len();
    match fam.meta.pairs {
        PairsPolicy::All => (0..n)
            .flat_map(|i| ((i + 1)..n).map(move |j| (i, j)))
            .collect(),
        PairsPolicy::Curated => fam
            .pairs
            .iter()
            .filter_map(|p| {
                let a = fam.codes.iter().position(|c| c.data.code == p.a)?;
                let b = fam.codes.iter().position(|c| c.data.code == p.b)?;
                Some((a, b))
            })
            .collect(),
    }
}

/// Site-relative path of the search page.
pub const SEARCH_PATH: &str = "search/";
/// Site-relative path of the explainer page.
pub const EXPLAIN_PATH: &str = "explain/";
/// Site-relative path of the search index.
pub const SEARCH_INDEX_PATH: &str = "search-index.json";
/// Site-relative path of the explainer's data.
pub const EXPLAIN_INDEX_PATH: &str = "explain-index.json";

/// Short aliases at the site root (`/451/` → `/smtp/451/`), for codes that only one family has.
fn aliases(site: &Site) -> Vec<(String, String)> {
    let mut seen: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for fam in &site.families {
        for c in &fam.codes {
            seen.entry(c.data.code.to_string())
                .or_default()
                .push(code_path(fam, c.data.code));
        }
        for (concrete, target) in concrete_targets(fam) {
            seen.entry(concrete).or_default().push(target);
        }
        for e in &fam.enhanced {
            seen.entry(e.slug())
                .or_default()
                .push(enhanced_path(fam, e));
        }
        // Only code-like slugs: a text slug could be any word, such as `search`.
        for p in fam
            .providers
            .iter()
            .filter(|p| p.data.slug.starts_with(|c: char| c.is_ascii_digit()))
        {
            seen.entry(p.data.slug.clone())
                .or_default()
                .push(provider_path(fam, p));
        }
    }
    let reserved: Vec<&str> = site
        .config
        .languages
        .iter()
        .map(|l| l.code.as_str())
        .collect();
    seen.into_iter()
        .filter(|(k, v)| {
            v.len() == 1
                && !reserved.contains(&k.as_str())
                && site.families.iter().all(|f| f.slug != *k)
        })
        .map(|(k, mut v)| (format!("{k}/"), v.remove(0)))
        .collect()
}

/// Plans every output of a valid site.
pub fn plan(site: &Site, urls: &Urls, statics: &[StaticFile]) -> Vec<Page> {
    let mut pages = Vec::new();
    // Canonical HTML pages that exist in every language, for the sitemap.
    let mut canonical: Vec<String> = vec![String::new(), SEARCH_PATH.into(), EXPLAIN_PATH.into()];
    let mut push = |kind: Kind, lang: Option<usize>, url: String| {
        let out = urls.out_file(&url);
        pages.push(Page {
            kind,
            lang,
            url,
            out,
        });
    };
    for li in 0..site.config.languages.len() {
        let l = Some(li);
        push(Kind::Home, l, urls.page(li, ""));
        push(Kind::NotFound, l, urls.page(li, "404.html"));
        push(Kind::Search, l, urls.page(li, SEARCH_PATH));
        push(Kind::Explain, l, urls.page(li, EXPLAIN_PATH));
        push(Kind::SearchIndex, l, urls.page(li, SEARCH_INDEX_PATH));
        push(Kind::ExplainIndex, l, urls.page(li, EXPLAIN_INDEX_PATH));
        for (alias, target) in aliases(site) {
            push(
                Kind::Redirect {
                    target: urls.page(li, &target),
                },
                l,
                urls.page(li, &alias),
            );
        }
        for (fi, fam) in site.families.iter().enumerate() {
            push(
                Kind::Family { family: fi },
                l,
                urls.page(li, &format!("{}/", fam.slug)),
            );
            for (ci, c) in fam.codes.iter().enumerate() {
                push(
                    Kind::Code {
                        family: fi,
                        code: ci,
                    },
                    l,
                    urls.page(li, &code_path(fam, c.data.code)),
                );
            }
            for (ei, e) in fam.enhanced.iter().enumerate() {
                push(
                    Kind::Enhanced {
                        family: fi,
                        entry: ei,
                    },
                    l,
                    urls.page(li, &enhanced_path(fam, e)),
                );
            }
            for (pi, p) in fam.providers.iter().enumerate() {
                push(
                    Kind::Provider {
                        family: fi,
                        page: pi,
                    },
                    l,
                    urls.page(li, &provider_path(fam, p)),
                );
            }
            for (concrete, target) in concrete_targets(fam) {
                push(
                    Kind::Redirect {
                        target: urls.page(li, &target),
                    },
                    l,
                    urls.page(li, &format!("{}/{concrete}/", fam.slug)),
                );
            }
            for (a, b) in family_pairs(fam) {
                let (ca, cb) = (fam.codes[a].data.code, fam.codes[b].data.code);
                let target = urls.page(li, &pair_path(fam, ca, cb));
                push(
                    Kind::Redirect {
                        target: target.clone(),
                    },
                    l,
                    urls.page(li, &format!("{}/{cb}-vs-{ca}/", fam.slug)),
                );
                push(Kind::Pair { family: fi, a, b }, l, target);
            }
        }
    }
    for (i, s) in statics.iter().enumerate() {
        push(Kind::Static { index: i }, None, urls.asset(&s.rel));
    }
    for (fi, fam) in site.families.iter().enumerate() {
        canonical.push(format!("{}/", fam.slug));
        canonical.extend(fam.codes.iter().map(|c| code_path(fam, c.data.code)));
        canonical.extend(fam.enhanced.iter().map(|e| enhanced_path(fam, e)));
        canonical.extend(fam.providers.iter().map(|p| provider_path(fam, p)));
        canonical.extend(
            family_pairs(fam)
                .into_iter()
                .map(|(a, b)| pair_path(fam, fam.codes[a].data.code, fam.codes[b].data.code)),
        );
        let api = |p: String| urls.asset(&format!("api/v1/{}/{p}", fam.slug));
        push(
            Kind::ApiIndex { family: fi },
            None,
            api("index.json".into()),
        );
        for (ci, c) in fam.codes.iter().enumerate() {
            push(
                Kind::ApiCode {
                    family: fi,
                    code: ci,
                },
                None,
                api(format!("{}.json", c.data.code)),
            );
        }
        for (pi, p) in fam.providers.iter().enumerate() {
            push(
                Kind::ApiProvider {
                    family: fi,
                    page: pi,
                },
                None,
                api(format!("{}.json", p.data.slug)),
            );
        }
        for (ei, e) in fam.enhanced.iter().enumerate() {
            push(
                Kind::ApiEnhanced {
                    family: fi,
                    entry: ei,
                },
                None,
                api(format!("{}.json", e.slug())),
            );
        }
    }
    // A sitemap of paths is invalid (`<loc>` must be absolute): only with a host.
    if !urls.origin.is_empty() {
        push(
            Kind::Sitemap { paths: canonical },
            None,
            urls.asset("sitemap.xml"),
        );
    }
    push(Kind::Robots, None, urls.asset("robots.txt"));
    push(Kind::NoJekyll, None, urls.asset(".nojekyll"));
    if site.config.cname.is_some() {
        push(Kind::Cname, None, urls.asset("CNAME"));
    }
    pages
}
