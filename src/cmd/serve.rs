//! `codesite serve`: build, serve on loopback, rebuild on change and reload open tabs.
//!
//! The site is built with the normal pipeline (load, validate, plan, render: what you see is what
//! `build` publishes, but for the base URL) and kept in memory ([`preview`]); nothing is written
//! to disk. It is served with GitHub Pages' URL rules: folder index pages, a redirect that adds
//! the trailing slash and keeps the query, and the root `404.html` with status 404.
//!
//! Only changes to the inputs trigger a rebuild (created, modified, removed or renamed files under
//! `content/`, `templates/`, `static/`, `i18n/` and `config.yaml`); the build's own reads never do.
//! A burst of events gives one rebuild. A small live-reload script is injected into HTML
//! responses here, never into the build output; it long-polls `/__codesite/status` with its own
//! path and a token of the bytes it was served. A rebuild renders the pages those tabs show first
//! and wakes them as soon as those are done, so a tab whose page changed reloads while the rest
//! of the site is still rendering; a tab whose page did not change is left alone.
//!
//! The HTTP server is a few dozen lines over `std::net` ([`http`]) so that every request is
//! bounded (request line and header sizes), only GET and HEAD are answered, and the `Host` header
//! must name this server, which stops DNS rebinding from reading the preview from a web page.

mod http;
mod preview;

use crate::build::{self, BuildOptions};
use crate::diag::{Diagnostic, Diagnostics, Severity};
use crate::plan::{Kind, Page};
use http::{
    Request, Response, content_type, encode_query, percent_decode, percent_encode, read_request,
};
use notify::{EventKind, RecursiveMode, Watcher};
use preview::{Generation, Preview, Target};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::io::BufReader;
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, mpsc};
use std::time::{Duration, Instant};

/// Arguments of `serve`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Site root; found by walking up from the current folder when not given.
    #[arg(long)]
    pub root: Option<std::path::PathBuf>,
    /// Port to listen on (0 picks a free one).
    #[arg(long, short, default_value_t = 1111)]
    pub port: u16,
    /// Address to listen on.
    #[arg(long, short, default_value = "127.0.0.1")]
    pub interface: IpAddr,
    /// Allow listening on a non-loopback address (anyone on that network can then read the site).
    #[arg(long)]
    pub allow_remote: bool,
    /// Treat a missing translation as an error.
    #[arg(long)]
    pub strict: bool,
}

/// The inputs a rebuild depends on, relative to the site root.
const INPUT_DIRS: [&str; 4] = ["content", "templates", "static", "i18n"];
const CONFIG: &str = "config.yaml";
/// Events closer together than this are one edit (an editor's save is several events).
const QUIET: Duration = Duration::from_millis(50);
/// How long a status request waits for news before answering "no change".
const LONG_POLL: Duration = Duration::from_secs(10);
/// A path a tab polled for within this long counts as open: its page renders first.
const OPEN_FOR: Duration = Duration::from_secs(30);

/// What the browser's live-reload script reads, besides its own page's token.
#[derive(Default)]
struct Status {
    /// Bumped when a build produced a site that differs in any byte.
    version: u64,
    /// Bumped on any change of this struct that a tab should hear about (new site or error).
    seq: u64,
    /// The last build's errors, empty when it succeeded.
    error: String,
}

/// State shared by the watcher, the request threads and the signal handler.
struct Shared {
    status: Mutex<Status>,
    news: Condvar,
    opts: BuildOptions,
    preview: Preview,
    /// URL paths tabs polled for, and when: the pages to render first.
    open: Mutex<HashMap<String, Instant>>,
    addr: SocketAddr,
}

const LIVERELOAD_JS: &str = include_str!("serve_livereload.js");
const OVERLAY_CSS: &str = "#codesite-overlay{position:fixed;inset:0;z-index:2147483647;background:rgba(20,20,20,.92);color:#fff;overflow:auto;padding:2rem;font:14px/1.5 ui-monospace,Menlo,Consolas,monospace}#codesite-overlay h2{color:#ff8a80;margin:0 0 1rem;font-size:1.2rem}#codesite-overlay pre{white-space:pre-wrap;margin:0}#codesite-overlay button{position:absolute;top:1rem;right:1rem;font:inherit;background:#333;color:#fff;border:1px solid #777;padding:.3rem .7rem;cursor:pointer}";

