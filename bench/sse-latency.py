#!/usr/bin/env python3
"""Commit-to-subscriber latency of the task event stream (GET /api/stream/task/{id}).

For each task: POST /api/message, then at once open the task's SSE stream over a raw
socket (HTTP/1.1, chunked decoding done here), note the local wall-clock time at which the
``: connected`` comment arrives, and for every event frame record ``time.time()`` at arrival
minus the event's ``ts``. Only events whose ``ts`` is at or after the moment the stream was
connected are counted: those were committed after the history was read, so they were pushed
live from the commit. Earlier ones are history replay and are only counted.

In echo mode a task finishes within milliseconds, so most of its events are history by the
time the stream opens. Several workers therefore submit and stream concurrently, and by
default tasks keep being run until at least --min-live live events were collected.

Standard library only (Python 3.11+).

Examples:
    python3 bench/sse-latency.py --url http://localhost:8000
    python3 bench/sse-latency.py --start                      # runs target/quarkus-app/quarkus-run.jar
    python3 bench/sse-latency.py --start --tasks 250 --workers 8
"""

from __future__ import annotations

import argparse
import codecs
import collections
import http.client
import json
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_JAR = REPO_ROOT / "target" / "quarkus-app" / "quarkus-run.jar"


# --------------------------------------------------------------------------- helpers

def parse_ts(ts: str) -> float:
    """``2026-11-26T05:08:42.366Z`` -> seconds since the epoch."""
    return datetime.strptime(ts, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc).timestamp()


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, math.ceil(p / 100.0 * len(sorted_values)))
    return sorted_values[rank - 1]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def filesystem_of(path: str) -> str:
    """Best effort: the mount point and type holding ``path`` (from /proc/mounts)."""
    try:
        real = os.path.realpath(path)
        best = ("?", "?")
        with open("/proc/mounts", encoding="utf-8") as mounts:
            for line in mounts:
                parts = line.split()
                if len(parts) < 3:
                    continue
                mount = parts[1].replace("\\040", " ")
                if (real == mount or real.startswith(mount.rstrip("/") + "/")) and len(mount) >= len(best[0]):
                    best = (mount, parts[2])
        return f"{best[1]} (mounted at {best[0]})"
    except OSError:
        return "unknown"


# --------------------------------------------------------------------------- SSE client

class ChunkedDecoder:
    """Incremental decoder of an HTTP/1.1 chunked body."""

    def __init__(self) -> None:
        self.buffer = b""
        self.state = "size"  # size -> data -> crlf -> size ... -> done
        self.remaining = 0
        self.done = False

    def feed(self, data: bytes) -> bytes:
        self.buffer += data
        out = []
        while True:
            if self.state == "size":
                end = self.buffer.find(b"\r\n")
                if end < 0:
                    break
                size = int(self.buffer[:end].split(b";", 1)[0].strip(), 16)
                self.buffer = self.buffer[end + 2:]
                if size == 0:
                    self.state = "done"  # trailers, if any, are ignored
                    self.done = True
                    break
                self.remaining = size
                self.state = "data"
            elif self.state == "data":
                if not self.buffer:
                    break
                take = self.buffer[:self.remaining]
                out.append(take)
                self.buffer = self.buffer[len(take):]
                self.remaining -= len(take)
                if self.remaining == 0:
                    self.state = "crlf"
            elif self.state == "crlf":
                if len(self.buffer) < 2:
                    break
                if self.buffer[:2] != b"\r\n":
                    raise ValueError("chunk data not followed by CRLF")
                self.buffer = self.buffer[2:]
                self.state = "size"
            else:
                break
        return b"".join(out)


@dataclass
class SseEvent:
    arrival: float
    sse_id: str | None
    sse_event: str | None
    data: dict | None
    raw_data: str


@dataclass
class StreamResult:
    status: int = 0
    content_type: str = ""
    body_if_error: str = ""
    connected_at: float | None = None
    first_item: str | None = None  # "comment:<text>" or "event:<type>"
    events: list[SseEvent] = field(default_factory=list)
    heartbeats: int = 0
    other_comments: list[str] = field(default_factory=list)
    ended: bool = False  # the terminating zero-length chunk arrived
    ended_at: float | None = None
    eof_before_end: bool = False
    timed_out: bool = False
    error: str | None = None


