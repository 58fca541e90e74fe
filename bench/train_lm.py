"""Tiny-GPT training speed: one process (all cores as torch threads) against torchrun with one process per core.

Both runs train the same model on the same corpus with the same global batch (``--batch-size`` windows
per step: all of it in one process, or an equal share per rank under DDP), from the same tokenizer,
and report training tokens per second (evaluation and snapshots excluded). Under torchrun the
rendezvous store listens on every interface; when ``unshare -rn`` is allowed the run is put in a
private network namespace (loopback only).

Usage: ``python bench/train_lm.py CORPUS [--steps 100] [--procs 2]`` (CORPUS e.g. from
``bench/make_corpus.py``). Prints a markdown table; writes nothing outside a temp dir.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import environment

LOOPBACK_UP = ("import fcntl, os, socket, struct, sys\n"
               "with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:\n"
               "    fcntl.ioctl(s, 0x8914, struct.pack('16sh', b'lo', 0x49))\n"
               "os.execv(sys.argv[1], sys.argv[1:])\n")


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _namespace() -> list[str]:
    if shutil.which("unshare") is None:
        return []
    probe = subprocess.run(["unshare", "-rn", sys.executable, "-c", LOOPBACK_UP, sys.executable, "-c", "0"],
                           capture_output=True)
    return ["unshare", "-rn", sys.executable, "-c", LOOPBACK_UP] if probe.returncode == 0 else []


def _run(command: list[str], env: dict[str, str]) -> dict:
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{done.stderr[-3000:]}")
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus")
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--procs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--batch-size", type=int, default=32, help="global windows per step")
    args = parser.parse_args()
    if args.batch_size % args.procs:
        sys.exit("--batch-size must be divisible by --procs")
    model = ["--steps", str(args.steps), "--eval-every", str(args.steps), "--snapshot-every", str(args.steps),
             "--context", "64", "--dim", "128", "--layers", "4", "--heads", "4", "--sample", "", "--json"]
    env = {**os.environ, "GLOO_SOCKET_IFNAME": "lo"}
    with tempfile.TemporaryDirectory() as tmp:
        first = _run([sys.executable, "-m", "tokvec", "train-lm", args.corpus, "-o", f"{tmp}/one",
                      "--batch-size", str(args.batch_size), "--threads", str(args.procs), *model], env)
        tokenizer = str(Path(tmp) / "one" / "tokenizer.json")
        ddp = _run([*_namespace(), sys.executable, "-m", "torch.distributed.run", "--nnodes", "1",
                    "--nproc_per_node", str(args.procs), "--master_addr", "127.0.0.1", "--master_port", str(_port()),
                    "-m", "tokvec", "train-lm", args.corpus, "-o", f"{tmp}/ddp", "--tokenizer", tokenizer,
                    "--batch-size", str(args.batch_size // args.procs), "--threads", "1", *model], env)
    one_rate, ddp_rate = first["tokens_per_second"], ddp["tokens_per_second"]
    print(f"### Tiny GPT training ({first['parameters']:,} parameters, {args.steps} steps, global batch "
          f"{args.batch_size} x 64 tokens)\n")
    print("| run | tokens/s | val loss at the end | ratio |\n|---|---:|---:|---:|")
    print(f"| 1 process, {args.procs} torch threads | {one_rate:,.0f} | {first['val_loss']:.3f} | 1.00x |")
    print(f"| torchrun, {args.procs} processes x 1 thread (DDP, gloo) | {ddp_rate:,.0f} | {ddp['val_loss']:.3f} | "
          f"**{ddp_rate / one_rate:.2f}x** |")
    print(f"\nranks identical at the end: {ddp['ranks_identical']}; {environment()}")


if __name__ == "__main__":
    main()