/// Runs the command; returns the process exit code.
pub fn run(args: Args) -> i32 {
    if !args.interface.is_loopback() && !args.allow_remote {
        eprintln!(
            "error: refusing to listen on {}: it is not a loopback address, so anyone on that network could read the preview\n  = hint: pass --allow-remote to do it anyway, or use --interface 127.0.0.1",
            args.interface
        );
        return super::USAGE;
    }
    let root = match super::site_root(args.root.as_deref()) {
        Ok(r) => std::path::absolute(&r).unwrap_or(r),
        Err(e) => {
            eprintln!("{e}");
            return super::USAGE;
        }
    };
    let listener = match TcpListener::bind(SocketAddr::new(args.interface, args.port)) {
        Ok(l) => l,
        Err(e) => {
            eprintln!(
                "error: cannot listen on {}:{}: {e}",
                args.interface, args.port
            );
            return 1;
        }
    };
    let addr = listener.local_addr().expect("bound listener");
    let shared = Arc::new(Shared {
        status: Mutex::default(),
        news: Condvar::new(),
        opts: BuildOptions {
            root: root.clone(),
            output: None,
            base_url: Some(format!("http://{addr}/")),
            strict: args.strict,
            ..Default::default()
        },
        preview: Preview::default(),
        open: Mutex::default(),
        addr,
    });
    {
        let shared = shared.clone();
        if let Err(e) = ctrlc::set_handler(move || stop(&shared)) {
            eprintln!("error: cannot handle Ctrl-C: {e}");
            return 1;
        }
    }
    super::with_progress(&shared.opts.progress, true, || rebuild(&shared));
    println!(
        "serving {} at http://{addr}/ (Ctrl-C to stop)",
        root.display()
    );

    let (tx, rx) = mpsc::channel::<()>();
    let mut watcher = {
        let root = root.clone();
        match notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
            if let Ok(event) = res
                && is_edit(&root, &event)
            {
                let _ = tx.send(());
            }
        }) {
            Ok(w) => w,
            Err(e) => {
                eprintln!("error: cannot watch files: {e}");
                return 1;
            }
        }
    };
    // The root itself, not recursively: config.yaml (editors replace it by renaming, which a
    // watch on the file itself would lose) and the input folders appearing or going away.
    if let Err(e) = watcher.watch(&root, RecursiveMode::NonRecursive) {
        eprintln!("warning: cannot watch {}: {e}", root.display());
    }
    let mut watched = Vec::new();
    watch_inputs(&mut watcher, &root, &mut watched);
    {
        let shared = shared.clone();
        std::thread::spawn(move || {
            while rx.recv().is_ok() {
                // Wait for the burst to end: one rebuild per edit, not one per event.
                loop {
                    match rx.recv_timeout(QUIET) {
                        Ok(()) => continue,
                        Err(mpsc::RecvTimeoutError::Timeout) => break,
                        Err(mpsc::RecvTimeoutError::Disconnected) => return,
                    }
                }
                watch_inputs(&mut watcher, &root, &mut watched);
                rebuild(&shared);
            }
        });
    }
    for stream in listener.incoming().flatten() {
        let shared = shared.clone();
        std::thread::spawn(move || connection(stream, &shared));
    }
    0
}

/// Watches each input folder that exists and is not watched yet (a `static/` created after the
/// start, or a folder deleted and made again); `watched` lists those being watched.
fn watch_inputs(watcher: &mut impl Watcher, root: &Path, watched: &mut Vec<&'static str>) {
    for dir in INPUT_DIRS {
        let p = root.join(dir);
        let present = p.is_dir();
        let known = watched.contains(&dir);
        if present && !known {
            match watcher.watch(&p, RecursiveMode::Recursive) {
                Ok(()) => watched.push(dir),
                Err(e) => eprintln!("warning: cannot watch {}: {e}", p.display()),
            }
        } else if !present && known {
            let _ = watcher.unwatch(&p);
            watched.retain(|d| *d != dir);
        }
    }
}

