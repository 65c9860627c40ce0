#!/usr/bin/env python3
"""What the gateway adds to each model call, at a steady rate, end to end as a client sees it.

Starts bench/FastProxyStub.java (LiteLLM-shaped, measures its own service time per completion)
and measures it alone with wrk first. Then per run a FRESH gateway in litellm mode against it and
an open-loop paced sender (threads; task i is POSTed at start + i/rate whatever earlier tasks are
doing): a warm-up at the rate (not counted), then --rate tasks/s for --duration s. For each task:
  POST /api/message sent  ->  201  ->  GET /api/stream/task/{id} opened at once (http.client,
  chunked SSE)  ->  the event with "final": true read  =  end to end (client clock, perf_counter)
and the stub's own time for that task's completion (found by the task's unique text in
GET /stub/calls). Printed per run as p50 / p90 / p99 / max over the tasks (ms):
  - ack: POST -> 201 (durable acknowledgement);
  - end to end, the stub's own time, and overhead = end to end - stub time (what the gateway and
    this client add: HTTP, two fsync'd commits before the call, the call's HTTP client, the
    commits after it, the SSE hand-over);
  - before the call (POST sent -> stub received) and after it (stub answered -> final event read),
    from the wall clocks of the client and the stub (same machine, same clock; microseconds);
  - from the task's own events: TASK_CREATED -> final transition minus stub time, and the
    MODEL_CALL_COMPLETED duration_ms minus stub time (the gateway's call overhead). Event ts and
    duration_ms have MILLISECOND precision only: each of these values is +-1 ms.
Beside them, LiteLLM's own published proxy overhead (p50 2 ms / p99 13 ms at ~1,000 RPS; a
constant, not measured here). Ends with min / median / max over the runs.

NOISE WARNING: the sender (Python), the stub, the gateway and its fsyncs share the machine's
cores; the client-side figures include the sender's own scheduling. Compare runs made back to
back; never read one run as a capacity figure.

Usage:  bench/overhead.py [--rate 50] [--duration 30] [--warmup 10] [--runs 3] [--stub-delay-ms 0] [--save]
Smoke:  bench/overhead.py --smoke   (one run, 3 s warm-up + 5 s)
Runs:   about 5 s (stub) + (warmup + duration + ~10) s per run: 2.5 min by default.
"""
from __future__ import annotations

import argparse
import http.client
import json
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from datetime import datetime

import benchlib

LITELLM_PUBLISHED = {"p50": 2.0, "p90": None, "p99": 13.0, "max": None}
FIGURES = ["ack (POST -> 201)", "end to end", "stub's own time", "OVERHEAD (end to end - stub)",
           "before the call", "after the call", "events: created -> final - stub", "events: call duration - stub"]


@dataclass
class Probe:
    """One task as the client saw it."""
    text: str
    sent_wall_us: int = 0
    sent: float = 0.0
    acked: float = 0.0
    final: float = 0.0
    final_wall_us: int = 0
    data_lines: list = field(default_factory=list)


def wall_us() -> int:
    return time.time_ns() // 1000


def follow(base: str, task_id: str, probe: Probe) -> None:
    """Reads the task's SSE stream until the event marked final; notes when it arrived."""
    parsed = urllib.parse.urlparse(base)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)
    try:
        conn.request("GET", f"/api/stream/task/{task_id}", headers={"Accept": "text/event-stream"})
        response = conn.getresponse()
        if response.status != 200:
            raise benchlib.BenchError(f"stream of {task_id}: status {response.status}")
        for line in iter(response.readline, b""):
            if line.startswith(b"data:"):
                if b'"final":true' in line:
                    probe.final, probe.final_wall_us = time.perf_counter(), wall_us()
                    probe.data_lines.append(line)
                    return
                probe.data_lines.append(line)
        raise benchlib.BenchError(f"stream of {task_id} ended without a final event")
    finally:
        conn.close()


def send_tasks(service: benchlib.Service, rate: float, seconds: float, tag: str, workers: int):
    """The paced run: every task POSTed at its planned time, then followed to its final event."""
    client = benchlib.KeepAliveClient(service.url)
    probes: dict[int, Probe] = {}
    lock = threading.Lock()

    def job(i: int) -> None:
        probe = Probe(text=f"overhead probe {tag}-{i}")
        probe.sent_wall_us, probe.sent = wall_us(), time.perf_counter()
        status, body = client.request("POST", "/api/message", benchlib.message_body(probe.text, f"{tag}-{i}"))
        probe.acked = time.perf_counter()
        if status != 201:
            raise benchlib.BenchError(f"POST /api/message: {status}")
        follow(service.url, json.loads(body)["task_id"], probe)
        with lock:
            probes[i] = probe

    stats = benchlib.paced(rate, seconds, job, workers)
    return probes, stats


def parse_ts_ms(ts: str) -> float:
    return datetime.strptime(ts, "%Y-%m-%dT%H:%M:%S.%f%z").timestamp() * 1000


