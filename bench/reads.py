#!/usr/bin/env python3
"""Read latency with a big store: task detail and task list, with --tasks tasks in SQLite.

Seeds the store through the API (a service in echo mode, wrk with unique keys as fast as it
acknowledges; the seeding rate and the time to finish processing are printed), unless
--reuse-data DIR names a data directory that already holds a store (an empty or new DIR is
seeded and KEPT, for the next --reuse-data). The task ids are then read from the SQLite file
READ-ONLY (table tasks), and the list API's own cursors are checked against them for the first
pages (the cursor is the last task id of the previous page). Then, per run and per endpoint, wrk
with --connections clients for --duration s (bench/submit.lua in GET mode: a random path from a
file per request):
  - detail:                 GET /api/tasks/{random existing id}
  - list, first page:       GET /api/tasks                       (50 newest)
  - list, random page:      GET /api/tasks?cursor={random id}    (a page anywhere in the list)
  - list, SUCCEEDED:        GET /api/tasks?status=SUCCEEDED      (filtered, index tasks_by_status)
  - list, FAILED (none):    GET /api/tasks?status=FAILED         (a filter nothing matches)
Prints req/s, p50/p99/max and errors per endpoint and run, then min / median / max per endpoint.
Every endpoint gets a --warmup s wrk pass first (JIT), not counted.

NOISE WARNING: wrk and the JVM share the machine's cores; compare runs made back to back, never
read one run as a capacity figure.

Usage:  bench/reads.py [--tasks 100000] [--connections 32] [--duration 20] [--runs 3]
                       [--reuse-data DIR] [--save]
Smoke:  bench/reads.py --smoke   (2,000 tasks, one run of 5 s per endpoint)
Runs:   seeding (100,000 tasks: about 2-4 min) + 5 x (warmup + runs x duration) s: 5-6 min more.
"""
from __future__ import annotations

import argparse
import os
import sqlite3
from pathlib import Path

import benchlib

ENDPOINTS = {
    "detail": lambda ids: [f"/api/tasks/{i}" for i in ids],
    "list, first page": lambda ids: ["/api/tasks"],
    "list, random page": lambda ids: [f"/api/tasks?cursor={i}" for i in ids],
    "list, SUCCEEDED": lambda ids: ["/api/tasks?status=SUCCEEDED"],
    "list, FAILED (none)": lambda ids: ["/api/tasks?status=FAILED"],
}