class SseParser:
    """Splits decoded text into SSE lines; dispatches an event at each blank line."""

    def __init__(self, result: StreamResult) -> None:
        self.result = result
        self.text = ""
        self.fields: dict[str, list[str]] = {}

    def feed(self, text: str, arrival: float) -> None:
        self.text += text
        while True:
            newline = self.text.find("\n")
            if newline < 0:
                return
            line = self.text[:newline].rstrip("\r")
            self.text = self.text[newline + 1:]
            self._line(line, arrival)

    def _line(self, line: str, arrival: float) -> None:
        result = self.result
        if line == "":
            if self.fields:
                raw = "\n".join(self.fields.get("data", []))
                try:
                    data = json.loads(raw) if raw else None
                except ValueError:
                    data = None
                event_name = (self.fields.get("event") or [None])[-1]
                if result.first_item is None:
                    result.first_item = f"event:{event_name}"
                result.events.append(SseEvent(arrival, (self.fields.get("id") or [None])[-1], event_name,
                                              data, raw))
                self.fields = {}
            return
        if line.startswith(":"):
            comment = line[1:].strip()
            if result.first_item is None:
                result.first_item = f"comment:{comment}"
            if comment == "connected":
                if result.connected_at is None:
                    result.connected_at = arrival
                else:
                    result.other_comments.append(comment)
            elif comment == "heartbeat":
                result.heartbeats += 1
            else:
                result.other_comments.append(comment)
            return
        name, _, value = line.partition(":")
        if value.startswith(" "):
            value = value[1:]
        self.fields.setdefault(name, []).append(value)


def read_stream(host: str, port: int, task_id: str, timeout: float, after_final_timeout: float) -> StreamResult:
    """Opens GET /api/stream/task/{task_id} and reads it to its end (or a timeout)."""
    result = StreamResult()
    deadline = time.monotonic() + timeout
    try:
        sock = socket.create_connection((host, port), timeout=timeout)
    except OSError as e:
        result.error = f"connect failed: {type(e).__name__}: {e}"
        return result
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        request = (f"GET /api/stream/task/{task_id} HTTP/1.1\r\nHost: {host}:{port}\r\n"
                   "Accept: text/event-stream\r\nConnection: close\r\n\r\n").encode("ascii")
        sock.sendall(request)
        head = b""
        body_start = b""
        arrival = 0.0
        while True:
            sock.settimeout(max(0.001, deadline - time.monotonic()))
            try:
                data = sock.recv(65536)
            except socket.timeout:
                result.timed_out = True
                result.error = "timeout before the response head"
                return result
            arrival = time.time()
            if not data:
                result.error = "connection closed before the response head"
                result.eof_before_end = True
                return result
            head += data
            split = head.find(b"\r\n\r\n")
            if split >= 0:
                head, body_start = head[:split], head[split + 4:]
                break
        lines = head.decode("iso-8859-1").split("\r\n")
        result.status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        result.content_type = headers.get("content-type", "")
        chunked = "chunked" in headers.get("transfer-encoding", "").lower()
        length = int(headers["content-length"]) if "content-length" in headers else None

        if result.status != 200:
            body = body_start
            while length is None or len(body) < length:
                sock.settimeout(max(0.001, deadline - time.monotonic()))
                try:
                    data = sock.recv(65536)
                except socket.timeout:
                    break
                if not data:
                    break
                body += data
            result.body_if_error = body.decode("utf-8", "replace")[:500]
            return result

        decoder = ChunkedDecoder() if chunked else None
        parser = SseParser(result)
        text = codecs.getincrementaldecoder("utf-8")()  # a character may straddle two reads
        received = 0

        def consume(chunk: bytes, at: float) -> None:
            nonlocal received
            if decoder is not None:
                parser.feed(text.decode(decoder.feed(chunk)), at)
                if decoder.done:
                    result.ended = True
                    result.ended_at = at
            else:
                received += len(chunk)
                parser.feed(text.decode(chunk), at)
                if length is not None and received >= length:
                    result.ended = True
                    result.ended_at = at

        if body_start:
            consume(body_start, arrival)
        final_deadline = None
        while not result.ended:
            if final_deadline is None and any(e.data and e.data.get("final") for e in result.events):
                final_deadline = time.monotonic() + after_final_timeout
            final_seen = final_deadline is not None
            limit = min(deadline, final_deadline) if final_seen else deadline
            remaining = limit - time.monotonic()
            if remaining <= 0:
                result.timed_out = True
                result.error = ("stream still open %.1fs after the final event" % after_final_timeout
                                if final_seen else "stream timeout (%.0fs)" % timeout)
                return result
            sock.settimeout(remaining)
            try:
                data = sock.recv(65536)
            except socket.timeout:
                continue
            at = time.time()
            if not data:
                if decoder is None and length is None:
                    result.ended = True
                    result.ended_at = at
                else:
                    result.eof_before_end = True
                    result.error = "connection closed before the end of the chunked body"
                return result
            consume(data, at)
        return result
    except (OSError, ValueError) as e:
        result.error = f"{type(e).__name__}: {e}"
        return result
    finally:
        sock.close()


