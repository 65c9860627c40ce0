#!/usr/bin/env python3
"""End-to-end tasks through a LiteLLM-shaped proxy: submissions/s and completed tasks/s.

Starts bench/FastProxyStub.java (answers like LiteLLM 1.77.1: x-litellm-* headers, cost header,
/model/info) and first measures the stub ALONE with wrk (5 s, the same connections), so the
gateway's figures can be read against it. Then per run a FRESH gateway in litellm mode with
LITELLM_PROXY_URL = the stub (default alias "main" -> group "main" -> the stub's gpt-4o;
OCTOAGENT_LLM_MAX_CONCURRENCY as given), a warm-up (not counted; its tasks drained), and wrk
(--connections clients, unique keys, bench/submit.lua) for --duration s. Per run:
  - submissions/s (201s) and the submit latency p50/p99; non-201 answers (429 BACKLOG_FULL);
  - completed tasks/s: tasks that reached SUCCEEDED during the window (octoagent_tasks_finished_total);
  - the backlog (tasks acknowledged, waiting for a slot) at the start, the end and its maximum,
    sampled every 5 s: sustained means completed/s keeps up and the backlog does not keep growing;
  - after draining: every answer real — no echo answer (gen_ai_client_operation_duration_seconds
    by provider), no fallback (octoagent_llm_fallbacks_total), no failed task, stub completions ==
    SUCCEEDED tasks, and the newest --sample tasks' MODEL_CALL_COMPLETED name the stub's model with
    cost_source proxy_header. A run whose check fails makes the script exit 1.

NOISE WARNING: wrk, the stub, the gateway and its fsyncs share the machine's cores; compare runs
made back to back, never read one run as a capacity figure.

Usage:  bench/tasks.py [--connections 64] [--duration 60] [--warmup 10] [--runs 3] [--stub-delay-ms 0]
                       [--max-concurrency 64] [--save]
Smoke:  bench/tasks.py --smoke    (one run, 5 s warm-up + 10 s)
Runs:   about 5 s (stub) + (warmup + duration + drain + ~10) s per run: 4-5 min by default.
"""
from __future__ import annotations

import argparse

import benchlib


def sample_answers(service: benchlib.Service, count: int) -> tuple[int, list[str]]:
    """Checks the newest ``count`` tasks' MODEL_CALL_COMPLETED; returns (checked, problems)."""
    problems = []
    tasks = benchlib.get_json(service.url, f"/api/tasks?limit={count}")["tasks"]
    for task in tasks:
        detail = benchlib.get_json(service.url, f"/api/tasks/{task['task_id']}")
        completed = [e["payload"] for e in detail["events"] if e["type"] == "MODEL_CALL_COMPLETED"]
        if len(completed) != 1:
            problems.append(f"{task['task_id']}: {len(completed)} MODEL_CALL_COMPLETED")
            continue
        p = completed[0]
        if p.get("is_fallback") or p.get("model_name") != benchlib.STUB_MODEL["main"] \
                or p.get("cost_source") != "proxy_header":
            problems.append(f"{task['task_id']}: model_name={p.get('model_name')} provider={p.get('provider')} "
                            f"is_fallback={p.get('is_fallback')} cost_source={p.get('cost_source')}")
    return len(tasks), problems


