#!/usr/bin/env python3
"""Memory and startup of the JVM image's process under a pod's memory limit (384 MiB by default).

Takes the JVM options from src/main/docker/Dockerfile.jvm (its ENV JAVA_OPTS / JAVA_OPTS_APPEND;
-Dquarkus.http.host is dropped: the bench listens on 127.0.0.1, and -XX:TieredStopAtLevel=1 is
never used) and emulates the limit, in this order of preference:
  1. cgroup v2: a child cgroup of this script's own, memory.max = the limit, swap off;
  2. cgroup v1 (memory controller): the same with memory.limit_in_bytes (and memsw when present);
  3. neither writable: -XX:MaxRAM=<limit> only (the JVM sizes itself as in the pod, but nothing
     enforces the limit; the header says so).
The JVM is put into the cgroup before it starts (sh -c 'echo $$ > cgroup.procs; exec java ...').
Per start (--runs, default 3; a fresh service and data directory each, echo mode):
  - start to ready: spawn -> first 200 on /ready;
  - the heap and the collector the JVM chose (jcmd VM.flags: MaxHeapSize, Use*GC);
  - RSS idle (--idle-seconds after ready), RSS under load (max, sampled every 0.5 s during
    --load-seconds of wrk submissions with --connections clients), RSS after (load drained +
    --idle-seconds); the cgroup's peak usage (which counts the page cache of the files the JVM
    writes, as a pod's memory usage does) and OOM kills; whether the JVM survived.
With --appcds, an AppCDS archive is first made by a training run (the app started with
-XX:ArchiveClassesAtExit, stopped once ready), then starts alternate between the plain options and
-XX:SharedArchiveFile=<archive>, and both are printed. Ends with min / median / max per variant.

NOISE WARNING: start times depend on what else uses the cores and the page cache; compare runs
made back to back, never read one as a capacity figure.

Usage:  bench/pod.py [--memory-mib 384] [--runs 3] [--load-seconds 30] [--connections 32] [--appcds] [--save]
Smoke:  bench/pod.py --smoke   (one start, 10 s of load)
Runs:   about (ready + 2 x idle + load + ~5) s per start: 2-3 min by default, twice that with --appcds.
"""
from __future__ import annotations

import argparse
import atexit
import os
import re
import shlex
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import benchlib

DOCKERFILE = benchlib.ROOT / "src" / "main" / "docker" / "Dockerfile.jvm"
# --appcds makes its own archive.
DROPPED = ("-Dquarkus.http.host=", "-XX:TieredStopAtLevel=", "-XX:SharedArchiveFile=")


def make_archive(app) -> Path:
    """An AppCDS archive of the app from a training run: started, ready, then stopped (SIGTERM),
    -XX:ArchiveClassesAtExit writing what it loaded. (-Dquarkus.appcds.generate=true alone does
    not stop a jar built without quarkus.package.jar.appcds.enabled: it would run forever.)"""
    archive = Path(tempfile.mkdtemp(prefix="octoagent-appcds-")) / "app-cds.jsa"
    atexit.register(shutil.rmtree, archive.parent, True)
    with benchlib.Service(app, "pod-appcds-training", jvm_opts=[f"-XX:ArchiveClassesAtExit={archive}"]):
        pass  # ready: the classes a start loads are loaded; leaving stops it with SIGTERM
    if not archive.exists():
        raise benchlib.BenchError(f"the training run wrote no AppCDS archive to {archive}")
    return archive


def dockerfile_jvm_opts(path: Path) -> tuple[list[str], list[str]]:
    """(options to use, options dropped) from the Dockerfile's ENV JAVA_OPTS and JAVA_OPTS_APPEND."""
    text = re.sub(r"\\\n", " ", path.read_text())  # join continued lines
    env: dict[str, str] = {}
    for line in text.splitlines():
        parts = line.strip().split(None, 1)
        if len(parts) == 2 and parts[0].upper() == "ENV":
            words = shlex.split(parts[1])
            if words and "=" not in words[0]:  # legacy form: ENV KEY value
                env[words[0]] = " ".join(words[1:])
            for word in words:
                if "=" in word:
                    key, value = word.split("=", 1)
                    env[key] = value
    options = shlex.split(env.get("JAVA_OPTS", "")) + shlex.split(env.get("JAVA_OPTS_APPEND", ""))
    return [o for o in options if not o.startswith(DROPPED)], [o for o in options if o.startswith(DROPPED)]


