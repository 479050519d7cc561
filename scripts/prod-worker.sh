#!/usr/bin/env bash
# Chidao background worker: report builds, rotation plans, queued reminders (django-tasks-db; the queue is
# in the database, so several workers, on several machines, may run at once on PostgreSQL).
#
# Environment: as scripts/prod-web.sh —
#   DATABASE_URL=postgres://USER:PASSWORD@HOST:5432/chidao, CHIDAO_SECRET_KEY, CHIDAO_ALLOWED_HOSTS,
#   CHIDAO_DEBUG=0, CHIDAO_MEDIA_ROOT (report files are written there), CHIDAO_EMAIL_BACKEND, CHIDAO_FROM_EMAIL.
set -euo pipefail
cd "$(dirname "$0")/.."
# Prometheus metrics of the jobs (durations, failures) go to files under $CHIDAO_METRICS_DIR/worker, wiped at each
# start, that the web server's /metrics adds up (same machine; docs/production.md). Several workers on one machine:
# give each its own CHIDAO_METRICS_NAME.
export CHIDAO_METRICS_DIR="${CHIDAO_METRICS_DIR:-${CHIDAO_VAR_DIR:-var}/metrics}"
export PROMETHEUS_MULTIPROC_DIR="$CHIDAO_METRICS_DIR/${CHIDAO_METRICS_NAME:-worker}"
rm -rf "$PROMETHEUS_MULTIPROC_DIR" && mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
# `chidao worker` is db_worker with a heartbeat (every CHIDAO_TASKS["heartbeat_seconds"]): as it starts, and
# while it runs, it records as failed the jobs of workers whose heartbeat stopped (killed, machine restarted)
# for CHIDAO_TASKS["heartbeat_stale_seconds"]. Also run the sweep from cron (it also fails the jobs with no
# progress for CHIDAO_TASKS["stale_after_seconds"] whatever ran them):
#   */10 * * * *  cd /srv/chidao && .venv/bin/chidao tasks -v0 sweep
exec .venv/bin/chidao worker --queue-name '*' --no-reload
