#!/usr/bin/env bash
# Submit throughput: how many POST /api/message per second the packaged gateway acknowledges
# (201 = the task and its first two events are fsynced, see SPEC §8).
#
# Starts target/quarkus-app/quarkus-run.jar (it builds nothing) on a free port with a fresh
# temporary data directory in echo mode (no LiteLLM proxy), waits for /health, warms up,
# then runs wrk with CONNECTIONS concurrent clients for DURATION seconds, each request with a
# unique idempotency key (bench/submit.lua), prints the figures and stops the app.
#
# NOISE WARNING: the figure is noisy. On the project's shared 2-core machines the load
# generator, the JVM under test (including its JIT and GC) and SQLite's fsyncs all share the
# same two cores and the same disk, and other tenants share the host. Compare runs made on
# the same machine, back to back; never read one run as a capacity figure.
#
# Usage:   bench/submit-throughput.sh
# Env:     DURATION (s, default 20)   CONNECTIONS (default 32)   WARMUP (s, default 5; 0 = none)
#          WRK_THREADS (default: the core count, at most CONNECTIONS)   JAVA (default: java on PATH)
# Needs:   wrk (installed with apt-get if missing; that needs root), curl, a JDK 17+.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
JAR="$ROOT/target/quarkus-app/quarkus-run.jar"
DURATION=${DURATION:-20}
CONNECTIONS=${CONNECTIONS:-32}
WARMUP=${WARMUP:-5}
CORES=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)
WRK_THREADS=${WRK_THREADS:-$(( CORES < CONNECTIONS ? CORES : CONNECTIONS ))}
JAVA=${JAVA:-java}

if [[ ! -f "$JAR" ]]; then
  echo "Missing $JAR." >&2
  echo "Build it first:  ./mvnw -B package -DskipTests" >&2
  exit 2
fi

if ! command -v wrk >/dev/null 2>&1; then
  echo "wrk not found; installing it from Debian packages"
  export DEBIAN_FRONTEND=noninteractive
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
  $SUDO apt-get install -y -qq wrk >/dev/null 2>&1 \
    || { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq wrk; }
fi
command -v curl >/dev/null 2>&1 || { echo "curl is needed" >&2; exit 2; }

free_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
    return
  fi
  local port
  for _ in $(seq 1 100); do
    port=$(( 20000 + RANDOM % 40000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
  echo "no free port found" >&2
  return 1
}

PORT=$(free_port)
DATA_DIR=$(mktemp -d /tmp/octoagent-bench-XXXXXX)
mkdir -p "$ROOT/target"
LOG="$ROOT/target/bench-submit-throughput.log"
APP_PID=""

cleanup() {
  if [[ -n "$APP_PID" ]] && kill -0 "$APP_PID" 2>/dev/null; then
    kill -TERM "$APP_PID" 2>/dev/null || true
    for _ in $(seq 1 300); do
      kill -0 "$APP_PID" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$APP_PID" 2>/dev/null; then
      echo "the app did not stop within 30 s of SIGTERM; sending SIGKILL" >&2
      kill -KILL "$APP_PID" 2>/dev/null || true
    fi
    wait "$APP_PID" 2>/dev/null || true
  fi
  rm -rf "$DATA_DIR"
}
trap cleanup EXIT

echo "Starting $JAR on port $PORT (echo mode, data $DATA_DIR, log $LOG)"
OCTOAGENT_DATA_DIR="$DATA_DIR" OCTOAGENT_LLM_MODE=echo \
  "$JAVA" -Dquarkus.http.port="$PORT" -jar "$JAR" >"$LOG" 2>&1 &
APP_PID=$!

URL="http://127.0.0.1:$PORT"
for i in $(seq 1 600); do
  if curl -fsS -o /dev/null "$URL/health" 2>/dev/null; then
    break
  fi
  if ! kill -0 "$APP_PID" 2>/dev/null; then
    echo "the app exited before it was healthy; last lines of $LOG:" >&2
    tail -n 30 "$LOG" >&2
    exit 1
  fi
  if [[ $i -eq 600 ]]; then
    echo "no 200 from $URL/health within 60 s; last lines of $LOG:" >&2
    tail -n 30 "$LOG" >&2
    exit 1
  fi
  sleep 0.1
done

RUN_ID=$(date +%s)
if [[ "$WARMUP" -gt 0 ]]; then
  echo "Warm-up: ${WARMUP} s, $CONNECTIONS connections (not counted)"
  BENCH_RUN_ID="warm$RUN_ID" BENCH_LABEL="warm-up" \
    wrk -t "$WRK_THREADS" -c "$CONNECTIONS" -d "${WARMUP}s" --timeout 10s \
        -s "$ROOT/bench/submit.lua" "$URL/api/message" | grep '^\[warm-up\]' || true
fi

echo "Measured run: ${DURATION} s, $CONNECTIONS concurrent clients (wrk -t $WRK_THREADS -c $CONNECTIONS)"
BENCH_RUN_ID="run$RUN_ID" BENCH_LABEL="measured" \
  wrk -t "$WRK_THREADS" -c "$CONNECTIONS" -d "${DURATION}s" --timeout 10s --latency \
      -s "$ROOT/bench/submit.lua" "$URL/api/message"

echo "machine: $CORES core(s) (shared by wrk and the app), $(uname -m), $("$JAVA" -version 2>&1 | head -n 1)"
echo "app: quarkus-run.jar, OCTOAGENT_LLM_MODE=echo, data dir on $(df -P "$DATA_DIR" | awk 'NR==2 {print $1}')"