def figures(probes: dict[int, Probe], calls: dict[str, dict]) -> tuple[dict[str, list[float]], int, int]:
    """Per figure, its values over the tasks; plus (tasks without a stub call, non-stub answers)."""
    values = {name: [] for name in FIGURES}
    unmatched = not_stub = 0
    for probe in probes.values():
        call = calls.get(probe.text)
        if call is None:
            unmatched += 1
            continue
        stub_ms = call["service_us"] / 1000
        e2e = (probe.final - probe.sent) * 1000
        events = [json.loads(line[5:]) for line in probe.data_lines]
        created = next(e for e in events if e["type"] == "TASK_CREATED")
        completed = next((e["payload"] for e in events if e["type"] == "MODEL_CALL_COMPLETED"), {})
        if completed.get("is_fallback", True) or completed.get("cost_source") != "proxy_header":
            not_stub += 1
        for name, value in zip(FIGURES, [
                (probe.acked - probe.sent) * 1000, e2e, stub_ms, e2e - stub_ms,
                (call["arrival_us"] - probe.sent_wall_us) / 1000, (probe.final_wall_us - call["departure_us"]) / 1000,
                parse_ts_ms(events[-1]["ts"]) - parse_ts_ms(created["ts"]) - stub_ms,
                completed.get("duration_ms", float("nan")) - stub_ms]):
            values[name].append(value)
    return values, unmatched, not_stub


def overhead_run(app: str, name: str, stub: benchlib.ProxyStub, args: argparse.Namespace) -> dict:
    stub.reset()
    with benchlib.Service(app, name, mode="litellm", proxy_url=stub.url, jvm_opts=benchlib.jvm_opts(args),
                          env=benchlib.stub_service_env(), data_dir_parent=args.data_dir_parent) as service:
        if args.warmup > 0:
            send_tasks(service, args.rate, args.warmup, f"warm{time.time_ns()}", args.workers)
            service.wait_idle()
        since = wall_us()
        probes, stats = send_tasks(service, args.rate, args.duration, f"run{time.time_ns()}", args.workers)
        print(f"  {stats.describe(args.rate)}", flush=True)
        check = benchlib.answer_check(service.metrics(), stub)
        calls = stub.calls(since - 1_000_000)
    values, unmatched, not_stub = figures(probes, calls)
    if not values["end to end"]:
        raise benchlib.BenchError("no task was followed to its end and matched to a stub call")
    spreads = {name: benchlib.distribution(v) for name, v in values.items()}
    rows = [{"figure": name, **spreads[name]} for name in FIGURES]
    rows.append({"figure": "LiteLLM proxy overhead, published (constant)", **LITELLM_PUBLISHED, "n": None})
    benchlib.print_table(rows, ["figure", "n", "p50", "p90", "p99", "max"], title=f"{name}: per task, ms", digits=2)
    if unmatched or not_stub or not check["ok"]:
        print(f"  WARNING: {unmatched} tasks without a stub call, {not_stub} answers not from the stub, "
              f"check {check}")
    out = {"tasks": len(probes), "sender rate/s": stats.achieved_rate, "failed": stats.errors,
           "all answers real": check["ok"] and not not_stub}
    for name in FIGURES:
        short = name.split(" (")[0]
        out[f"{short} p50"] = spreads[name]["p50"]
        out[f"{short} p99"] = spreads[name]["p99"]
    return out


def main() -> int:
    parser = benchlib.parser_for(__doc__)
    benchlib.common_args(parser, runs=3)
    parser.add_argument("--rate", type=float, default=50, help="tasks per second (default 50)")
    parser.add_argument("--duration", type=float, default=30, help="measured seconds per run (default 30)")
    parser.add_argument("--warmup", type=float, default=10, help="warm-up seconds at the rate (default 10)")
    parser.add_argument("--workers", type=int, default=32, help="sender threads (default 32)")
    parser.add_argument("--stub-delay-ms", type=int, default=0, help="the stub's fixed delay per completion")
    parser.add_argument("--stub-connections", type=int, default=8,
                        help="connections of the stub-alone measurement (default 8: about the calls in flight)")
    args = parser.parse_args()
    if args.smoke:
        args.runs, args.warmup, args.duration = 1, 3, 5
    benchlib.begin("overhead", args, [f"litellm mode through bench/FastProxyStub.java (delay {args.stub_delay_ms} ms);"
                                      f" fresh service per run; open loop {args.rate:g} tasks/s, {args.warmup:g} s "
                                      f"warm-up + {args.duration:g} s measured"])
    benchlib.ensure_jar(args.app, args.build)
    benchlib.ensure_wrk()
    runs = []
    with benchlib.ProxyStub(delay_ms=args.stub_delay_ms) as stub:
        benchlib.measure_stub(stub, args.stub_connections)
        for run in range(1, args.runs + 1):
            runs.append({"run": run, **overhead_run(args.app, f"overhead-{run}", stub, args)})
    columns = [c for c in runs[0] if c not in ("run", "all answers real")]
    benchlib.print_table(runs, ["run", "tasks", "sender rate/s", "failed", "OVERHEAD p50", "OVERHEAD p99",
                                "all answers real"], title="Per run")
    benchlib.print_summary(runs, columns)
    print(f"LiteLLM's published proxy overhead for comparison: p50 {LITELLM_PUBLISHED['p50']:g} ms, "
          f"p99 {LITELLM_PUBLISHED['p99']:g} ms at ~1,000 RPS (their hardware, not measured here)")
    if not all(r["all answers real"] for r in runs):
        raise benchlib.BenchError("some answers were not the stub's")
    return 0


if __name__ == "__main__":
    benchlib.run(main)
