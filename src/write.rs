//! Stage 5: write the site into a staging folder beside the output, then swap the two.
//!
//! The output (`public/`) is never written to directly. Beside it lives the build's state folder
//! `.public.codesite/`, which holds
//!
//! - `owner`: proof that codesite made `public/` (the output itself carries no marker, so nothing
//!   of ours is published with the site);
//! - `lock`: held with `flock` for the whole build, so two builds into one output take turns;
//! - `next/`: the staging folder. The new site is written there and exchanged with the output in
//!   one atomic rename, so a failed or interrupted build never shows a half-written site.
//!
//! After the swap `next/` holds the previous build, and the next build updates it in place.
//! Whether a file is unchanged is decided by what is on disk (size, then bytes), never by a
//! record of what an earlier build meant to write, so a hand edit, a stray file, a killed or a
//! concurrent build is undone by the next build.
//!
//! The writer never follows a symbolic link: every folder is opened relative to its parent with
//! `O_NOFOLLOW`, and a link, a hard-linked file or anything else that is not what the build wants
//! is removed (it is inside the staging folder) before a fresh file is created. Nothing outside the
//! staging folder is ever deleted.

use std::collections::HashSet;
use std::ffi::{CString, OsStr};
use std::fs::{self, File};
use std::io::{self, Read, Seek, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Name of the file in the state folder that proves the output beside it was made by codesite.
pub const OWNER: &str = "owner";
const OWNER_TEXT: &str = "This folder holds codesite's build state for the output folder beside it \
(lock, staging copy). Its presence tells codesite that the output folder is its own and may be \
replaced. Delete it together with the output folder to start afresh.\n";
/// The marker file older versions kept inside the output; still recognised so that an output
/// built by them is taken over (and the marker removed) instead of refused.
const LEGACY_MARKER: &str = ".codesite-output";

/// Why the output folder cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The output folder exists, is not empty, and was not made by us.
    #[error(
        "refusing to replace {0}: it is not empty and was not created by codesite (there is no {1} beside it)\n  = hint: choose an empty or new folder for --output, e.g. public/"
    )]
    NotOurs(PathBuf, String),
    /// The output would contain or be the site root or a filesystem root.
    #[error(
        "refusing to write to {0}: it is or contains the site root or a system folder\n  = hint: use a folder inside the site, e.g. public/"
    )]
    Dangerous(PathBuf),
    /// The output is inside an input folder (or holds one), so the site would read its own output.
    #[error(
        "refusing to write to {0}: it is inside the site's input folder {1}/, so the next build would read the output as input\n  = hint: use a folder outside content/, templates/, static/ and i18n/, e.g. public/"
    )]
    InsideInput(PathBuf, String),
    /// The output or its state folder is a symbolic link.
    #[error(
        "refusing to write to {0}: it is a symbolic link, and the build never writes through one\n  = hint: pass the real folder to --output"
    )]
    Symlink(PathBuf),
    /// A planned path would leave the output folder.
    #[error("refusing to write {0:?}: the path would leave the output folder")]
    UnsafePath(String),
    /// Filesystem error.
    #[error("{1}: {0}")]
    Io(#[source] io::Error, String),
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |e| WriteError::Io(e, path.display().to_string())
}

/// Makes a path absolute and normalized without touching the filesystem.
fn absolute(p: &Path) -> PathBuf {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Resolves links in the part of `p` that exists, so two spellings of one folder compare equal.
fn resolved(p: &Path) -> PathBuf {
    let p = absolute(p);
    let mut rest = Vec::new();
    let mut cur = p.as_path();
    loop {
        if let Ok(c) = cur.canonicalize() {
            return rest.iter().rev().fold(c, |acc, n| acc.join(n));
        }
        match (cur.parent(), cur.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                cur = parent;
            }
            _ => return p,
        }
    }
}

/// The site's input folders and files, relative to the root; the output may be inside none.
pub const INPUTS: &[&str] = &["config.yaml", "content", "templates", "static", "i18n"];

