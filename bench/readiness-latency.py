#!/usr/bin/env python3
"""How long the readiness endpoints take, as a Kubernetes probe sees them.

Sequential GETs over one keep-alive connection (a probe sends one at a time), after a warm-up;
prints p50/p90/p99/max per endpoint. Client and server share a 2-core machine, so the figures
include client overhead and are noisy; compare runs, not absolutes.

    python3 bench/readiness-latency.py --start          # starts target/quarkus-app/quarkus-run.jar (echo mode)
    python3 bench/readiness-latency.py --url http://localhost:8000
"""
import argparse
import http.client
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse

ENDPOINTS = ["/q/health/ready", "/ready?profile=core", "/q/health/live", "/health"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(sorted_values, p):
    index = min(len(sorted_values) - 1, max(0, int(round(p / 100.0 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[index]


def measure(host, port, path, calls, warmup):
    conn = http.client.HTTPConnection(host, port, timeout=10)
    timings = []
    statuses = {}
    for i in range(warmup + calls):
        start = time.perf_counter()
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        elapsed = (time.perf_counter() - start) * 1000
        if i >= warmup:
            timings.append(elapsed)
            statuses[response.status] = statuses.get(response.status, 0) + 1
    conn.close()
    timings.sort()
    return timings, statuses


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", help="base URL of a running service")
    parser.add_argument("--start", action="store_true", help="start the packaged jar on a free port")
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--warmup", type=int, default=300)
    args = parser.parse_args()
    process = None
    data_dir = None
    if args.start:
        jar = "target/quarkus-app/quarkus-run.jar"
        if not os.path.exists(jar):
            sys.exit("missing %s: run ./mvnw -B package -DskipTests first" % jar)
        port = free_port()
        data_dir = tempfile.mkdtemp(prefix="readiness-bench-")
        env = dict(os.environ, OCTOAGENT_DATA_DIR=data_dir, OCTOAGENT_LLM_MODE="echo")
        log = open(os.path.join(data_dir, "server.log"), "w")
        process = subprocess.Popen(["java", "-Dquarkus.http.port=%d" % port, "-jar", jar], env=env,
                                   stdout=log, stderr=subprocess.STDOUT)
        base = "http://127.0.0.1:%d" % port
        deadline = time.time() + 60
        while True:
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
                c.request("GET", "/health")
                if c.getresponse().status == 200:
                    break
            except OSError:
                pass
            if time.time() > deadline or process.poll() is not None:
                sys.exit("the service did not start; see %s/server.log" % data_dir)
            time.sleep(0.2)
    elif args.url:
        base = args.url
    else:
        sys.exit("give --url or --start")
    parsed = urllib.parse.urlparse(base)
    try:
        print("cores: %d, calls per endpoint: %d after %d warm-up calls" % (os.cpu_count(), args.calls, args.warmup))
        for path in ENDPOINTS:
            timings, statuses = measure(parsed.hostname, parsed.port, path, args.calls, args.warmup)
            print("%-22s p50 %6.2f ms  p90 %6.2f ms  p99 %6.2f ms  max %7.2f ms  statuses %s" % (
                path, percentile(timings, 50), percentile(timings, 90), percentile(timings, 99), timings[-1],
                statuses))
    finally:
        if process:
            process.terminate()
            process.wait(timeout=60)
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
