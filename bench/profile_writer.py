#!/usr/bin/env python3
"""Where the store's writer thread and the event loops spend their time under submit load.

Starts the packaged jar in echo mode on a fresh data directory with Java Flight Recorder on
(JDK only: no agent to install), warms up, drives POST /api/message with wrk for DURATION
seconds (unique keys, bench/submit.lua), and prints:
  - acknowledged submissions/s and the writer thread's CPU per acknowledged task, read from
    /proc/<pid>/task/<tid>/stat (utime + stime) over the measured window;
  - for the writer thread ("octoagent-store-writer") and the Vert.x event loops: the share of
    samples per category (SQL parse, statement execution, commit, JSON, logging, ...), with
    Java samples (every 10 ms) and native samples (every 20 ms, weighted x2) together, and the
    hottest frames.

NOISE WARNING: wrk, the JVM and SQLite's fsyncs share this machine's cores; compare profiles
made back to back. The categories, not the absolute figures, are what a profile is for.

Usage:  bench/profile_writer.py [--app target/quarkus-app] [--duration 30] [--warmup 15]
                                [--connections 64] [--save --label NAME]
        bench/profile_writer.py --analyse recording.jfr
"""
import argparse
import collections
import json
import os
import subprocess
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402

WRITER = "octoagent-store-writer"
EVENT_LOOP = "vert.x-eventloop-thread-"

# What the innermost frame is doing; first match wins.
KINDS = [
    ("SQL parse (prepare)", ("NativeDB.prepare",)),
    ("SQLite execution (incl. WAL write, fsync)", ("NativeDB.step", "NativeDB._exec")),
    ("binding parameters", ("NativeDB.bind", "DB.sqlbind")),
    ("finalizing statements", ("NativeDB.finalize",)),
    ("reading rows", ("NativeDB.column",)),
]
IDLE = ("LinkedBlockingQueue.poll", "Unsafe.park", "EPoll.wait", "Object.wait")


def kind(frames):
    innermost = frames[0]
    if "read0" in innermost or "write0" in innermost or "writev0" in innermost:
        return "socket I/O"
    for name, needles in KINDS:
        if any(needle in innermost for needle in needles):
            return name
    if any("logmanager" in frame or "logging/json" in frame for frame in frames):
        return "console logging"
    if any("jackson" in frame for frame in frames):
        return "JSON (Jackson)"
    return "Java (other)"


def where(frames):
    """The writer's own statement (BEGIN, COMMIT, savepoints) or the feature code that ran the SQL."""
    for frame in frames:
        if "GroupCommitWriter" in frame:
            method = frame.rsplit(".", 1)[1]
            if method not in ("loop", "commitBatch", "runIn", "run", "lambda"):
                return "writer: " + method
        elif frame.startswith("io/octoagent/") and "Lambda" not in frame and not any(
                wrapper in frame for wrapper in ("ReusableStatement", "CachingSqliteConnection")):
            return frame.split("/")[-1]
    return "-"


def frame_name(frame):
    method = frame["method"]
    return "%s.%s" % (method["type"]["name"], method["name"])


def samples(jfr_file):
    """(thread name, weight, [frame names, innermost first]) for every execution/native sample."""
    out = subprocess.run(["jfr", "print", "--json", "--stack-depth", "64",
                          "--events", "jdk.ExecutionSample,jdk.NativeMethodSample", jfr_file],
                         check=True, capture_output=True, text=True).stdout
    for event in json.loads(out)["recording"]["events"]:
        values = event["values"]
        thread = values.get("sampledThread") or {}
        name = thread.get("javaName") or thread.get("osName") or "?"
        stack = values.get("stackTrace") or {}
        frames = [frame_name(f) for f in stack.get("frames", [])]
        weight = 2 if event["type"] == "jdk.NativeMethodSample" else 1
        yield name, weight, frames