/// The state folder of an output: `.public.codesite` beside `public`.
pub fn state_dir(output: &Path) -> PathBuf {
    let output = absolute(output);
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    output.with_file_name(format!(".{name}.codesite"))
}

/// The staging folder a build is written into: `.public.codesite/next`.
pub fn next_dir(output: &Path) -> PathBuf {
    state_dir(output).join("next")
}

/// The staging folder of versions before the state folder existed.
fn legacy_next_dir(output: &Path) -> PathBuf {
    let output = absolute(output);
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    output.with_file_name(format!(".{name}.codesite-next"))
}

fn is_symlink(p: &Path) -> bool {
    fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_symlink())
}

/// True when `output` is missing, empty, or ours (our state folder beside it, or the marker of
/// an older version inside it).
fn ours_or_empty(output: &Path) -> Result<bool, WriteError> {
    let meta = match fs::symlink_metadata(output) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(true),
        Err(e) => return Err(io_err(output)(e)),
    };
    if meta.file_type().is_symlink() {
        return Err(WriteError::Symlink(output.to_path_buf()));
    }
    if !meta.is_dir() {
        return Ok(false);
    }
    let empty = fs::read_dir(output)
        .map_err(io_err(output))?
        .next()
        .is_none();
    let state = state_dir(output);
    let owned = !is_symlink(&state) && state.join(OWNER).is_file();
    let legacy = fs::symlink_metadata(output.join(LEGACY_MARKER)).is_ok_and(|m| m.is_file());
    Ok(empty || owned || legacy)
}

/// Checks that `output` may be (re)placed by a build of `root`.
pub fn check_output(root: &Path, output: &Path) -> Result<(), WriteError> {
    let out = absolute(output);
    let root_abs = absolute(root);
    let home = std::env::var_os("HOME").map(|h| absolute(Path::new(&h)));
    if out.parent().is_none()
        || root_abs.starts_with(&out)
        || home.as_deref() == Some(out.as_path())
    {
        return Err(WriteError::Dangerous(output.to_path_buf()));
    }
    if is_symlink(&out) {
        return Err(WriteError::Symlink(output.to_path_buf()));
    }
    // The same checks with links resolved: `-o link-to-content/x` is still inside content/.
    let real_out = resolved(&out);
    let real_root = resolved(&root_abs);
    if real_out.parent().is_none() || real_root.starts_with(&real_out) {
        return Err(WriteError::Dangerous(output.to_path_buf()));
    }
    for input in INPUTS {
        let real_in = resolved(&real_root.join(input));
        if real_out.starts_with(&real_in) || real_in.starts_with(&real_out) {
            return Err(WriteError::InsideInput(
                output.to_path_buf(),
                input.to_string(),
            ));
        }
    }
    if !ours_or_empty(&out)? {
        return Err(not_ours(&out));
    }
    Ok(())
}

fn not_ours(out: &Path) -> WriteError {
    let state = state_dir(out);
    let name = state
        .file_name()
        .map(|n| format!("{}/{OWNER}", n.to_string_lossy()))
        .unwrap_or_default();
    WriteError::NotOurs(out.to_path_buf(), name)
}

fn cstr(name: &OsStr) -> io::Result<CString> {
    CString::new(name.as_bytes()).map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))
}

fn cvt(r: libc::c_int) -> io::Result<libc::c_int> {
    if r < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(r)
    }
}