# --------------------------------------------------------------------------- benchmark

@dataclass
class TaskResult:
    index: int
    task_id: str | None = None
    submit_status: int = 0
    submit_error: str | None = None
    submit_ms: float = 0.0
    submitted_at: float = 0.0
    stream: StreamResult | None = None
    live_latencies: list[tuple[str, float]] = field(default_factory=list)  # (type, ms)
    history_events: int = 0
    same_ms_excluded: int = 0  # history by the rule, but stamped in the very millisecond of connection
    anomalies: list[str] = field(default_factory=list)


class Bench:
    def __init__(self, base_url: str, args: argparse.Namespace) -> None:
        parsed = urllib.parse.urlsplit(base_url)
        if parsed.scheme != "http":
            raise SystemExit("only http:// URLs are supported")
        self.host = parsed.hostname or "localhost"
        self.port = parsed.port or 80
        self.args = args
        self.run_id = uuid.uuid4().hex[:12]
        self.local = threading.local()

    def post_message(self, index: int) -> tuple[int, dict | None, str | None]:
        body = json.dumps({"text": f"sse latency probe {index}",
                           "idempotency_key": f"sse-latency-{self.run_id}-{index}"})
        for attempt in (1, 2):
            conn = getattr(self.local, "conn", None)
            if conn is None:
                conn = http.client.HTTPConnection(self.host, self.port, timeout=self.args.timeout)
                self.local.conn = conn
            try:
                conn.request("POST", "/api/message", body=body,
                             headers={"Content-Type": "application/json", "Accept": "application/json"})
                response = conn.getresponse()
                payload = response.read()
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
                    self.local.conn = None
                try:
                    parsed = json.loads(payload) if payload else None
                except ValueError:
                    parsed = None
                return response.status, parsed, None if parsed is not None else payload[:300].decode("utf-8", "replace")
            except (OSError, http.client.HTTPException) as e:
                conn.close()
                self.local.conn = None
                if attempt == 2:
                    return 0, None, f"{type(e).__name__}: {e}"
        return 0, None, "unreachable"

    def run_task(self, index: int) -> TaskResult:
        result = TaskResult(index)
        started = time.time()
        status, body, error = self.post_message(index)
        result.submitted_at = time.time()
        result.submit_ms = (result.submitted_at - started) * 1000
        result.submit_status = status
        if status != 201 or not body or "task_id" not in body:
            result.submit_error = error or json.dumps(body)[:300]
            result.anomalies.append(f"POST /api/message -> {status}: {result.submit_error}")
            return result
        result.task_id = body["task_id"]
        stream = read_stream(self.host, self.port, result.task_id, self.args.timeout, self.args.after_final_timeout)
        result.stream = stream
        self.analyse(result)
        return result

    def analyse(self, result: TaskResult) -> None:
        stream = result.stream
        problems = result.anomalies
        if stream.status != 200:
            what = f"HTTP {stream.status}" if stream.status else "no response"
            problems.append(f"stream -> {what}: {stream.body_if_error or stream.error}")
            return
        if not stream.content_type.startswith("text/event-stream"):
            problems.append(f"stream Content-Type {stream.content_type!r}")
        if stream.first_item != "comment:connected":
            problems.append(f"first item of the stream was {stream.first_item!r}, not ': connected'")
        if stream.connected_at is None:
            problems.append("no ': connected' comment")
        if stream.other_comments:
            problems.append(f"unexpected comments {stream.other_comments}")
        if stream.error:
            problems.append(stream.error)
        seqs = []
        ids = []
        final_positions = []
        for position, event in enumerate(stream.events):
            data = event.data
            if not isinstance(data, dict):
                problems.append(f"event frame without JSON data: {event.raw_data[:120]!r}")
                continue
            seqs.append(data.get("task_seq"))
            ids.append(data.get("event_id"))
            if event.sse_id != data.get("event_id"):
                problems.append(f"frame id {event.sse_id} != event_id {data.get('event_id')}")
            if event.sse_event != data.get("type"):
                problems.append(f"frame event {event.sse_event} != type {data.get('type')}")
            if data.get("task_id") != result.task_id:
                problems.append(f"event of task {data.get('task_id')} on the stream of {result.task_id}")
            if data.get("final"):
                final_positions.append(position)
            if stream.connected_at is None or "ts" not in data:
                continue
            ts = parse_ts(data["ts"])
            # Integer milliseconds on both sides of the comparison would round the connection
            # time down; compare against the exact (sub-millisecond) connection time instead.
            if ts >= stream.connected_at:
                result.live_latencies.append((data.get("type"), (event.arrival - ts) * 1000))
            else:
                result.history_events += 1
                if math.floor(stream.connected_at * 1000) == round(ts * 1000):
                    result.same_ms_excluded += 1
        if seqs != list(range(1, len(seqs) + 1)):
            problems.append(f"task_seq not 1..n without gaps or repeats: {seqs}")
        if len(set(ids)) != len(ids):
            problems.append("duplicate event_id on one stream")
        if not final_positions:
            problems.append("no event with \"final\": true")
        elif final_positions != [len(stream.events) - 1]:
            problems.append(f"final flag at positions {final_positions} of {len(stream.events)} events")
        if final_positions and not stream.ended and not stream.error:
            problems.append("stream did not end after the final event")

    def run_pool(self, indices_wanted: int | None, min_live: int | None, max_tasks: int, first_index: int,
                 counted: bool) -> tuple[list[TaskResult], float]:
        lock = threading.Lock()
        state = {"next": first_index, "live": 0, "failures_in_a_row": 0, "aborted": False}
        results: list[TaskResult] = []
        last_index = first_index + (indices_wanted if indices_wanted is not None else max_tasks)

        def worker() -> None:
            while True:
                with lock:
                    if state["next"] >= last_index:
                        return
                    if min_live is not None and state["live"] >= min_live:
                        return
                    if state["failures_in_a_row"] >= self.args.max_failures:
                        state["aborted"] = True
                        return
                    index = state["next"]
                    state["next"] += 1
                try:
                    outcome = self.run_task(index)
                except Exception as e:  # noqa: BLE001 - a benchmark keeps going and reports
                    outcome = TaskResult(index, anomalies=[f"client error {type(e).__name__}: {e}"])
                with lock:
                    results.append(outcome)
                    state["live"] += len(outcome.live_latencies)
                    failed = outcome.stream is None or outcome.stream.status != 200
                    state["failures_in_a_row"] = state["failures_in_a_row"] + 1 if failed else 0
                    done = len(results)
                if counted and self.args.progress and done % 100 == 0:
                    print(f"  ... {done} tasks, {state['live']} live events", file=sys.stderr, flush=True)

        started = time.time()
        threads = [threading.Thread(target=worker, daemon=True) for _ in range(self.args.workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        results.sort(key=lambda r: r.index)
        if state["aborted"]:
            print(f"ABORTED: {self.args.max_failures} tasks in a row failed to submit or to open their stream",
                  file=sys.stderr, flush=True)
        return results, time.time() - started


def report(results: list[TaskResult], elapsed: float, args: argparse.Namespace, fixed: bool,
           server_info: dict) -> int:
    live = [ms for r in results for _, ms in r.live_latencies]
    live.sort()
    history = sum(r.history_events for r in results)
    same_ms = sum(r.same_ms_excluded for r in results)
    streams = [r for r in results if r.stream is not None]
    total_events = sum(len(r.stream.events) for r in streams)
    anomalies = [(r.index, r.task_id, a) for r in results for a in r.anomalies]

    print()
    print("SSE commit -> subscriber latency")
    print("=" * 64)
    load = server_info.pop("_load", "?")
    for key, value in server_info.items():
        print(f"{key:<22}{value}")
    print(f"{'load average':<22}{load} (1 min, before -> after the measurement; other"
          f" processes on the machine distort the figures)")
    print(f"{'client':<22}Python {sys.version.split()[0]}, {args.workers} concurrent workers "
          f"(submit -> stream each), {os.cpu_count()} CPUs visible")
    mode = (f"fixed --tasks {args.tasks}" if fixed
            else f"until >= {args.min_live} live events (cap {args.max_tasks} tasks)")
    print(f"{'tasks':<22}{len(results)} measured ({mode}), {args.warmup} warm-up tasks not counted, "
          f"{elapsed:.1f}s")
    print(f"{'events received':<22}{total_events} on {len(streams)} streams")
    print(f"{'  live':<22}{len(live)}  (ts at or after the ': connected' arrival: pushed from the commit)")
    print(f"{'  history replay':<22}{history}  (ts before the connection; {same_ms} of them stamped in the "
          f"same millisecond as the connection, excluded to be safe)")
    if results:
        print(f"{'live per task':<22}{len(live) / len(results):.2f} on average")
    counts = collections.Counter(len(r.stream.events) for r in streams)
    print(f"{'events per stream':<22}" + ", ".join(f"{n} events x {c}" for n, c in sorted(counts.items())))
    submit = sorted(r.submit_ms for r in results if r.submit_status == 201)
    if submit:
        print(f"{'POST /api/message':<22}p50 {percentile(submit, 50):.2f} ms, p99 {percentile(submit, 99):.2f} ms")
    connect = sorted((r.stream.connected_at - r.submitted_at) * 1000 for r in streams
                     if r.stream.connected_at is not None)
    if connect:
        print(f"{'POST done->connected':<22}p50 {percentile(connect, 50):.2f} ms, "
              f"p99 {percentile(connect, 99):.2f} ms")
    tail = sorted((r.stream.ended_at - r.stream.events[-1].arrival) * 1000 for r in streams
                  if r.stream.ended and r.stream.events)
    if tail:
        print(f"{'final event->end':<22}p50 {percentile(tail, 50):.2f} ms, max {tail[-1]:.2f} ms")
    heartbeats = sum(r.stream.heartbeats for r in streams)
    if heartbeats:
        print(f"{'heartbeats':<22}{heartbeats}")
    print()
    if live:
        print(f"Live events: {len(live)}")
        print(f"  p50  {percentile(live, 50):8.2f} ms")
        print(f"  p90  {percentile(live, 90):8.2f} ms")
        print(f"  p99  {percentile(live, 99):8.2f} ms")
        print(f"  max  {live[-1]:8.2f} ms")
        print(f"  min  {live[0]:8.2f} ms   mean {sum(live) / len(live):.2f} ms")
        by_type: dict[str, list[float]] = collections.defaultdict(list)
        for r in results:
            for event_type, ms in r.live_latencies:
                by_type[event_type].append(ms)
        print("  by type:            live      p50      p99")
        for event_type, values in sorted(by_type.items(), key=lambda kv: -len(kv[1])):
            values.sort()
            print(f"    {event_type:<20}{len(values):>4} {percentile(values, 50):8.2f} {percentile(values, 99):8.2f}")
    else:
        print("No live events were collected.")
    print()
    print("Caveats:")
    print("  * ts has millisecond resolution (truncated), so each figure can be up to 1 ms high;")
    print("    sub-millisecond values are not meaningful.")
    print("  * ts is taken when the event is appended inside the write transaction, just before the")
    print("    group commit and its fsync: the figure includes the commit time, i.e. it is an upper")
    print("    bound of commit -> arrival by up to the commit (and batch) duration.")
    print("  * client and server share the same clock (no skew) but also the same CPUs; the client's")
    print("    own scheduling (threads, GIL) is included, and load from the client slows the server.")
    print("  * 'live' is decided by comparing ts with the local arrival time of ': connected', which")
    print("    the server sends after reading the history; events committed between the subscription")
    print("    and that moment are counted as history, so live events are a conservative subset.")
    print()
    status = 1 if any(key.startswith("SERVER DIED") for key in server_info) else 0
    if anomalies:
        status = 1
        print(f"ANOMALIES: {len(anomalies)} in {len({i for i, _, _ in anomalies})} task(s)")
        for index, task_id, text in anomalies[:30]:
            print(f"  task #{index} {task_id}: {text}")
        if len(anomalies) > 30:
            print(f"  ... {len(anomalies) - 30} more; most frequent:")
            kinds = collections.Counter(text.split(":")[0][:80] for _, _, text in anomalies)
            for kind, count in kinds.most_common(5):
                print(f"    {count} x {kind}")
    else:
        print("Anomalies: none (every stream: HTTP 200 text/event-stream, ': connected' first, task_seq 1..n")
        print("  without gaps or duplicates, unique event ids, exactly the last event final, response ended).")
    if not fixed and len(live) < args.min_live:
        print(f"NOT ENOUGH live events: {len(live)} < {args.min_live} after {len(results)} tasks")
        status = 1
    if fixed and len(live) < 1000:
        print(f"Note: fewer than 1000 live events ({len(live)}); run without --tasks to keep going until "
              f"--min-live is reached.")
    return status


# --------------------------------------------------------------------------- server management

class Server:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.jar = Path(args.jar).resolve()
        if not self.jar.is_file():
            raise SystemExit(f"{self.jar} not found; build it with ./mvnw package -DskipTests")
        self.port = free_port()
        self.tmp = tempfile.mkdtemp(prefix="sse-latency-")
        self.data_dir = os.path.join(self.tmp, "data")
        self.log_path = os.path.join(self.tmp, "server.log")
        self.process: subprocess.Popen | None = None
        self.log_file = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> float:
        env = dict(os.environ, OCTOAGENT_DATA_DIR=self.data_dir, OCTOAGENT_LLM_MODE="echo")
        command = [self.args.java, f"-Dquarkus.http.port={self.port}", "-jar", str(self.jar)]
        self.log_file = open(self.log_path, "wb")
        started = time.time()
        self.process = subprocess.Popen(command, env=env, stdout=self.log_file, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, cwd=self.tmp)
        deadline = time.monotonic() + self.args.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode} during start-up:\n"
                                   + self.log_tail())
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/health")
                response = conn.getresponse()
                response.read()
                conn.close()
                # Another process could have taken the port between free_port() and the bind:
                # only trust /health once our own server has logged that it listens there.
                if response.status == 200 and self.listening_logged():
                    return time.time() - started
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.1)
        raise RuntimeError(f"GET /health did not answer 200 within {self.args.start_timeout}s:\n" + self.log_tail())

    def listening_logged(self) -> bool:
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as f:
                return any("Listening on" in line and f":{self.port}" in line for line in f)
        except OSError:
            return False

    def log_tail(self, lines: int = 30) -> str:
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return ""

    def log_problems(self) -> list[str]:
        """Server log lines at WARN level or above (JSON console log or plain text)."""
        found = []
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as f:
                for line in f:
                    level = None
                    try:
                        level = json.loads(line).get("level")
                    except ValueError:
                        for candidate in ("WARN", "ERROR", "FATAL"):
                            if f" {candidate} " in line[:60]:
                                level = candidate
                    if level in ("WARN", "WARNING", "ERROR", "FATAL", "SEVERE"):
                        found.append(line.strip()[:300])
        except OSError:
            pass
        return found

    def stop(self) -> int | None:
        code = None
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                code = self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                code = self.process.wait()
        elif self.process is not None:
            code = self.process.returncode
        if self.log_file is not None:
            self.log_file.close()
        return code

    def cleanup(self, keep: bool) -> None:
        if keep:
            print(f"kept {self.tmp} (data dir and server.log)")
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)


