#!/usr/bin/env python3
"""The disk's floor: fsync'd SQLite commits per second on this filesystem.

What the gateway's durable acknowledgement stands on: Python's sqlite3 on a fresh file in the
given directory, with the gateway's settings (PRAGMA journal_mode=WAL; synchronous=FULL, so every
commit fsyncs the WAL), committing in a loop for N seconds with 1 row per commit (one task
acknowledged alone) and then with 50 rows per commit (a group commit of a busy moment). Rows are
shaped like an event row (~300 bytes of JSON payload). Prints commits/s, rows/s and commit
latency p50/p99, then min / median / max over the runs. Importable: measure_floor(dir, seconds).
When 50 rows per commit give far fewer commits/s than 1 row, the fsync is cheap and that figure is
bound by Python's own inserts, not by the disk: read the 1-row figure as the disk's floor.

NOISE WARNING: a virtual disk's fsync time depends on the host and its other tenants; compare
runs made back to back on the same machine.

Usage:  bench/disk_floor.py [--dir /tmp] [--seconds 10] [--runs 3] [--save]
Smoke:  bench/disk_floor.py --smoke      (one run, 2 s per row count)
Runs:   2 x seconds x runs (1 min by default).
"""
from __future__ import annotations

import json
import os
import sqlite3
import time
import uuid

import benchlib

ROWS_PER_COMMIT = (1, 50)
PAYLOAD = json.dumps({"from_status": "RUNNING", "to_status": "SUCCEEDED", "reason": "model call completed",
                      "model_name": "gpt-4o-mini", "provider": "openai", "cost_usd": 1.35e-05,
                      "token_usage": {"prompt_tokens": 10, "completion_tokens": 20, "total_tokens": 30},
                      "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736", "span_id": "00f067aa0ba902b7",
                      "note": "x" * 40})


def _commit_loop(db: sqlite3.Connection, seconds: float, rows: int) -> tuple[int, list[float]]:
    """Commits ``rows`` rows per transaction for ``seconds``; returns (commits, commit latencies ms)."""
    commits, latencies = 0, []
    task_id = uuid.uuid4().hex
    deadline = time.monotonic() + seconds
    seq = 0
    while time.monotonic() < deadline:
        # Ids ordered like the gateway's ULIDs, the rows built before the clock starts and inserted
        # with executemany: what is timed is SQLite and the disk, as little Python as possible.
        batch = [(f"{task_id}{seq + i:010d}", task_id, seq + i, "2026-11-26T12:00:00.000Z", "STATE_TRANSITION",
                  PAYLOAD) for i in range(1, rows + 1)]
        seq += rows
        started = time.perf_counter()
        db.execute("BEGIN")
        db.executemany("INSERT INTO events (event_id, task_id, task_seq, ts, type, payload) VALUES (?, ?, ?, ?, ?, ?)",
                       batch)
        db.execute("COMMIT")
        latencies.append((time.perf_counter() - started) * 1000)
        commits += 1
    return commits, latencies


def measure_floor(directory: str, seconds: float, rows_per_commit=ROWS_PER_COMMIT) -> dict[int, dict]:
    """For each row count: commits/s, rows/s and commit latency on a fresh WAL file in ``directory``."""
    results = {}
    os.sync()  # dirty pages left by a run just before would otherwise be flushed into this measurement
    with benchlib.temp_dir(directory, "octoagent-disk-floor-") as path:
        db = sqlite3.connect(os.path.join(path, "floor.db"), isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            db.execute("CREATE TABLE events (event_id TEXT PRIMARY KEY, task_id TEXT NOT NULL, task_seq INTEGER "
                       "NOT NULL, ts TEXT NOT NULL, type TEXT NOT NULL, payload TEXT NOT NULL)")
            for rows in rows_per_commit:
                _commit_loop(db, min(0.5, seconds), rows)  # warm the file and the page cache
                commits, latencies = _commit_loop(db, seconds, rows)
                spread = benchlib.distribution(latencies)
                results[rows] = {"commits_per_s": commits / seconds, "rows_per_s": commits * rows / seconds,
                                 "commit_p50_ms": spread["p50"], "commit_p99_ms": spread["p99"]}
        finally:
            db.close()
    return results


def main() -> int:
    parser = benchlib.parser_for(__doc__)
    benchlib.common_args(parser, runs=3, service=False)
    parser.add_argument("--dir", help="directory on the filesystem to measure (default: --data-dir-parent)")
    parser.add_argument("--seconds", type=float, default=10, help="seconds per row count (default 10)")
    args = parser.parse_args()
    if args.dir:
        args.data_dir_parent = args.dir
    if args.smoke:
        args.runs, args.seconds = 1, 2
    benchlib.begin("disk_floor", args)
    runs = []
    for run in range(1, args.runs + 1):
        floor = measure_floor(args.data_dir_parent, args.seconds)
        row = {"run": run}
        for rows, figures in floor.items():
            name = f"{rows} row{'s' if rows > 1 else ''}"
            row.update({f"{name}: commits/s": figures["commits_per_s"], f"{name}: p50 ms": figures["commit_p50_ms"],
                        f"{name}: p99 ms": figures["commit_p99_ms"]})
            if rows > 1:
                row[f"{name}: rows/s"] = figures["rows_per_s"]
        runs.append(row)
    columns = [c for c in runs[0] if c != "run"]
    benchlib.print_table(runs, ["run", *columns], title="Per run")
    benchlib.print_summary(runs, columns)
    return 0


if __name__ == "__main__":
    benchlib.run(main)
