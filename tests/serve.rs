//! `codesite serve` against a temp copy of the fixture site: serving, live rebuilds, errors.

mod common;
use common::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server {
    child: Child,
    port: u16,
    lines: std::sync::mpsc::Receiver<String>,
}

impl Server {
    /// Sends Ctrl-C (SIGINT) and waits for a clean exit; returns the exit code.
    fn interrupt(&mut self) -> i32 {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-INT", &pid]).status().unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(st) = self.child.try_wait().unwrap() {
                return st.code().unwrap_or(-1);
            }
            assert!(Instant::now() < deadline, "serve did not stop on SIGINT");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(site: &Site, extra: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_codesite"))
        .args(["serve", "--port", "0", "--root"])
        .arg(site.root())
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let Ok(line) = rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) else {
            let _ = child.kill();
            let _ = child.wait();
            panic!("serve did not print its address within 30 s");
        };
        if let Some(rest) = line.split_once(" at http://127.0.0.1:") {
            let port = rest.1.split('/').next().unwrap().parse().unwrap();
            return Server {
                child,
                port,
                lines: rx,
            };
        }
    }
}

/// Minimal HTTP/1.0 GET: (status, headers, body).
fn get(port: u16, path: &str) -> (u16, String, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(s, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).unwrap();
    let text = String::from_utf8_lossy(&buf).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let code = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    (code, head.to_string(), body.to_string())
}

/// Polls until `pred` holds for the page, or fails after 20 s.
fn wait_for(port: u16, path: &str, what: &str, pred: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (_, _, body) = get(port, path);
        if pred(&body) {
            return body;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}; last body:\n{body}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn serves_rebuilds_reports_errors_and_recovers() {
    let site = Site::fixture("mini");
    let mut srv = start(&site, &[]);
    let port = srv.port;

    let (code, head, body) = get(port, "/smtp/451/");
    assert_eq!(code, 200);
    assert!(
        head.contains("Content-Type: text/html; charset=utf-8"),
        "{head}"
    );
    assert!(body.contains("Local error in processing"));
    assert!(
        body.contains("/__codesite/livereload.js"),
        "live reload is injected while serving"
    );
    assert!(
        !std::fs::read_to_string(site.root().join("templates/base.html"))
            .unwrap()
            .contains("livereload")
    );

    let (code, head, _) = get(port, "/smtp/451");
    assert_eq!(code, 301);
    assert!(head.contains("Location: /smtp/451/"), "{head}");
    let (code, _, body) = get(port, "/zh/smtp/999/");
    assert_eq!(code, 404);
    assert!(body.contains("找不到页面"), "Chinese 404 under /zh/");
    let (code, _, _) = get(port, "/no/such/page");
    assert_eq!(code, 404);
    let (code, head, body) = get(port, "/api/v1/smtp/451.json");
    assert_eq!(code, 200);
    assert!(head.contains("Content-Type: application/json"), "{head}");
    assert!(body.contains("\"code\": \"451\""));
    let (code, head, _) = get(port, "/sitemap.xml");
    assert_eq!(code, 200);
    assert!(head.contains("Content-Type: application/xml"), "{head}");
    let (code, _, _) = get(port, "/../../etc/passwd");
    assert_ne!(code, 200);

    // An edit is served after the debounced rebuild.
    site.edit(
        "content/smtp/codes/451.yaml",
        "Local error in processing",
        "Local error while processing",
    );
    wait_for(port, "/smtp/451/", "the edited title", |b| {
        b.contains("Local error while processing")
    });

    // A broken file: the error is reported, the last good page is still served.
    site.edit("content/smtp/codes/451.yaml", "class: 4", "class: [");
    let status = wait_for(port, "/__codesite/status", "the build error", |b| {
        b.contains("451.yaml")
    });
    assert!(status.contains("content/smtp/codes/451.yaml"), "{status}");
    let (code, _, body) = get(port, "/smtp/451/");
    assert_eq!(code, 200);
    assert!(body.contains("Local error while processing"));

    // Fixing it recovers without a restart.
    site.edit("content/smtp/codes/451.yaml", "class: [", "class: 4");
    wait_for(port, "/__codesite/status", "the error to clear", |b| {
        b.contains("\"error\":\"\"")
    });
    assert_eq!(srv.interrupt(), 0);
}

#[test]
fn refuses_non_loopback_without_allow_remote() {
    let site = Site::fixture("mini");
    let out = run_in(
        &site.root(),
        &[
            "serve",
            "--interface",
            "0.0.0.0",
            "--port",
            "0",
            "--root",
            site.root().to_str().unwrap(),
        ],
    );
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("refusing to listen on 0.0.0.0"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("--allow-remote"), "{}", out.stderr);
}

#[test]
fn ctrl_c_stops_cleanly_and_removes_the_preview_folder() {
    let site = Site::fixture("mini");
    let mut srv = start(&site, &[]);
    let (code, _, _) = get(srv.port, "/");
    assert_eq!(code, 200);
    let preview =
        std::env::temp_dir().join(format!("codesite-serve-{}-{}", srv.child.id(), srv.port));
    assert!(preview.is_dir(), "{}", preview.display());
    assert_eq!(srv.interrupt(), 0);
    std::thread::sleep(Duration::from_millis(100));
    let rest: Vec<String> = srv.lines.try_iter().collect();
    assert!(rest.iter().any(|l| l == "stopped"), "{rest:?}");
    assert!(!preview.exists(), "preview folder left behind");
}
