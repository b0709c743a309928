#!/usr/bin/env bash
# Deploys one NiteOS release: pull, install, build, migrate, switch, restart,
# health check; on a failed health check it switches back to the previous
# release, restarts that and exits 1. Releases live side by side:
#
#   $NITEOS_HOME/releases/<UTC time>-<commit>/   one checkout per deploy
#   $NITEOS_HOME/current -> releases/...         what systemd and nginx run
#
# Settings (defaults in brackets):
#   NITEOS_REPO           git URL to deploy from (required)
#   NITEOS_REF            branch or tag [main]
#   NITEOS_HOME           [/opt/niteos]
#   NITEOS_ENV_FILE       server settings, read for the migration [/etc/niteos/niteos.env]
#   NITEOS_PORTS          ports of the server processes, one systemd unit each [8081]
#   NITEOS_KEEP_RELEASES  releases kept on disk, current and previous included [5]
#   NITEOS_RESTART_CMD    [systemctl restart niteos@<port>.service for every port]
#   NITEOS_HEALTH_CMD     [each port's /api/health answers 200 within NITEOS_HEALTH_TIMEOUT s]
#   NITEOS_HEALTH_TIMEOUT [60]
# The two commands run with bash -c and see NITEOS_HOME, NITEOS_PORTS and
# NITEOS_ENV_FILE, so a test can run the whole script for real without systemd.
set -euo pipefail

: "${NITEOS_REPO:?set NITEOS_REPO (the git URL to deploy from)}"
ref="${NITEOS_REF:-main}"
export NITEOS_HOME="${NITEOS_HOME:-/opt/niteos}"
export NITEOS_ENV_FILE="${NITEOS_ENV_FILE:-/etc/niteos/niteos.env}"
export NITEOS_PORTS="${NITEOS_PORTS:-8081}"
keep="${NITEOS_KEEP_RELEASES:-5}"
health_timeout="${NITEOS_HEALTH_TIMEOUT:-60}"

default_restart() {
  local port
  for port in $NITEOS_PORTS; do
    # One process at a time: the others keep serving through nginx meanwhile.
    systemctl restart "niteos@$port.service"
  done
}

default_health() {
  local port deadline
  deadline=$((SECONDS + health_timeout))
  for port in $NITEOS_PORTS; do
    until curl --silent --fail --max-time 3 --output /dev/null "http://127.0.0.1:$port/api/health"; do
      if ((SECONDS >= deadline)); then
        echo "deploy.sh: port $port not healthy after ${health_timeout}s" >&2
        return 1
      fi
      sleep 1
    done
  done
}

# The lock's descriptor is closed for the commands: a server they start must not
# hold the deploy lock for as long as it runs.
restart() {
  if [[ -n "${NITEOS_RESTART_CMD:-}" ]]; then bash -c "$NITEOS_RESTART_CMD" 9>&-; else default_restart; fi
}
healthy() {
  if [[ -n "${NITEOS_HEALTH_CMD:-}" ]]; then bash -c "$NITEOS_HEALTH_CMD" 9>&-; else default_health; fi
}
step() { echo "deploy.sh: $*"; }

# Points `current` at a release in one rename, so nothing ever sees it missing.
switch_to() {
  ln -sfn "$1" "$NITEOS_HOME/current.next"
  mv -T "$NITEOS_HOME/current.next" "$NITEOS_HOME/current"
}

mkdir -p "$NITEOS_HOME/releases"
exec 9>"$NITEOS_HOME/.deploy.lock"
flock --nonblock 9 || {
  echo "deploy.sh: another deploy is running" >&2
  exit 1
}

previous=""
[[ -L "$NITEOS_HOME/current" ]] && previous="$(readlink -f "$NITEOS_HOME/current")"

step "pull $ref from $NITEOS_REPO"
staging="$NITEOS_HOME/releases/.staging-$$"
trap 'rm -rf "$staging"' EXIT
git clone --quiet --depth 1 --branch "$ref" "$NITEOS_REPO" "$staging"
commit="$(git -C "$staging" rev-parse --short=12 HEAD)"
release="$NITEOS_HOME/releases/$(date -u +%Y%m%dT%H%M%SZ)-$commit"
mv "$staging" "$release"
trap - EXIT
step "release $release"

(
  cd "$release"
  step "install"
  pnpm install --frozen-lockfile --prefer-offline
  step "build"
  pnpm build
  step "migrate"
  if [[ -r "$NITEOS_ENV_FILE" ]]; then
    set -a
    # shellcheck disable=SC1090
    . "$NITEOS_ENV_FILE"
    set +a
  fi
  # Before the switch: a failed migration leaves the running release alone.
  # Migrations only add, so the previous release still runs on the new schema.
  pnpm db:migrate
)

step "switch current to $(basename "$release") and restart"
switch_to "$release"
if restart && healthy; then
  step "healthy: $(basename "$release") is live"
else
  if [[ -z "$previous" ]]; then
    echo "deploy.sh: $(basename "$release") is not healthy and there is no previous release to roll back to" >&2
    exit 1
  fi
  echo "deploy.sh: $(basename "$release") is not healthy; rolling back to $(basename "$previous")" >&2
  switch_to "$previous"
  if restart && healthy; then
    echo "deploy.sh: rolled back to $(basename "$previous"), which is healthy" >&2
  else
    echo "deploy.sh: rolled back to $(basename "$previous"), which is NOT healthy either" >&2
  fi
  exit 1
fi

# Oldest first; never the live release or the one a rollback would need.
mapfile -t releases < <(find "$NITEOS_HOME/releases" -mindepth 1 -maxdepth 1 -type d -name '[0-9]*' | sort)
excess=$((${#releases[@]} - keep))
for old in "${releases[@]}"; do
  ((excess > 0)) || break
  [[ "$old" == "$release" || "$old" == "$previous" ]] && continue
  rm -rf "$old"
  step "removed old release $(basename "$old")"
  excess=$((excess - 1))
done