/// `openat` relative to `dir` (or the current folder), never following a final symlink.
fn open_at(dir: RawFd, name: &OsStr, flags: libc::c_int) -> io::Result<OwnedFd> {
    let c = cstr(name)?;
    // SAFETY: `c` is a valid NUL-terminated string; the returned fd is owned by us.
    let fd = cvt(unsafe {
        libc::openat(
            dir,
            c.as_ptr(),
            flags | libc::O_NOFOLLOW | libc::O_CLOEXEC,
            0o644,
        )
    })?;
    // SAFETY: `fd` was just opened and is not owned by anything else.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

fn open_dir_at(dir: RawFd, name: &OsStr) -> io::Result<OwnedFd> {
    open_at(dir, name, libc::O_RDONLY | libc::O_DIRECTORY)
}

fn unlink_at(dir: RawFd, name: &OsStr, flags: libc::c_int) -> io::Result<()> {
    let c = cstr(name)?;
    // SAFETY: valid fd and NUL-terminated string.
    cvt(unsafe { libc::unlinkat(dir, c.as_ptr(), flags) }).map(drop)
}

fn mkdir_at(dir: RawFd, name: &OsStr) -> io::Result<()> {
    let c = cstr(name)?;
    // SAFETY: valid fd and NUL-terminated string.
    match cvt(unsafe { libc::mkdirat(dir, c.as_ptr(), 0o755) }) {
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        r => r.map(drop),
    }
}

/// Opens (creating if needed) the folder `name` in `dir`. Whatever else is there under that name
/// (a file, a link) is removed first: it is inside the staging folder and not what the build wants.
fn ensure_dir_at(dir: RawFd, name: &OsStr) -> io::Result<OwnedFd> {
    match open_dir_at(dir, name) {
        Ok(fd) => return Ok(fd),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) if matches!(e.raw_os_error(), Some(libc::ENOTDIR | libc::ELOOP)) => {
            unlink_at(dir, name, 0)?;
        }
        Err(e) => return Err(e),
    }
    mkdir_at(dir, name)?;
    open_dir_at(dir, name)
}

/// Takes the build lock of an output, waiting while another build holds it (saying so when
/// `announce`: a build that seems to hang should tell why, unless asked to be quiet).
fn lock(state: &OwnedFd, output: &Path, announce: bool) -> io::Result<File> {
    let fd = open_at(
        state.as_raw_fd(),
        OsStr::new("lock"),
        libc::O_RDWR | libc::O_CREAT,
    )?;
    let file = File::from(fd);
    // SAFETY: flock on a valid fd.
    if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
        let e = io::Error::last_os_error();
        if e.raw_os_error() != Some(libc::EWOULDBLOCK) {
            return Err(e);
        }
        if announce {
            crate::diag::eprint_line(&format!(
                "waiting for another build into {} to finish…",
                output.display()
            ));
        }
        // SAFETY: as above; blocks until the other build releases the lock (or dies).
        cvt(unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) })?;
    }
    Ok(file)
}

/// A site being written into the staging folder.
pub struct Staging {
    output: PathBuf,
    next: PathBuf,
    /// The staging folder, opened once; every write is relative to it.
    next_fd: OwnedFd,
    /// Held until the build ends: one build at a time per output.
    _lock: File,
    written: std::sync::Mutex<Vec<String>>,
    /// Files actually written (changed or new), for the build summary and tests.
    changed: AtomicUsize,
}

