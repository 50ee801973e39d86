#!/usr/bin/env bash
# Benchmark: codesite against Hugo on equivalent synthetic sites, and the bundled site.
#
#   tests/bench/run.sh            # N = 40 100 200, 5 runs each
#   SIZES="100" RUNS=7 tests/bench/run.sh
#
# For each N it generates N codes (~150 words each, two languages, every pair) with gen.py,
# builds it RUNS times with codesite and with Hugo (Debian package `hugo`), copies the output
# with `cp -r` RUNS times (the disk floor), and prints medians: wall time, HTML pages per second,
# peak RSS (from /usr/bin/time -v), and the codesite/Hugo and codesite/cp ratios.
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO=$PWD
SIZES=${SIZES:-"40 100 200"}
RUNS=${RUNS:-5}
command -v hugo >/dev/null || { echo "hugo is missing: apt-get install -y hugo" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time is missing: apt-get install -y time" >&2; exit 1; }
cargo build --release --quiet
# Wherever cargo puts it: CARGO_TARGET_DIR, .cargo/config.toml or target/.
TARGET_DIR=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
BIN=$TARGET_DIR/release/codesite
WORK=$(mktemp -d "${TMPDIR:-/tmp}/codesite-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# once NAME PREP CMD... : one timed run of CMD, appended to NAME.times as "seconds maxRSS-KB".
# PREP is a shell command run first, untimed (e.g. deleting the last output).
once() {
  local name=$1 prep=$2; shift 2
  sh -c "$prep"; sync
  /usr/bin/time -f "%e %M" -o "$WORK/$name.one" "$@" >/dev/null 2>&1 || { echo "$name failed: $*" >&2; "$@"; exit 1; }
  cat "$WORK/$name.one" >> "$WORK/$name.times"
}
# This machine's disk slows down under sustained writes, so the tools take turns within each
# round instead of one tool running all its rounds first: every ratio compares like with like.
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
col() { awk -v c="$1" '{print $c}' "$WORK/$2.times" | median; }
html_count() { find "$1" -name '*.html' | wc -l; }

printf '%-10s %8s %9s %10s %9s %9s %10s %9s %8s %8s\n' site pages cs_s cs_pages/s cs_MB hugo_s hugo_pg/s hugo_MB cs/hugo cs/cp
report() { # key label cs_pages hugo_pages
  local name=$1 label=$2 cs_pages=$3 hugo_pages=$4
  local cs_s cs_mb hg_s hg_mb cp_s
  cs_s=$(col 1 "cs-$name"); cs_mb=$(( $(col 2 "cs-$name") / 1024 ))
  cp_s=$(col 1 "cp-$name")
  if [ -n "$hugo_pages" ]; then
    hg_s=$(col 1 "hugo-$name"); hg_mb=$(( $(col 2 "hugo-$name") / 1024 ))
    awk -v n="$label" -v p="$cs_pages" -v hp="$hugo_pages" -v c="$cs_s" -v cm="$cs_mb" -v h="$hg_s" -v hm="$hg_mb" -v cp="$cp_s" 'BEGIN {
      cps = p / (c > 0 ? c : 0.001); hps = hp / (h > 0 ? h : 0.001)
      printf "%-10s %8d %9.2f %10.0f %9d %9.2f %10.0f %9d %7.2fx %7.2fx\n", n, p, c, cps, cm, h, hps, hm, cps / hps, c / (cp > 0 ? cp : 0.001) }'
  else
    awk -v n="$label" -v p="$cs_pages" -v c="$cs_s" -v cm="$cs_mb" -v cp="$cp_s" 'BEGIN {
      printf "%-10s %8d %9.2f %10.0f %9d %9s %10s %9s %8s %7.2fx\n", n, p, c, p / (c > 0 ? c : 0.001), cm, "-", "-", "-", "-", c / (cp > 0 ? cp : 0.001) }'
  fi
}

report_cold() { # key cs_pages hugo_pages
  awk -v n="N=$1 cold" -v p="$2" -v hp="$3" -v c="$(col 1 "cold-$1")" -v h="$(col 1 "hcold-$1")" -v cp="$(col 1 "cp-$1")" 'BEGIN {
    printf "%-10s %8d %9.2f %10.0f %9s %9.2f %10.0f %9s %7.2fx %7.2fx\n", n, p, c, p / c, "", h, hp / h, "", (p / c) / (hp / h), c / cp }'
}

for N in $SIZES; do
  python3 tests/bench/gen.py "$N" "$WORK/n$N" "$REPO" >/dev/null
  D=$WORK/n$N
  rm -f "$WORK"/*-"$N".times
  "$BIN" build --quiet --root "$D/codesite" --output "$D/cs-out" >/dev/null          # warm-up
  hugo --quiet --source "$D/hugo" --destination "$D/hugo-out" >/dev/null
  for _ in $(seq "$RUNS"); do
    # Rebuild over the previous output (what a writer or a CI cache does), both tools alike.
    once "cs-$N" true "$BIN" build --quiet --root "$D/codesite" --output "$D/cs-out"
    once "hugo-$N" true hugo --quiet --source "$D/hugo" --destination "$D/hugo-out"
    # Cold: into an empty folder every time.
    once "cold-$N" "rm -rf '$D/cold' '$D/.cold.codesite'" "$BIN" build --quiet --root "$D/codesite" --output "$D/cold"
    once "hcold-$N" "rm -rf '$D/hcold'" hugo --quiet --source "$D/hugo" --destination "$D/hcold"
    once "cp-$N" "rm -rf '$D/cp-out'" cp -r "$D/cs-out" "$D/cp-out"
  done
  report "$N" "N=$N" "$(html_count "$D/cs-out")" "$(html_count "$D/hugo-out")"
  report_cold "$N" "$(html_count "$D/cs-out")" "$(html_count "$D/hugo-out")"
  rm -rf "$D"
done

"$BIN" build --quiet --root "$REPO" --output "$WORK/bundled-out" >/dev/null            # warm-up
for _ in $(seq "$RUNS"); do
  once cs-bundled true "$BIN" build --quiet --root "$REPO" --output "$WORK/bundled-out"
  once cold-bundled "rm -rf '$WORK/bcold' '$WORK/.bcold.codesite'" "$BIN" build --quiet --root "$REPO" --output "$WORK/bcold"
  once cp-bundled "rm -rf '$WORK/bundled-cp'" cp -r "$WORK/bundled-out" "$WORK/bundled-cp"
done
report bundled bundled "$(html_count "$WORK/bundled-out")" ""
awk -v c="$(col 1 cold-bundled)" -v cp="$(col 1 cp-bundled)" 'BEGIN { printf "%-10s cold build %.2f s, cp -r floor %.2f s, ratio %.2fx\n", "bundled", c, cp, c / (cp > 0 ? cp : 0.001) }' 
echo "Medians of $RUNS runs. pages = HTML files in the output (redirect pages included, for both tools)."
echo "N=… rows rebuild over the previous output; 'cold' rows build into an empty folder each time."
echo "cs/hugo = codesite pages/s over Hugo pages/s; cs/cp = codesite wall time over the cp -r floor."
