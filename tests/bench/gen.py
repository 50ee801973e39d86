#!/usr/bin/env python3
"""Generates equivalent synthetic sites for the benchmark: one for codesite, one for Hugo.

Usage: gen.py N OUT_DIR REPO_DIR
Writes OUT_DIR/codesite (a codesite site root) and OUT_DIR/hugo (a Hugo site) with N basic codes,
~150 words of text per code in each of two languages, and a page for every pair of codes in both
languages, plus the reverse-order redirect of each pair (codesite plans these; Hugo makes them from
`aliases`). Text is deterministic (seeded), so runs are comparable.
"""
import os, random, shutil, sys

N = int(sys.argv[1]); OUT = sys.argv[2]; REPO = sys.argv[3]
rnd = random.Random(N)
EN = ("server message mailbox retry queue sender recipient domain address policy delivery "
      "connection timeout record reply command transaction storage limit reject accept temporary "
      "permanent bounce relay header content filter spam check lookup").split()
# Whole words joined with 、, so no two neighbours form a term the glossary check refuses
# (邮件 after 退 would read 退件).
ZH = ("服务器 邮件 队列 发送 接收 域名 地址 策略 投递 连接 超时 记录 回复 命令 事务 存储 限制 "
      "拒绝 接受 临时 永久 退信 中继 内容 过滤 检查 查询").split()

def en_words(n):
    return " ".join(rnd.choice(EN) for _ in range(n)).capitalize() + "."

def zh_words(n):
    return "、".join(rnd.choice(ZH) for _ in range(n)) + "。"

def codes():
    for i in range(N):
        cls = 2 + i % 4
        yield cls * 100 + i // 4, cls

ACTION = {2: "continue", 3: "send-data", 4: "retry", 5: "bounce"}

def q(s):
    return '"' + s.replace('\\', '\\\\').replace('"', '\\"') + '"'

# ---------------------------------------------------------------- codesite
cs = os.path.join(OUT, "codesite")
shutil.rmtree(cs, ignore_errors=True)
for d in ("templates", "i18n", "static"):
    shutil.copytree(os.path.join(REPO, d), os.path.join(cs, d))
shutil.copy(os.path.join(REPO, "config.yaml"), cs)
os.makedirs(os.path.join(cs, "content/smtp/codes"))
shutil.copy(os.path.join(REPO, "content/smtp/family.yaml"), os.path.join(cs, "content/smtp"))
texts = {}
for code, cls in codes():
    t = {
        "title": (en_words(3)[:-1], zh_words(3)[:-1]),
        "summary": (en_words(20), zh_words(20)),
        "description": (en_words(50) + "\n\n" + en_words(30), zh_words(50) + "\n\n" + zh_words(30)),
        "when": ("- " + en_words(12) + "\n- " + en_words(12), "- " + zh_words(12) + "\n- " + zh_words(12)),
        "fix": (en_words(25), zh_words(25)),
    }
    texts[code] = (cls, t)
    with open(os.path.join(cs, f"content/smtp/codes/{code}.yaml"), "w") as f:
        f.write(f"code: {code}\nclass: {cls}\n")
        for k in ("title", "summary", "description", "when"):
            f.write(f"{k}:\n  en: {q(t[k][0])}\n  zh: {q(t[k][1])}\n")
        f.write(f"stages: [rcpt, data-end]\naction: {ACTION[cls]}\n")
        f.write("rfcs:\n  - {rfc: 5321, section: \"4.2.3\"}\n")
        f.write(f"fix:\n  sender:\n    en: {q(t['fix'][0])}\n    zh: {q(t['fix'][1])}\n")
        # The facts pair pages are written from (README: "Pair pages").
        f.write("who: [sender]\n")
        for k in ("send_when", "seen_when"):
            f.write(f"{k}:\n  en: {q(en_words(8)[:-1].lower())}\n  zh: {q(zh_words(8)[:-1])}\n")

# ---------------------------------------------------------------- hugo
hg = os.path.join(OUT, "hugo")
shutil.rmtree(hg, ignore_errors=True)
os.makedirs(os.path.join(hg, "layouts/_default"))
with open(os.path.join(hg, "hugo.toml"), "w") as f:
    f.write('baseURL = "http://127.0.0.1/"\ntitle = "bench"\ndefaultContentLanguage = "en"\n'
            'disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]\n'
            '[languages.en]\ncontentDir = "content/en"\nweight = 1\n'
            '[languages.zh]\ncontentDir = "content/zh"\nweight = 2\n')