impl Staging {
    /// Takes the output's build lock (saying that it waits for another build when `announce`) and
    /// prepares the staging folder (same filesystem as the output, so the swap is a rename).
    pub fn new(root: &Path, output: &Path, announce: bool) -> Result<Self, WriteError> {
        check_output(root, output)?;
        let output = absolute(output);
        let parent = output
            .parent()
            .ok_or_else(|| WriteError::Dangerous(output.clone()))?;
        fs::create_dir_all(parent).map_err(io_err(parent))?;
        let state = state_dir(&output);
        let state_name = state.file_name().unwrap_or_default().to_os_string();
        // The parent may be reached through links (the user's choice); from here on, nothing is.
        let parent_fd = File::open(parent).map_err(io_err(parent))?;
        let state_fd = match open_dir_at(parent_fd.as_raw_fd(), &state_name) {
            Ok(fd) => {
                // An existing state folder that is not ours (no owner file) is not taken over.
                let empty = fs::read_dir(&state)
                    .map_err(io_err(&state))?
                    .next()
                    .is_none();
                if !empty && !state.join(OWNER).is_file() {
                    return Err(not_ours(&state));
                }
                fd
            }
            Err(e) if e.raw_os_error() == Some(libc::ELOOP) => {
                return Err(WriteError::Symlink(state));
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                mkdir_at(parent_fd.as_raw_fd(), &state_name).map_err(io_err(&state))?;
                open_dir_at(parent_fd.as_raw_fd(), &state_name).map_err(io_err(&state))?
            }
            Err(e) => return Err(io_err(&state)(e)),
        };
        let lock = lock(&state_fd, &output, announce).map_err(io_err(&state))?;
        // Checked again now that we hold the lock: another build may have swapped meanwhile.
        check_output(root, &output)?;
        write_owner(&state_fd).map_err(io_err(&state))?;

        // An older version's staging folder (with its marker) is ours to remove.
        let legacy = legacy_next_dir(&output);
        if fs::symlink_metadata(legacy.join(LEGACY_MARKER)).is_ok_and(|m| m.is_file())
            && !is_symlink(&legacy)
        {
            let _ = fs::remove_dir_all(&legacy);
        }

        let next = state.join("next");
        let next_fd =
            ensure_dir_at(state_fd.as_raw_fd(), OsStr::new("next")).map_err(io_err(&next))?;
        Ok(Staging {
            output,
            next,
            next_fd,
            _lock: lock,
            written: Default::default(),
            changed: Default::default(),
        })
    }

    /// Writes one file (`rel` is `/`-separated and must stay inside the folder), unless the
    /// folder already holds exactly these bytes there. Safe to call from many threads.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), WriteError> {
        if !safe_rel(rel) {
            return Err(WriteError::UnsafePath(rel.to_string()));
        }
        let changed = self
            .write_inner(rel, bytes)
            .map_err(|e| WriteError::Io(e, self.next.join(rel).display().to_string()))?;
        if changed {
            self.changed.fetch_add(1, Ordering::Relaxed);
        }
        self.written.lock().unwrap().push(rel.to_string());
        Ok(())
    }

    /// Returns whether the bytes on disk had to change.
    fn write_inner(&self, rel: &str, bytes: &[u8]) -> io::Result<bool> {
        let mut parts: Vec<&str> = rel.split('/').collect();
        let name = OsStr::new(parts.pop().unwrap_or_default());
        let mut dir: Option<OwnedFd> = None;
        for part in parts {
            let parent = dir.as_ref().unwrap_or(&self.next_fd).as_raw_fd();
            dir = Some(ensure_dir_at(parent, OsStr::new(part))?);
        }
        let dir = dir.as_ref().unwrap_or(&self.next_fd).as_raw_fd();

        // Compare with what is really there: a regular file with the same size and bytes.
        match open_at(dir, name, libc::O_RDWR | libc::O_NONBLOCK) {
            Ok(fd) => {
                let mut f = File::from(fd);
                let meta = f.metadata()?;
                // A regular file with no other name (no hard link to something outside) is
                // ours to rewrite in place; anything else is removed and created afresh.
                if meta.is_file() && meta.nlink() == 1 {
                    if meta.len() == bytes.len() as u64 {
                        let mut old = Vec::with_capacity(bytes.len());
                        f.read_to_end(&mut old)?;
                        if old == bytes {
                            return Ok(false);
                        }
                    }
                    f.set_len(0)?;
                    f.seek(io::SeekFrom::Start(0))?;
                    f.write_all(bytes)?;
                    return Ok(true);
                }
                drop(f);
                unlink_at(dir, name, 0)?;
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            // A folder where a file belongs; std's remove_dir_all does not follow links.
            Err(e) if e.raw_os_error() == Some(libc::EISDIR) => {
                fs::remove_dir_all(self.next.join(rel))?;
            }
            // A symbolic link (ELOOP) or anything else unopenable: remove the entry itself.
            Err(_) => unlink_at(dir, name, 0)?,
        }
        // A fresh file, never an existing one: no writing through a link.
        let fd = open_at(dir, name, libc::O_WRONLY | libc::O_CREAT | libc::O_EXCL)?;
        let mut f = File::from(fd);
        f.write_all(bytes)?;
        Ok(true)
    }

    /// Number of files whose bytes were actually written so far.
    pub fn changed(&self) -> usize {
        self.changed.load(Ordering::Relaxed)
    }

    /// Removes everything in the staging folder this build did not write (files of an older
    /// build, stray files, links) and swaps the folder in place of the output.
    pub fn commit(self) -> Result<(), WriteError> {
        let written = std::mem::take(&mut *self.written.lock().unwrap());
        let keep: HashSet<&str> = written.iter().map(String::as_str).collect();
        let mut keep_dirs: HashSet<&str> = HashSet::new();
        for p in &keep {
            let mut p = *p;
            while let Some((d, _)) = p.rsplit_once('/') {
                keep_dirs.insert(d);
                p = d;
            }
        }
        // Links are not followed and the walk stays under the staging folder; contents come
        // before their folder, so emptied folders can go too.
        for entry in walkdir::WalkDir::new(&self.next)
            .min_depth(1)
            .contents_first(true)
        {
            let entry = entry.map_err(|e| {
                let path = e.path().unwrap_or(&self.next).display().to_string();
                WriteError::Io(e.into(), path)
            })?;
            let rel = crate::diag::rel(&self.next, entry.path());
            let path = entry.path();
            if entry.file_type().is_dir() {
                if !keep_dirs.contains(rel.as_str()) {
                    fs::remove_dir_all(path).map_err(io_err(path))?;
                }
            } else if !keep.contains(rel.as_str()) || !entry.file_type().is_file() {
                fs::remove_file(path).map_err(io_err(path))?;
            }
        }

        // Re-check: the output may have changed while we rendered.
        if !ours_or_empty(&self.output)? {
            return Err(not_ours(&self.output));
        }
        if self.output.exists() {
            exchange(&self.next, &self.output).map_err(io_err(&self.output))?;
        } else {
            fs::rename(&self.next, &self.output).map_err(io_err(&self.next))?;
        }
        Ok(())
    }
}

