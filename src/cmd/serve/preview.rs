//! The site `serve` shows, held in memory: one [`Generation`] per rebuild, filled as its pages
//! render.
//!
//! A tab is told to reload when the token of its page changes: a hash of the page's bytes and of
//! every static file (the style sheet and scripts are not fingerprinted in their URLs, so an edit
//! of `static/style.css` must reload every tab although no page's HTML changed).
//!
//! Why memory: writing the bundled site's 8,000 files to a folder and swapping it in cost about
//! 70 ms a rebuild, and comparing them with what was on disk most of another 100 ms; the preview
//! is thrown away on exit anyway, so `serve` now writes nothing at all (as Hugo's server renders to
//! memory by default).
//!
//! Why generations that fill up while they render: the pages open in a browser are rendered
//! first, so a tab can reload a fraction of a second after a save while the rest of the site is
//! still rendering. A request for a page of the new generation that is not rendered yet waits for
//! it, so no one is ever shown a page older than the newest save; a generation that fails to
//! render is dropped and the last complete one is shown again.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Condvar, Mutex};

/// Where a generation is: still rendering, complete, or dropped after a render error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Pages are still being added.
    Rendering,
    /// Every planned page is in.
    Done,
    /// A page failed to render; the generation is no longer shown.
    Failed,
}

/// What a URL path names in a generation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// An output file (`smtp/451/index.html`).
    File(String),
    /// A folder asked for without its trailing slash: GitHub Pages redirects to the slash form.
    Folder,
    /// Nothing: the root `404.html` answers.
    Missing,
}

impl Target {
    /// The output file that answers: the file itself, or the root `404.html` for a missing
    /// path; none for a folder (it is answered with a redirect).
    pub fn out(&self) -> Option<&str> {
        match self {
            Target::File(out) => Some(out),
            Target::Missing => Some("404.html"),
            Target::Folder => None,
        }
    }
}

/// One build of the site in memory.
pub struct Generation {
    /// Every output path the plan lists, fixed before the first page renders.
    outs: HashSet<String>,
    /// Every folder holding an output: `""` (the root), `smtp`, `smtp/451`, …
    dirs: HashSet<String>,
    inner: Mutex<Inner>,
    added: Condvar,
}

struct Inner {
    files: HashMap<String, Arc<[u8]>>,
    /// Hash of every static file, once they are all rendered.
    assets: Option<u64>,
    state: State,
}

/// A served file: its bytes and its token (see [`token`]).
pub type Served = (Arc<[u8]>, String);

impl Generation {
    /// A generation that will hold exactly these output paths (`/`-separated, relative).
    pub fn new<'a>(outs: impl IntoIterator<Item = &'a str>) -> Self {
        let outs: HashSet<String> = outs.into_iter().map(str::to_string).collect();
        let mut dirs = HashSet::from([String::new()]);
        for out in &outs {
            let mut end = out.len();
            while let Some(i) = out[..end].rfind('/') {
                if !dirs.insert(out[..i].to_string()) {
                    break;
                }
                end = i;
            }
        }
        Generation {
            outs,
            dirs,
            inner: Mutex::new(Inner {
                files: HashMap::new(),
                assets: None,
                state: State::Rendering,
            }),
            added: Condvar::new(),
        }
    }

    /// Adds a rendered page and wakes the requests waiting for it.
    pub fn put(&self, out: &str, bytes: Arc<[u8]>) {
        self.inner
            .lock()
            .unwrap()
            .files
            .insert(out.to_string(), bytes);
        self.added.notify_all();
    }

    /// Records the hash of the static files (rendered before any page is served): from now on
    /// pages have tokens and can be served.
    pub fn set_assets(&self, hash: u64) {
        self.inner.lock().unwrap().assets = Some(hash);
        self.added.notify_all();
    }

    /// Ends rendering: complete when `ok`, dropped otherwise.
    pub fn finish(&self, ok: bool) {
        self.inner.lock().unwrap().state = if ok { State::Done } else { State::Failed };
        self.added.notify_all();
    }

    /// Where rendering is.
    pub fn state(&self) -> State {
        self.inner.lock().unwrap().state
    }

    /// Whether the plan lists `out`.
    pub fn lists(&self, out: &str) -> bool {
        self.outs.contains(out)
    }

    /// The output paths this generation holds (or will, once rendered).
    pub fn outs(&self) -> impl Iterator<Item = &str> {
        self.outs.iter().map(String::as_str)
    }

    /// What the decoded path segments name: a file, a folder without its index page's slash, or
    /// nothing. `slash` tells whether the URL path ended with `/`; a `hidden` path (a dotfile,
    /// never served) is missing. As on GitHub Pages, a folder is served through its `index.html`,
    /// and a folder without one is missing.
    pub fn resolve(&self, segments: &[String], slash: bool, hidden: bool) -> Target {
        if hidden {
            return Target::Missing;
        }
        let joined = segments.join("/");
        if self.dirs.contains(&joined) {
            if !slash && !joined.is_empty() {
                return Target::Folder;
            }
            let index = if joined.is_empty() {
                "index.html".to_string()
            } else {
                format!("{joined}/index.html")
            };
            return if self.outs.contains(&index) {
                Target::File(index)
            } else {
                Target::Missing
            };
        }
        if !slash && self.outs.contains(&joined) {
            Target::File(joined)
        } else {
            Target::Missing
        }
    }

    /// The bytes of `out` if they are rendered already.
    pub fn bytes(&self, out: &str) -> Option<Arc<[u8]>> {
        self.inner.lock().unwrap().files.get(out).cloned()
    }

    /// The bytes of `out` and their token, if they can be served now.
    pub fn now(&self, out: &str) -> Option<Served> {
        Self::ready(&self.inner.lock().unwrap(), out)
    }

    fn ready(inner: &Inner, out: &str) -> Option<Served> {
        let bytes = inner.files.get(out)?;
        Some((bytes.clone(), token(inner.assets?, bytes)))
    }

    /// The bytes of `out` and their token, waiting while the generation still renders; `None`
    /// when it does not list `out` or was dropped before `out` rendered.
    pub fn wait(&self, out: &str) -> Option<Served> {
        if !self.outs.contains(out) {
            return None;
        }
        let mut inner = self.inner.lock().unwrap();
        loop {
            if let Some(served) = Self::ready(&inner, out) {
                return Some(served);
            }
            if inner.state != State::Rendering {
                return None;
            }
            inner = self.added.wait(inner).unwrap();
        }
    }
}

