#!/usr/bin/env bash
# Backs up the NiteOS PostgreSQL database: one pg_dump in custom format per run,
# keeping the newest NITEOS_BACKUP_KEEP. Run it from a systemd timer or cron
# (see infra/README.md); restore with infra/restore.sh.
#
# Settings (defaults in brackets):
#   DATABASE_URL         the database to dump [the one in NITEOS_ENV_FILE]
#   NITEOS_ENV_FILE      [/etc/niteos/niteos.env] the server's settings, read
#                        for DATABASE_URL only, and only when it is not set
#   NITEOS_BACKUP_DIR    [/var/backups/niteos]
#   NITEOS_BACKUP_KEEP   how many dumps to keep [14]
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=env-file.sh
. "$(dirname "${BASH_SOURCE[0]}")/env-file.sh"

env_file="${NITEOS_ENV_FILE:-/etc/niteos/niteos.env}"
# A DATABASE_URL given by the caller wins: `DATABASE_URL=.../niteos_restored
# backup.sh` must dump that database, not production's (whose oldest dump it
# would rotate out). The file is read as systemd reads it: never run as shell.
if [[ -z "${DATABASE_URL:-}" ]]; then
  if [[ ! -r "$env_file" ]]; then
    echo "backup.sh: set DATABASE_URL, or NITEOS_ENV_FILE to a settings file that has it (cannot read $env_file)" >&2
    exit 2
  fi
  DATABASE_URL="$(load_env_file "$env_file" && printf '%s' "${DATABASE_URL:-}")"
  [[ -n "$DATABASE_URL" ]] || {
    echo "backup.sh: $env_file has no DATABASE_URL" >&2
    exit 2
  }
fi
backup_dir="${NITEOS_BACKUP_DIR:-/var/backups/niteos}"
keep="${NITEOS_BACKUP_KEEP:-14}"
[[ "$keep" =~ ^[1-9][0-9]*$ ]] || {
  echo "backup.sh: NITEOS_BACKUP_KEEP must be a positive number: $keep" >&2
  exit 2
}

# Dumps hold every wallet and sale: only the owner may read them.
umask 077
mkdir -p "$backup_dir"
name="niteos-$(date -u +%Y%m%dT%H%M%S.%3NZ).dump"
partial="$backup_dir/.$name.partial"
trap 'rm -f "$partial"' EXIT

libpq_url "$DATABASE_URL"
pg_dump --format=custom --compress=6 --file="$partial" --dbname="$LIBPQ_URL"
# A dump pg_restore cannot list is no backup: fail before it replaces an old one.
pg_restore --list "$partial" >/dev/null
# Renamed only when complete, so rotation and restore never see half a dump.
mv "$partial" "$backup_dir/$name"
echo "backup.sh: wrote $backup_dir/$name ($(stat -c %s "$backup_dir/$name") bytes) of $LIBPQ_URL"

# Names sort by time; everything older than the newest $keep goes.
mapfile -t dumps < <(find "$backup_dir" -maxdepth 1 -name 'niteos-*.dump' -printf '%f\n' | sort -r)
for old in "${dumps[@]:$keep}"; do
  rm -f "$backup_dir/$old"
  echo "backup.sh: removed $old (keeping $keep)"
done
