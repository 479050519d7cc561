#!/usr/bin/env bash
# Chidao background worker: report builds, rotation plans, queued reminders (django-tasks-db; the queue is
# in the database, so several workers, on several machines, may run at once on PostgreSQL).
#
# Environment: as scripts/prod-web.sh —
#   DATABASE_URL=postgres://USER:PASSWORD@HOST:5432/chidao, CHIDAO_SECRET_KEY, CHIDAO_ALLOWED_HOSTS,
#   CHIDAO_DEBUG=0, CHIDAO_MEDIA_ROOT (report files are written there), CHIDAO_EMAIL_BACKEND, CHIDAO_FROM_EMAIL.
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/chidao db_worker --queue-name '*' --no-reload
