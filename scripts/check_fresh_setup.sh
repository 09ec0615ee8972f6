#!/usr/bin/env bash
# Checks the README's « make run » as a new user meets it: a fresh clone of the committed
# project (no virtual environment, no node_modules, no database, no compiled translations),
# then the catalogue served on 127.0.0.1 with its seed content. (« make test » is checked by
# CI itself, which runs on a fresh clone.) Used by .ci/run; can be run by hand:
#
#   scripts/check_fresh_setup.sh            # PORT=8765 by default
set -euo pipefail
source_dir=$(cd "$(dirname "$0")/.." && pwd)
port=${PORT:-8765}
work=$(mktemp -d)
server=""
cleanup() {
  if [ -n "$server" ]; then kill -- "-$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

git clone --quiet "$source_dir" "$work/catalogue"
cd "$work/catalogue"
start=$(date +%s)
# A process group of its own, so that the development server and its reloader stop together.
setsid env PORT="$port" make run > "$work/run.log" 2>&1 &
server=$!

url="http://127.0.0.1:${port}"
for _ in $(seq 1 600); do
  curl -fs -o /dev/null "$url/sante/" && break
  if ! kill -0 "$server" 2>/dev/null; then
    echo "« make run » s'est arrêté :" >&2; tail -40 "$work/run.log" >&2; exit 1
  fi
  sleep 1
done
curl -fs -o /dev/null "$url/sante/" || { echo "Le site ne répond pas après 10 minutes." >&2; tail -40 "$work/run.log" >&2; exit 1; }
echo "make run : site servi en $(( $(date +%s) - start )) s depuis un clone neuf."
grep -E "^→|référentiel :" "$work/run.log" | sed 's/^/  /'

status=0
for page in / /fiches/ /fiches/grand-clermont-pnr-livradois-forez-pat/ /outils/ /carte/ \
    /statistiques/ /enseignements/ /sources/ /api/fiches/ /fiches/export.csv; do
  code=$(curl -s -o "$work/page" -w '%{http_code}' "$url$page")
  echo "  $code $page"
  [ "$code" = 200 ] || status=1
done
sheets=$(curl -s "$url/api/fiches/" | python3 -c 'import json,sys; print(json.load(sys.stdin)["count"])')
echo "  fiches publiées (API) : $sheets"
[ "$sheets" -ge 70 ] || { echo "Le contenu de référence n'est pas chargé." >&2; status=1; }
english=$(curl -s -H 'Accept-Language: en' "$url/fiches/" | grep -c 'Case studies' || true)
[ "$english" -ge 1 ] || { echo "Les traductions anglaises ne sont pas compilées." >&2; status=1; }
exit $status