# --------------------------------------------------------------------------- main

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--url", help="base URL of a running service, e.g. http://localhost:8000")
    target.add_argument("--start", action="store_true",
                        help="start the packaged jar on a free port with a fresh temp data dir in echo mode")
    parser.add_argument("--jar", default=str(DEFAULT_JAR), help="jar for --start (default: %(default)s)")
    parser.add_argument("--java", default="java", help="java executable for --start")
    parser.add_argument("--start-timeout", type=float, default=90.0, help="seconds to wait for GET /health")
    parser.add_argument("--keep", action="store_true", help="with --start: keep the temp data dir and server log")
    parser.add_argument("--tasks", type=int,
                        help="run exactly this many tasks (default: run until --min-live live events)")
    parser.add_argument("--min-live", type=int, default=1000,
                        help="without --tasks: keep running tasks until this many live events (default 1000)")
    parser.add_argument("--max-tasks", type=int, default=20000,
                        help="without --tasks: give up after this many tasks (default 20000)")
    parser.add_argument("--workers", type=int, default=8, help="concurrent submit->stream workers (default 8)")
    parser.add_argument("--warmup", type=int, default=40, help="tasks run first and not counted (default 40)")
    parser.add_argument("--timeout", type=float, default=30.0, help="per-request / per-stream timeout, seconds")
    parser.add_argument("--after-final-timeout", type=float, default=5.0,
                        help="seconds a stream may stay open after its final event before it counts as stuck")
    parser.add_argument("--max-failures", type=int, default=50,
                        help="stop after this many tasks in a row fail to submit or stream (default 50)")
    parser.add_argument("--progress", action="store_true", help="print progress to stderr")
    args = parser.parse_args()
    if args.workers < 1 or (args.tasks is not None and args.tasks < 1):
        parser.error("--workers and --tasks must be positive")

    server = None
    status = 2
    server_info: dict[str, str] = {}
    try:
        if args.start:
            server = Server(args)
            startup = server.start()
            base_url = server.url
            server_info["server"] = f"{server.jar} on port {server.port} (started by this script, " \
                                    f"healthy after {startup:.1f}s), OCTOAGENT_LLM_MODE=echo"
            server_info["data dir"] = f"{server.data_dir} on {filesystem_of(server.tmp)}"
        else:
            base_url = args.url.rstrip("/")
            server_info["server"] = f"{base_url} (already running)"

        bench = Bench(base_url, args)
        warm = []
        if args.warmup > 0:
            warm, _ = bench.run_pool(args.warmup, None, args.warmup, 0, counted=False)
        fixed = args.tasks is not None
        load_before = os.getloadavg()[0]
        results, elapsed = bench.run_pool(args.tasks if fixed else None, None if fixed else args.min_live,
                                          args.max_tasks, args.warmup, counted=True)
        server_info["_load"] = f"{load_before:.2f} -> {os.getloadavg()[0]:.2f}"
        if server is not None and server.process.poll() is not None:
            server_info["SERVER DIED"] = f"the server process exited during the run (code {server.process.returncode})"
        warm_anomalies = [(r.index, r.task_id, a) for r in warm for a in r.anomalies]
        status = report(results, elapsed, args, fixed, server_info)
        if warm_anomalies:
            status = 1
            print(f"ANOMALIES during warm-up: {len(warm_anomalies)}")
            for index, task_id, text in warm_anomalies[:20]:
                print(f"  task #{index} {task_id}: {text}")
    except RuntimeError as e:
        print(f"error: {e}", file=sys.stderr)
        status = 2
    except KeyboardInterrupt:
        status = 130
    finally:
        if server is not None:
            code = server.stop()
            problems = server.log_problems()
            note = " = SIGTERM, the JVM's usual exit code after a clean shutdown" if code == 143 else ""
            print(f"server stopped (exit code {code}{note}); {len(problems)} WARN/ERROR log line(s)")
            for line in problems[:20]:
                print(f"  {line}")
            if status != 0:
                print("last lines of the server log:")
                print(server.log_tail(15))
            server.cleanup(keep=args.keep or status != 0)
    return status


if __name__ == "__main__":
    sys.exit(main())
