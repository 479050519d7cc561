#!/usr/bin/env bash
# Chidao web server (gunicorn; whitenoise serves /static/). Put nginx with TLS in front (docs/production.md).
#
# Environment (the same for prod-web.sh, prod-worker.sh, prod-setup.sh and cron jobs):
#   DATABASE_URL=postgres://USER:PASSWORD@HOST:5432/chidao   the database
#   CHIDAO_SECRET_KEY=<long random string>                   sessions and tokens; keep it secret
#   CHIDAO_ALLOWED_HOSTS=chidao.example.gov.vn               host names served, comma-separated
#   CHIDAO_DEBUG=0                                           never 1 in production
#   CHIDAO_MEDIA_ROOT=/srv/chidao/media                      uploaded files (back it up: `chidao backup`)
#   CHIDAO_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend, CHIDAO_FROM_EMAIL=...  reminders by email
# Optional: CHIDAO_BIND (default 127.0.0.1:8000), CHIDAO_WEB_WORKERS (default 3), CHIDAO_VAR_DIR,
#   CHIDAO_LOG_FORMAT=json (one JSON object a line), CHIDAO_METRICS_TOKEN, CHIDAO_SENTRY_DSN (docs/production.md,
#   Operations), CHIDAO_METRICS_DIR (default $CHIDAO_VAR_DIR/metrics).
# The access log is Chidao's own (logger chidao.request: with the request id and the user, without query values,
# without the load balancer's health checks), so gunicorn writes none.
# Several machines (docs/production.md): CHIDAO_STORAGE=s3 with CHIDAO_S3_BUCKET, CHIDAO_S3_ENDPOINT_URL,
#   CHIDAO_S3_REGION, CHIDAO_S3_ACCESS_KEY_ID, CHIDAO_S3_SECRET_ACCESS_KEY; CHIDAO_CACHE_URL=redis://... or db://TABLE.
set -euo pipefail
cd "$(dirname "$0")/.."
# Prometheus metrics: every gunicorn worker writes its values to files under web/, wiped at each start; a scrape
# of /metrics adds up every directory under CHIDAO_METRICS_DIR (this machine's web server and workers).
export CHIDAO_METRICS_DIR="${CHIDAO_METRICS_DIR:-${CHIDAO_VAR_DIR:-var}/metrics}"
export PROMETHEUS_MULTIPROC_DIR="$CHIDAO_METRICS_DIR/web"
rm -rf "$PROMETHEUS_MULTIPROC_DIR" && mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
exec .venv/bin/gunicorn chidao.wsgi:application --config scripts/gunicorn.conf.py \
  --bind "${CHIDAO_BIND:-127.0.0.1:8000}" --workers "${CHIDAO_WEB_WORKERS:-3}" --timeout 120
