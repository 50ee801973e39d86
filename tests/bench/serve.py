#!/usr/bin/env python3
"""Measures `codesite serve` on a copy of the bundled site: idle cost, edit-to-reload latency, stop.

    tests/bench/serve.py                 # idle 60 s, then 20 edits
    IDLE=10 EDITS=5 tests/bench/serve.py

Builds the release binary (wherever cargo puts it, CARGO_TARGET_DIR included), copies the site's
inputs to a temp folder and serves them as a writer would (the preview is kept in memory; the
script checks that serve writes nothing to the temp folders). Then:

1. idle: for IDLE seconds nothing is touched; reports rebuilds, reloads (status version changes)
   and CPU time used (from /proc), as a percentage of one core;
2. edits: EDITS times, changes the English title of 451 (each edit a new text) while a tab is
   open on /smtp/451/, and times from just before the write until `/__codesite/status`, long-polled
   with the tab's path and page token exactly as the browser's script does, reports a new token
   for that page: that is when the open tab starts to reload ("edit to reload"). Then fetches the
   page, as the reloading tab does, and times until its bytes carry the edit ("edit to new page").
   Reports min, median and max of both, and checks each edit gave exactly one rebuild, one site
   version and one reload;
3. stop: SIGTERM while a rebuild runs, time to exit, and that the temp folder is gone.

Exits 1 if any check fails. Only the Python standard library is used.
"""

import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
IDLE = float(os.environ.get("IDLE", "60"))
EDITS = int(os.environ.get("EDITS", "20"))
TITLE = "Local error in processing"


def binary():
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    meta = subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--no-deps"],
        cwd=REPO, check=True, capture_output=True, text=True,
    )
    return os.path.join(json.loads(meta.stdout)["target_directory"], "release", "codesite")


def previews():
    """The serve preview folders that exist now, in both places serve may put them."""
    found = set()
    for parent in {"/dev/shm", tempfile.gettempdir()}:
        if os.path.isdir(parent):
            found |= {os.path.join(parent, n) for n in os.listdir(parent)
                      if n.startswith("codesite-serve-")}
    return found


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main():
    bin_ = binary()
    work = tempfile.mkdtemp(prefix="codesite-serve-bench.")
    failures = []
    try:
        site = os.path.join(work, "site")
        os.mkdir(site)
        for name in ["config.yaml", "content", "templates", "static", "i18n"]:
            src = os.path.join(REPO, name)
            (shutil.copytree if os.path.isdir(src) else shutil.copy)(src, os.path.join(site, name))
        before_dirs = previews()
        proc = subprocess.Popen(
            [bin_, "serve", "--port", "0", "--root", site],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        )
        lines = []
        port = None
        for line in proc.stdout:
            lines.append(line.rstrip("\n"))
            m = re.search(r" at http://127\.0\.0\.1:(\d+)/", line)
            if m:
                port = int(m.group(1))
                break
        if port is None:
            sys.exit("serve did not start:\n" + "\n".join(lines))
        builds = []
        threading.Thread(
            target=lambda: [builds.append(l) for l in proc.stdout if l.startswith("built ")],
            daemon=True,
        ).start()
        print(f"first build: {lines[0]}")
        mine = previews() - before_dirs
        print(f"folders serve made: {', '.join(sorted(mine)) or 'none (the preview is in memory)'}")
        if mine:
            failures.append("serve wrote a preview folder")

        def status(since=None, page=None):
            url = f"http://127.0.0.1:{port}/__codesite/status?path=%2Fsmtp%2F451%2F"
            if page is not None:
                url += f"&page={page}"
            if since is not None:
                url += f"&since={since}"
            with urllib.request.urlopen(url, timeout=30) as r:
                return json.load(r)

        def page():
            """The tab's page: its body, and the token the live-reload script reads."""
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/smtp/451/", timeout=30) as r:
                body = r.read().decode()
            return body, re.search(r'data-page="([0-9a-f]*)"', body).group(1)

        # 1. Idle.
        before = status()
        cpu0, t0 = cpu_seconds(proc.pid), time.monotonic()
        time.sleep(IDLE)
        cpu = cpu_seconds(proc.pid) - cpu0
        wall = time.monotonic() - t0
        after = status()
        reloads = after["version"] - before["version"]
        pct = 100 * cpu / wall
        print(f"idle {wall:.0f} s: {len(builds)} rebuilds, {reloads} reloads, "
              f"CPU {cpu:.2f} s ({pct:.2f} % of a core)")
        if builds or reloads or pct >= 1:
            failures.append("idle is not idle")

        # 2. Edits.
        path = os.path.join(site, "content/smtp/codes/451.yaml")
        text = open(path, encoding="utf-8").read()
        assert TITLE in text
        times, shown = [], []
        for i in range(EDITS):
            _, token = page()
            s = status(page=token)
            v0 = s["version"]
            n_builds = len(builds)
            title = f"{TITLE} {i + 1}"
            new = text.replace(TITLE, title, 1)
            t = time.monotonic()
            with open(path, "w", encoding="utf-8") as f:
                f.write(new)
            while True:
                got = status(s["seq"], token)
                if got["page"] != token or got["error"]:
                    break
                s = got
            times.append(time.monotonic() - t)
            body, token = page()
            shown.append(time.monotonic() - t)
            if got["error"] or title not in body:
                failures.append(f"edit {i + 1}: {got}, edit shown: {title in body}")
            time.sleep(0.6)  # let the rest of the site render, and any second (wrong) rebuild show up
            after = status(page=token)
            if len(builds) != n_builds + 1 or after["version"] != v0 + 1:
                failures.append(f"edit {i + 1}: {len(builds) - n_builds} rebuilds, "
                                f"version {v0} -> {after['version']}")
            if after["page"] != token:
                failures.append(f"edit {i + 1}: the page changed twice")
        for name, values in [("edit to reload", times), ("edit to new page", shown)]:
            ms = sorted(t * 1000 for t in values)
            print(f"{name} over {EDITS} edits: median {statistics.median(ms):.0f} ms "
                  f"(min {ms[0]:.0f}, max {ms[-1]:.0f})")
        print(f"last rebuild: {builds[-1].strip() if builds else '-'}")

        # 3. Stop, while a rebuild runs (an edit, then the signal just after the quiet period).
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        time.sleep(0.07)
        t = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=30)
        took = time.monotonic() - t
        left = [d for d in mine if os.path.exists(d)]
        print(f"SIGTERM: exit {code} after {took * 1000:.0f} ms, temp entries left: {left}")
        if code != 0 or took >= 2 or left:
            failures.append("unclean stop")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if failures:
        print("FAILED: " + "; ".join(failures))
        sys.exit(1)


if __name__ == "__main__":
    main()