BASE = """<!DOCTYPE html><html lang="{{ .Language.Lang }}"><head><meta charset="utf-8"><title>{{ .Title }}</title>
<meta name="description" content="{{ .Params.summary }}"><link rel="canonical" href="{{ .Permalink }}">
{{ range .AllTranslations }}<link rel="alternate" hreflang="{{ .Language.Lang }}" href="{{ .Permalink }}">{{ end }}
<link rel="stylesheet" href="/style.css"></head><body><header><a href="{{ site.Home.RelPermalink }}">{{ site.Title }}</a>
<nav>{{ range .AllTranslations }}<a href="{{ .RelPermalink }}">{{ .Language.Lang }}</a> {{ end }}</nav></header>
<main>{{ block "main" . }}{{ end }}</main><footer>{{ site.Title }}</footer></body></html>"""
CODE = """{{ define "main" }}<article><h1>{{ .Params.code }} {{ .Title }}</h1><p>{{ .Params.summary }}</p>
<h2 id="description">Description</h2>{{ .Content }}<h2 id="when">When</h2>{{ .Params.when | markdownify }}
<h2 id="fix">Fix</h2>{{ .Params.fix | markdownify }}
<ul>{{ range (site.GetPage "/smtp").Pages }}<li><a href="{{ .RelPermalink }}">{{ .Params.code }}</a></li>{{ end }}</ul></article>{{ end }}"""
PAIR = """{{ define "main" }}{{ $a := site.GetPage (printf "/smtp/%v" .Params.a) }}{{ $b := site.GetPage (printf "/smtp/%v" .Params.b) }}
<article><h1>{{ .Title }}</h1><h2 id="key-difference">Key difference</h2><p>{{ $a.Params.summary }} {{ $b.Params.summary }}</p>
<table><tr><th>{{ $a.Params.code }}</th><th>{{ $b.Params.code }}</th></tr><tr><td>{{ $a.Params.class }}</td><td>{{ $b.Params.class }}</td></tr></table>
{{ range slice $a $b }}<section><h2>{{ .Params.code }} {{ .Title }}</h2>{{ .Content }}{{ .Params.when | markdownify }}{{ .Params.fix | markdownify }}<a href="{{ .RelPermalink }}">{{ .Params.code }}</a></section>{{ end }}</article>{{ end }}"""
with open(os.path.join(hg, "layouts/_default/baseof.html"), "w") as f: f.write(BASE)
with open(os.path.join(hg, "layouts/_default/single.html"), "w") as f: f.write(CODE)
with open(os.path.join(hg, "layouts/_default/pair.html"), "w") as f: f.write(PAIR)
with open(os.path.join(hg, "layouts/_default/list.html"), "w") as f:
    f.write('{{ define "main" }}<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}')
with open(os.path.join(hg, "layouts/index.html"), "w") as f:
    f.write('{{ define "main" }}<ul>{{ range .Site.RegularPages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}')
os.makedirs(os.path.join(hg, "static"))
shutil.copy(os.path.join(REPO, "static/style.css") if os.path.exists(os.path.join(REPO, "static/style.css")) else __file__, os.path.join(hg, "static/style.css"))
allcodes = sorted(texts)
for li, lang in enumerate(("en", "zh")):
    # Hugo does not prefix `url` and `aliases` with the language; do it as codesite's URLs are.
    pre = "" if lang == "en" else "/zh"
    d = os.path.join(hg, "content", lang, "smtp")
    os.makedirs(d)
    for code in allcodes:
        cls, t = texts[code]
        with open(os.path.join(d, f"{code}.md"), "w") as f:
            f.write(f"---\ntitle: {q(t['title'][li])}\ncode: {code}\nclass: {cls}\nkind: code\nsummary: {q(t['summary'][li])}\n"
                    f"when: {q(t['when'][li])}\nfix: {q(t['fix'][li])}\naliases: [\"{pre}/{code}/\"]\n---\n{t['description'][li]}\n")
    pd = os.path.join(hg, "content", lang, "pairs")
    os.makedirs(pd)
    for i, a in enumerate(allcodes):
        for b in allcodes[i + 1:]:
            with open(os.path.join(pd, f"{a}-vs-{b}.md"), "w") as f:
                f.write(f"---\ntitle: \"SMTP {a} vs {b}\"\nlayout: pair\nkind: pair\na: {a}\nb: {b}\n"
                        f"url: \"{pre}/smtp/{a}-vs-{b}/\"\naliases: [\"{pre}/smtp/{b}-vs-{a}/\"]\n---\n")
print(f"generated N={N}: {len(allcodes)} codes, {len(allcodes) * (len(allcodes) - 1) // 2} pairs per language")
