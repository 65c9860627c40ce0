"""Shared helpers of the bench/*.py scripts (Python 3.11 standard library only).

Everything two scripts need lives here once: the report header and --save, the packaged jar and
wrk, the service under test (Service), the LiteLLM-shaped stub (ProxyStub), wrk runs and their
parsing, an open-loop paced sender, Prometheus scraping, statistics and tables.

Every script runs as ``benchlib.run(main)``: a failure prints a clear message and exits 1, Ctrl-C
or SIGTERM exits 130, and either way every process a script started is stopped and every
temporary directory removed (context managers, plus an atexit net for anything left).
"""
from __future__ import annotations

import argparse
import atexit
import contextlib
import datetime as _dt
import http.client
import json
import math
import os
import queue
import re
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "bench"
DEFAULT_APP = ROOT / "target" / "quarkus-app"
LOG_DIR = ROOT / "target" / "bench-logs"
RESULTS_DIR = BENCH_DIR / "results"
STUB_SOURCE = BENCH_DIR / "FastProxyStub.java"
WRK_SCRIPT = BENCH_DIR / "submit.lua"
BUILD_COMMAND = ["./mvnw", "-B", "-q", "package", "-DskipTests", "-Djacoco.skip=true"]
CORES = os.cpu_count() or 1
NOISE_WARNING = ("NOISE WARNING: the load generator, the JVM under test (JIT, GC) and the disk share this "
                 "machine's cores with whatever else runs on it; compare runs made back to back on the same "
                 "machine, and never read one run as a capacity figure.")


class BenchError(Exception):
    """A failure the script reports in one message (plus the detail it carries) and exits 1 on."""


# --------------------------------------------------------------------------- running a script

class _Tee:
    """Writes to the console and to the --save file."""

    def __init__(self, stream, file):
        self.stream, self.file = stream, file

    def write(self, text):
        self.stream.write(text)
        if not self.file.closed:  # atexit closes it; a late message still reaches the console
            self.file.write(text)
        return len(text)

    def flush(self):
        self.stream.flush()
        if not self.file.closed:
            self.file.flush()

    def isatty(self):
        return False


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def run(main) -> None:
    """Runs ``main()`` (returning an exit code or None) with the scripts' error and signal handling."""
    signal.signal(signal.SIGTERM, _interrupt)
    code = 0
    try:
        code = main() or 0
    except BenchError as error:
        print(f"\nERROR: {error}", file=sys.stderr, flush=True)
        code = 1
    except KeyboardInterrupt:
        print("\ninterrupted: stopped everything this script started", file=sys.stderr, flush=True)
        code = 130
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    sys.exit(code)


def common_args(parser: argparse.ArgumentParser, runs: int = 3, service: bool = True) -> None:
    """Options every script shares (``service``: those about the service under test)."""
    parser.add_argument("--runs", type=int, default=runs, help=f"measured runs (default {runs})")
    parser.add_argument("--smoke", action="store_true", help="one short run, to prove the script works (CI)")
    parser.add_argument("--save", action="store_true",
                        help="also write the whole output to bench/results/<script>-<date>[-label].txt")
    parser.add_argument("--label", default="", help="suffix of the --save file name, e.g. the change measured")
    parser.add_argument("--data-dir-parent", default=tempfile.gettempdir(),
                        help="where fresh data directories are made (the disk measured; default %(default)s)")
    if service:
        parser.add_argument("--app", default=str(DEFAULT_APP),
                            help="the packaged app (quarkus-app directory; default target/quarkus-app)")
        parser.add_argument("--build", action="store_true",
                            help="build the app first (%s)" % " ".join(BUILD_COMMAND))
        parser.add_argument("--jvm-opts", default="", help="extra JVM options for the service, one string")


def parser_for(doc: str) -> argparse.ArgumentParser:
    return argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)