/// The generation being shown, and the last complete one.
#[derive(Default)]
pub struct Preview {
    inner: Mutex<Shown>,
}

#[derive(Default)]
struct Shown {
    serving: Option<Arc<Generation>>,
    good: Option<Arc<Generation>>,
}

impl Preview {
    /// Shows `generation` from now on, while it renders.
    pub fn begin(&self, generation: Arc<Generation>) {
        self.inner.lock().unwrap().serving = Some(generation);
    }

    /// Ends `generation`: when `ok` it becomes the last good one; otherwise the last good one is
    /// shown again (if another generation began since, that one stays shown).
    pub fn end(&self, generation: &Arc<Generation>, ok: bool) {
        // Switch first, then wake the waiters: a request that finds the generation dropped must
        // find another one shown, or `fetch` would retry the dropped one.
        {
            let mut shown = self.inner.lock().unwrap();
            if ok {
                shown.good = Some(generation.clone());
            } else if shown
                .serving
                .as_ref()
                .is_some_and(|s| Arc::ptr_eq(s, generation))
            {
                shown.serving = shown.good.clone();
            }
        }
        generation.finish(ok);
    }

    /// The generation requests are answered from, if any build has begun.
    pub fn serving(&self) -> Option<Arc<Generation>> {
        self.inner.lock().unwrap().serving.clone()
    }

    /// The last complete generation.
    pub fn good(&self) -> Option<Arc<Generation>> {
        self.inner.lock().unwrap().good.clone()
    }

    /// The file a request for these segments gets, waiting for it to render if need be (the 404
    /// page when `hidden`, for paths that are never served): `None` when nothing was ever built.
    pub fn fetch(
        &self,
        segments: &[String],
        slash: bool,
        hidden: bool,
    ) -> Option<(Target, Option<Served>)> {
        // A generation dropped while we waited sends us to the one shown instead; the loop ends
        // because a dropped generation is no longer shown by the time it says so (see `end`).
        loop {
            let generation = self.serving()?;
            let target = generation.resolve(segments, slash, hidden);
            let Some(out) = target.out() else {
                return Some((target, None));
            };
            match generation.wait(out) {
                Some(bytes) => return Some((target, Some(bytes))),
                None if generation.state() == State::Failed => continue,
                None => return Some((target, None)),
            }
        }
    }

    /// A short token for the bytes a tab at this path would get now, without waiting: from the
    /// generation being shown when that page is rendered there, otherwise from the last complete
    /// one. A tab reloads when its page's token changes. Empty when nothing is built. `hidden` as
    /// for [`Preview::fetch`]: such a tab shows the 404 page.
    pub fn token(&self, segments: &[String], slash: bool, hidden: bool) -> String {
        let (serving, good) = {
            let shown = self.inner.lock().unwrap();
            (shown.serving.clone(), shown.good.clone())
        };
        for generation in [serving, good].into_iter().flatten() {
            let target = generation.resolve(segments, slash, hidden);
            let Some(out) = target.out() else {
                return "folder".to_string();
            };
            if let Some((_, token)) = generation.now(out) {
                return token;
            }
        }
        String::new()
    }
}

/// A page's token: a hash of the static files' hash and the page's bytes, as 16 hex digits.
pub fn token(assets: u64, bytes: &[u8]) -> String {
    format!("{:016x}", hash(&(assets, bytes)))
}

