#!/usr/bin/env bash
# Restore drill: back up the catalogue's PostgreSQL database with pg_dump, restore the backup
# into a new database with pg_restore, and check that the site serves identical pages and
# counts from both (manage.py site_fingerprint). Run it as the nightly backup's check, or
# before relying on a backup:
#
#   DATABASE_URL=postgres://user@host:5432/cooperations scripts/restore_drill.sh [--keep]
#
# The restored database is dropped at the end unless --keep is given. Nothing else changes:
# the cache needs no clearing after a real restore either (every change renews the cache key
# with a random token, so pages cached before the restore are never served for new states).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?DATABASE_URL doit désigner la base PostgreSQL à sauvegarder}"
keep=${1:-}
python=${PYTHON:-.venv/bin/python}

base=${DATABASE_URL%/*}
name=${DATABASE_URL##*/}
restored="${name}_restauration_$(date +%Y%m%d%H%M%S)"
dump=$(mktemp --suffix=.dump)
trap 'rm -f "$dump" "$dump".before "$dump".after' EXIT

echo "→ Sauvegarde de ${name} (pg_dump, format custom)…"
pg_dump --format=custom --file="$dump" --dbname="$DATABASE_URL"
echo "→ Restauration dans ${restored} (pg_restore)…"
createdb --maintenance-db="$DATABASE_URL" "$restored"
pg_restore --no-owner --dbname="${base}/${restored}" "$dump"

echo "→ Empreinte des pages, base d'origine puis base restaurée…"
DATABASE_URL="$DATABASE_URL" "$python" manage.py site_fingerprint > "$dump".before
DATABASE_URL="${base}/${restored}" "$python" manage.py site_fingerprint > "$dump".after
if [ "$keep" != "--keep" ]; then
  dropdb --maintenance-db="$DATABASE_URL" "$restored"
fi
if diff -u "$dump".before "$dump".after; then
  echo "Restauration vérifiée : $(head -1 "$dump".after), $(($(wc -l < "$dump".after) - 1)) pages identiques."
else
  echo "ÉCHEC : la base restaurée ne sert pas les mêmes pages." >&2
  exit 1
fi
