#!/usr/bin/env python3
"""A/B: two builds' durable submissions compared, run alternately A B A B (bench/submit.py's load).

A is a git ref (default: the latest tag, `git describe --tags --abbrev=0`; without a tag --a is
required), B the working tree's target/quarkus-app (or --b REF). A ref's jar is built once in a
detached git worktree under target/bench-ab/<sha> with ./mvnw -B -q package -DskipTests
-Djacoco.skip=true and reused by later calls (delete the directory and `git worktree prune` to
drop it); --a-app/--b-app take prebuilt quarkus-app directories instead. Each pair runs A then B,
each on a fresh service with the same warm-up and load as submit.py (echo mode, wrk, unique keys);
alternating spreads the machine's drift over both. Prints every run, the per-pair ratios B/A and
the ratio of the medians B/A for 201/s, p50 and p99 (201/s above 1: B acknowledges more; latency
below 1: B answers faster).

NOISE WARNING: on a shared machine a ratio within the spread of the per-pair ratios is not a
difference; compare the pairs, not one run.

Usage:  bench/ab.py --a REF [--b REF] [--pairs 3] [--connections 64] [--duration 60] [--warmup 15] [--save]
        bench/ab.py --a-app DIR --b-app DIR ...
Smoke:  bench/ab.py --smoke --a-app DIR --b-app DIR   (one pair, 3 s warm-up + 5 s)
Runs:   2 x pairs x (warmup + its drain + duration + ~10) s: about 11 min by default, plus a build
        per new ref.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
from pathlib import Path

import benchlib
import submit

AB_DIR = benchlib.ROOT / "target" / "bench-ab"
FIGURES = ("201/s", "p50 ms", "p99 ms")


def git(*args: str) -> str:
    done = subprocess.run(["git", *args], cwd=benchlib.ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise benchlib.BenchError(f"git {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout.strip()


def latest_tag() -> str | None:
    done = subprocess.run(["git", "describe", "--tags", "--abbrev=0"], cwd=benchlib.ROOT, capture_output=True,
                          text=True)
    return done.stdout.strip() if done.returncode == 0 else None


def built_ref(ref: str) -> Path:
    """The quarkus-app of ``ref``, built in its own worktree the first time."""
    sha = git("rev-parse", "--verify", f"{ref}^{{commit}}")
    tree = AB_DIR / sha
    app = tree / "target" / "quarkus-app"
    if (app / "quarkus-run.jar").exists():
        print(f"{ref} = {sha[:10]}: reusing {app.relative_to(benchlib.ROOT)}", flush=True)
        return app
    if not tree.exists():
        AB_DIR.mkdir(parents=True, exist_ok=True)
        git("worktree", "add", "--detach", str(tree), sha)
    print(f"{ref} = {sha[:10]}: building in {tree.relative_to(benchlib.ROOT)}", flush=True)
    benchlib.ensure_jar(app, build=True, root=tree)
    return app


def ratio(b: float, a: float) -> float | None:
    return b / a if a else None


def main() -> int:
    parser = benchlib.parser_for(__doc__)
    benchlib.common_args(parser, runs=3)
    parser.add_argument("--pairs", type=int, dest="runs", default=argparse.SUPPRESS, metavar="N",
                        help="A/B pairs (default 3; same as --runs)")
    submit.add_load_args(parser)
    parser.add_argument("--a", help="git ref of A (default: the latest tag)")
    parser.add_argument("--b", help="git ref of B (default: the working tree's --app)")
    parser.add_argument("--a-app", help="a prebuilt quarkus-app directory for A (no build)")
    parser.add_argument("--b-app", help="a prebuilt quarkus-app directory for B (no build)")
    args = parser.parse_args()
    if args.smoke:
        args.runs, args.warmup, args.duration = 1, 3, 5
    if args.b_app:
        args.app = args.b_app  # the header's app line shows B
    a_ref = args.a or (None if args.a_app else latest_tag())
    if not args.a_app and not a_ref:
        raise benchlib.BenchError("no tag to compare with: give --a REF (or --a-app DIR)")
    b_name = args.b_app or args.b or f"{args.app} (working tree)"
    benchlib.begin("ab", args, [f"A = {args.a_app or a_ref}, B = {b_name}",
                                f"echo mode, fresh service per run; wrk {args.connections} connections, "
                                f"{args.warmup:g} s warm-up + {args.duration:g} s measured; {args.runs} pair(s)"])
    apps = {"A": args.a_app or str(built_ref(a_ref)),
            "B": args.b_app or (str(built_ref(args.b)) if args.b else args.app)}
    for app in apps.values():
        benchlib.ensure_jar(app, args.build and app == args.app)
    benchlib.ensure_wrk()
    for side, app in apps.items():
        print(f"{side}: {benchlib.app_description(Path(app))}")
    runs = []
    for pair in range(1, args.runs + 1):
        for side, app in apps.items():
            row = {"pair": pair, "side": side, **submit.submit_run(app, f"ab-{side}-{pair}", args)}
            runs.append(row)
            print(f"pair {pair} {side}: {row['201/s']:,.0f} acks/s, p50 {row['p50 ms']:.2f} ms, "
                  f"p99 {row['p99 ms']:.2f} ms", flush=True)
    benchlib.print_table(runs, ["pair", "side", "201/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "non-201",
                                "socket errors"], title="Every run")
    pairs = []
    for pair in range(1, args.runs + 1):
        a, b = (next(r for r in runs if r["pair"] == pair and r["side"] == side) for side in "AB")
        pairs.append({"pair": pair, **{f"{f} B/A": ratio(b[f], a[f]) for f in FIGURES}})
    benchlib.print_table(pairs, ["pair", *[f"{f} B/A" for f in FIGURES]], title="Per pair: B / A", digits=3)
    medians = []
    for figure in FIGURES:
        a, b = (statistics.median(r[figure] for r in runs if r["side"] == side) for side in "AB")
        medians.append({"figure": figure, "A median": a, "B median": b, "B/A": ratio(b, a)})
    benchlib.print_table(medians, ["figure", "A median", "B median", "B/A"], title="Ratio of the medians")
    benchlib.print_summary(pairs, [f"{f} B/A" for f in FIGURES], title="Per-pair ratios: min / median / max",
                           digits=3, unit="pairs")
    if any(r["201"] == 0 for r in runs):
        raise benchlib.BenchError("a run acknowledged nothing")
    return 0


if __name__ == "__main__":
    benchlib.run(main)