/// True for an event that can change the site: a file created, written, removed or renamed under
/// an input. Opens, reads and closes (which every build causes) are not edits, nor are editor
/// swap and backup files.
fn is_edit(root: &Path, event: &notify::Event) -> bool {
    let kind = matches!(
        event.kind,
        EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_) | EventKind::Any
    );
    kind && event.paths.iter().any(|p| {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        let scratch = name.ends_with('~')
            || name.ends_with(".swp")
            || name.ends_with(".swx")
            || name.starts_with(".#")
            || name == "4913";
        let in_root = p.parent() == Some(root);
        !scratch && (!in_root || name == CONFIG || INPUT_DIRS.contains(&name.as_ref()))
    })
}

/// The output files of the pages open in tabs (polled for within [`OPEN_FOR`]), as `generation`
/// resolves their URL paths; forgets the paths no tab asked about for that long.
fn open_pages(shared: &Shared, generation: &Generation) -> HashSet<String> {
    let mut open = shared.open.lock().unwrap();
    open.retain(|_, at| at.elapsed() < OPEN_FOR);
    open.keys()
        .filter_map(|path| {
            let at = locate(path)?;
            let target = generation.resolve(&at.segments, at.slash, at.hidden);
            target.out().map(str::to_string)
        })
        .collect()
}

/// Builds once into a new in-memory generation and tells the tabs.
///
/// Order: load, validate and plan (an error here leaves the last good site shown); then the pages
/// open in tabs and the static files their reload fetches, after which those tabs are woken; then
/// every other page. A page whose bytes equal the last good build's shares its memory.
fn rebuild(shared: &Shared) {
    let progress = &shared.opts.progress;
    if progress.cancelled() {
        return;
    }
    let start = Instant::now();
    let prepared = match build::prepare(&shared.opts) {
        Ok(p) => p,
        Err(diags) => return failed(shared, &diags),
    };
    if progress.cancelled() {
        return;
    }
    let renderer = prepared.renderer();
    let generation = Arc::new(Generation::new(
        prepared.pages.iter().map(|p| p.out.as_str()),
    ));
    let good = shared.preview.good();
    let open = open_pages(shared, &generation);
    let (first, rest): (Vec<&Page>, Vec<&Page>) = prepared
        .pages
        .iter()
        .partition(|p| open.contains(&p.out) || matches!(p.kind, Kind::Static { .. }));
    shared.preview.begin(generation.clone());
    progress.start_rendering(prepared.pages.len());
    let errors = Mutex::new(Diagnostics::default());
    let changed = AtomicUsize::new(0);
    let render = |p: &&Page| {
        if progress.cancelled() {
            return;
        }
        progress.page_done();
        match renderer.render(p) {
            Ok(bytes) => {
                let old = good.as_ref().and_then(|g| g.bytes(&p.out));
                let bytes = match old {
                    Some(old) if *old == *bytes => old,
                    _ => {
                        changed.fetch_add(1, Ordering::Relaxed);
                        Arc::from(bytes)
                    }
                };
                generation.put(&p.out, bytes);
            }
            Err(d) => errors.lock().unwrap().push(d),
        }
    };
    first.par_iter().for_each(render);
    // Every static file is in the first batch: pages can be served (and have tokens) from now on.
    let mut assets: Vec<(&str, Arc<[u8]>)> = first
        .iter()
        .filter(|p| matches!(p.kind, Kind::Static { .. }))
        .filter_map(|p| Some((p.out.as_str(), generation.bytes(&p.out)?)))
        .collect();
    assets.sort();
    generation.set_assets(preview::hash(&assets));
    let first_done = start.elapsed();
    if !errors.lock().unwrap().has_errors() {
        // The open tabs' pages are in: wake their polls now (each compares its page's token),
        // and drop an earlier error that these pages no longer show.
        let mut s = shared.status.lock().unwrap();
        if !s.error.is_empty() {
            s.error.clear();
            s.seq += 1;
        }
        shared.news.notify_all();
    }
    rest.par_iter().for_each(render);
    if progress.cancelled() {
        return;
    }
    let errors = errors.into_inner().unwrap();
    if errors.has_errors() {
        shared.preview.end(&generation, false);
        return failed(shared, &errors.sorted());
    }
    shared.preview.end(&generation, true);
    let first_build = good.is_none();
    let gone = good.map_or(0, |g| g.outs().filter(|out| !generation.lists(out)).count());
    let changed = changed.into_inner() + gone;
    for w in &prepared.report.warnings {
        eprintln!("{w}");
    }
    let mut s = shared.status.lock().unwrap();
    let had_error = !s.error.is_empty();
    let mut line = format!(
        "built {} files in memory",
        build::thousands(prepared.pages.len())
    );
    if !first_build {
        line.push_str(&format!(", {} changed", build::thousands(changed)));
    }
    line.push_str(&format!(", {:.2} s", start.elapsed().as_secs_f64()));
    if !open.is_empty() {
        line.push_str(&format!(
            " (open pages after {:.2} s)",
            first_done.as_secs_f64()
        ));
    }
    if changed == 0 {
        line.push_str("; same site, no reload");
    }
    println!("{line}");
    s.error.clear();
    if changed > 0 {
        s.version += 1;
    }
    if changed > 0 || had_error {
        s.seq += 1;
    }
    shared.news.notify_all();
}

