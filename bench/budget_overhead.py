#!/usr/bin/env python3
"""What a budget check adds to each task, measured on this machine.

Runs the packaged jar twice against a local LiteLLM-shaped stub (this script serves it): once
without budgets, once with two budgets that apply to every task (a global one and a per-owner
one, both large enough never to refuse). Each run submits TASKS tasks from CLIENTS threads and
reads every task's events. Prints, per run, the tasks/s and the time from the RUNNING transition
to MODEL_CALL_STARTED (quoting the worst case, the budget read and the reservation fall in it),
and the difference. Usage: bench/budget_overhead.py [TASKS] [CLIENTS]  (needs target/quarkus-app).
"""
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TASKS = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
CLIENTS = int(sys.argv[2]) if len(sys.argv) > 2 else 16
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JAR = os.path.join(ROOT, "target", "quarkus-app", "quarkus-run.jar")
MODEL_INFO = json.dumps({"data": [{"model_name": "cheap", "litellm_params": {"model": "openai/gpt-4o-mini"},
                                   "model_info": {"id": "cheap-1", "litellm_provider": "openai", "mode": "chat",
                                                  "input_cost_per_token": 1.5e-07,
                                                  "output_cost_per_token": 6e-07}}]}).encode()


class Stub(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, body, headers=()):
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self.reply(MODEL_INFO if self.path.startswith("/model/info") else b'"I\'m alive!"')

    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length", 0)))
        body = json.dumps({"id": "chatcmpl-1", "model": "gpt-4o-mini", "object": "chat.completion",
                           "choices": [{"index": 0, "finish_reason": "stop",
                                        "message": {"role": "assistant", "content": "ok"}}],
                           "usage": {"prompt_tokens": 10, "completion_tokens": 2, "total_tokens": 12}}).encode()
        self.reply(body, [("x-litellm-model-id", "cheap-1"), ("x-litellm-response-cost", "2.7e-06"),
                          ("x-litellm-model-group", "cheap")])


def http(method, url, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"null")


def ts(text):
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").timestamp()


def run(label, stub_port, budgets_file):
    data = tempfile.mkdtemp(prefix="octoagent-bench-")
    port = 18000 + os.getpid() % 1000
    env = dict(os.environ, OCTOAGENT_DATA_DIR=data, QUARKUS_HTTP_PORT=str(port),
               LITELLM_PROXY_URL=f"http://127.0.0.1:{stub_port}", LITELLM_PROXY_KEY="sk-bench",
               OCTOAGENT_LLM_PROXY_FALLBACKS="cheap=", QUARKUS_LOG_CONSOLE_LEVEL="WARN")
    if budgets_file:
        env["OCTOAGENT_BUDGETS_FILE"] = budgets_file
    log = open(os.path.join(data, "app.log"), "w")
    app = subprocess.Popen(["java", "-jar", JAR], env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                http("GET", base + "/health")
                break
            except OSError:
                time.sleep(0.1)
        # Warm-up: JIT and connection pools, not measured.
        submit_all(base, 500)
        started = time.time()
        ids = submit_all(base, TASKS)
        details = [await_terminal(base, task_id) for task_id in ids]
        elapsed = time.time() - started
        gaps = []
        for detail in details:
            events = detail["events"]
            running = next(e for e in events if e["type"] == "STATE_TRANSITION"
                           and e["payload"]["to_status"] == "RUNNING")
            call = next(e for e in events if e["type"] == "MODEL_CALL_STARTED")
            gaps.append((ts(call["ts"]) - ts(running["ts"])) * 1000)
        statuses = {d["task"]["status"] for d in details}
        return {"label": label, "tasks_per_s": TASKS / elapsed, "gap_mean_ms": statistics.mean(gaps),
                "gap_p50_ms": statistics.median(gaps), "statuses": sorted(statuses),
                "reservations": sum(len(next(e for e in d["events"] if e["type"] == "MODEL_CALL_STARTED")
                                        ["payload"]["budget_reservations"]) for d in details)}
    finally:
        app.terminate()
        app.wait(30)
        log.close()
        shutil.rmtree(data, ignore_errors=True)


def submit_all(base, count):
    ids = []
    lock = threading.Lock()
    per_client = count // CLIENTS

    def client(n):
        for i in range(per_client):
            answer = http("POST", base + "/api/message", {"text": "overhead probe", "sender_id": f"owner-{n % 4}",
                                                          "idempotency_key": str(uuid.uuid4()),
                                                          "model_alias": "router"})
            with lock:
                ids.append(answer["task_id"])

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return ids


def await_terminal(base, task_id):
    while True:
        detail = http("GET", f"{base}/api/tasks/{task_id}")
        if detail["task"]["status"] in ("SUCCEEDED", "FAILED", "CANCELLED", "REJECTED"):
            return detail
        time.sleep(0.02)


def main():
    if not os.path.exists(JAR):
        sys.exit("build the jar first: ./mvnw -B package -DskipTests")
    stub = ThreadingHTTPServer(("127.0.0.1", 0), Stub)
    threading.Thread(target=stub.serve_forever, daemon=True).start()
    budgets = tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False)
    budgets.write("- name: everything\n  scope: global\n  period: month\n  limit_usd: \"1000\"\n"
                  "- name: per-owner\n  scope: owner\n  period: day\n  limit_usd: \"100\"\n")
    budgets.close()
    print(f"{TASKS} tasks from {CLIENTS} clients per run, after 500 warm-up tasks; "
          f"{os.cpu_count()} CPUs; {datetime.utcnow():%Y-%m-%d %H:%M} UTC")
    results = []
    for label, file in (("no budget", None), ("2 budgets", budgets.name), ("no budget", None),
                        ("2 budgets", budgets.name)):
        result = run(label, stub.server_address[1], file)
        results.append(result)
        print(f"  {label:10} {result['tasks_per_s']:8.1f} tasks/s   RUNNING -> MODEL_CALL_STARTED mean "
              f"{result['gap_mean_ms']:6.3f} ms, p50 {result['gap_p50_ms']:6.3f} ms   "
              f"statuses {result['statuses']}, reservations {result['reservations']}")
    plain = [r for r in results if r["label"] == "no budget"]
    budgeted = [r for r in results if r["label"] == "2 budgets"]
    added = statistics.mean(r["gap_mean_ms"] for r in budgeted) - statistics.mean(r["gap_mean_ms"] for r in plain)
    print(f"budget check adds {added:.3f} ms per task (mean of the RUNNING -> MODEL_CALL_STARTED step); "
          f"throughput {statistics.mean(r['tasks_per_s'] for r in budgeted):.0f} vs "
          f"{statistics.mean(r['tasks_per_s'] for r in plain):.0f} tasks/s")
    os.unlink(budgets.name)


if __name__ == "__main__":
    main()