def seed(service: benchlib.Service, tasks: int, args: argparse.Namespace) -> None:
    """Submits ``tasks`` tasks with wrk as fast as they are acknowledged, then lets them finish."""
    threads = max(1, min(args.wrk_threads or benchlib.CORES, args.seed_connections))
    quota = -(-tasks // threads)  # each wrk thread stops after its share; together at least ``tasks``

    def enough() -> bool:
        return service.metrics().get("octoagent_tasks_submitted_total") >= quota * threads

    result = benchlib.run_wrk(service.url + "/api/message", connections=args.seed_connections, duration_s=3600,
                              threads=threads, env={"BENCH_QUOTA": str(quota), "BENCH_LABEL": "seed"},
                              until=enough)
    drain_s = service.wait_idle(args.drain_timeout)
    print(f"seeded {result.ok:,} tasks in {result.duration_s:.1f} s: {result.ok_per_s:,.0f} acknowledged/s "
          f"(p50 {result.p50:.1f} ms, p99 {result.p99:.1f} ms, {result.errors} errors); processing finished "
          f"{drain_s:.1f} s later", flush=True)


def task_ids(db: Path) -> list[str]:
    """Every task id, newest first, read from the SQLite file read-only (the service keeps running)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return [row[0] for row in conn.execute("SELECT task_id FROM tasks ORDER BY task_id DESC")]
    finally:
        conn.close()


def check_cursors(service: benchlib.Service, ids: list[str], pages: int = 3) -> None:
    """The API's next_cursor of the first pages is the id the file says (so random cursors are real ones)."""
    cursor = ""
    for page in range(pages):
        answer = benchlib.get_json(service.url, "/api/tasks" + (f"?cursor={cursor}" if cursor else ""))
        cursor = answer["next_cursor"]
        expected = ids[(page + 1) * 50 - 1] if len(ids) > (page + 1) * 50 else None
        if cursor != expected:
            raise benchlib.BenchError(f"page {page + 1}: next_cursor {cursor}, the store says {expected}")
    print(f"cursor check: the first {pages} pages' next_cursor match the store's ids", flush=True)


def measure(service: benchlib.Service, paths_file: str, args: argparse.Namespace, seconds: float,
            label: str) -> benchlib.WrkResult:
    return benchlib.run_wrk(service.url, connections=args.connections, duration_s=seconds, threads=args.wrk_threads,
                            env={"BENCH_PATHS_FILE": paths_file, "BENCH_LABEL": label})


def main() -> int:
    parser = benchlib.parser_for(__doc__)
    benchlib.common_args(parser, runs=3)
    parser.add_argument("--tasks", type=int, default=100_000, help="tasks in the store (default 100,000)")
    parser.add_argument("--reuse-data", metavar="DIR",
                        help="a data directory to read (seeded first, and kept, if it holds no store yet)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections for reads (default 32)")
    parser.add_argument("--seed-connections", type=int, default=64, help="wrk connections for seeding (default 64)")
    parser.add_argument("--duration", type=float, default=20, help="seconds per endpoint per run (default 20)")
    parser.add_argument("--warmup", type=float, default=5, help="warm-up seconds per endpoint (default 5)")
    parser.add_argument("--wrk-threads", type=int, default=None, help="wrk threads (default: the core count)")
    parser.add_argument("--drain-timeout", type=float, default=1800,
                        help="seconds to wait for the seeded tasks to be processed (default 1800)")
    args = parser.parse_args()
    if args.smoke:
        args.runs, args.duration, args.warmup, args.tasks = 1, 5, 2, min(args.tasks, 2000)
    reuse = args.reuse_data and Path(args.reuse_data, "octoagent.db").exists()
    if args.reuse_data:
        os.makedirs(args.reuse_data, exist_ok=True)
        args.data_dir_parent = str(Path(args.reuse_data).resolve().parent)
    store = f"the store in {args.reuse_data}" if reuse else f"{args.tasks:,} tasks seeded"
    benchlib.begin("reads", args, [f"echo mode; {store}; wrk {args.connections} connections, "
                                   f"{args.duration:g} s per endpoint and run"])
    benchlib.ensure_jar(args.app, args.build)
    benchlib.ensure_wrk()
    results = {name: [] for name in ENDPOINTS}
    # A backlog that never fills: seeding goes as fast as acknowledgements, not 429 BACKLOG_FULL retries.
    with benchlib.Service(args.app, "reads", mode="echo", jvm_opts=benchlib.jvm_opts(args),
                          env={"OCTOAGENT_MAX_BACKLOG": "1000000"},
                          data_dir_parent=args.data_dir_parent, data_dir=args.reuse_data) as service, \
            benchlib.temp_dir(prefix="octoagent-bench-paths-") as paths_dir:
        if not reuse:
            seed(service, args.tasks, args)
        ids = task_ids(service.db_path())
        print(f"{len(ids):,} tasks in the store", flush=True)
        if not ids:
            raise benchlib.BenchError("the store holds no task")
        check_cursors(service, ids)
        files = {}
        for name, paths in ENDPOINTS.items():
            files[name] = os.path.join(paths_dir, f"{len(files)}.txt")
            Path(files[name]).write_text("\n".join(paths(ids)) + "\n")
            if args.warmup > 0:
                measure(service, files[name], args, args.warmup, "warm-up")
        for run in range(1, args.runs + 1):
            for name in ENDPOINTS:
                r = measure(service, files[name], args, args.duration, name)
                results[name].append({"endpoint": name, "run": run, "req/s": r.ok_per_s, "p50 ms": r.p50,
                                      "p90 ms": r.p90, "p99 ms": r.p99, "max ms": r.max, "errors": r.errors})
    benchlib.print_table([row for rows in results.values() for row in rows],
                         ["endpoint", "run", "req/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "errors"],
                         title="Per endpoint and run")
    summary_rows = []
    for name, rows in results.items():
        row = {"endpoint": name}
        for figure in ("req/s", "p50 ms", "p99 ms"):
            row[f"{figure} min"], row[f"{figure} median"], row[f"{figure} max"] = \
                benchlib.summary([r[figure] for r in rows])
        summary_rows.append(row)
    benchlib.print_table(summary_rows, list(summary_rows[0]),
                         title=f"Over the runs: min / median / max ({args.runs} run(s), {len(ids):,} tasks)")
    if any(r["errors"] for rows in results.values() for r in rows):
        raise benchlib.BenchError("some reads failed (see the errors column)")
    return 0


if __name__ == "__main__":
    benchlib.run(main)
