#!/usr/bin/env bash
# deploy/local.sh PORT WORKERS: a class server on this machine, without Docker.
#
# Starts WORKERS `streamlit run app.py` processes on free loopback ports and HAProxy (Debian's
# package: apt-get install haproxy) on 127.0.0.1:PORT in front of them, with the balancer
# configuration of deploy/haproxy.cfg (only its server lines are replaced). Runs in the
# foreground; Ctrl-C (SIGINT) or SIGTERM stops everything it started.
#
# Prints one line per process it started ("worker w1 pid 1234 port 40001", "haproxy pid 1240
# port 8600"), then "ready http://127.0.0.1:PORT" once every worker answers /_stcore/health.
# Workers run as the container does (deploy/Dockerfile): no source file watching, which a class
# server does not need (Streamlit would re-scan the loaded modules after every run of every session).
# Worker logs go to $LOG_DIR (default: a temporary directory, removed at exit).
# Environment: HAPROXY (default /usr/sbin/haproxy), PYTHON (default python3), LOG_DIR, APP (the script the
# workers run, relative to the repository: default app.py; benchmarks/floor_app.py measures the frame floor).
set -euo pipefail

usage() { echo "usage: $0 PORT WORKERS   (PORT 1024-65535, WORKERS 1-16)" >&2; exit 2; }
[[ $# -eq 2 && $1 =~ ^[0-9]+$ && $2 =~ ^[0-9]+$ ]] || usage
PORT=$1
WORKERS=$2
(( PORT >= 1024 && PORT <= 65535 && WORKERS >= 1 && WORKERS <= 16 )) || usage

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
HAPROXY=${HAPROXY:-/usr/sbin/haproxy}
PYTHON=${PYTHON:-python3}
APP=${APP:-app.py}
[[ -f $ROOT/$APP ]] || { echo "no app script $ROOT/$APP" >&2; exit 1; }
[[ -x $HAPROXY ]] || { echo "no HAProxy at $HAPROXY (apt-get install haproxy)" >&2; exit 1; }

RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/micrograd-local.XXXXXX")
LOG_DIR=${LOG_DIR:-$RUN_DIR}
PIDS=()

stop_all() {
  trap '' INT TERM  # a second signal during the clean-up must not cut it short
  trap - EXIT
  local pid
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for _ in $(seq 50); do  # up to 5 s for a clean exit, then SIGKILL
    local alive=0
    for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    (( alive )) || break
    sleep 0.1
  done
  for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$RUN_DIR"
}
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM
trap 'stop_all' EXIT

free_port() {
  "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# --- the workers ---
SERVERS=""
PORTS=()
for i in $(seq "$WORKERS"); do
  wport=$(free_port)
  while [[ $wport == "$PORT" || " ${PORTS[*]} " == *" $wport "* ]]; do wport=$(free_port); done  # one port each
  (cd "$ROOT" && exec "$PYTHON" -m streamlit run "$APP" --server.port "$wport" --server.address 127.0.0.1 \
      --server.headless true --server.fileWatcherType none >"$LOG_DIR/w$i.log" 2>&1) &
  PIDS+=("$!")
  PORTS+=("$wport")
  echo "worker w$i pid $! port $wport"
  SERVERS+="    server w$i 127.0.0.1:$wport check cookie w$i"$'\n'
done

healthy() {  # healthy URL [WORKER]: a 200 from URL (sent with that worker's SERVERID cookie, answered by it)
  "$PYTHON" - "$@" 2>/dev/null <<'PY'
import sys, urllib.request as u
url, worker = sys.argv[1], (sys.argv[2:] or [""])[0]
req = u.Request(url, headers={"Cookie": f"SERVERID={worker}"} if worker else {})
resp = u.build_opener(u.ProxyHandler({})).open(req, timeout=2)
sys.exit(int(resp.status != 200 or bool(worker and resp.headers.get("X-Worker") != worker)))
PY
}

wait_healthy() {  # wait_healthy WHAT LOG URL [WORKER] [PID]: bounded by the common deadline
  until healthy "${@:3:2}"; do
    if (( SECONDS > deadline )) || { [[ -n ${5:-} ]] && ! kill -0 "$5" 2>/dev/null; }; then
      echo "$1 did not become healthy; the end of its log:" >&2
      tail -n 20 "$2" >&2 || true
      exit 1
    fi
    sleep 0.5
  done
}

# --- wait (bounded) until every worker is healthy ---
deadline=$((SECONDS + 120))
for i in $(seq "$WORKERS"); do
  wait_healthy "worker w$i" "$LOG_DIR/w$i.log" "http://127.0.0.1:${PORTS[$((i - 1))]}/_stcore/health" "" \
    "${PIDS[$((i - 1))]}"
done

# --- the balancer: deploy/haproxy.cfg with the server lines replaced ---
CFG="$RUN_DIR/haproxy.cfg"
awk -v servers="$SERVERS" '
  /# servers: BEGIN/ { print; printf "%s", servers; skip = 1; next }
  /# servers: END/   { skip = 0 }
  !skip' "$HERE/haproxy.cfg" >"$CFG"
export LB_BIND="127.0.0.1:$PORT"
"$HAPROXY" -q -c -f "$CFG" >/dev/null
"$HAPROXY" -db -f "$CFG" >"$LOG_DIR/haproxy.log" 2>&1 &
PIDS+=("$!")
HAPROXY_PID=$!
echo "haproxy pid $HAPROXY_PID port $PORT"
for i in $(seq "$WORKERS"); do  # each worker reachable through the balancer (its health check passed)
  kill -0 "$HAPROXY_PID" 2>/dev/null || { echo "haproxy exited:" >&2; cat "$LOG_DIR/haproxy.log" >&2; exit 1; }
  wait_healthy "haproxy" "$LOG_DIR/haproxy.log" "http://127.0.0.1:$PORT/_stcore/health" "w$i"
done
echo "ready http://127.0.0.1:$PORT"

# Run until HAProxy exits or a signal arrives (the traps stop everything). A worker that dies
# costs only its own sessions: HAProxy's health check takes it out of the rotation.
wait "$HAPROXY_PID"
