#!/usr/bin/env bash
# Install or upgrade Chidao on this machine: system packages (fonts, Pango for PDFs) when missing, the
# virtualenv, database migrations, static files, then Django's deployment checks. Safe to run again.
#
# Environment: as scripts/prod-web.sh —
#   DATABASE_URL=postgres://USER:PASSWORD@HOST:5432/chidao, CHIDAO_SECRET_KEY, CHIDAO_ALLOWED_HOSTS,
#   CHIDAO_DEBUG=0, CHIDAO_MEDIA_ROOT, CHIDAO_EMAIL_BACKEND, CHIDAO_FROM_EMAIL.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?set DATABASE_URL (postgres://...)}"
: "${CHIDAO_SECRET_KEY:?set CHIDAO_SECRET_KEY}"
bash scripts/install-system-deps.sh --app
command -v pg_dump >/dev/null 2>&1 || echo "Lưu ý: chưa có pg_dump (apt-get install postgresql-client) - cần cho chidao backup."
make install
[ "${CHIDAO_STORAGE:-local}" = s3 ] || mkdir -p "${CHIDAO_MEDIA_ROOT:-var/media}"
.venv/bin/chidao migrate --noinput
# The shared cache's table when CHIDAO_CACHE_URL=db://TABLE (nothing to do otherwise).
.venv/bin/chidao createcachetable
.venv/bin/chidao collectstatic --noinput -v0
.venv/bin/chidao check --deploy
echo "Xong. Chạy scripts/prod-web.sh và scripts/prod-worker.sh (docs/production.md)."