def begin(script: str, args: argparse.Namespace, notes: list[str] | tuple = ()) -> None:
    """Starts the report: --save's tee, then the header (when, what, where)."""
    if args.save:
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        name = f"{script}-{_dt.datetime.now(_dt.timezone.utc):%Y-%m-%d}" + (f"-{args.label}" if args.label else "")
        path = RESULTS_DIR / f"{name}.txt"
        file = open(path, "w", encoding="utf-8")
        atexit.register(file.close)
        sys.stdout = _Tee(sys.stdout, file)
        sys.stderr = _Tee(sys.stderr, file)
        print(f"(saving this output to {path.relative_to(ROOT)})")
    print_header(script, args, notes)


def print_header(script: str, args: argparse.Namespace, notes=()) -> None:
    now = _dt.datetime.now(_dt.timezone.utc)
    lines = [
        f"# bench/{script}.py  {now:%Y-%m-%d %H:%M:%S} UTC",
        f"command:    {shlex.join([sys.executable, *sys.argv])}",
        f"commit:     {git_commit()}",
        f"machine:    {CORES} cores, load average {' '.join('%.2f' % v for v in os.getloadavg())} at start, "
        f"{_mem_total_gib():.1f} GiB RAM, {os.uname().machine}",
        f"java:       {java_version()}",
        f"data dirs:  under {args.data_dir_parent}, filesystem {filesystem_of(args.data_dir_parent)}",
    ]
    app = getattr(args, "app", None)
    if app:
        lines.append(f"app:        {app_description(Path(app))}")
    lines += [f"note:       {note}" for note in notes]
    lines.append(NOISE_WARNING)
    print("\n".join(lines), flush=True)


def git_commit() -> str:
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                                check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True).stdout.strip()
        return commit + (" (the working tree has uncommitted changes)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout?)"


def java_version(java: str = "java") -> str:
    try:
        out = subprocess.run([java, "-version"], capture_output=True, text=True).stderr
        return out.splitlines()[0] if out else "unknown"
    except OSError:
        raise BenchError(f"no '{java}' on PATH: a JDK 17+ is needed")


def _mem_total_gib() -> float:
    with open("/proc/meminfo") as f:
        return int(f.readline().split()[1]) / 1024 / 1024


def filesystem_of(path) -> str:
    """The device, type and mount point holding ``path`` (longest matching mount in /proc/mounts)."""
    real = os.path.realpath(path)
    best = ("?", "?", "")
    with open("/proc/mounts", encoding="utf-8") as mounts:
        for line in mounts:
            device, mount, fstype = line.split()[:3]
            mount = mount.replace("\\040", " ")
            if (real == mount or real.startswith(mount.rstrip("/") + "/")) and len(mount) >= len(best[2]):
                best = (device, fstype, mount)
    return f"{best[1]} on {best[0]} (mounted at {best[2]})"


def app_description(app: Path) -> str:
    """The app directory, its jar and when that jar was built (its manifest's zip time: a copied
    directory keeps it, unlike the file's mtime)."""
    jars = sorted((app / "app").glob("*.jar"))
    if not jars:
        return f"{app} (not built)"
    try:
        with zipfile.ZipFile(jars[0]) as jar:
            built = "%04d-%02d-%02d %02d:%02d" % jar.getinfo("META-INF/MANIFEST.MF").date_time[:5]
    except (KeyError, zipfile.BadZipFile):
        built = f"{_dt.datetime.fromtimestamp(jars[0].stat().st_mtime):%Y-%m-%d %H:%M}"
    return f"{app} ({jars[0].name}, built {built} local time)"


# --------------------------------------------------------------------------- prerequisites

def ensure_jar(app_dir, build: bool = False, root: Path = ROOT) -> Path:
    """The app's quarkus-run.jar; built with the Maven wrapper in ``root`` if missing or asked for."""
    app_dir = Path(app_dir)
    jar = app_dir / "quarkus-run.jar"
    if build or not jar.exists():
        print(f"building the app: {' '.join(BUILD_COMMAND)} (in {root})", flush=True)
        if subprocess.run(BUILD_COMMAND, cwd=root).returncode != 0:
            raise BenchError(f"the build failed in {root}")
    if not jar.exists():
        raise BenchError(f"no {jar} after the build: is --app the build's target/quarkus-app?")
    return jar


def ensure_wrk() -> str:
    """wrk's path, installing Debian's package when it is missing (sudo when not root)."""
    path = shutil.which("wrk")
    if path:
        return path
    print("wrk not found; installing it from Debian packages", flush=True)
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    install = sudo + ["apt-get", "install", "-y", "-qq", "wrk"]
    if subprocess.run(install, env=env).returncode != 0:
        subprocess.run(sudo + ["apt-get", "update", "-qq"], env=env)
        if subprocess.run(install, env=env).returncode != 0:
            raise BenchError("could not install wrk (apt-get install wrk)")
    return shutil.which("wrk") or "wrk"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --------------------------------------------------------------------------- HTTP

def http_call(base: str, method: str, path: str, body=None, headers=None, timeout: float = 30.0):
    """One request on a fresh connection: (status, headers dict, body bytes). Raises OSError when unreachable."""
    parsed = urllib.parse.urlparse(base)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=timeout)
    try:
        data = json.dumps(body).encode() if body is not None and not isinstance(body, bytes) else body
        all_headers = {"Content-Type": "application/json"} if data is not None else {}
        all_headers.update(headers or {})
        conn.request(method, path, body=data, headers=all_headers)
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def get_json(base: str, path: str, timeout: float = 30.0):
    status, _, data = http_call(base, "GET", path, timeout=timeout)
    if status != 200:
        raise BenchError(f"GET {path}: status {status}: {data[:300]!r}")
    return json.loads(data)


