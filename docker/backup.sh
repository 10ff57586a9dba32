#!/bin/sh
# Backups of the casemgmt database: docs/operations.md, "Backups and restore".
#
#   backup.sh backup                 dump DATABASE_URL to $BACKUP_DIR, then rotate
#   backup.sh restore FILE TARGET    restore FILE into a new database TARGET (created
#                                    here; refused if it exists), then apply retention
#                                    and verify the audit trail against it
#
# Environment: DATABASE_URL (postgres://user:password@host:port/name, no query string),
# BACKUP_DIR (default /app/var/backups), BACKUP_KEEP_DAYS (default 30; must be shorter
# than the shortest retention of any programme), MANAGE (default "python manage.py",
# run from the app's folder). Needs pg_dump, pg_restore and psql of the server's version.
set -eu

BACKUP_DIR="${BACKUP_DIR:-/app/var/backups}"
BACKUP_KEEP_DAYS="${BACKUP_KEEP_DAYS:-30}"
MANAGE="${MANAGE:-python manage.py}"

die() { echo "backup.sh: $*" >&2; exit 1; }

[ -n "${DATABASE_URL:-}" ] || die "set DATABASE_URL (postgres://user:password@host:port/name)"
case "$DATABASE_URL" in
  postgres://*|postgresql://*) ;;
  *) die "DATABASE_URL must be a postgres:// URL" ;;
esac
case "$BACKUP_KEEP_DAYS" in
  ''|*[!0-9]*) die "BACKUP_KEEP_DAYS must be a whole number of days" ;;
esac

# The same server, another database: the URL with its last path part replaced.
url_for() { printf '%s/%s' "${DATABASE_URL%/*}" "$1"; }

backup() {
  # Rotation must be shorter than retention: a backup kept longer would bring back
  # identities retention has erased (and a restore re-applies retention anyway).
  shortest=$(psql --dbname="$DATABASE_URL" -tAc \
    "SELECT COALESCE(MIN(retention_years), 0) FROM casemgmt_programme")
  if [ "$shortest" -gt 0 ] && [ "$BACKUP_KEEP_DAYS" -ge $((shortest * 365)) ]; then
    die "BACKUP_KEEP_DAYS=$BACKUP_KEEP_DAYS is not shorter than the shortest programme retention ($shortest years)"
  fi
  mkdir -p "$BACKUP_DIR"
  stamp=$(date -u +%Y%m%dT%H%M%SZ)
  file="$BACKUP_DIR/casemgmt-$stamp.dump"
  # Custom format: compressed, restored with pg_restore; written aside, then renamed, so
  # a half-written dump never looks like a backup.
  pg_dump --dbname="$DATABASE_URL" --format=custom --no-owner --file="$file.partial"
  mv "$file.partial" "$file"
  echo "backup.sh: wrote $file"
  find "$BACKUP_DIR" -maxdepth 1 -name 'casemgmt-*.dump' -mtime +"$BACKUP_KEEP_DAYS" \
    -print -delete | sed 's/^/backup.sh: removed (rotation) /'
}

restore() {
  file="$1"
  target="$2"
  [ -r "$file" ] || die "cannot read $file"
  case "$target" in
    ''|*[!A-Za-z0-9_]*) die "the target database name may hold only letters, digits and _" ;;
  esac
  exists=$(psql --dbname="$(url_for postgres)" -tAc \
    "SELECT 1 FROM pg_database WHERE datname = '$target'")
  [ -z "$exists" ] || die "database $target exists: restore into a new one, then switch"
  psql --dbname="$(url_for postgres)" -qc "CREATE DATABASE \"$target\""
  pg_restore --dbname="$(url_for "$target")" --no-owner --exit-on-error "$file"
  echo "backup.sh: restored $file into $target"
  # A backup may hold identities erased since it was taken: erase them again before
  # anyone uses the restored database, then check the audit trail still holds.
  DATABASE_URL="$(url_for "$target")" $MANAGE apply_retention
  DATABASE_URL="$(url_for "$target")" $MANAGE verify_audit
  echo "backup.sh: $target is ready; point DATABASE_URL at it and restart web and worker"
}

case "${1:-}" in
  backup) backup ;;
  restore)
    [ $# -eq 3 ] || die "usage: backup.sh restore FILE TARGET_DATABASE"
    restore "$2" "$3"
    ;;
  *) die "usage: backup.sh backup | backup.sh restore FILE TARGET_DATABASE" ;;
esac
