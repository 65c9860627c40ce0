#!/usr/bin/env python3
"""Soak: does memory creep under a steady load? RSS and post-GC heap over --minutes at --rate tasks/s.

One service (echo mode; with --stub, litellm mode through bench/FastProxyStub.java, measured
alone first) takes an OPEN-LOOP load: a paced Python sender (wrk cannot pace and wrk2 is not a
Debian package) whose worker threads each keep one keep-alive connection and POST task i at
start + i/rate, whatever earlier requests are doing; it reports the rate it achieved and how late
requests started, so a sender that could not keep up is visible. Every --sample-every s: the
process's RSS, then a full GC (jcmd <pid> GC.run) and the heap used after it (jcmd GC.heap_info),
and the backlog. Prints the series, then the least-squares slope (MiB/min, with its standard
error) of RSS and of the post-GC heap over the SECOND half of the run (the first half holds
warm-up: JIT, caches, pools), and the verdict on the post-GC heap: "no upward trend" when the
slope is below 1 MiB/min or below 2 standard errors, else "UPWARD TREND". The full GC every
sample is part of the method (it costs a pause each time).

A soak is one long run: --runs defaults to 1 here (the min / median / max table is then over the
samples; with --runs N, over the runs' slopes too).

NOISE WARNING: the sender, the JVM and the disk share the machine's cores; RSS also moves with the
GC's own sizing decisions. Compare soaks made on the same machine.

Usage:  bench/soak.py [--minutes 10] [--rate 300] [--stub] [--sample-every 15] [--save]
Smoke:  bench/soak.py --smoke   (1 minute at 50 tasks/s)
Runs:   --minutes (+ ~10 s) per run: 10 min by default.
"""
from __future__ import annotations

import argparse
import contextlib
import math
import re
import shutil
import subprocess
import time

import benchlib


def heap_after_full_gc(pid: int) -> float:
    """MiB of heap in use right after a full GC (jcmd GC.run, then GC.heap_info: the sum over the generations)."""
    subprocess.run(["jcmd", str(pid), "GC.run"], capture_output=True, check=True, timeout=60)
    info = subprocess.run(["jcmd", str(pid), "GC.heap_info"], capture_output=True, text=True, check=True,
                          timeout=60).stdout
    used = [int(kib) for kib in re.findall(r"total \d+K, used (\d+)K", info)]
    if not used:
        raise benchlib.BenchError(f"could not read jcmd GC.heap_info:\n{info}")
    return sum(used) / 1024


def trend(points: list[tuple[float, float]]) -> tuple[float, float, str]:
    """Slope (MiB/min) and standard error over the second half, and the verdict."""
    if not points:
        return math.nan, math.nan, "no samples"
    half = points[-1][0] / 2
    second = [p for p in points if p[0] >= half]
    slope, error = benchlib.slope_per_minute(second)
    if len(second) < 3:
        return slope, error, "too few samples for a verdict"
    if slope < 1.0 or (not math.isnan(error) and slope < 2 * error):
        return slope, error, "no upward trend"
    return slope, error, "UPWARD TREND"