class KeepAliveClient:
    """One keep-alive HTTP connection per thread (reconnects after an error): for paced senders."""

    def __init__(self, base: str, timeout: float = 30.0):
        parsed = urllib.parse.urlparse(base)
        self.host, self.port, self.timeout = parsed.hostname, parsed.port, timeout
        self.local = threading.local()

    def request(self, method: str, path: str, body: bytes | None = None):
        """(status, body bytes)."""
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = self.local.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            conn.request(method, path, body=body, headers={"Content-Type": "application/json"} if body else {})
            response = conn.getresponse()
            return response.status, response.read()
        except (OSError, http.client.HTTPException):
            conn.close()
            self.local.conn = None
            raise


def message_body(text: str, key: str, alias: str | None = None) -> bytes:
    body = {"text": text, "idempotency_key": key}
    if alias:
        body["model_alias"] = alias
    return json.dumps(body).encode()


# --------------------------------------------------------------------------- processes

_live_processes: set[subprocess.Popen] = set()


def _stop_process(process: subprocess.Popen, grace_s: float) -> None:
    if process.poll() is None:
        try:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            print(f"pid {process.pid} did not stop within {grace_s:.0f} s of SIGTERM; sending SIGKILL",
                  file=sys.stderr)
            process.kill()
            process.wait()
        except ProcessLookupError:
            pass
    _live_processes.discard(process)


@atexit.register
def _stop_leftovers() -> None:
    for process in list(_live_processes):
        _stop_process(process, 30)


def _spawn(command: list[str], log_path: Path, env: dict | None = None, cwd=ROOT) -> subprocess.Popen:
    """Starts a process in its own session (a Ctrl-C reaches only the script, which stops it in order)."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=cwd,
                                   start_new_session=True)
    _live_processes.add(process)
    return process


def tail(path: Path, lines: int = 30) -> str:
    try:
        with open(path, "rb") as f:
            return b"".join(f.readlines()[-lines:]).decode("utf-8", "replace")
    except OSError:
        return "(no log)"


def rss_mib(pid: int) -> float:
    """Resident set size of a process, MiB (VmRSS in /proc/<pid>/status)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise BenchError(f"no VmRSS for pid {pid}")


