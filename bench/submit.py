#!/usr/bin/env python3
"""Durable submissions: how many POST /api/message per second the packaged gateway acknowledges.

A 201 means the task and its first events are fsynced (group commit, synchronous=FULL). Each run
starts a FRESH service (echo mode: no proxy; a fresh data directory: more reproducible than one
long-lived service), warms it up (--warmup s of the same load, not counted; then waits until the
warm-up's tasks are processed), then runs wrk with --connections clients for --duration s, every
request with a unique idempotency key (bench/submit.lua). OCTOAGENT_MAX_BACKLOG is raised to
1,000,000 so that the processing of the tasks, which lags behind the acknowledgements, never turns
them into 429 BACKLOG_FULL: what is measured is the durable submission path, not the pipeline's
drain rate (that is bench/tasks.py; --max-backlog 10000 restores the service's default).
Per run: 201/s, latency p50/p90/p99/max, non-201 answers (429s counted apart) and socket errors,
the gateway's own commits/s and operations per commit (from /q/metrics), and the disk's floor
measured right after on the same filesystem (bench/disk_floor.py: fsync'd SQLite commits/s with 1
and 50 rows per commit) with acks/s as a ratio of each: above 1 against the 1-row floor means
group commit shares fsyncs. Ends with min / median / max.

NOISE WARNING: wrk, the JVM (JIT, GC) and the fsyncs share the machine's cores and disk with
anything else running; compare runs made back to back, never read one run as a capacity figure.

Usage:  bench/submit.py [--connections 64] [--duration 60] [--warmup 15] [--runs 3] [--save]
Smoke:  bench/submit.py --smoke   (one run, 10 s warm-up + 20 s; exits non-zero only if the service
        did not start or acknowledged nothing; figures are not judged)
Runs:   about (warmup + drain of the warm-up's tasks + duration + 2 x floor-seconds + ~10) s per run:
        5-7 min by default.
"""
from __future__ import annotations

import argparse

import benchlib
import disk_floor


def add_load_args(parser: argparse.ArgumentParser) -> None:
    """The submit load's options (ab.py runs the same load)."""
    parser.add_argument("--connections", type=int, default=64, help="wrk connections (default 64)")
    parser.add_argument("--duration", type=float, default=60, help="measured seconds per run (default 60)")
    parser.add_argument("--warmup", type=float, default=15, help="warm-up seconds per run, not counted (default 15)")
    parser.add_argument("--wrk-threads", type=int, default=None, help="wrk threads (default: the core count)")
    parser.add_argument("--max-backlog", type=int, default=1_000_000,
                        help="OCTOAGENT_MAX_BACKLOG (default 1,000,000: never full, so every answer is a real "
                             "acknowledgement; 10000 is the service's own default)")


def submit_run(app: str, name: str, args: argparse.Namespace, floor_seconds: float = 0) -> dict:
    """One run on a fresh echo-mode service: warm-up, drain, measured wrk; then the disk floor."""
    with benchlib.Service(app, name, mode="echo", jvm_opts=benchlib.jvm_opts(args),
                          env={"OCTOAGENT_MAX_BACKLOG": str(args.max_backlog)},
                          data_dir_parent=args.data_dir_parent) as service:
        url = service.url + "/api/message"
        if args.warmup > 0:
            benchlib.run_wrk(url, connections=args.connections, duration_s=args.warmup, threads=args.wrk_threads,
                             env={"BENCH_LABEL": "warm-up"})
            service.wait_idle(300)
        before = service.metrics()
        result = benchlib.run_wrk(url, connections=args.connections, duration_s=args.duration,
                                  threads=args.wrk_threads)
        after = service.metrics()
        ready_s = service.start_to_ready_s

    def delta(metric: str) -> float:
        return after.get(metric) - before.get(metric)

    commits = delta("octoagent_store_commit_latency_seconds_count")
    row = {"ready s": ready_s, "201/s": result.ok_per_s, "201": result.ok, "p50 ms": result.p50,
           "p90 ms": result.p90, "p99 ms": result.p99, "max ms": result.max, "non-201": result.requests - result.ok,
           "429": result.statuses.get(429, 0),
           "socket errors": sum(result.socket_errors.values()), "commits/s": commits / result.duration_s,
           "ops/commit": delta("octoagent_store_commit_batch_size_operations_sum") / commits if commits else None}
    if floor_seconds > 0:
        floor = disk_floor.measure_floor(args.data_dir_parent, floor_seconds)
        row.update({"floor 1-row commits/s": floor[1]["commits_per_s"],
                    "floor 50-row commits/s": floor[50]["commits_per_s"],
                    "acks / 1-row floor": result.ok_per_s / floor[1]["commits_per_s"],
                    "acks / 50-row floor": result.ok_per_s / floor[50]["commits_per_s"]})
    return row


def main() -> int:
    parser = benchlib.parser_for(__doc__)
    benchlib.common_args(parser, runs=3)
    add_load_args(parser)
    parser.add_argument("--floor-seconds", type=float, default=5,
                        help="seconds per row count of the disk floor after each run (default 5; 0 = skip)")
    args = parser.parse_args()
    if args.smoke:
        args.runs, args.warmup, args.duration, args.floor_seconds = 1, 10, 20, 2
    benchlib.begin("submit", args, [f"echo mode, fresh service and data directory per run; wrk {args.connections} "
                                    f"connections, {args.warmup:g} s warm-up + {args.duration:g} s measured; "
                                    f"OCTOAGENT_MAX_BACKLOG={args.max_backlog}"])
    benchlib.ensure_jar(args.app, args.build)
    benchlib.ensure_wrk()
    runs = []
    for run in range(1, args.runs + 1):
        row = {"run": run, **submit_run(args.app, f"submit-{run}", args, args.floor_seconds)}
        runs.append(row)
        print(f"run {run}: {row['201/s']:,.0f} acks/s, p50 {row['p50 ms']:.2f} ms, p99 {row['p99 ms']:.2f} ms, "
              f"{row['non-201']} non-201 ({row['429']} of them 429 BACKLOG_FULL), {row['socket errors']} socket "
              "errors", flush=True)
        if row["429"]:
            print("  the backlog filled (OCTOAGENT_MAX_BACKLOG): from then on acknowledgements wait for processing, "
                  "and the latency percentiles mix in the fast 429s", flush=True)
    columns = [c for c in runs[0] if c not in ("run", "201", "429")]
    benchlib.print_table(runs, ["run", *columns], title="Per run")
    benchlib.print_summary(runs, columns)
    if sum(r["201"] for r in runs) == 0:
        raise benchlib.BenchError("the service acknowledged nothing (no 201)")
    return 0


if __name__ == "__main__":
    benchlib.run(main)
