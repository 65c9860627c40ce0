#!/usr/bin/env python3
"""Throughput with 1 and 3 replicas on one PostgreSQL database (OCTOAGENT_STORE=postgres).

For each replica count: a fresh database on the tests' embedded PostgreSQL server (started by
io.octoagent.gateway.bench.PostgresBenchServer from the test classes), that many packaged jars
in echo mode (no proxy: what is measured is the gateway and its shared ledger), a warm-up, then
wrk against every replica at once (CONNECTIONS in total, split evenly, unique idempotency keys,
bench/submit.lua) for DURATION seconds. Printed per run:
  - submissions/s: 201s per second, all replicas together;
  - tasks/s: tasks that reached a final state per second, from the first submission until the
    last one finished;
  - database commits/s (pg_stat_database.xact_commit) and commits per task, the connections
    the replicas hold, and the lease rows seen at the end of the load.

NOISE WARNING: one 2-core machine runs wrk, every replica and PostgreSQL; compare runs made
back to back, never read one as a capacity figure.

Usage:  bench/replicas.py [--replicas 1,3] [--duration 20] [--connections 48] [--warmup 5]
Needs:  target/quarkus-app/quarkus-run.jar and target/test-classes (./mvnw -B package -DskipTests
        builds both), a JDK 17+; wrk is installed with apt-get when missing (needs root or sudo).
"""
import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JAR = os.path.join(ROOT, "target", "quarkus-app", "quarkus-run.jar")
CLASSPATH_FILE = os.path.join(ROOT, "target", "bench-classpath.txt")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Database:
    """The bench's PostgreSQL server, driven over the helper's stdin."""

    def __init__(self):
        if not os.path.exists(CLASSPATH_FILE):
            subprocess.run([os.path.join(ROOT, "mvnw"), "-q", "-B", "dependency:build-classpath",
                            "-Dmdep.includeScope=test", "-Dmdep.outputFile=" + CLASSPATH_FILE],
                           cwd=ROOT, check=True)
        with open(CLASSPATH_FILE) as f:
            deps = f.read().strip()
        classpath = os.path.join(ROOT, "target", "test-classes") + ":" + os.path.join(ROOT, "target", "classes") \
            + ":" + deps
        self.process = subprocess.Popen(["java", "-cp", classpath, "io.octoagent.gateway.bench.PostgresBenchServer"],
                                        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        while True:
            line = self.process.stdout.readline()
            if not line:
                raise SystemExit("the PostgreSQL helper exited before it was ready")
            if line.strip() == "ready":
                break

    def ask(self, command):
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        while True:
            line = self.process.stdout.readline().strip()
            if line.startswith("{") or line.startswith("postgresql://"):
                return line

    def stats(self, name):
        return json.loads(self.ask("stats " + name))

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=60)


TICKS = os.sysconf("SC_CLK_TCK")


def process_cpu(pid):
    """CPU seconds (user + system) a process has used, 0 once it is gone."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS
    except OSError:
        return 0.0


def postgres_cpu():
    """CPU seconds of every postgres process (the server and its backends)."""
    total = 0.0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open("/proc/%s/comm" % entry) as f:
                    if f.read().strip() == "postgres":
                        total += process_cpu(int(entry))
            except OSError:
                pass
    return total


def machine_busy():
    """(busy, total) CPU seconds of the whole machine so far."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + values[4]
    return (sum(values) - idle) / TICKS, sum(values) / TICKS


def cpu_snapshot(apps):
    busy, total = machine_busy()
    return {"replicas": sum(process_cpu(process.pid) for process, _ in apps), "postgres": postgres_cpu(),
            "busy": busy, "total": total}


def start_replica(index, url, log_dir):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OCTOAGENT_", "LITELLM_"))}
    env.update({"OCTOAGENT_STORE": "postgres", "OCTOAGENT_DB_URL": url, "OCTOAGENT_DB_USER": "postgres",
                "OCTOAGENT_DB_PASSWORD": "postgres", "OCTOAGENT_LLM_MODE": "echo",
                "OCTOAGENT_DATA_DIR": tempfile.mkdtemp(prefix="octoagent-bench-replica-")})
    log = open(os.path.join(log_dir, "bench-replica-%d.log" % index), "w")
    process = subprocess.Popen(["java", "-Dquarkus.http.port=%d" % port, "-jar", JAR], env=env,
                               stdout=log, stderr=subprocess.STDOUT)
    return process, "http://127.0.0.1:%d" % port