class MemoryLimit:
    """A memory limit for one JVM: a child cgroup of ours (v2, else v1), else -XX:MaxRAM. Removed on exit."""

    def __init__(self, mib: int):
        self.mib = mib
        self.kind = "none"
        self.path: Path | None = None
        self.prefix: list[str] = []
        self.jvm_opts: list[str] = []

    def __enter__(self) -> "MemoryLimit":
        for kind, make in (("cgroup v2", self._v2), ("cgroup v1", self._v1)):
            try:
                self.path = make()
            except OSError:
                self._remove()
                continue
            if self.path:
                self.kind = kind
                self.prefix = ["sh", "-c", 'echo $$ > "$0/cgroup.procs" && exec "$@"', str(self.path)]
                return self
        self.kind = "-XX:MaxRAM only (no writable cgroup: the limit is not enforced)"
        self.jvm_opts = [f"-XX:MaxRAM={self.mib}m"]
        return self

    def __exit__(self, *exc) -> None:
        self._remove()

    def _remove(self) -> None:
        if self.path and self.path.exists():
            for _ in range(50):  # the JVM that was in it may take a moment to be reaped
                try:
                    self.path.rmdir()
                    break
                except OSError:
                    time.sleep(0.1)
        self.path = None

    @staticmethod
    def _own_cgroup(controller: str | None) -> tuple[Path, str] | None:
        """(mount point, our path in it) of the cgroup v2 hierarchy (None) or the v1 controller."""
        mounts = [line.split() for line in open("/proc/mounts")]
        for line in open("/proc/self/cgroup"):
            _, controllers, path = line.rstrip("\n").split(":", 2)
            if (controller is None and controllers == "") or (controller and controller in controllers.split(",")):
                for _, mount, fstype, options, *_ in mounts:
                    if (controller is None and fstype == "cgroup2") or \
                            (controller and fstype == "cgroup" and controller in options.split(",")):
                        return Path(mount), path
        return None

    def _child(self, mount: Path, path: str) -> Path:
        child = mount / path.lstrip("/") / f"octoagent-bench-pod-{os.getpid()}-{time.time_ns()}"
        child.mkdir()
        self.path = child
        return child

    def _v2(self) -> Path | None:
        own = self._own_cgroup(None)
        if not own or "memory" not in (own[0] / own[1].lstrip("/") / "cgroup.controllers").read_text().split():
            return None
        (own[0] / own[1].lstrip("/") / "cgroup.subtree_control").write_text("+memory")
        child = self._child(*own)
        (child / "memory.max").write_text(f"{self.mib}M")
        if (child / "memory.swap.max").exists():
            (child / "memory.swap.max").write_text("0")
        return child

    def _v1(self) -> Path | None:
        own = self._own_cgroup("memory")
        if not own:
            return None
        child = self._child(*own)
        (child / "memory.limit_in_bytes").write_text(f"{self.mib}M")
        if (child / "memory.memsw.limit_in_bytes").exists():  # no escape into swap
            (child / "memory.memsw.limit_in_bytes").write_text(f"{self.mib}M")
        return child

    def peak_mib(self) -> float | None:
        for name in ("memory.peak", "memory.max_usage_in_bytes"):
            if self.path and (self.path / name).exists():
                return int((self.path / name).read_text()) / 1024 / 1024
        return None

    def oom_kills(self) -> int | None:
        for name in ("memory.events", "memory.oom_control"):
            if self.path and (self.path / name).exists():
                m = re.search(r"oom_kill (\d+)", (self.path / name).read_text())
                return int(m.group(1)) if m else 0
        return None


def heap_and_gc(pid: int) -> tuple[float | None, str]:
    """The maximum heap (MiB) and the collector the JVM chose, from jcmd VM.flags."""
    out = subprocess.run(["jcmd", str(pid), "VM.flags"], capture_output=True, text=True).stdout
    heap = re.search(r"-XX:MaxHeapSize=(\d+)", out)
    gc = re.search(r"-XX:\+Use(\w+)GC\b", out)
    return (int(heap.group(1)) / 1024 / 1024 if heap else None), (gc.group(1) if gc else "?")