def report(title, picked, top):
    picked = [(w, f) for w, f in picked if f and not any(idle in f[0] for idle in IDLE)]
    total = sum(w for w, _ in picked)
    print("\n%s: %d busy samples (native ones weighted x2)" % (title, total))
    if not total:
        return
    for label, key in (("by activity", lambda f: kind(f)), ("by code", where), ("hottest frames", lambda f: f[0])):
        counts = collections.Counter()
        for weight, frames in picked:
            counts[key(frames)] += weight
        print("  %s:" % label)
        for name, weight in counts.most_common(top):
            print("  %5.1f%%  %s" % (100.0 * weight / total, name))
    parsing = collections.Counter()
    for weight, frames in picked:
        if kind(frames) == "SQL parse (prepare)":
            parsing[where(frames)] += weight
    if parsing:
        print("  SQL parse, by code:")
        for name, weight in parsing.most_common(6):
            print("  %5.1f%%  %s" % (100.0 * weight / total, name))


def analyse(jfr_file):
    writer, loops = [], []
    for thread, weight, frames in samples(jfr_file):
        if thread == WRITER:
            writer.append((weight, frames))
        elif thread.startswith(EVENT_LOOP):
            loops.append((weight, frames))
    report("writer thread", writer, 12)
    report("event loops", loops, 8)


def main():
    parser = benchlib.parser_for(__doc__)
    benchlib.common_args(parser, runs=1)
    parser.add_argument("--duration", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=15)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--analyse", metavar="JFR", help="only analyse an existing recording")
    args = parser.parse_args()
    if args.analyse:
        analyse(args.analyse)
        return
    benchlib.begin("profile_writer", args)
    benchlib.ensure_jar(args.app, args.build)
    workdir = tempfile.mkdtemp(prefix="octoagent-profile-")
    jfr_file = os.path.join(workdir, "writer.jfr")
    recording = "-XX:StartFlightRecording=delay=%ds,duration=%ds,filename=%s,settings=profile" % (
        args.warmup, args.duration, jfr_file)
    # Submissions only measure the path they take: a backlog that never fills (see submit.py).
    env = {"OCTOAGENT_MAX_BACKLOG": "1000000"}
    with benchlib.Service(args.app, "profile-writer", env=env, jvm_opts=[recording, *args.jvm_opts.split()],
                          data_dir_parent=args.data_dir_parent) as service:
        url = service.url + "/api/message"
        benchlib.run_wrk(url, connections=args.connections, duration_s=args.warmup)
        writer_tid = thread_id(service.pid, WRITER)
        cpu_before = thread_cpu_seconds(service.pid, writer_tid)
        result = benchlib.run_wrk(url, connections=args.connections, duration_s=args.duration)
        cpu = thread_cpu_seconds(service.pid, writer_tid) - cpu_before
        deadline = time.time() + 30
        while not (os.path.exists(jfr_file) and os.path.getsize(jfr_file)) and time.time() < deadline:
            time.sleep(0.5)
        time.sleep(1)  # the JVM closes the file once the recording's duration is over
    print("\nacknowledged: %.0f/s (p50 %.2f ms, p99 %.2f ms); writer thread CPU %.1f%% of a core,"
          " %.3f ms per acknowledged task" % (result.ok_per_s, result.p50, result.p99,
                                               100.0 * cpu / result.duration_s, 1000.0 * cpu / max(result.ok, 1)))
    analyse(jfr_file)
    shutil.rmtree(workdir, ignore_errors=True)


def thread_id(pid, name):
    for tid in os.listdir("/proc/%d/task" % pid):
        with open("/proc/%d/task/%s/comm" % (pid, tid)) as comm:
            if name.startswith(comm.read().strip()):  # comm holds the first 15 characters
                return tid
    raise benchlib.BenchError("no thread named %s in process %d" % (name, pid))


def thread_cpu_seconds(pid, tid):
    with open("/proc/%d/task/%s/stat" % (pid, tid)) as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


if __name__ == "__main__":
    benchlib.run(main)
