#!/usr/bin/env bash
# Smoke check of the two ways Chidao is started, as a newcomer and an operator would start them:
#   1. `make run` (the README's main command) on this checkout, with a fresh data folder;
#   2. scripts/prod-setup.sh, scripts/prod-web.sh (gunicorn) and scripts/prod-worker.sh, production mode, on the
#      database that step 1 filled.
# For each: wait until the login page and a static file answer 200, log in as a demo user, open the program
# list and the program's dashboard; then stop what was started, by its process group. Any step failing fails
# the script (non-zero exit, with the server's log printed). Used by .ci/run; safe to run by hand.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${SMOKE_PORT:-8765}
PROD_PORT=${SMOKE_PROD_PORT:-8766}
WAIT=${SMOKE_WAIT_SECONDS:-600}
VAR=$(mktemp -d /tmp/chidao-smoke.XXXXXX)
JAR="$VAR/cookies.txt"
USER_NAME=thuongtruc           # the demo's standing office (chidao/demo: every demo login has this password)
PASSWORD=chidao-demo-2026
pids=()

stop_all() {
  for pid in "${pids[@]}"; do
    kill -TERM -- "-$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 20); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  done
  pids=()
}
trap 'stop_all; rm -rf "$VAR"' EXIT

fail() {
  echo "SMOKE FAILED: $*" >&2
  for log in "$VAR"/*.log; do
    [ -e "$log" ] || continue
    echo "---- last lines of $log ----" >&2
    tail -n 40 "$log" >&2
  done
  exit 1
}

# start NAME CMD...: run CMD in its own process group (setsid), logging to $VAR/NAME.log.
start() {
  local name=$1; shift
  setsid "$@" >"$VAR/$name.log" 2>&1 < /dev/null &
  pids+=("$!")
}

status() {  # status URL -> HTTP status code (000 when nothing answers)
  curl -s -o /dev/null -w '%{http_code}' --max-time 30 -b "$JAR" -c "$JAR" "$1" || true
}

wait_for() {  # wait_for URL PID: until URL answers 200, while PID's group lives
  local url=$1 pid=$2 waited=0
  until [ "$(status "$url")" = 200 ]; do
    kill -0 -- "-$pid" 2>/dev/null || fail "the server stopped before $url answered"
    [ "$waited" -ge "$WAIT" ] && fail "$url did not answer 200 within $WAIT s"
    sleep 2; waited=$((waited + 2))
  done
}

check_site() {  # check_site BASE: login page, static file, login, program list, dashboard
  local base=$1 code csrf
  rm -f "$JAR"
  code=$(status "$base/dang-nhap/"); [ "$code" = 200 ] || fail "$base/dang-nhap/ answered $code"
  code=$(status "$base/static/chidao/app.css"); [ "$code" = 200 ] || fail "$base/static/chidao/app.css answered $code"
  csrf=$(curl -s --max-time 30 -b "$JAR" -c "$JAR" "$base/dang-nhap/" \
         | sed -n 's/.*name="csrfmiddlewaretoken" value="\([^"]*\)".*/\1/p' | head -1)
  [ -n "$csrf" ] || fail "no CSRF token on $base/dang-nhap/"
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 30 -b "$JAR" -c "$JAR" \
         -H "Referer: $base/dang-nhap/" --data-urlencode "csrfmiddlewaretoken=$csrf" \
         --data-urlencode "username=$USER_NAME" --data-urlencode "password=$PASSWORD" "$base/dang-nhap/")
  [ "$code" = 302 ] || fail "logging in as $USER_NAME answered $code (302 expected)"
  curl -sL --max-time 60 -b "$JAR" -c "$JAR" -o "$VAR/home.html" -w '%{http_code}' "$base/" | grep -qx 200 \
    || fail "$base/ did not answer 200 after logging in"
  grep -q 'data-testid="who"' "$VAR/home.html" || fail "$base/ does not show the logged-in user"
  code=$(status "$base/chuong-trinh/1/"); [ "$code" = 200 ] || fail "the dashboard $base/chuong-trinh/1/ answered $code"
  code=$(status "$base/api/v1/docs"); [ "$code" = 200 ] || fail "the API docs $base/api/v1/docs answered $code"
  code=$(status "$base/static/ninja/swagger-ui-bundle.js")
  [ "$code" = 200 ] || fail "the API docs' script (served here, no CDN) answered $code"
  echo "ok: $base serves the login page, static files, logs in $USER_NAME, opens the dashboard and the API docs"
}

echo "== make run =="
export CHIDAO_VAR_DIR="$VAR/var"
start make-run make run HOST="127.0.0.1:$PORT"
wait_for "http://127.0.0.1:$PORT/dang-nhap/" "${pids[0]}"
check_site "http://127.0.0.1:$PORT"
grep -q "chidao worker" <(ps -o args= -g "${pids[0]}") || fail "make run did not start the background worker"
stop_all
sleep 1
if curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$PORT/dang-nhap/"; then fail "make run still answers after it was stopped"; fi

echo "== scripts/prod-setup.sh, prod-web.sh, prod-worker.sh (production mode, same database) =="
export DATABASE_URL="sqlite:///$CHIDAO_VAR_DIR/chidao.sqlite3"
export CHIDAO_DEBUG=0 CHIDAO_SECRET_KEY="smoke-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export CHIDAO_ALLOWED_HOSTS=127.0.0.1 CHIDAO_MEDIA_ROOT="$CHIDAO_VAR_DIR/media"
# Plain HTTP on loopback here; behind nginx with TLS these stay at their production defaults.
export CHIDAO_SSL_REDIRECT=0 CHIDAO_SECURE_COOKIES=0 CHIDAO_HSTS_SECONDS=0
bash scripts/prod-setup.sh > "$VAR/prod-setup.log" 2>&1 || fail "scripts/prod-setup.sh failed"
CHIDAO_BIND="127.0.0.1:$PROD_PORT" CHIDAO_WEB_WORKERS=2 start prod-web bash scripts/prod-web.sh
start prod-worker bash scripts/prod-worker.sh
wait_for "http://127.0.0.1:$PROD_PORT/dang-nhap/" "${pids[0]}"
check_site "http://127.0.0.1:$PROD_PORT"
sleep 3
kill -0 -- "-${pids[1]}" 2>/dev/null || fail "scripts/prod-worker.sh stopped"
grep -q "chidao worker" <(ps -o args= -g "${pids[1]}") || fail "scripts/prod-worker.sh is not running the worker"
echo "ok: the worker runs"
code=$(status "http://127.0.0.1:$PROD_PORT/readyz"); [ "$code" = 200 ] || fail "/readyz answered $code"
curl -s --max-time 30 -o "$VAR/metrics.txt" "http://127.0.0.1:$PROD_PORT/metrics"
# check_site opened the login page (200) and the home page (a redirect to the inbox for the standing office).
grep -q '^chidao_http_request_duration_seconds_count{method="GET",route="login",status="2xx"}' "$VAR/metrics.txt" \
  || fail "/metrics shows no request to the login page"
grep -q '^chidao_http_request_duration_seconds_count{method="GET",route="home",status="3xx"}' "$VAR/metrics.txt" \
  || fail "/metrics shows no request to the home page"
grep -qx 'chidao_workers_alive 1.0' "$VAR/metrics.txt" || fail "/metrics does not count the live worker"
echo "ok: /readyz answers 200, /metrics adds up the gunicorn workers and counts the worker"
stop_all
echo "== smoke passed =="
