#!/usr/bin/env python3
"""Preview latency: time from a page write to the reload event of `backlot serve`.

Usage: bench/preview_latency.py [--pages 1000 10000] [--edits 20] [--bin target/release/backlot]
                                [--idle-seconds 5] [--out bench/out]

For each size it generates a site with bench/gen_corpus.py (kept in --out between runs),
starts `backlot serve --port 0`, opens the live-reload event stream, appends a line to one page
--edits times and measures write -> `event: reload` (median and worst), then measures the
server's CPU time over --idle-seconds with nothing changing. Prints one line per size and a
JSON summary (stdlib only; the larger bench runner calls it).
"""

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GEN = REPO / "bench" / "gen_corpus.py"


def make_site(out: Path, pages: int) -> Path:
    root = out / f"preview-{pages}"
    if not (root / "content").is_dir():
        subprocess.run([sys.executable, str(GEN), str(root / "content"), "--pages", str(pages)],
                       check=True, stdout=subprocess.DEVNULL)
        (root / "site.toml").write_text(
            'title = "Bench"\nbase_url = "https://example.github.io/repo/"\n')
    return root


def pick_page(root: Path) -> Path:
    pages = sorted(p for p in (root / "content").rglob("*.md") if p.name != "_index.md")
    return pages[len(pages) // 2]


class Events:
    def __init__(self, port: int):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.settimeout(120)
        self.sock.sendall(b"GET /__backlot/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        self.buf = b""
        self.wait(b": connected")

    def wait(self, needle: bytes) -> None:
        while needle not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise RuntimeError("event stream closed")
            self.buf += chunk
        self.buf = self.buf[self.buf.index(needle) + len(needle):]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_one(binary: str, root: Path, edits: int, idle: float) -> dict:
    started = time.perf_counter()
    proc = subprocess.Popen([binary, "serve", "--root", str(root), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        port = None
        for line in proc.stdout:
            if line.startswith("serving at "):
                port = int(line.split("http://127.0.0.1:")[1].split("/")[0])
                break
        if port is None:
            raise RuntimeError("serve did not start")
        first_build = time.perf_counter() - started
        events = Events(port)
        page = pick_page(root)
        original = page.read_text()
        times = []
        try:
            for i in range(edits):
                time.sleep(0.2)  # let the previous rebuild's output settle; not measured
                text = original + f"\nEdited by the latency benchmark, round {i}.\n"
                t0 = time.perf_counter()
                page.write_text(text)
                events.wait(b"event: reload")
                times.append((time.perf_counter() - t0) * 1000)
        finally:
            page.write_text(original)
            events.wait(b"event: reload")
        time.sleep(0.5)
        c0 = cpu_seconds(proc.pid)
        time.sleep(idle)
        idle_cpu = (cpu_seconds(proc.pid) - c0) / idle * 100
        return {
            "pages": None,
            "first_build_s": round(first_build, 2),
            "median_ms": round(statistics.median(times), 1),
            "worst_ms": round(max(times), 1),
            "idle_cpu_percent": round(idle_cpu, 2),
            "samples_ms": [round(t, 1) for t in times],
        }
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--edits", type=int, default=20)
    ap.add_argument("--bin", default=str(REPO / "target" / "release" / "backlot"))
    ap.add_argument("--idle-seconds", type=float, default=5.0)
    ap.add_argument("--out", default=str(REPO / "bench" / "out"))
    args = ap.parse_args()
    results = []
    for n in args.pages:
        root = make_site(Path(args.out), n)
        r = run_one(args.bin, root, args.edits, args.idle_seconds)
        r["pages"] = n
        print(f"{n:>6} pages: write->reload median {r['median_ms']} ms, worst {r['worst_ms']} ms; "
              f"idle CPU {r['idle_cpu_percent']}%; first build {r['first_build_s']} s", flush=True)
        results.append(r)
    print(json.dumps({"preview_latency": results}))


if __name__ == "__main__":
    main()