/// True for a planned output path: `/`-separated normal components, no control characters.
pub fn safe_rel(rel: &str) -> bool {
    !rel.is_empty()
        && !rel.starts_with('/')
        && !rel.chars().any(char::is_control)
        && rel
            .split('/')
            .all(|c| !c.is_empty() && c != "." && c != "..")
}

fn write_owner(state: &OwnedFd) -> io::Result<()> {
    let name = OsStr::new(OWNER);
    if let Ok(fd) = open_at(state.as_raw_fd(), name, libc::O_RDONLY | libc::O_NONBLOCK) {
        let mut text = String::new();
        if File::from(fd).read_to_string(&mut text).is_ok() && text == OWNER_TEXT {
            return Ok(());
        }
    }
    let _ = unlink_at(state.as_raw_fd(), name, 0);
    let fd = open_at(
        state.as_raw_fd(),
        name,
        libc::O_WRONLY | libc::O_CREAT | libc::O_EXCL,
    )?;
    File::from(fd).write_all(OWNER_TEXT.as_bytes())
}

/// Atomically exchanges two folders (Linux `renameat2(RENAME_EXCHANGE)`); elsewhere, or where the
/// filesystem refuses, falls back to three renames, leaving the output missing for an instant.
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        let ca = cstr(a.as_os_str())?;
        let cb = cstr(b.as_os_str())?;
        // SAFETY: both pointers are valid NUL-terminated paths for the duration of the call.
        let r = unsafe {
            libc::renameat2(
                libc::AT_FDCWD,
                ca.as_ptr(),
                libc::AT_FDCWD,
                cb.as_ptr(),
                libc::RENAME_EXCHANGE,
            )
        };
        if r == 0 {
            return Ok(());
        }
    }
    let tmp = a.with_extension("swap");
    fs::rename(b, &tmp)?;
    fs::rename(a, b)?;
    fs::rename(&tmp, a)
}
