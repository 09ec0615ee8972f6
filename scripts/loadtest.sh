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
# The load generator is a single client address: lift the API's per-address limit for the test.
export API_ANON_RATE=${API_ANON_RATE:-1000000/minute}
# One cache shared by every gunicorn worker (Redis) when a server answers on 127.0.0.1:6379;
# otherwise each worker fills its own local memory cache.
if [ -z "${REDIS_URL:-}${CACHE_URL:-}" ] && (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; then
  export REDIS_URL=redis://127.0.0.1:6379/1
fi
export CACHE_KEY_PREFIX=loadtest-$(date +%s)  # nothing cached by another run or database
echo "Cache : ${REDIS_URL:-${CACHE_URL:-mémoire locale de chaque processus}}"

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

# Warm the caches: every address of the mix once, then a short run; then measure.
grep -o '"/[^"]*"' scripts/loadtest.lua | tr -d '"' | while read -r path; do
  curl -fs -o /dev/null -H "X-Forwarded-Proto: https" "http://127.0.0.1:$PORT$path" \
    || { echo "Échec du préchauffage : $path"; exit 1; }
done
wrk -t2 -c10 -d10s -s scripts/loadtest.lua "http://127.0.0.1:$PORT" >/dev/null
wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --timeout 10s -s scripts/loadtest.lua --latency \
  "http://127.0.0.1:$PORT" | tee /tmp/loadtest-report.txt
grep -q "errors=0 " /tmp/loadtest-report.txt
