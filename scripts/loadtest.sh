#!/usr/bin/env bash
# Load test: gunicorn + the configured database on 127.0.0.1 only, 50 connections for 60 s, run
# twice over the same mix: without edits, then with an editor saving a published sheet every
# 5 s (manage.py edit_loop). Prints both throughputs and their ratio (target: at least 80 %);
# fails if either run has an error or a timeout.
# Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/cooperations bash scripts/loadtest.sh
# LOADTEST_SHEETS=100000 first grows the synthetic catalogue to that many generated sheets.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${LOADTEST_PORT:-8765}
CONNECTIONS=${LOADTEST_CONNECTIONS:-50}
DURATION=${LOADTEST_DURATION:-60s}
SHEETS=${LOADTEST_SHEETS:-0}
EDIT_EVERY=${LOADTEST_EDIT_EVERY:-5}
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

# wrk's duration (30s, 2m, 1h) in seconds, for the editor.
seconds() {
  local value=${1%[smh]}
  case $1 in
    *m) echo $((value * 60)) ;;
    *h) echo $((value * 3600)) ;;
    *) echo "$value" ;;
  esac
}

.venv/bin/python manage.py migrate --noinput >/dev/null
.venv/bin/python manage.py collectstatic --noinput >/dev/null
.venv/bin/python manage.py load_content >/dev/null
if [ "$SHEETS" -gt 0 ]; then
  .venv/bin/python manage.py generate_catalogue --up-to "$SHEETS" | tail -n 1
fi

REPORTS=$(mktemp -d /tmp/loadtest.XXXXXX)
GUNICORN_BIND=127.0.0.1:$PORT GUNICORN_ACCESS_LOG=/dev/null \
  .venv/bin/gunicorn -c gunicorn.conf.py cooperations.wsgi --pid "$REPORTS/gunicorn.pid" --daemon
EDITOR_PID=
cleanup() {
  # The editor restores the sheets it changed when it receives SIGTERM.
  if [ -n "$EDITOR_PID" ]; then kill "$EDITOR_PID" 2>/dev/null && wait "$EDITOR_PID" || true; fi
  kill "$(cat "$REPORTS/gunicorn.pid")" 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 1 30); do curl -fs "http://127.0.0.1:$PORT/sante/" >/dev/null && break; sleep 1; done

# Warm the caches: every address of the mix once, then a short run; then measure.
grep -o '"/[^"]*"' scripts/loadtest.lua | tr -d '"' | while read -r path; do
  curl -fs -o /dev/null -H "X-Forwarded-Proto: https" "http://127.0.0.1:$PORT$path" \
    || { echo "Échec du préchauffage : $path"; exit 1; }
done
wrk -t2 -c10 -d10s -s scripts/loadtest.lua "http://127.0.0.1:$PORT" >/dev/null

measure() {
  wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --timeout 10s -s scripts/loadtest.lua --latency \
    "http://127.0.0.1:$PORT" | tee "$REPORTS/$1.txt"
}

echo "== Sans modification ($CONNECTIONS connexions, $DURATION)"
measure sans
echo "== Avec une modification toutes les $EDIT_EVERY s"
.venv/bin/python manage.py edit_loop --every "$EDIT_EVERY" --duration "$(seconds "$DURATION")" \
  >"$REPORTS/editor.txt" 2>&1 &
EDITOR_PID=$!
# Django's start-up is not part of the run: wrk starts with the editor's first save.
for _ in $(seq 1 60); do grep -q "enregistrement (" "$REPORTS/editor.txt" && break; sleep 0.5; done
measure avec
wait "$EDITOR_PID" || { echo "La rédaction simulée a échoué :"; cat "$REPORTS/editor.txt"; exit 1; }
EDITOR_PID=
tail -n 1 "$REPORTS/editor.txt"
echo "Sorties de wrk et de la rédaction simulée : $REPORTS"

# One RESULT line per run (scripts/loadtest.lua): key=value pairs.
field() { grep '^RESULT' "$REPORTS/$1.txt" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
echo
# (printf pads bytes, not letters: the accented header is written as is.)
echo "                    débit r/s   p50 ms   p95 ms   p99 ms  erreurs  timeouts"
for run in sans avec; do
  printf '%-18s %10s %8s %8s %8s %8s %9s\n' "$run modification" "$(field $run throughput_rps)" \
    "$(field $run p50_ms)" "$(field $run p95_ms)" "$(field $run p99_ms)" \
    "$(field $run errors)" "$(field $run timeouts)"
done
awk -v with="$(field avec throughput_rps)" -v without="$(field sans throughput_rps)" 'BEGIN {
  ratio = without > 0 ? 100 * with / without : 0
  printf "Débit avec modifications : %.0f %% du débit sans (cible ≥ 80 %%) : %s\n",
    ratio, ratio >= 80 ? "atteinte" : "NON atteinte"
}'
failed=0
for run in sans avec; do
  if [ "$(field $run errors)" != 0 ] || [ "$(field $run timeouts)" != 0 ]; then
    echo "ÉCHEC : erreurs ou timeouts dans l'essai « $run modification »."
    failed=1
  fi
done
exit $failed
