//! `codesite serve`: build, serve on loopback, rebuild on change and reload open tabs.
//!
//! The site is built into a private temp folder with the normal pipeline (so what you see is
//! what `build` publishes) and served with the same URL rules as GitHub Pages: directory
//! index pages, a redirect to add the trailing slash, and the custom 404 page with status 404.
//! A small live-reload script is injected into HTML responses here, never into build output.

use crate::build::{self, BuildOptions};
use crate::diag::Severity;
use std::net::{IpAddr, SocketAddr};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

/// Arguments of `serve`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Site root.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
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

/// What the browser's live-reload script polls.
#[derive(Default)]
struct Status {
    /// Bumped after each successful build.
    version: u64,
    /// The last build's errors, empty when it succeeded.
    error: String,
    /// Whether any build has succeeded yet.
    built: bool,
}

const LIVERELOAD_JS: &str = include_str!("serve_livereload.js");
const OVERLAY_CSS: &str = "#codesite-overlay{position:fixed;inset:0;z-index:2147483647;background:rgba(20,20,20,.92);color:#fff;overflow:auto;padding:2rem;font:14px/1.5 ui-monospace,Menlo,Consolas,monospace}#codesite-overlay h2{color:#ff8a80;margin:0 0 1rem;font-size:1.2rem}#codesite-overlay pre{white-space:pre-wrap;margin:0}#codesite-overlay button{position:absolute;top:1rem;right:1rem;font:inherit;background:#333;color:#fff;border:1px solid #777;padding:.3rem .7rem;cursor:pointer}";
const INJECT: &str = "<script src=\"/__codesite/livereload.js\" defer></script>";

/// Runs the command; returns the process exit code.
pub fn run(args: Args) -> i32 {
    if !args.interface.is_loopback() && !args.allow_remote {
        eprintln!(
            "error: refusing to listen on {}: it is not a loopback address, so anyone on that network could read the preview\n  = hint: pass --allow-remote to do it anyway, or use --interface 127.0.0.1",
            args.interface
        );
        return 2;
    }
    let server = match tiny_http::Server::http(SocketAddr::new(args.interface, args.port)) {
        Ok(s) => Arc::new(s),
        Err(e) => {
            eprintln!(
                "error: cannot listen on {}:{}: {e}",
                args.interface, args.port
            );
            return 1;
        }
    };
    let addr = server.server_addr().to_ip().expect("TCP listener");
    let out_dir = std::env::temp_dir().join(format!(
        "codesite-serve-{}-{}",
        std::process::id(),
        addr.port()
    ));
    let opts = BuildOptions {
        root: args.root.clone(),
        output: Some(out_dir.clone()),
        base_url: Some(format!("http://{addr}/")),
        strict: args.strict,
    };
    let status = Arc::new(Mutex::new(Status::default()));
    rebuild(&opts, &status);
    println!(
        "serving {} at http://{addr}/ (Ctrl-C to stop)",
        args.root.display()
    );

    // Watch the inputs; the debouncer folds an editor's burst of writes into one rebuild.
    let (tx, rx) = mpsc::channel();
    let mut debouncer = match notify_debouncer_mini::new_debouncer(Duration::from_millis(150), tx) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: cannot watch files: {e}");
            return 1;
        }
    };
    for input in ["content", "templates", "static", "i18n", "config.yaml"] {
        let p = args.root.join(input);
        if p.exists() {
            use notify_debouncer_mini::notify::RecursiveMode;
            if let Err(e) = debouncer.watcher().watch(&p, RecursiveMode::Recursive) {
                eprintln!("warning: cannot watch {}: {e}", p.display());
            }
        }
    }
    {
        let (opts, status) = (opts.clone(), status.clone());
        std::thread::spawn(move || {
            while let Ok(events) = rx.recv() {
                // Drain whatever else arrived meanwhile: one rebuild per burst.
                let mut changed = events.is_ok();
                while let Ok(more) = rx.try_recv() {
                    changed |= more.is_ok();
                }
                if changed {
                    rebuild(&opts, &status);
                }
            }
        });
    }

    let stop = Arc::new(AtomicBool::new(false));
    {
        let (stop, server) = (stop.clone(), server.clone());
        let _ = ctrlc::set_handler(move || {
            stop.store(true, Ordering::SeqCst);
            server.unblock();
        });
    }
    for request in server.incoming_requests() {
        let (status, out_dir) = (status.clone(), out_dir.clone());
        std::thread::spawn(move || handle(request, &out_dir, &status));
        if stop.load(Ordering::SeqCst) {
            break;
        }
    }
    drop(debouncer);
    let _ = std::fs::remove_dir_all(&out_dir);
    let _ = std::fs::remove_dir_all(crate::write::next_dir(&out_dir));
    println!("stopped");
    0
}