class Service:
    """The packaged gateway on a free port with a fresh data directory, as a context manager.

    ``start_to_ready_s`` is the wall time from spawning the JVM to the first 200 on /ready.
    """

    def __init__(self, app_dir, name: str, mode: str = "echo", proxy_url: str | None = None,
                 env: dict | None = None, jvm_opts=(), data_dir_parent: str | None = None,
                 data_dir: str | None = None, prefix=(), ready_timeout_s: float = 120.0):
        self.jar = Path(app_dir).resolve() / "quarkus-run.jar"
        self.name = name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = LOG_DIR / f"{name}.log"
        self.keep_data = data_dir is not None
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="octoagent-bench-", dir=data_dir_parent)
        self.ready_timeout_s = ready_timeout_s
        self.process: subprocess.Popen | None = None
        self.start_to_ready_s: float | None = None
        # The shell's own OCTOAGENT_/LITELLM_/QUARKUS_ settings must not leak into a measurement.
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("OCTOAGENT_", "LITELLM_", "QUARKUS_"))}
        self.env.update({"OCTOAGENT_DATA_DIR": self.data_dir, "OCTOAGENT_LLM_MODE": mode})
        if proxy_url:
            self.env.update({"LITELLM_PROXY_URL": proxy_url, "LITELLM_PROXY_KEY": "sk-bench-stub"})
        self.env.update(env or {})
        self.command = [*prefix, "java", *jvm_opts, f"-Dquarkus.http.port={self.port}", "-jar", str(self.jar)]

    def __enter__(self) -> "Service":
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def pid(self) -> int:
        return self.process.pid

    def start(self) -> None:
        if not self.jar.exists():
            raise BenchError(f"missing {self.jar}")
        spawned = time.monotonic()
        # Working directory: the data directory, so a developer's .env in the repository (which
        # Quarkus reads from the working directory) cannot change what is measured.
        self.process = _spawn(self.command, self.log_path, self.env, cwd=self.data_dir)
        deadline = spawned + self.ready_timeout_s
        while True:
            if self.process.poll() is not None:
                raise BenchError(f"the service exited with status {self.process.returncode} before it was ready; "
                                 f"last lines of {self.log_path}:\n{tail(self.log_path)}")
            if self._ready():
                self.start_to_ready_s = time.monotonic() - spawned
                return
            if time.monotonic() > deadline:
                raise BenchError(f"no 200 from {self.url}/ready within {self.ready_timeout_s:.0f} s; "
                                 f"last lines of {self.log_path}:\n{tail(self.log_path)}")
            time.sleep(0.01)

    def _ready(self) -> bool:
        try:
            return http_call(self.url, "GET", "/ready", timeout=1)[0] == 200
        except (OSError, http.client.HTTPException):
            return False

    def stop(self) -> None:
        if self.process is not None:
            _stop_process(self.process, 30)
        if not self.keep_data:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def rss_mb(self) -> float:
        return rss_mib(self.pid)

    def work(self) -> dict:
        """/ready's work block: inflight, max_concurrency, backlog, max_backlog."""
        return get_json(self.url, "/ready")["work"]

    def wait_idle(self, timeout_s: float = 120.0) -> float:
        """Waits until no task waits or runs; returns the seconds it took."""
        start = time.monotonic()
        while True:
            work = self.work()
            if work["backlog"] == 0 and work["inflight"] == 0:
                return time.monotonic() - start
            if time.monotonic() - start > timeout_s:
                raise BenchError(f"tasks still pending after {timeout_s:.0f} s: {work}")
            time.sleep(0.1)

    def metrics(self) -> "Metrics":
        status, _, data = http_call(self.url, "GET", "/q/metrics")
        if status != 200:
            raise BenchError(f"GET /q/metrics: status {status}")
        return Metrics(data.decode())

    def db_path(self) -> Path:
        return Path(self.data_dir) / "octoagent.db"


