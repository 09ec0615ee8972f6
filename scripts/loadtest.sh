#!/usr/bin/env bash
# Load test: gunicorn + the configured database on 127.0.0.1 only, 50 connections for 60 s.
# Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/cooperations bash scripts/loadtest.sh
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${LOADTEST_PORT:-8765}
CONNECTIONS=${LOADTEST_CONNECTIONS:-50}
DURATION=${LOADTEST_DURATION:-60s}
export DATABASE_URL=${DATABASE_URL:?"DATABASE_URL (PostgreSQL) est requis"}
export SECRET_KEY=${SECRET_KEY:-loadtest-$(date +%s)-not-a-production-key-xxxxxxxxxxxxxxxxxxxxxx}
export ALLOWED_HOSTS=127.0.0.1
export SECURE_SSL_REDIRECT=0 DEBUG=

if ! command -v wrk >/dev/null; then
  echo "wrk absent : installation du paquet Debian wrk"
  apt-get install -y -qq wrk >/dev/null
fi

.venv/bin/python manage.py migrate --noinput >/dev/null
.venv/bin/python manage.py collectstatic --noinput >/dev/null
.venv/bin/python manage.py load_content >/dev/null

GUNICORN_BIND=127.0.0.1:$PORT GUNICORN_ACCESS_LOG=/dev/null \
  .venv/bin/gunicorn -c gunicorn.conf.py cooperations.wsgi --pid /tmp/loadtest-gunicorn.pid --daemon
trap 'kill "$(cat /tmp/loadtest-gunicorn.pid)" 2>/dev/null || true' EXIT
for _ in $(seq 1 30); do curl -fs "http://127.0.0.1:$PORT/sante/" >/dev/null && break; sleep 1; done

# Warm the caches once, then measure.
wrk -t2 -c10 -d5s -s scripts/loadtest.lua "http://127.0.0.1:$PORT" >/dev/null
wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --timeout 10s -s scripts/loadtest.lua --latency \
  "http://127.0.0.1:$PORT" | tee /tmp/loadtest-report.txt
grep -q "errors=0 " /tmp/loadtest-report.txt