fn rebuild(opts: &BuildOptions, status: &Mutex<Status>) {
    match build::build(opts) {
        Ok(report) => {
            for w in &report.warnings {
                eprintln!("{w}");
            }
            println!("{}", report.summary());
            let mut s = status.lock().unwrap();
            s.version += 1;
            s.error.clear();
            s.built = true;
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
            status.lock().unwrap().error = text.join("\n");
        }
    }
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

fn header(name: &str, value: &str) -> tiny_http::Header {
    tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("valid header")
}

fn respond(
    request: tiny_http::Request,
    code: u16,
    ctype: &str,
    body: Vec<u8>,
    extra: Option<(&str, &str)>,
) {
    let mut r = tiny_http::Response::from_data(body)
        .with_status_code(code)
        .with_header(header("Content-Type", ctype))
        .with_header(header("Cache-Control", "no-store"));
    if let Some((k, v)) = extra {
        r = r.with_header(header(k, v));
    }
    let _ = request.respond(r);
}

fn inject(mut html: Vec<u8>) -> Vec<u8> {
    let s = String::from_utf8_lossy(&html);
    if let Some(i) = s.rfind("</body>") {
        let mut out = s[..i].to_string();
        out.push_str(INJECT);
        out.push_str(&s[i..]);
        return out.into_bytes();
    }
    html.extend_from_slice(INJECT.as_bytes());
    html
}

fn error_page(error: &str) -> Vec<u8> {
    let esc = error
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    format!("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Build failed</title></head><body><h1>The site did not build</h1><pre>{esc}</pre>{INJECT}</body></html>").into_bytes()
}

fn handle(request: tiny_http::Request, out: &Path, status: &Mutex<Status>) {
    let url = request.url().to_string();
    let path = url.split(['?', '#']).next().unwrap_or("/");
    match path {
        "/__codesite/status" => {
            let s = status.lock().unwrap();
            let body = serde_json::json!({ "version": s.version, "error": s.error }).to_string();
            return respond(request, 200, "application/json", body.into_bytes(), None);
        }
        "/__codesite/livereload.js" => {
            return respond(
                request,
                200,
                "text/javascript; charset=utf-8",
                LIVERELOAD_JS.into(),
                None,
            );
        }
        "/__codesite/overlay.css" => {
            return respond(
                request,
                200,
                "text/css; charset=utf-8",
                OVERLAY_CSS.into(),
                None,
            );
        }
        _ => {}
    }
    let (built, error) = {
        let s = status.lock().unwrap();
        (s.built, s.error.clone())
    };
    if !built {
        return respond(
            request,
            500,
            "text/html; charset=utf-8",
            error_page(&error),
            None,
        );
    }
    // Only plain relative paths inside the preview folder are served.
    let decoded = percent_decode(path).unwrap_or_default();
    let rel = Path::new(decoded.trim_start_matches('/'));
    if decoded.is_empty() || !rel.components().all(|c| matches!(c, Component::Normal(_))) {
        return respond(
            request,
            400,
            "text/plain; charset=utf-8",
            b"bad request".to_vec(),
            None,
        );
    }
    let mut file = out.join(rel);
    if file.is_dir() {
        if !decoded.ends_with('/') {
            // As GitHub Pages does: /smtp/451 → /smtp/451/.
            return respond(
                request,
                301,
                "text/plain; charset=utf-8",
                Vec::new(),
                Some(("Location", &format!("{decoded}/"))),
            );
        }
        file = file.join("index.html");
    }
    match std::fs::read(&file) {
        Ok(body) => {
            let ctype = content_type(&file);
            let body = if ctype.starts_with("text/html") {
                inject(body)
            } else {
                body
            };
            respond(request, 200, ctype, body, None)
        }
        Err(_) => {
            // The 404 page of the language the path is in, else the default one.
            let first = rel
                .components()
                .next()
                .map(|c| c.as_os_str().to_string_lossy().into_owned());
            let lang_404 = first
                .map(|f| out.join(f).join("404.html"))
                .filter(|p| p.is_file());
            let page = lang_404.unwrap_or_else(|| out.join("404.html"));
            let body = std::fs::read(page).unwrap_or_else(|_| b"not found".to_vec());
            respond(request, 404, "text/html; charset=utf-8", inject(body), None)
        }
    }
}