class ProxyStub:
    """bench/FastProxyStub.java (a LiteLLM-shaped proxy that measures itself), as a context manager."""

    def __init__(self, delay_ms: int = 0, threads: int | None = None, heap: str = "512m"):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = LOG_DIR / "stub.log"
        self.command = ["java", f"-Xmx{heap}", str(STUB_SOURCE), str(self.port), str(delay_ms)]
        if threads:
            self.command.append(str(threads))
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "ProxyStub":
        self.process = _spawn(self.command, self.log_path)
        deadline = time.monotonic() + 60  # the source launcher compiles first
        try:
            while True:
                if self.process.poll() is not None:
                    raise BenchError(f"the stub exited before it answered; {self.log_path}:\n{tail(self.log_path)}")
                try:
                    if http_call(self.url, "GET", "/health/liveliness", timeout=1)[0] == 200:
                        return self
                except (OSError, http.client.HTTPException):
                    pass
                if time.monotonic() > deadline:
                    raise BenchError(f"the stub did not answer within 60 s; {self.log_path}:\n{tail(self.log_path)}")
                time.sleep(0.05)
        except BaseException:
            self.__exit__()
            raise

    def __exit__(self, *exc) -> None:
        if self.process is not None:
            _stop_process(self.process, 10)

    @property
    def pid(self) -> int:
        return self.process.pid

    def stats(self) -> dict:
        return get_json(self.url, "/stub/stats")

    def reset(self) -> None:
        http_call(self.url, "POST", "/stub/reset")

    def calls(self, since_us: int = 0) -> dict[str, dict]:
        """Recorded completions since ``since_us`` (epoch µs) by their last user message text."""
        return {c["text"]: c for c in get_json(self.url, f"/stub/calls?since={since_us}", timeout=120)["calls"]}


STUB_COMPLETION_BODY = ('{"model":"main","messages":[{"role":"user","content":"stub capacity {key}"}],'
                        '"temperature":0.7,"max_tokens":1024}')


def measure_stub(stub: ProxyStub, connections: int, seconds: int = 5, threads: int | None = None) -> dict:
    """The stub's own capacity and latency: wrk straight at its chat completions (then its stats are reset)."""
    stub.reset()
    result = run_wrk(stub.url + "/chat/completions", connections=connections, duration_s=seconds,
                     threads=threads, env={"BENCH_BODY": STUB_COMPLETION_BODY, "BENCH_LABEL": "stub"})
    own = stub.stats()["service_time_us"]
    stub.reset()
    print(f"stub alone (wrk, {connections} connections, {seconds} s): {result.ok_per_s:,.0f} completions/s, "
          f"client p50 {result.p50:.2f} ms / p99 {result.p99:.2f} ms, errors {result.errors}; "
          f"the stub's own service time p50 {own['p50'] / 1000:.3f} ms / p99 {own['p99'] / 1000:.3f} ms", flush=True)
    if result.ok == 0:
        raise BenchError("the stub answered no completion")
    return {"completions_per_s": result.ok_per_s, "p50_ms": result.p50, "p99_ms": result.p99,
            "own_p50_ms": own["p50"] / 1000, "own_p99_ms": own["p99"] / 1000}


STUB_MODEL = {"cheap": "gpt-4o-mini", "main": "gpt-4o", "fallback": "claude-3-5-haiku-20241022"}


def answer_check(metrics: "Metrics", stub: ProxyStub) -> dict:
    """Were all answers real? The gateway's answers by provider and fallbacks (/q/metrics) against
    the stub's completion count. ``ok``: no echo answer, no fallback, no failed task, and exactly
    one stub completion per succeeded task (both counted since the stub's last reset, which must
    be just before the service started)."""
    by_provider = metrics.by_label("gen_ai_client_operation_duration_seconds_count", "gen_ai_provider_name")
    finished = metrics.by_label("octoagent_tasks_finished_total", "status")
    check = {"succeeded": int(finished.get("SUCCEEDED", 0)),
             "not succeeded": int(sum(v for k, v in finished.items() if k != "SUCCEEDED")),
             "stub completions": int(stub.stats()["completions"]),
             "echo answers": int(by_provider.get("echo", 0)),
             "fallbacks": int(metrics.get("octoagent_llm_fallbacks_total"))}
    check["ok"] = (check["echo answers"] == 0 and check["fallbacks"] == 0 and check["not succeeded"] == 0
                   and check["stub completions"] == check["succeeded"])
    return check


