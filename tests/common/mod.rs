//! Helpers shared by the integration tests: fixture sites in temp dirs and running the binary.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository root (holds the bundled site).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Copies a folder recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in walkdir::WalkDir::new(from).min_depth(1) {
        let e = e.unwrap();
        let dest = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            fs::create_dir_all(&dest).unwrap();
        } else {
            fs::copy(e.path(), &dest).unwrap();
        }
    }
}

/// A site root in a temp dir.
pub struct Site {
    /// Keeps the temp dir alive.
    pub tmp: tempfile::TempDir,
}

impl Site {
    /// A copy of `tests/fixtures/<name>`, with the repository's templates, i18n and static files
    /// wherever the fixture has none of its own, so fixtures test the real theme.
    pub fn fixture(name: &str) -> Site {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        copy_dir(&repo().join("tests/fixtures").join(name), &root);
        for dir in ["templates", "i18n", "static"] {
            if !root.join(dir).exists() {
                copy_dir(&repo().join(dir), &root.join(dir));
            }
        }
        Site { tmp }
    }

    /// The site root.
    pub fn root(&self) -> PathBuf {
        self.tmp.path().join("site")
    }

    /// Writes (or replaces) a file in the site.
    pub fn write(&self, rel: &str, text: &str) -> &Self {
        let p = self.root().join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
        self
    }

    /// Replaces `from` with `to` in a file, asserting `from` is there.
    pub fn edit(&self, rel: &str, from: &str, to: &str) -> &Self {
        let p = self.root().join(rel);
        let s = fs::read_to_string(&p).unwrap();
        assert!(s.contains(from), "{rel} does not contain {from:?}");
        fs::write(p, s.replacen(from, to, 1)).unwrap();
        self
    }

    /// Runs `codesite <args> --root <site>`.
    pub fn run(&self, args: &[&str]) -> Output {
        run_in(&self.root(), args)
    }

    /// Reads a file of the built site.
    pub fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.root().join("public").join(rel))
            .unwrap_or_else(|e| panic!("public/{rel}: {e}"))
    }
}

/// Result of a run of the binary.
#[derive(Debug)]
pub struct Output {
    /// Exit code.
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

/// Runs the binary with `args` followed by `--root root`.
pub fn run_in(root: &Path, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_codesite"));
    cmd.args(args);
    if !args.contains(&"--root") && !args.iter().any(|a| a.starts_with('-') && args.len() == 1) {
        cmd.arg("--root").arg(root);
    }
    let out = cmd.output().expect("run codesite");
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

pub mod site_checks;

/// A build of the bundled site kept for the whole test binary: where it is and the temp folder
/// that holds it.
pub type SharedBuild = std::sync::OnceLock<(tempfile::TempDir, PathBuf)>;

/// Builds the bundled site with `--strict --quiet` plus `args` into a temp folder, once per
/// `cell`, so the many checks over one build do not each pay for it.
pub fn build_once(cell: &'static SharedBuild, args: &[&str]) -> &'static Path {
    let (_, out) = cell.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let mut all = vec![
            "build",
            "--strict",
            "--quiet",
            "--output",
            out.to_str().unwrap(),
        ];
        all.extend_from_slice(args);
        let r = run_in(&repo(), &all);
        assert_eq!(
            r.code, 0,
            "bundled site must build with --strict {args:?}:\n{}",
            r.stderr
        );
        (tmp, out)
    });
    out
}

/// The bundled site built once per test binary with `--strict`, at the domain root.
pub fn bundled_site() -> &'static Path {
    static OUT: SharedBuild = SharedBuild::new();
    build_once(&OUT, &[])
}

/// Every file under `dir`, as `/`-separated paths relative to it, sorted.
pub fn files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(dir)
                .unwrap()
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/")
        })
        .collect();
    v.sort();
    v
}