/// A build that failed: errors to the terminal and to the tabs' overlay; the last good site stays.
fn failed(shared: &Shared, diags: &[Diagnostic]) {
    if shared.opts.progress.cancelled() {
        return;
    }
    let text: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
    let n = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    eprintln!(
        "{}\n{n} error(s); still serving the last good build",
        text.join("\n")
    );
    let mut s = shared.status.lock().unwrap();
    s.error = text.join("\n");
    s.seq += 1;
    shared.news.notify_all();
}

/// Ctrl-C and SIGTERM: stop the running build and exit at once. Runs on the signal-handling
/// thread. There is nothing to clean up: the preview lives in memory and nothing was written.
fn stop(shared: &Shared) {
    shared.opts.progress.cancel();
    println!("stopped");
    std::process::exit(0);
}

fn connection(mut stream: TcpStream, shared: &Shared) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(10)));
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let req = match read_request(&mut reader) {
        Ok(Ok(r)) => r,
        Ok(Err((code, why))) => return Response::text(code, why).send(&mut stream, false),
        Err(_) => return,
    };
    let head_only = req.method == "HEAD";
    let response = respond(&req, shared);
    response.send(&mut stream, head_only);
}

/// A request path (without its query) as the preview looks it up: decoded segments, each decoded
/// on its own so that `%2F` is part of a name, never a separator; whether it ended with `/`; and
/// whether it is hidden (a dotfile such as `.nojekyll`, or a name no file can have), which is
/// answered with the 404 page. `None` for malformed escapes and `.`/`..` segments.
struct Located {
    segments: Vec<String>,
    slash: bool,
    hidden: bool,
}

fn locate(path: &str) -> Option<Located> {
    let path = path.strip_prefix('/').unwrap_or(path);
    let mut segments = Vec::new();
    for raw in path.split('/').filter(|s| !s.is_empty()) {
        let seg = percent_decode(raw)?;
        if seg == "." || seg == ".." {
            return None;
        }
        segments.push(seg);
    }
    let hidden = segments
        .iter()
        .any(|s| s.starts_with('.') || s.contains(['/', '\\', '\0']));
    Some(Located {
        segments,
        slash: path.is_empty() || path.ends_with('/'),
        hidden,
    })
}