def stub_service_env(max_concurrency: int | None = None) -> dict:
    """Gateway settings for runs through the stub (no budgets: nothing but the call is measured)."""
    env = {"OCTOAGENT_LLM_FALLBACK": "echo"}
    if max_concurrency:
        env["OCTOAGENT_LLM_MAX_CONCURRENCY"] = str(max_concurrency)
    return env


# --------------------------------------------------------------------------- wrk

_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0, "h": 3600000.0}


def _ms(value: str, unit: str) -> float:
    return float(value) * _UNITS_MS[unit]


@dataclass
class WrkResult:
    command: list[str]
    output: str
    requests: int = 0
    duration_s: float = 0.0
    requests_per_s: float = 0.0
    p50: float = math.nan
    p75: float = math.nan
    p90: float = math.nan
    p99: float = math.nan
    max: float = math.nan
    socket_errors: dict = field(default_factory=dict)
    non_2xx: int = 0
    statuses: dict = field(default_factory=dict)  # from submit.lua's done(): status -> count
    expected_status: int | None = None

    @property
    def errors(self) -> int:
        """Socket errors plus answers other than the one expected (or non-2xx without a Lua count)."""
        unexpected = self.requests - self.ok if self.statuses else self.non_2xx
        return sum(self.socket_errors.values()) + unexpected

    @property
    def ok(self) -> int:
        """Answers with the expected status (submit.lua), else 2xx answers."""
        if self.statuses:
            expected = self.expected_status or (201 if 201 in self.statuses else 200)
            return self.statuses.get(expected, 0)
        return self.requests - self.non_2xx

    @property
    def ok_per_s(self) -> float:
        return self.ok / self.duration_s if self.duration_s else 0.0


def parse_wrk(output: str, command: list[str]) -> WrkResult:
    r = WrkResult(command=command, output=output)
    if m := re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m|h)", output):
        r.requests, r.duration_s = int(m.group(1)), _ms(m.group(2), m.group(3)) / 1000
    if m := re.search(r"Requests/sec:\s+([\d.]+)", output):
        r.requests_per_s = float(m.group(1))
    if m := re.search(r"^\s+Latency\s+([\d.]+)(us|ms|s|m)\s+([\d.]+)(us|ms|s|m)\s+([\d.]+)(us|ms|s|m)", output, re.M):
        r.max = _ms(m.group(5), m.group(6))
    for pct, value, unit in re.findall(r"^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M):
        setattr(r, f"p{pct}", _ms(value, unit))
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output):
        r.socket_errors = dict(zip(("connect", "read", "write", "timeout"), map(int, m.groups())))
    if m := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        r.non_2xx = int(m.group(1))
    if m := re.search(r"^\[[^\]]*\] statuses:(.*)$", output, re.M):
        r.statuses = {int(k): int(v) for k, v in re.findall(r"(\d+)=(\d+)", m.group(1))}
    if m := re.search(r"^\[[^\]]*\] expected status:\s+(\d+)", output, re.M):
        r.expected_status = int(m.group(1))
    if m := re.search(r"^\[[^\]]*\] duration:\s+([\d.]+) s", output, re.M):
        r.duration_s = float(m.group(1))  # the Lua summary's exact figure
    return r


