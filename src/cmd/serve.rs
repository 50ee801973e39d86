//! `codesite serve`: build, serve on loopback, rebuild on change and reload open tabs.
//!
//! The site is built with the normal pipeline (so what you see is what `build` publishes) into a
//! private temp folder: a random name, mode 0700, never reused, removed on Ctrl-C and SIGTERM even
//! while a build runs; in memory (`/dev/shm`) unless `TMPDIR` is set. It is served with GitHub Pages' URL rules: folder index pages, a redirect
//! that adds the trailing slash and keeps the query, and the root `404.html` with status 404.
//!
//! Only changes to the inputs trigger a rebuild (created, modified, removed or renamed files under
//! `content/`, `templates/`, `static/`, `i18n/` and `config.yaml`); the build's own reads and its
//! output never do. A burst of events gives one rebuild, and a rebuild that produced the same bytes
//! reloads nothing. A small live-reload script is injected into HTML responses here, never into
//! the build output; it long-polls `/__codesite/status`.
//!
//! The HTTP server is a few dozen lines over `std::net` so that every request is bounded (request
//! line and header sizes), only GET and HEAD are answered, and the `Host` header must name this
//! server, which stops DNS rebinding from reading the preview from a web page.

use crate::build::{self, BuildOptions};
use crate::diag::Severity;
use notify::{EventKind, RecursiveMode, Watcher};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, mpsc};
use std::time::{Duration, Instant};

/// Arguments of `serve`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Site root; found by walking up from the current folder when not given.
    #[arg(long)]
    pub root: Option<PathBuf>,
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
/// How long Ctrl-C waits for a running build to notice it was cancelled.
const STOP_WAIT: Duration = Duration::from_millis(1500);
/// Request line limit (longer: 414), header block limit and header count (more: 431).
const MAX_REQUEST_LINE: usize = 8 * 1024;
const MAX_HEADERS: usize = 16 * 1024;
const MAX_HEADER_COUNT: usize = 100;

/// What the browser's live-reload script reads.
#[derive(Default)]
struct Status {
    /// Bumped when a build produced different bytes: open tabs reload.
    version: u64,
    /// Bumped on any change of this struct that a tab should hear about (reload or error).
    seq: u64,
    /// The last build's errors, empty when it succeeded.
    error: String,
    /// Whether any build has succeeded yet.
    built: bool,
    /// Fingerprint of the last successful build.
    fingerprint: u64,
}