fn respond(req: &Request, shared: &Shared) -> Response {
    if req.method != "GET" && req.method != "HEAD" {
        let mut r = Response::text(405, "only GET and HEAD are served");
        r.headers.push(("Allow", "GET, HEAD".into()));
        return r;
    }
    match &req.host {
        Some(h) if http::host_ok(h, shared.addr) => {}
        _ => {
            return Response::text(
                403,
                &format!(
                    "this preview answers only to http://{}/ or http://localhost:{}/",
                    shared.addr,
                    shared.addr.port()
                ),
            );
        }
    }
    let Some(target) = req.target.strip_prefix('/') else {
        return Response::text(400, "bad request target");
    };
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (target, None),
    };
    match path {
        "__codesite/status" => return status(shared, query),
        "__codesite/livereload.js" => {
            return Response::new(200, "text/javascript; charset=utf-8", LIVERELOAD_JS);
        }
        "__codesite/overlay.css" => {
            return Response::new(200, "text/css; charset=utf-8", OVERLAY_CSS);
        }
        _ => {}
    }
    let Some(at) = locate(path) else {
        return Response::text(400, "bad percent-encoding or segment in the path");
    };
    let found = shared.preview.fetch(&at.segments, at.slash, at.hidden);
    let Some((target, bytes)) = found else {
        let error = shared.status.lock().unwrap().error.clone();
        return Response::new(500, "text/html; charset=utf-8", error_page(&error));
    };
    match (target, bytes) {
        (Target::Folder, _) => {
            // As GitHub Pages does: /smtp/451?x → /smtp/451/?x, built from the decoded segments
            // and encoded again, so it is always a path on this server.
            let mut to = String::new();
            for s in &at.segments {
                to.push('/');
                to.push_str(&percent_encode(s));
            }
            to.push('/');
            if let Some(q) = query {
                to.push('?');
                to.push_str(&encode_query(q));
            }
            let mut r = Response::text(301, "moved");
            r.headers.push(("Location", to));
            r
        }
        (Target::File(out), Some((body, token))) => {
            let ctype = content_type(&out);
            if ctype.starts_with("text/html") {
                Response::new(200, ctype, inject(&body, &token))
            } else {
                Response::new(200, ctype, body.to_vec())
            }
        }
        // GitHub Pages answers every missing path with the one `404.html` at the site root.
        (_, Some((body, token))) => {
            Response::new(404, "text/html; charset=utf-8", inject(&body, &token))
        }
        (_, None) => Response::text(404, "not found"),
    }
}

/// `/__codesite/status?since=N&path=P&page=T`: what a tab at path `P`, showing bytes with token
/// `T`, needs to know. Answers at once without `since` or when the status changed since `N` or
/// the page's token is no longer `T`; otherwise waits for news up to [`LONG_POLL`], so a tab hears
/// about a rebuild the moment its own page is rendered. The answer carries the page's token now:
/// the tab reloads when it differs from its own.
fn status(shared: &Shared, query: Option<&str>) -> Response {
    let param = |name: &str| {
        query.and_then(|q| {
            q.split('&')
                .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
        })
    };
    let since = param("since").and_then(|v| v.parse::<u64>().ok());
    let page = param("page").unwrap_or("");
    // The path arrives percent-encoded as a query value: `/zh/smtp/451/` → `%2Fzh%2Fsmtp%2F451%2F`.
    let path = param("path").and_then(percent_decode);
    let at = path.as_deref().and_then(locate);
    if let Some(p) = &path
        && at.is_some()
    {
        let mut open = shared.open.lock().unwrap();
        if open.len() < 1000 || open.contains_key(p) {
            open.insert(p.clone(), Instant::now());
        }
    }
    let token = || {
        at.as_ref()
            .map(|a| shared.preview.token(&a.segments, a.slash, a.hidden))
    };
    let mut s = shared.status.lock().unwrap();
    if let Some(since) = since {
        let deadline = Instant::now() + LONG_POLL;
        while s.seq == since && token().is_none_or(|t| t == page) {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            s = shared.news.wait_timeout(s, left).unwrap().0;
        }
    }
    let mut body = serde_json::json!({ "version": s.version, "seq": s.seq, "error": s.error });
    if let Some(t) = token() {
        body["page"] = t.into();
    }
    Response::new(200, "application/json", body.to_string())
}

/// The live-reload tag, carrying the token of the page's bytes: a tab reloads when its page's
/// token changes, including a rebuild that finished while the page loaded.
fn script_tag(page: &str) -> String {
    format!("<script src=\"/__codesite/livereload.js\" data-page=\"{page}\" defer></script>")
}

/// Adds the live-reload tag, carrying the page's token, before `</body>`.
fn inject(html: &[u8], token: &str) -> Vec<u8> {
    let tag = script_tag(token);
    let s = String::from_utf8_lossy(html);
    if let Some(i) = s.rfind("</body>") {
        let mut out = s[..i].to_string();
        out.push_str(&tag);
        out.push_str(&s[i..]);
        return out.into_bytes();
    }
    let mut out = html.to_vec();
    out.extend_from_slice(tag.as_bytes());
    out
}

/// What every URL shows while no build has succeeded yet.
fn error_page(error: &str) -> Vec<u8> {
    let esc = error
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Build failed</title></head><body><h1>The site did not build</h1><pre>{esc}</pre>{}</body></html>",
        script_tag("")
    )
    .into_bytes()
}