def run_wrk(url: str, lua_script: Path | None = WRK_SCRIPT, connections: int = 64, duration_s: float = 10,
            threads: int | None = None, env: dict | None = None, extra_args=(), timeout_s: int = 10,
            until=None) -> WrkResult:
    """One wrk run with --latency; with bench/submit.lua (the default) each request is unique and
    its statuses are counted (see that script's environment variables). ``until``: a callable
    polled every 0.5 s; when it returns true wrk is interrupted (it then prints its figures for
    the time it ran), e.g. once enough tasks exist."""
    threads = max(1, min(threads or CORES, connections))
    command = [ensure_wrk(), "-t", str(threads), "-c", str(connections), "-d", f"{max(1, round(duration_s))}s",
               "--timeout", f"{timeout_s}s", "--latency"]
    if lua_script:
        command += ["-s", str(lua_script)]
    command += [*extra_args, url]
    run_env = dict(os.environ, BENCH_RUN_ID=f"r{time.time_ns()}")
    run_env.update(env or {})
    process = subprocess.Popen(command, env=run_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        if until is not None:
            while process.poll() is None and not until():
                time.sleep(0.5)
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    if process.returncode != 0:
        raise BenchError(f"wrk failed ({shlex.join(command)}):\n{stdout}{stderr}")
    result = parse_wrk(stdout, command)
    if not result.duration_s:
        raise BenchError(f"could not read wrk's output:\n{stdout}")
    return result


# --------------------------------------------------------------------------- Prometheus

class Metrics:
    """A /q/metrics scrape: ``get(name, **labels)`` sums the samples whose labels match."""

    _LINE = re.compile(r"^([a-zA-Z_:][\w:]*)(\{(.*)\})?\s+(\S+)")
    _LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')

    def __init__(self, text: str):
        self.samples: list[tuple[str, dict, float]] = []
        for line in text.splitlines():
            if line.startswith("#"):
                continue
            if m := self._LINE.match(line):
                self.samples.append((m.group(1), dict(self._LABEL.findall(m.group(3) or "")), float(m.group(4))))

    def get(self, name: str, **labels) -> float:
        return sum(v for n, l, v in self.samples if n == name and all(l.get(k) == w for k, w in labels.items()))

    def by_label(self, name: str, label: str) -> dict[str, float]:
        out: dict[str, float] = {}
        for n, l, v in self.samples:
            if n == name:
                out[l.get(label, "")] = out.get(l.get(label, ""), 0.0) + v
        return out


# --------------------------------------------------------------------------- open-loop load

@dataclass
class PacedStats:
    planned: int
    started: int
    errors: int
    elapsed_s: float  # until the last job finished
    lateness_ms: list[float]
    start_span_s: float  # first start to last start

    @property
    def achieved_rate(self) -> float:
        """Starts per second between the first and the last start."""
        return (self.started - 1) / self.start_span_s if self.start_span_s > 0 else 0.0

    def describe(self, rate: float) -> str:
        late = sorted(self.lateness_ms) or [0.0]
        return (f"sender: {self.started} of {self.planned} planned requests started ({self.achieved_rate:.1f}/s "
                f"for {rate:g}/s asked), start lateness p50 {percentile(late, 50):.1f} ms / "
                f"p99 {percentile(late, 99):.1f} ms / max {late[-1]:.1f} ms, {self.errors} failed")


def paced(rate: float, duration_s: float, job, workers: int = 64) -> PacedStats:
    """Open loop: ``job(i)`` is started at start + i/rate on a pool of worker threads, whether or
    not earlier jobs have finished (a slow server makes requests late, never fewer: lateness is
    reported, so a sender that could not keep up is visible). Returns once every job finished."""
    planned = int(rate * duration_s)
    jobs: queue.Queue = queue.Queue()
    lateness: list[float] = []
    starts: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = threading.Event()

    def worker():
        while True:
            item = jobs.get()
            if item is None or stop.is_set():
                return
            i, due = item
            started = time.monotonic()
            try:
                job(i)
            except Exception:  # counted: one failed request must not end the run
                with lock:
                    errors[0] += 1
            with lock:
                lateness.append((started - due) * 1000)
                starts.append(started)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(workers)]
    for t in threads:
        t.start()
    start = time.monotonic()
    try:
        for i in range(planned):
            due = start + i / rate
            pause = due - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            jobs.put((i, due))
        for _ in threads:
            jobs.put(None)
        for t in threads:
            t.join()
    except BaseException:
        stop.set()
        raise
    span = max(starts) - min(starts) if starts else 0.0
    return PacedStats(planned, len(lateness), errors[0], time.monotonic() - start, lateness, span)


# --------------------------------------------------------------------------- statistics and tables

def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of an ascending list (nan when empty)."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(p / 100.0 * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def distribution(values) -> dict:
    """p50/p90/p99/max (and n) of a list of numbers."""
    ordered = sorted(values)
    return {"n": len(ordered), "p50": percentile(ordered, 50), "p90": percentile(ordered, 90),
            "p99": percentile(ordered, 99), "max": ordered[-1] if ordered else math.nan}