/// A hash of anything hashable (not stable across Rust versions, which a preview never outlives).
pub fn hash(value: &impl std::hash::Hash) -> u64 {
    use std::hash::Hasher;
    let mut h = std::hash::DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn segs(path: &str) -> Vec<String> {
        path.split('/')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    }

    fn bytes(s: &str) -> Arc<[u8]> {
        Arc::from(s.as_bytes())
    }

    #[test]
    fn resolves_like_github_pages() {
        let g = Generation::new([
            "index.html",
            "404.html",
            "smtp/451/index.html",
            "smtp/style.css",
            "zh/smtp/451/index.html",
        ]);
        let r = |p: &str| g.resolve(&segs(p), p.ends_with('/'), false);
        assert_eq!(r("/"), Target::File("index.html".into()));
        assert_eq!(r("/smtp/451/"), Target::File("smtp/451/index.html".into()));
        assert_eq!(r("/smtp/451"), Target::Folder);
        assert_eq!(
            r("/smtp/451/index.html"),
            Target::File("smtp/451/index.html".into())
        );
        assert_eq!(r("/smtp/style.css"), Target::File("smtp/style.css".into()));
        assert_eq!(r("/smtp/style.css/"), Target::Missing);
        // A folder without an index page is missing, as on Pages.
        assert_eq!(r("/smtp/"), Target::Missing);
        assert_eq!(r("/zh/"), Target::Missing);
        assert_eq!(r("/nope/"), Target::Missing);
        assert_eq!(
            g.resolve(&segs("/smtp/style.css"), false, true),
            Target::Missing
        );
        assert_eq!(Target::Missing.out(), Some("404.html"));
        assert_eq!(Target::Folder.out(), None);
    }

    /// A request for a page still rendering waits for it and gets the new bytes, never the old.
    #[test]
    fn a_request_waits_for_its_page_in_the_new_generation() {
        let preview = Arc::new(Preview::default());
        let old = Arc::new(Generation::new(["a.html", "404.html"]));
        old.put("a.html", bytes("old"));
        old.put("404.html", bytes("nf"));
        old.set_assets(1);
        preview.begin(old.clone());
        preview.end(&old, true);

        let new = Arc::new(Generation::new(["a.html", "404.html"]));
        new.set_assets(1);
        preview.begin(new.clone());
        let p = preview.clone();
        let got = std::thread::spawn(move || p.fetch(&segs("a.html"), false, false));
        std::thread::sleep(Duration::from_millis(50));
        assert!(!got.is_finished(), "answered before the page rendered");
        new.put("a.html", bytes("new"));
        let (_, b) = got.join().unwrap().unwrap();
        let (b, t) = b.unwrap();
        assert_eq!((&*b, t.as_str()), (&b"new"[..], token(1, b"new").as_str()));
        // The token follows the newest rendered bytes; a page not yet rendered keeps the old one.
        assert_eq!(
            preview.token(&segs("a.html"), false, false),
            token(1, b"new")
        );
        assert_eq!(preview.token(&segs("gone/"), true, false), token(1, b"nf"));
        assert_eq!(preview.token(&segs("a.html"), false, true), token(1, b"nf"));
    }

    /// Pages are not served, and have no token, before the static files are in: a tab must not
    /// reload into a page whose style sheet is still the old one.
    #[test]
    fn pages_wait_for_the_static_files() {
        let g = Arc::new(Generation::new(["a.html", "style.css"]));
        g.put("a.html", bytes("page"));
        assert!(g.now("a.html").is_none());
        let g2 = g.clone();
        let got = std::thread::spawn(move || g2.wait("a.html"));
        std::thread::sleep(Duration::from_millis(50));
        assert!(!got.is_finished());
        g.put("style.css", bytes("css"));
        g.set_assets(hash(&"css"));
        assert_eq!(got.join().unwrap().unwrap().1, token(hash(&"css"), b"page"));
        // The same page bytes with other static files: another token, so open tabs reload.
        assert_ne!(token(hash(&"css"), b"page"), token(hash(&"css2"), b"page"));
    }

    /// A generation that fails is dropped: waiting requests get the last good page.
    #[test]
    fn a_failed_generation_falls_back_to_the_last_good_one() {
        let preview = Arc::new(Preview::default());
        let old = Arc::new(Generation::new(["a.html"]));
        old.put("a.html", bytes("old"));
        old.set_assets(0);
        preview.begin(old.clone());
        preview.end(&old, true);

        let new = Arc::new(Generation::new(["a.html", "b.html"]));
        new.set_assets(0);
        preview.begin(new.clone());
        new.put("b.html", bytes("b"));
        let p = preview.clone();
        let got = std::thread::spawn(move || p.fetch(&segs("a.html"), false, false));
        std::thread::sleep(Duration::from_millis(50));
        preview.end(&new, false);
        let (_, b) = got.join().unwrap().unwrap();
        assert_eq!(&*b.unwrap().0, b"old");
        assert!(Arc::ptr_eq(&preview.serving().unwrap(), &old));
        assert_eq!(
            preview.fetch(&segs("b.html"), false, false).unwrap().0,
            Target::Missing
        );
    }
}
