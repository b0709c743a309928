#!/usr/bin/env bash
# Restores a dump made by infra/backup.sh into an EMPTY database, in one
# transaction: it either restores everything or changes nothing.
#
#   infra/restore.sh /var/backups/niteos/niteos-20261123T030000.000Z.dump \
#     postgres://niteos@127.0.0.1:5432/niteos_restored
#
# Then migrate it to the running release (a dump older than its migrations
# is refused by ledger:verify) and check the books before pointing any server at it:
#   DATABASE_URL=postgres://.../niteos_restored pnpm db:migrate
#   DATABASE_URL=postgres://.../niteos_restored pnpm ledger:verify
# The full procedure (new database, verify, switch over) is in infra/README.md.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=env-file.sh
. "$(dirname "${BASH_SOURCE[0]}")/env-file.sh"

if [[ $# -ne 2 ]]; then
  echo "usage: restore.sh <dump file> <target database URL>" >&2
  exit 2
fi
dump="$1"
# A password in the URL goes to psql and pg_restore by environment, not argv.
libpq_url "$2"
target="$LIBPQ_URL"
[[ -r "$dump" ]] || {
  echo "restore.sh: cannot read $dump" >&2
  exit 2
}
pg_restore --list "$dump" >/dev/null

# Restoring over live data would mix two histories of the ledger: refuse.
tables="$(psql --no-psqlrc --quiet --tuples-only --no-align --dbname="$target" --command \
  "select count(*) from pg_tables where schemaname not in ('pg_catalog', 'information_schema')")"
if [[ "$tables" != 0 ]]; then
  echo "restore.sh: the target database already has $tables tables; restore into a new, empty one" >&2
  exit 1
fi

# Roles differ between hosts: objects belong to whoever restores.
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction \
  --dbname="$target" "$dump"
echo "restore.sh: restored $dump; now run db:migrate, then ledger:verify, against it"