def summary(values) -> tuple[float, float, float]:
    """(min, median, max), ignoring missing values; nan when none."""
    present = [v for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]
    if not present:
        return math.nan, math.nan, math.nan
    median = statistics.median(present)
    if all(isinstance(v, int) for v in present) and float(median).is_integer():
        median = int(median)
    return min(present), median, max(present)


def fmt(value, digits: int | None = None) -> str:
    """A table cell: thousands separators; floats with ``digits`` decimals, or by magnitude when None."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if digits is None:
            digits = 0 if abs(value) >= 100 else 1 if abs(value) >= 10 else 2
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def print_table(rows: list, columns: list[str], title: str | None = None, digits: int | None = None) -> None:
    """An aligned plain-text table; rows are dicts (keyed by column) or sequences."""
    cells = [[fmt(row.get(c) if isinstance(row, dict) else row[i], digits) for i, c in enumerate(columns)]
             for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    if title:
        print(f"\n{title}")
    print("  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(columns, widths))))
    print("  ".join("-" * w for w in widths))
    for r in cells:
        print("  ".join(v.rjust(w) if i else v.ljust(w) for i, (v, w) in enumerate(zip(r, widths))))
    sys.stdout.flush()


def print_summary(runs: list[dict], columns: list[str], title: str = "Over the runs: min / median / max",
                  digits: int | None = None, unit: str = "run(s)") -> None:
    """The table every script ends with: one line per figure, min / median / max over the runs."""
    rows = []
    for column in columns:
        low, mid, high = summary([run.get(column) for run in runs])
        rows.append({"figure": column, "min": low, "median": mid, "max": high})
    print_table(rows, ["figure", "min", "median", "max"], title=f"{title} ({len(runs)} {unit})", digits=digits)


def slope_per_minute(points: list[tuple[float, float]]) -> tuple[float, float]:
    """Least-squares slope of (seconds, value) points, per minute, and its standard error (nan if n < 3)."""
    n = len(points)
    if n < 2:
        return math.nan, math.nan
    xs = [p[0] / 60 for p in points]
    ys = [p[1] for p in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        return math.nan, math.nan
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx
    if n < 3:
        return slope, math.nan
    residual = sum((y - (my + slope * (x - mx))) ** 2 for x, y in zip(xs, ys))
    return slope, math.sqrt(residual / (n - 2) / sxx)


# --------------------------------------------------------------------------- small utilities

@contextlib.contextmanager
def temp_dir(parent: str | None = None, prefix: str = "octoagent-bench-"):
    path = tempfile.mkdtemp(prefix=prefix, dir=parent)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


class Sampler:
    """Calls ``sample()`` at 0, interval, 2 x interval... s in a background thread (a slow sample
    does not shift the grid), keeping (seconds, value or exception) pairs; ``final``: one more
    sample when the block ends."""

    def __init__(self, sample, interval_s: float, final: bool = False):
        self.sample, self.interval_s, self.final = sample, interval_s, final
        self.values: list[tuple[float, object]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._start = time.monotonic()

    def __enter__(self) -> "Sampler":
        self._start = time.monotonic()
        self._thread.start()
        return self

    def __exit__(self, exc_type, *exc) -> None:
        self._stop.set()
        self._thread.join()
        recent = self.values and time.monotonic() - self._start - self.values[-1][0] < self.interval_s / 2
        if self.final and exc_type is None and not recent:
            self._take()

    def _take(self) -> None:
        at = time.monotonic() - self._start
        try:
            self.values.append((at, self.sample()))
        except Exception as error:  # a failed sample is recorded, not fatal
            self.values.append((at, error))

    def _run(self) -> None:
        due = self._start
        while True:
            self._take()
            due += self.interval_s
            while due < time.monotonic():  # a sample longer than the interval skips a slot
                due += self.interval_s
            if self._stop.wait(due - time.monotonic()):
                return


def jvm_opts(args) -> list[str]:
    return shlex.split(getattr(args, "jvm_opts", "") or "")