/// State shared by the watcher, the request threads and the signal handler.
struct Shared {
    status: Mutex<Status>,
    news: Condvar,
    /// Held while a build runs, so the signal handler can wait for it to end.
    building: Mutex<()>,
    opts: BuildOptions,
    /// The private temp folder; taken (and removed) by the signal handler.
    tmp: Mutex<Option<tempfile::TempDir>>,
    /// Where the site is built, inside `tmp`.
    out: PathBuf,
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
    // A fresh folder with a random name and mode 0700: no other user can predict it, plant a
    // link in it or read the preview, and the staging sibling the build writes lives inside it.
    let mut builder = tempfile::Builder::new();
    builder.prefix("codesite-serve-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o700));
    }
    let tmp = match builder.tempdir_in(preview_parent()) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: cannot create a temp folder: {e}");
            return 1;
        }
    };
    let out = tmp.path().join("site");
    let shared = Arc::new(Shared {
        status: Mutex::default(),
        news: Condvar::new(),
        building: Mutex::new(()),
        opts: BuildOptions {
            root: root.clone(),
            output: Some(out.clone()),
            base_url: Some(format!("http://{addr}/")),
            strict: args.strict,
            fingerprint: true,
            ..Default::default()
        },
        tmp: Mutex::new(Some(tmp)),
        out,
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

/// Where the private temp folder goes: `$TMPDIR` when set; otherwise, on Linux, `/dev/shm` when
/// it has room (at least 1 GiB free), as Hugo's server keeps its preview in memory. On a slow disk
/// the bundled site's 12,000 preview files take 15–20 s to delete, which made a clean stop slow;
/// in memory they go in milliseconds, and rebuilds write faster too.
fn preview_parent() -> PathBuf {
    if std::env::var_os("TMPDIR").is_some_and(|t| !t.is_empty()) {
        return std::env::temp_dir();
    }
    #[cfg(target_os = "linux")]
    {
        let shm = Path::new("/dev/shm");
        // SAFETY: statvfs only writes into the zeroed struct we pass; the path is NUL-terminated.
        let free = unsafe {
            let mut st: libc::statvfs = std::mem::zeroed();
            if libc::statvfs(c"/dev/shm".as_ptr(), &mut st) == 0 {
                st.f_bavail as u64 * st.f_frsize as u64
            } else {
                0
            }
        };
        if shm.is_dir() && free >= 1 << 30 {
            return shm.to_path_buf();
        }
    }
    std::env::temp_dir()
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

/// Builds once; publishes the result to the status the tabs read.
fn rebuild(shared: &Shared) {
    let _building = shared.building.lock().unwrap();
    if shared.opts.progress.cancelled() {
        return;
    }
    let result = build::build(&shared.opts);
    if shared.opts.progress.cancelled() {
        return;
    }
    let mut s = shared.status.lock().unwrap();
    match result {
        Ok(report) => {
            for w in &report.warnings {
                eprintln!("{w}");
            }
            let changed = !s.built || report.fingerprint != s.fingerprint;
            println!(
                "{}{}",
                report.summary(),
                if changed {
                    ""
                } else {
                    "; same site, no reload"
                }
            );
            let had_error = !s.error.is_empty();
            s.error.clear();
            s.built = true;
            s.fingerprint = report.fingerprint;
            if changed {
                s.version += 1;
            }
            if changed || had_error {
                s.seq += 1;
                shared.news.notify_all();
            }
        }
        Err(diags) => {
            let text: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
            let n = diags
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .count();
            eprintln!(
                "{}\n{n} error(s); still serving the last good build",
                text.join("\n")
            );
            s.error = text.join("\n");
            s.seq += 1;
            shared.news.notify_all();
        }
    }
}

/// Ctrl-C and SIGTERM: cancel the running build, wait for it briefly, remove the temp folder
/// and exit. Runs on the signal-handling thread.
fn stop(shared: &Shared) {
    shared.opts.progress.cancel();
    let deadline = Instant::now() + STOP_WAIT;
    // Holding the lock keeps any new build from starting while the folder goes away.
    let _guard = loop {
        if let Ok(g) = shared.building.try_lock() {
            break Some(g);
        }
        if Instant::now() > deadline {
            break None;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    if let Some(tmp) = shared.tmp.lock().unwrap().take() {
        let path = tmp.path().to_path_buf();
        let _ = tmp.close();
        // A build that did not stop in time may have recreated part of it.
        let _ = std::fs::remove_dir_all(&path);
    }
    println!("stopped");
    std::process::exit(0);
}

/// A parsed request head.
struct Request {
    method: String,
    target: String,
    host: Option<String>,
}

/// Why a request head was refused: the status code and a one-line reason.
type Refusal = (u16, &'static str);

/// Reads one line of at most `limit` bytes (without its CRLF); `Ok(None)` when the line is longer.
fn read_line(r: &mut impl BufRead, limit: usize) -> std::io::Result<Option<Vec<u8>>> {
    let mut line = Vec::new();
    r.take(limit as u64 + 2).read_until(b'\n', &mut line)?;
    if !line.ends_with(b"\n") {
        if line.len() > limit {
            return Ok(None);
        }
        return Err(std::io::ErrorKind::UnexpectedEof.into());
    }
    line.pop();
    if line.ends_with(b"\r") {
        line.pop();
    }
    Ok(Some(line))
}

fn read_request(r: &mut impl BufRead) -> std::io::Result<Result<Request, Refusal>> {
    let Some(line) = read_line(r, MAX_REQUEST_LINE)? else {
        return Ok(Err((414, "request line too long")));
    };
    let mut headers = Vec::new();
    let mut size = 0;
    loop {
        let Some(h) = read_line(r, MAX_HEADERS)? else {
            return Ok(Err((431, "header too large")));
        };
        if h.is_empty() {
            break;
        }
        size += h.len();
        headers.push(h);
        if size > MAX_HEADERS || headers.len() > MAX_HEADER_COUNT {
            return Ok(Err((431, "headers too large")));
        }
    }
    let Ok(line) = String::from_utf8(line) else {
        return Ok(Err((400, "bad request line")));
    };
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Ok(Err((400, "bad request line")));
    };
    if !version.starts_with("HTTP/1.") || method.is_empty() {
        return Ok(Err((400, "bad request line")));
    }
    let host = headers.iter().find_map(|h| {
        let h = std::str::from_utf8(h).ok()?;
        let (k, v) = h.split_once(':')?;
        k.eq_ignore_ascii_case("host").then(|| v.trim().to_string())
    });
    Ok(Ok(Request {
        method: method.to_string(),
        target: target.to_string(),
        host,
    }))
}

/// True when `host` (a `Host` header) names this server: `localhost` or the bound address, with
/// the bound port or none. A name that merely resolves here (DNS rebinding) is refused.
fn host_ok(host: &str, bound: SocketAddr) -> bool {
    let (name, port) = if let Some(rest) = host.strip_prefix('[') {
        match rest.split_once(']') {
            Some((ip, "")) => (ip, None),
            Some((ip, p)) => match p.strip_prefix(':') {
                Some(p) => (ip, Some(p)),
                None => return false,
            },
            None => return false,
        }
    } else {
        match host.split_once(':') {
            Some((n, p)) => (n, Some(p)),
            None => (host, None),
        }
    };
    if port.is_some_and(|p| p.parse::<u16>() != Ok(bound.port())) {
        return false;
    }
    if name.eq_ignore_ascii_case("localhost") {
        return true;
    }
    match name.parse::<IpAddr>() {
        Ok(ip) => ip == bound.ip() || bound.ip().is_unspecified(),
        Err(_) => false,
    }
}

/// One response; every connection carries one request and is then closed.
struct Response {
    code: u16,
    ctype: &'static str,
    body: Vec<u8>,
    headers: Vec<(&'static str, String)>,
}

impl Response {
    fn new(code: u16, ctype: &'static str, body: impl Into<Vec<u8>>) -> Self {
        Response {
            code,
            ctype,
            body: body.into(),
            headers: Vec::new(),
        }
    }

    fn text(code: u16, body: &str) -> Self {
        Response::new(code, "text/plain; charset=utf-8", format!("{body}\n"))
    }

    fn send(self, stream: &mut TcpStream, head_only: bool) {
        let reason = match self.code {
            200 => "OK",
            301 => "Moved Permanently",
            400 => "Bad Request",
            403 => "Forbidden",
            404 => "Not Found",
            405 => "Method Not Allowed",
            414 => "URI Too Long",
            431 => "Request Header Fields Too Large",
            _ => "Internal Server Error",
        };
        let mut head = format!(
            "HTTP/1.1 {} {reason}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n",
            self.code,
            self.ctype,
            self.body.len()
        );
        for (k, v) in &self.headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        let _ = stream.write_all(head.as_bytes());
        if !head_only {
            let _ = stream.write_all(&self.body);
        }
        let _ = stream.flush();
    }
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

fn respond(req: &Request, shared: &Shared) -> Response {
    if req.method != "GET" && req.method != "HEAD" {
        let mut r = Response::text(405, "only GET and HEAD are served");
        r.headers.push(("Allow", "GET, HEAD".into()));
        return r;
    }
    match &req.host {
        Some(h) if host_ok(h, shared.addr) => {}
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
    let (built, error, version) = {
        let s = shared.status.lock().unwrap();
        (s.built, s.error.clone(), s.version)
    };
    if !built {
        return Response::new(500, "text/html; charset=utf-8", error_page(&error, version));
    }
    // Each segment is decoded on its own, so `%2F` is part of a name, never a separator.
    let mut segments = Vec::new();
    for raw in path.split('/').filter(|s| !s.is_empty()) {
        let Some(seg) = percent_decode(raw) else {
            return Response::text(400, "bad percent-encoding in the path");
        };
        if seg == "." || seg == ".." {
            return Response::text(400, "bad request target");
        }
        segments.push(seg);
    }
    // Dotfiles (the build's marker, editors' files) are not part of the site.
    let hidden = segments
        .iter()
        .any(|s| s.starts_with('.') || s.contains(['/', '\\', '\0']));
    if hidden {
        return not_found(shared, version);
    }
    let mut file = shared.out.clone();
    file.extend(&segments);
    if file.is_dir() {
        if !path.is_empty() && !path.ends_with('/') {
            // As GitHub Pages does: /smtp/451?x → /smtp/451/?x, built from the decoded segments
            // and encoded again, so it is always a path on this server.
            let mut to = String::new();
            for s in &segments {
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
            return r;
        }
        file.push("index.html");
    }
    match std::fs::read(&file) {
        Ok(body) => {
            let ctype = content_type(&file);
            if ctype.starts_with("text/html") {
                Response::new(200, ctype, inject(body, version))
            } else {
                Response::new(200, ctype, body)
            }
        }
        Err(_) => not_found(shared, version),
    }
}

/// GitHub Pages answers every missing path with the one `404.html` at the site root.
fn not_found(shared: &Shared, version: u64) -> Response {
    let body = std::fs::read(shared.out.join("404.html")).unwrap_or_else(|_| b"not found".to_vec());
    Response::new(404, "text/html; charset=utf-8", inject(body, version))
}

/// `/__codesite/status?since=N`: answers at once when the status changed since `N`, otherwise
/// waits for news up to [`LONG_POLL`], so a tab hears about a rebuild the moment it ends.
fn status(shared: &Shared, query: Option<&str>) -> Response {
    let since = query
        .and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("since=")))
        .and_then(|v| v.parse::<u64>().ok());
    let mut s = shared.status.lock().unwrap();
    if let Some(since) = since {
        let deadline = Instant::now() + LONG_POLL;
        while s.seq == since {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            s = shared.news.wait_timeout(s, left).unwrap().0;
        }
    }
    let body = serde_json::json!({ "version": s.version, "seq": s.seq, "error": s.error });
    Response::new(200, "application/json", body.to_string())
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "ico" => "image/x-icon",
        "txt" => "text/plain; charset=utf-8",
        "webmanifest" => "application/manifest+json",
        _ => "application/octet-stream",
    }
}

/// Decodes `%XX` escapes; `None` for malformed escapes or non-UTF-8 results.
fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Percent-encodes one path segment: everything but unreserved characters and sub-delimiters,
/// so `/`, `?`, `#`, `%`, spaces, controls and non-ASCII bytes are all escaped.
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Keeps a query as sent, escaping only what could not appear in a header or a URL.
fn encode_query(q: &str) -> String {
    let mut out = String::with_capacity(q.len());
    for b in q.bytes() {
        if b.is_ascii_graphic() && b != b'#' {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The live-reload tag, carrying the version the page was built at so a rebuild that finishes
/// while the page loads still reloads it.
fn script_tag(version: u64) -> String {
    format!("<script src=\"/__codesite/livereload.js\" data-version=\"{version}\" defer></script>")
}

fn inject(mut html: Vec<u8>, version: u64) -> Vec<u8> {
    let tag = script_tag(version);
    let s = String::from_utf8_lossy(&html);
    if let Some(i) = s.rfind("</body>") {
        let mut out = s[..i].to_string();
        out.push_str(&tag);
        out.push_str(&s[i..]);
        return out.into_bytes();
    }
    html.extend_from_slice(tag.as_bytes());
    html
}

fn error_page(error: &str, version: u64) -> Vec<u8> {
    let esc = error
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Build failed</title></head><body><h1>The site did not build</h1><pre>{esc}</pre>{}</body></html>",
        script_tag(version)
    )
    .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_guard() {
        let bound: SocketAddr = "127.0.0.1:1111".parse().unwrap();
        for ok in ["127.0.0.1:1111", "localhost:1111", "LOCALHOST", "127.0.0.1"] {
            assert!(host_ok(ok, bound), "{ok}");
        }
        for bad in [
            "evil.example:1111",
            "127.0.0.1:2222",
            "127.0.0.2:1111",
            "",
            "localhost.evil.example",
            "[::1]:1111",
            "127.0.0.1:1111:1",
        ] {
            assert!(!host_ok(bad, bound), "{bad}");
        }
        let v6: SocketAddr = "[::1]:8000".parse().unwrap();
        assert!(host_ok("[::1]:8000", v6) && !host_ok("[::1]x", v6));
        let any: SocketAddr = "0.0.0.0:8000".parse().unwrap();
        assert!(host_ok("192.168.1.5:8000", any) && !host_ok("evil.example:8000", any));
    }

    #[test]
    fn location_is_encoded() {
        assert_eq!(
            percent_encode("a\r\nSet-Cookie: x"),
            "a%0D%0ASet-Cookie:%20x"
        );
        assert_eq!(percent_encode("回复"), "%E5%9B%9E%E5%A4%8D");
        assert_eq!(percent_encode("a/b"), "a%2Fb");
        assert_eq!(encode_query("x=1 2\r"), "x=1%202%0D");
    }
}
