"""A bounded load test of ``tokvec serve`` on loopback: N requests from C concurrent clients.

Starts the explorer on a free 127.0.0.1 port in a subprocess, sends a mix of API requests
(similar, analogy, similarity, complete; ``--mix explorer`` adds sets, compare and a PCA projection
with distortion) with keep-alive connections, stops after the request
count or the time limit, whichever comes first, and prints errors, p50/p99 latency and
requests per second. Nothing leaves the machine.

    python bench/serve_load.py [--requests 5000] [--clients 8] [--max-seconds 120] [-v glove] [--mix explorer]
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import socket
import subprocess
import sys
import threading
import time
import urllib.parse

import numpy as np


def _free_port() -> int:
    with contextlib.closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


PATHS = [
    ("similar", {"word": "king", "topn": "10"}), ("similar", {"word": "frog", "topn": "10"}),
    ("analogy", {"a": "man", "b": "king", "c": "woman"}), ("similarity", {"w1": "cat", "w2": "kitten"}),
    ("complete", {"prefix": "comp"}), ("similar", {"word": "paris", "topn": "20"}),
]
EXPLORER_PATHS = [  # --mix explorer adds the page's other requests
    ("sets", {}), ("compare", {"word": "king", "a": "{set}", "b": "{set}"}),
    ("projection", {"words": "king,apple", "neighbours": "6"}),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=5_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--max-seconds", type=float, default=120.0)
    parser.add_argument("-v", "--vectors", default="glove", help="a builtin name (the compare requests name it)")
    parser.add_argument("--mix", choices=["classic", "explorer"], default="classic",
                        help="classic: the first mix (comparable across versions); explorer: plus sets, compare, "
                             "projection")
    args = parser.parse_args()

    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "tokvec.cli", "serve", "-v", args.vectors, "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            time.sleep(0.2)
        else:
            raise SystemExit("server did not start")
        urls = [f"/api/{p}?{urllib.parse.urlencode({k: v.format(set=args.vectors) for k, v in q.items()})}"
                for p, q in PATHS + (EXPLORER_PATHS if args.mix == "explorer" else [])]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for url in urls:  # warm up (first queries build the token index)
            conn.request("GET", url)
            conn.getresponse().read()
        conn.close()

        counter = iter(range(args.requests))
        lock = threading.Lock()
        latencies: list[float] = []
        errors: list[str] = []
        stop_at = time.time() + args.max_seconds

        def client() -> None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            while time.time() < stop_at:
                with lock:
                    i = next(counter, None)
                if i is None:
                    break
                start = time.perf_counter()
                try:
                    conn.request("GET", urls[i % len(urls)])
                    response = conn.getresponse()
                    body = response.read()
                    if response.status != 200:
                        raise RuntimeError(f"HTTP {response.status}: {body[:80]!r}")
                    json.loads(body)
                except Exception as exc:  # noqa: BLE001 - every failure is counted and reported
                    with lock:
                        errors.append(repr(exc))
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                with lock:
                    latencies.append(time.perf_counter() - start)
            conn.close()

        began = time.perf_counter()
        threads = [threading.Thread(target=client) for _ in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - began
        lat = np.array(latencies) * 1e3
        print(f"{len(latencies):,} requests from {args.clients} clients in {elapsed:.1f} s on 127.0.0.1 "
              f"({args.vectors}, {args.mix} mix): {len(errors)} errors, {len(latencies) / elapsed:,.0f} requests/s, "
              f"p50 {np.percentile(lat, 50):.1f} ms, p99 {np.percentile(lat, 99):.1f} ms, max {lat.max():.1f} ms")
        for e in errors[:5]:
            print("  error:", e)
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