def one_start(app: str, name: str, options: list[str], args: argparse.Namespace) -> dict:
    with MemoryLimit(args.memory_mib) as limit, \
            benchlib.Service(app, name, mode="echo", jvm_opts=options + limit.jvm_opts,
                             data_dir_parent=args.data_dir_parent, prefix=limit.prefix) as service:
        heap, gc = heap_and_gc(service.pid)
        row = {"ready s": service.start_to_ready_s, "max heap MiB": heap, "GC": gc, "limit": limit.kind}
        time.sleep(args.idle_seconds)
        row["RSS idle MiB"] = service.rss_mb()
        with benchlib.Sampler(service.rss_mb, 0.5) as rss:
            load = benchlib.run_wrk(service.url + "/api/message", connections=args.connections,
                                    duration_s=args.load_seconds, threads=args.wrk_threads)
        row["survived"] = service.alive()
        if row["survived"]:
            service.wait_idle()
            time.sleep(args.idle_seconds)
            row["RSS after MiB"] = service.rss_mb()
        row["RSS load max MiB"] = max((v for _, v in rss.values if isinstance(v, float)), default=None)
        row["201/s"] = load.ok_per_s
        row["cgroup peak MiB"] = limit.peak_mib()
        row["OOM kills"] = limit.oom_kills()
    return row


def main() -> int:
    parser = benchlib.parser_for(__doc__)
    benchlib.common_args(parser, runs=3)
    parser.add_argument("--memory-mib", type=int, default=384, help="the pod's memory limit (default 384)")
    parser.add_argument("--load-seconds", type=float, default=30, help="seconds of submit load (default 30)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections of the load (default 32)")
    parser.add_argument("--idle-seconds", type=float, default=5, help="wait before the idle/after RSS (default 5)")
    parser.add_argument("--wrk-threads", type=int, default=None, help="wrk threads (default: the core count)")
    parser.add_argument("--appcds", action="store_true", help="also start with an AppCDS archive from a training run, alternately")
    parser.add_argument("--dockerfile", default=str(DOCKERFILE), help="where the JVM options come from")
    args = parser.parse_args()
    if args.smoke:
        args.runs, args.load_seconds = 1, 10
    options, dropped = dockerfile_jvm_opts(Path(args.dockerfile))
    options += benchlib.jvm_opts(args)
    variants = {"plain": options}
    notes = [f"JVM options from {Path(args.dockerfile).relative_to(benchlib.ROOT)}: {shlex.join(options) or '(none)'}"
             + (f"; dropped {shlex.join(dropped)}" if dropped else ""),
             f"memory limit {args.memory_mib} MiB; echo mode; load: wrk {args.connections} connections, "
             f"{args.load_seconds:g} s"]
    if args.appcds:
        archive = make_archive(args.app)
        variants["appcds"] = options + [f"-XX:SharedArchiveFile={archive}"]
        notes.append(f"--appcds: archive {archive} ({archive.stat().st_size // 2**20} MiB) from a training run")
    benchlib.begin("pod", args, notes)
    benchlib.ensure_jar(args.app, args.build)
    benchlib.ensure_wrk()
    runs = []
    for start in range(1, args.runs + 1):
        for variant, variant_options in variants.items():  # alternate: both see the same conditions
            row = {"variant": variant, "start": start,
                   **one_start(args.app, f"pod-{variant}-{start}", variant_options, args)}
            runs.append(row)
            print(f"{variant} start {start}: ready in {row['ready s']:.2f} s under {row['limit']}, RSS idle "
                  f"{row['RSS idle MiB']:.0f} MiB, under load {benchlib.fmt(row['RSS load max MiB'])} MiB, "
                  f"survived: {'yes' if row['survived'] else 'NO'}", flush=True)
    figures = ["ready s", "max heap MiB", "RSS idle MiB", "RSS load max MiB", "RSS after MiB", "cgroup peak MiB",
               "OOM kills", "201/s"]
    benchlib.print_table(runs, ["variant", "start", *figures, "GC", "survived"], title="Per start")
    for variant in variants:
        benchlib.print_summary([r for r in runs if r["variant"] == variant], figures,
                               title=f"{variant}: min / median / max")
    if not all(r["survived"] for r in runs):
        raise benchlib.BenchError(f"the JVM did not survive the load within {args.memory_mib} MiB")
    return 0


if __name__ == "__main__":
    benchlib.run(main)