def await_healthy(base, process):
    for _ in range(900):
        if process.poll() is not None:
            raise SystemExit("a replica exited before it was healthy (see target/bench-replica-*.log)")
        try:
            with urllib.request.urlopen(base + "/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit("a replica did not become healthy within 90 s")


def wrk(base, connections, seconds, label, run_id):
    env = dict(os.environ, BENCH_RUN_ID=run_id, BENCH_LABEL=label)
    out = subprocess.run(["wrk", "-t", "1", "-c", str(connections), "-d", "%ds" % seconds, "--timeout", "10s",
                          "-s", os.path.join(ROOT, "bench", "submit.lua"), base + "/api/message"],
                         env=env, capture_output=True, text=True).stdout
    created = re.search(r"201 Created:\s+(\d+)", out)
    other = re.search(r"non-201 answers:\s+(\d+)", out)
    return int(created.group(1)) if created else 0, int(other.group(1)) if other else 0


def run(db, replicas, connections, duration, warmup):
    url = db.ask("db replicas%d" % replicas)
    name = url.rsplit("/", 1)[1]
    log_dir = os.path.join(ROOT, "target")
    apps = [start_replica(i, url, log_dir) for i in range(replicas)]
    try:
        for process, base in apps:
            await_healthy(base, process)
        per_replica = max(1, connections // replicas)
        with ThreadPoolExecutor(len(apps)) as pool:
            if warmup > 0:
                list(pool.map(lambda app: wrk(app[1], per_replica, warmup, "warm-up", "warm%d" % time.time()), apps))
            while db.stats(name)["finished"] < db.stats(name)["tasks"]:
                time.sleep(0.2)
            before = db.stats(name)
            cpu_before = cpu_snapshot(apps)
            start = time.time()
            results = list(pool.map(lambda app: wrk(app[1], per_replica, duration, "measured",
                                                    "run%d-%s" % (time.time(), app[1][-5:])), apps))
        submit_seconds = time.time() - start
        cpu_after = cpu_snapshot(apps)
        during = db.stats(name)
        while True:
            now = db.stats(name)
            if now["finished"] >= now["tasks"]:
                break
            time.sleep(0.05)
        done_seconds = time.time() - start
        after = db.stats(name)
        created = sum(r[0] for r in results)
        other = sum(r[1] for r in results)
        tasks = after["finished"] - before["finished"]
        commits = after["xact_commit"] - before["xact_commit"]
        print("replicas=%d  connections=%d (%d per replica)  duration=%ds" % (replicas, per_replica * replicas,
                                                                              per_replica, duration))
        print("  submissions/s: %.1f  (201: %d, other: %d)" % (created / submit_seconds, created, other))
        print("  tasks/s:       %.1f  (%d tasks final %.1f s after the first submission)" % (
            tasks / done_seconds, tasks, done_seconds))
        print("  db commits/s:  %.1f  (%.1f commits per task)" % (commits / done_seconds,
                                                                  commits / tasks if tasks else 0))
        print("  db connections held at the end of the load: %d; leases then: %d; unfinished tasks then: %d" % (
            during["connections"], during["leases"], during["tasks"] - during["finished"]))
        cpu = {key: cpu_after[key] - cpu_before[key] for key in cpu_after}
        cores = cpu["total"] / submit_seconds
        print("  cpu during the load: machine %.0f%% busy of %d cores; replicas %.2f cores, postgres %.2f cores,"
              " the rest (wrk, the bench) %.2f cores; %.2f ms of replica cpu and %.2f ms of postgres cpu"
              " per task" % (100 * cpu["busy"] / cpu["total"], round(cores), cpu["replicas"] / submit_seconds,
                             cpu["postgres"] / submit_seconds,
                             (cpu["busy"] - cpu["replicas"] - cpu["postgres"]) / submit_seconds,
                             1000 * cpu["replicas"] / max(created, 1), 1000 * cpu["postgres"] / max(created, 1)))
        sys.stdout.flush()
    finally:
        for process, _ in apps:
            process.send_signal(signal.SIGTERM)
        for process, _ in apps:
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                process.kill()


def ensure_wrk():
    if shutil.which("wrk"):
        return
    print("wrk not found; installing it from Debian packages")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    if subprocess.run(sudo + ["apt-get", "install", "-y", "-qq", "wrk"], env=env).returncode != 0:
        subprocess.run(sudo + ["apt-get", "update", "-qq"], env=env, check=True)
        subprocess.run(sudo + ["apt-get", "install", "-y", "-qq", "wrk"], env=env, check=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--replicas", default="1,3")
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--connections", type=int, default=48)
    parser.add_argument("--warmup", type=int, default=5)
    args = parser.parse_args()
    if not os.path.exists(JAR):
        raise SystemExit("missing %s; build it with ./mvnw -B package -DskipTests" % JAR)
    ensure_wrk()
    db = Database()
    try:
        for replicas in [int(n) for n in args.replicas.split(",")]:
            run(db, replicas, args.connections, args.duration, args.warmup)
    finally:
        db.close()
    print("machine: %d core(s) shared by wrk, the replicas and PostgreSQL 17 (embedded, fsync on)" % os.cpu_count())


if __name__ == "__main__":
    main()
