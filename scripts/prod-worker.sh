#!/usr/bin/env bash
# Chidao background worker: report builds, rotation plans, queued reminders (django-tasks-db; the queue is
# in the database, so several workers, on several machines, may run at once on PostgreSQL).
#
# Environment: as scripts/prod-web.sh —
#   DATABASE_URL=postgres://USER:PASSWORD@HOST:5432/chidao, CHIDAO_SECRET_KEY, CHIDAO_ALLOWED_HOSTS,
#   CHIDAO_DEBUG=0, CHIDAO_MEDIA_ROOT (report files are written there), CHIDAO_EMAIL_BACKEND, CHIDAO_FROM_EMAIL.
set -euo pipefail
cd "$(dirname "$0")/.."
# Jobs left "running" by a worker that died (killed, machine restarted) are recorded as failed first; with
# several workers only those silent for CHIDAO_TASKS["stale_after_seconds"] are taken. Also run it from cron:
#   */10 * * * *  cd /srv/chidao && .venv/bin/chidao tasks -v0 sweep
.venv/bin/chidao tasks sweep
exec .venv/bin/chidao db_worker --queue-name '*' --no-reload