def tasks_run(app: str, name: str, stub: benchlib.ProxyStub, args: argparse.Namespace) -> dict:
    stub.reset()  # the answer check counts the stub's completions from here
    with benchlib.Service(app, name, mode="litellm", proxy_url=stub.url, jvm_opts=benchlib.jvm_opts(args),
                          env=benchlib.stub_service_env(args.max_concurrency),
                          data_dir_parent=args.data_dir_parent) as service:
        proxy = benchlib.get_json(service.url, "/ready?profile=llm")["checks"]["litellm_proxy"]
        if proxy != "ok":
            raise benchlib.BenchError(f"the gateway does not see the stub as healthy: litellm_proxy={proxy}")
        url = service.url + "/api/message"
        if args.warmup > 0:
            benchlib.run_wrk(url, connections=args.connections, duration_s=args.warmup, threads=args.wrk_threads,
                             env={"BENCH_LABEL": "warm-up"})
            service.wait_idle(args.drain_timeout)
        before = service.metrics()
        backlog_start = service.work()["backlog"]
        with benchlib.Sampler(lambda: service.work()["backlog"], 5) as backlog:
            result = benchlib.run_wrk(url, connections=args.connections, duration_s=args.duration,
                                      threads=args.wrk_threads)
        at_end = service.metrics()
        backlog_end = service.work()["backlog"]
        drain_s = service.wait_idle(args.drain_timeout)
        check = benchlib.answer_check(service.metrics(), stub)
        checked, problems = sample_answers(service, args.sample)
        ready_s = service.start_to_ready_s
    series = [v for _, v in backlog.values if isinstance(v, (int, float))] + [backlog_end]
    completed = (at_end.get("octoagent_tasks_finished_total", status="SUCCEEDED")
                 - before.get("octoagent_tasks_finished_total", status="SUCCEEDED"))
    print(f"  backlog every 5 s, then at the end: {series}", flush=True)
    for problem in problems[:5]:
        print(f"  NOT A STUB ANSWER: {problem}")
    check["ok"] = check["ok"] and not problems
    return {"ready s": ready_s, "submitted/s": result.ok_per_s, "completed/s": completed / result.duration_s,
            "submit p50 ms": result.p50, "submit p99 ms": result.p99, "non-201": result.requests - result.ok,
            "socket errors": sum(result.socket_errors.values()), "backlog start": backlog_start,
            "backlog end": backlog_end, "backlog max": max(series),
            "drain s": drain_s, **check, "sampled": checked}


def main() -> int:
    parser = benchlib.parser_for(__doc__)
    benchlib.common_args(parser, runs=3)
    parser.add_argument("--connections", type=int, default=64, help="wrk connections (default 64)")
    parser.add_argument("--duration", type=float, default=60, help="measured seconds per run (default 60)")
    parser.add_argument("--warmup", type=float, default=10, help="warm-up seconds per run (default 10)")
    parser.add_argument("--wrk-threads", type=int, default=None, help="wrk threads (default: the core count)")
    parser.add_argument("--stub-delay-ms", type=int, default=0, help="the stub's fixed delay per completion")
    parser.add_argument("--max-concurrency", type=int, default=None,
                        help="OCTOAGENT_LLM_MAX_CONCURRENCY (default: the service's, 64)")
    parser.add_argument("--sample", type=int, default=20, help="newest tasks whose answer is checked (default 20)")
    parser.add_argument("--drain-timeout", type=float, default=300, help="seconds to wait for the backlog to drain")
    args = parser.parse_args()
    if args.smoke:
        args.runs, args.warmup, args.duration = 1, 5, 10
    benchlib.begin("tasks", args, [f"litellm mode through bench/FastProxyStub.java (delay {args.stub_delay_ms} ms); "
                                   f"fresh service per run; wrk {args.connections} connections, "
                                   f"{args.warmup:g} s warm-up + {args.duration:g} s measured"])
    benchlib.ensure_jar(args.app, args.build)
    benchlib.ensure_wrk()
    runs = []
    with benchlib.ProxyStub(delay_ms=args.stub_delay_ms) as stub:
        benchlib.measure_stub(stub, args.connections, threads=args.wrk_threads)
        for run in range(1, args.runs + 1):
            row = {"run": run, **tasks_run(args.app, f"tasks-{run}", stub, args)}
            runs.append(row)
            print(f"run {run}: {row['submitted/s']:,.0f} submitted/s, {row['completed/s']:,.0f} completed/s, "
                  f"backlog {row['backlog start']} -> {row['backlog end']}, all answers from the stub: "
                  f"{'yes' if row['ok'] else 'NO'}", flush=True)
    benchlib.print_table(runs, ["run", "ready s", "submitted/s", "completed/s", "submit p50 ms", "submit p99 ms",
                                "non-201", "socket errors", "backlog start", "backlog end", "backlog max",
                                "drain s"], title="Per run: load")
    benchlib.print_table(runs, ["run", "succeeded", "stub completions", "echo answers", "fallbacks",
                                "not succeeded", "sampled", "ok"], title="Per run: were all answers real?")
    benchlib.print_summary(runs, ["submitted/s", "completed/s", "submit p50 ms", "submit p99 ms", "backlog end",
                                  "backlog max"])
    if not all(r["ok"] for r in runs):
        raise benchlib.BenchError("some answers were not the stub's (see the check table)")
    return 0


if __name__ == "__main__":
    benchlib.run(main)