def soak_run(app: str, run: int, stub: benchlib.ProxyStub | None, args: argparse.Namespace) -> dict:
    mode, proxy = ("litellm", stub.url) if stub else ("echo", None)
    if stub:
        stub.reset()
    with benchlib.Service(app, f"soak-{run}", mode=mode, proxy_url=proxy, jvm_opts=benchlib.jvm_opts(args),
                          env=benchlib.stub_service_env() if stub else None,
                          data_dir_parent=args.data_dir_parent) as service:
        client = benchlib.KeepAliveClient(service.url)
        tag = f"soak{time.time_ns()}"

        def job(i: int) -> None:
            status, body = client.request("POST", "/api/message",
                                          benchlib.message_body(f"soak {tag}-{i}", f"{tag}-{i}"))
            if status != 201:
                raise benchlib.BenchError(f"status {status}: {body[:200]!r}")

        def sample() -> dict:
            rss = service.rss_mb()
            return {"RSS MiB": rss, "heap after GC MiB": heap_after_full_gc(service.pid),
                    "backlog": service.work()["backlog"]}

        with benchlib.Sampler(sample, args.sample_every, final=True) as sampler:
            stats = benchlib.paced(args.rate, args.minutes * 60, job, args.workers)
        backlog_end = service.work()["backlog"]
        service.wait_idle(600)
        check = benchlib.answer_check(service.metrics(), stub) if stub else None
    print(f"  {stats.describe(args.rate)}", flush=True)
    samples = [{"min": t / 60, **v} for t, v in sampler.values if isinstance(v, dict)]
    failures = [v for _, v in sampler.values if not isinstance(v, dict)]
    if failures:
        print(f"  {len(failures)} samples failed, first: {failures[0]}")
    benchlib.print_table(samples, ["min", "RSS MiB", "heap after GC MiB", "backlog"], title=f"run {run}: samples")
    row = {"sender rate/s": stats.achieved_rate, "failed": stats.errors, "backlog end": backlog_end}
    for figure in ("RSS MiB", "heap after GC MiB"):
        slope, error, verdict = trend([(s["min"] * 60, s[figure]) for s in samples])
        row[f"{figure} slope/min"], row[f"{figure} stderr"], row[f"{figure} verdict"] = slope, error, verdict
        print(f"  {figure}: slope over the second half {benchlib.fmt(slope, 2)} MiB/min "
              f"(standard error {benchlib.fmt(error, 2)}): {verdict}")
    row["RSS max MiB"] = max((s["RSS MiB"] for s in samples), default=None)
    row["samples"] = samples
    if check:
        print(f"  answers: {check}")
        row["answers ok"] = check["ok"]
    if stats.achieved_rate < 0.95 * args.rate:
        print(f"  WARNING: the sender achieved {stats.achieved_rate:.0f}/s of the {args.rate:g}/s asked: "
              "add --workers, or the machine cannot drive this rate from Python")
    return row


def main() -> int:
    parser = benchlib.parser_for(__doc__)
    benchlib.common_args(parser, runs=1)
    parser.add_argument("--minutes", type=float, default=10, help="length of the load (default 10)")
    parser.add_argument("--rate", type=float, default=300, help="tasks per second (default 300)")
    parser.add_argument("--stub", action="store_true", help="through the proxy stub instead of echo mode")
    parser.add_argument("--sample-every", type=float, default=15, help="seconds between samples (default 15)")
    parser.add_argument("--workers", type=int, default=64, help="sender threads (default 64)")
    args = parser.parse_args()
    if args.smoke:
        args.runs, args.minutes, args.rate = 1, 1, 50
    benchlib.begin("soak", args, [f"{'litellm mode through the stub' if args.stub else 'echo mode'}; open loop "
                                  f"{args.rate:g} tasks/s for {args.minutes:g} min; a sample every "
                                  f"{args.sample_every:g} s (RSS, full GC, heap used)"])
    benchlib.ensure_jar(args.app, args.build)
    if not shutil.which("jcmd"):
        raise benchlib.BenchError("jcmd (from the JDK) is needed for the post-GC heap")
    with benchlib.ProxyStub() if args.stub else contextlib.nullcontext() as stub:
        if stub:
            benchlib.measure_stub(stub, args.workers)
        runs = [{"run": run, **soak_run(args.app, run, stub, args)} for run in range(1, args.runs + 1)]
    benchlib.print_table(runs, ["run", "sender rate/s", "failed", "backlog end", "RSS max MiB", "RSS MiB slope/min",
                                "RSS MiB verdict", "heap after GC MiB slope/min", "heap after GC MiB stderr",
                                "heap after GC MiB verdict"], title="Per run", digits=2)
    samples = [s for r in runs for s in r["samples"]]
    benchlib.print_summary(samples, ["RSS MiB", "heap after GC MiB", "backlog"],
                           title="Over the samples: min / median / max", unit="samples")
    if args.runs > 1:
        benchlib.print_summary(runs, ["sender rate/s", "RSS MiB slope/min", "heap after GC MiB slope/min"])
    if any(r.get("answers ok") is False for r in runs):
        raise benchlib.BenchError("some answers were not the stub's")
    return 0


if __name__ == "__main__":
    benchlib.run(main)
