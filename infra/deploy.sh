#!/usr/bin/env bash
# Deploys one NiteOS release: pull, install, build, migrate, switch, rolling
# restart; if a port does not come up healthy, or the deploy is interrupted
# (SSH drop, Ctrl-C, kill) before all are, it switches back to the previous
# release, restarts the ports it had restarted and exits 1. Releases live side
# by side:
#
#   $NITEOS_HOME/releases/<UTC time>-<commit>/   one checkout per deploy
#   $NITEOS_HOME/current -> releases/...         what systemd and nginx run
#
# Settings (defaults in brackets):
#   NITEOS_REPO           git URL to deploy from (required)
#   NITEOS_REF            branch or tag [main]
#   NITEOS_HOME           [/opt/niteos]
#   NITEOS_ENV_FILE       server settings, read for the migration; must exist and
#                         hold DATABASE_URL [/etc/niteos/niteos.env]
#   NITEOS_PORTS          ports of the server processes, one systemd unit each [8081]
#   NITEOS_KEEP_RELEASES  releases kept on disk, current and previous included [5]
#   NITEOS_RESTART_CMD    restarts the one port NITEOS_PORT [systemctl restart niteos@$NITEOS_PORT.service]
#   NITEOS_HEALTH_TIMEOUT seconds each port has, after its restart, to answer
#                         200 on /api/health before the deploy gives up [60]
#   NITEOS_HEALTH_HOST    the address the servers listen on (their HOST) [127.0.0.1]
#   NITEOS_UPSTREAM_SETTLE seconds between a port answering ready and the next
#                         port's restart: longer than nginx's fail_timeout (5 s,
#                         render.sh), so nginx takes the first back first [6]
# NITEOS_RESTART_CMD runs with bash -c and sees NITEOS_PORT, NITEOS_HOME and
# NITEOS_ENV_FILE, so a test can run the whole script for real without systemd.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=env-file.sh
. "$(dirname "${BASH_SOURCE[0]}")/env-file.sh"

: "${NITEOS_REPO:?set NITEOS_REPO (the git URL to deploy from)}"
ref="${NITEOS_REF:-main}"
export NITEOS_HOME="${NITEOS_HOME:-/opt/niteos}"
export NITEOS_ENV_FILE="${NITEOS_ENV_FILE:-/etc/niteos/niteos.env}"
read -ra ports <<<"${NITEOS_PORTS:-8081}"
keep="${NITEOS_KEEP_RELEASES:-5}"
health_timeout="${NITEOS_HEALTH_TIMEOUT:-60}"
health_host="${NITEOS_HEALTH_HOST:-127.0.0.1}"
settle="${NITEOS_UPSTREAM_SETTLE:-6}"
# An IPv6 address goes in brackets in a URL.
[[ "$health_host" == *:* && "$health_host" != \[* ]] && health_host="[$health_host]"

# The lock's descriptor is closed for the command: a server it starts must not
# hold the deploy lock for as long as it runs.
restart_port() {
  if [[ -n "${NITEOS_RESTART_CMD:-}" ]]; then
    NITEOS_PORT="$1" bash -c "$NITEOS_RESTART_CMD" 9>&-
  else
    systemctl restart "niteos@$1.service"
  fi
}

# The unit is Type=exec: `systemctl restart` returns once node runs, not once it
# listens, so only /api/health (readiness) says the port serves again. It must
# also name the release `current` points at (the server reads its RELEASE
# file): a process of the old release still on the port is not the new one
# being ready. Releases from before RELEASE files are taken on readiness alone.
ready() {
  local port="$1" deadline=$((SECONDS + health_timeout)) want="" body late
  want="$(cat "$NITEOS_HOME/current/RELEASE" 2>/dev/null || true)"
  while :; do
    if body="$(curl --silent --fail --max-time 3 "http://$health_host:$port/api/health")"; then
      [[ -z "$want" || "$body" == *"\"version\":\""*"+$want\""* ]] && return 0
      late="port $port is ready but does not run $want (an old process still on the port?)"
    else
      late="port $port not healthy after ${health_timeout}s"
    fi
    if ((SECONDS >= deadline)); then
      echo "deploy.sh: $late" >&2
      return 1
    fi
    sleep 1
  done
}

# Restarts the given ports one at a time, the next only once the last answers
# ready: all the others keep serving through nginx meanwhile, and a release that
# does not come up stops at its first port. Leaves the ports it restarted, the
# failed one last, in `restarted`.
restarted=()
rolling_restart() {
  local port
  restarted=()
  for port in "$@"; do
    # nginx left the port just restarted out after its failed tries, for
    # fail_timeout after the last: restarting the next one sooner could
    # leave nginx no process to send to (502 for every request meanwhile).
    if ((${#restarted[@]} > 0 && settle > 0)); then
      step "waiting ${settle}s for nginx to take port ${restarted[-1]} back"
      sleep "$settle"
    fi
    step "restart port $port"
    restarted+=("$port")
    restart_port "$port" && ready "$port" || return 1
  done
}
step() { echo "deploy.sh: $*"; }

# Points `current` at a release in one rename, so nothing ever sees it missing.
switch_to() {
  ln -sfn "$1" "$NITEOS_HOME/current.next"
  mv -T "$NITEOS_HOME/current.next" "$NITEOS_HOME/current"
}

# Exports the settings the units get, read as systemd reads them (never run
# as shell). Without DATABASE_URL `pnpm db:migrate` would migrate an embedded
# database in the release folder and say it is done, leaving the real
# migration to the first port's start, after the switch.
load_settings() {
  if [[ ! -r "$NITEOS_ENV_FILE" ]]; then
    echo "deploy.sh: cannot read the server settings $NITEOS_ENV_FILE (NITEOS_ENV_FILE) for the migration" >&2
    return 1
  fi
  # The units get no DATABASE_URL but the file's: neither does the migration.
  unset DATABASE_URL
  load_env_file "$NITEOS_ENV_FILE" || return 1
  if [[ -z "${DATABASE_URL:-}" ]]; then
    echo "deploy.sh: $NITEOS_ENV_FILE sets no DATABASE_URL: the migration would not reach the servers' database" >&2
    return 1
  fi
}

# Puts the previous release back on the ports this deploy restarted, the last
# one first (it is the one serving nothing); the ports not reached yet never
# stopped running it. Nothing stops it halfway: a rollback left half done is
# the mix of releases it is there to undo, and after an SSH drop its output
# goes nowhere, so writes that fail must not end it either.
roll_back() {
  trap '' INT HUP TERM PIPE
  trap - EXIT
  set +e
  if [[ -z "$previous" ]]; then
    echo "deploy.sh: $1 and there is no previous release to roll back to" >&2
    return
  fi
  echo "deploy.sh: $1; rolling back to $(basename "$previous") on ports ${restarted[*]}" >&2
  switch_to "$previous"
  local back=() i
  for ((i = ${#restarted[@]} - 1; i >= 0; i--)); do back+=("${restarted[i]}"); done
  if rolling_restart "${back[@]}"; then
    echo "deploy.sh: rolled back to $(basename "$previous"), which is healthy" >&2
  else
    echo "deploy.sh: rolled back to $(basename "$previous"), which is NOT healthy either (port ${restarted[-1]})" >&2
  fi
}
interrupted() {
  roll_back "interrupted (SIG$1) before $(basename "$release") was checked on every port"
  exit 1
}

# Before anything is cloned or built: a deploy that cannot migrate fails now.
(load_settings)

mkdir -p "$NITEOS_HOME/releases"
exec 9>"$NITEOS_HOME/.deploy.lock"
flock --nonblock 9 || {
  echo "deploy.sh: another deploy is running" >&2
  exit 1
}

previous=""
[[ -L "$NITEOS_HOME/current" ]] && previous="$(readlink -f "$NITEOS_HOME/current")"

# A private repository's URL may carry a token (https://user:TOKEN@host/...):
# never printed, and not left in the releases' .git/config, which the
# service user and anyone on the host can read.
step "pull $ref from $(sed -E 's#^([a-z+]+://)[^/@]+@#\1***@#' <<<"$NITEOS_REPO")"
staging="$NITEOS_HOME/releases/.staging-$$"
trap 'rm -rf "$staging"' EXIT
git clone --quiet --depth 1 --branch "$ref" "$NITEOS_REPO" "$staging"
git -C "$staging" remote remove origin
commit="$(git -C "$staging" rev-parse --short=12 HEAD)"
release="$NITEOS_HOME/releases/$(date -u +%Y%m%dT%H%M%SZ)-$commit"
mv "$staging" "$release"
# Read by the server at start: /api/health names the release a process runs.
basename "$release" >"$release/RELEASE"
trap - EXIT
step "release $release"

(
  cd "$release"
  step "install"
  pnpm install --frozen-lockfile --prefer-offline
  step "build"
  pnpm build
  step "migrate"
  load_settings
  # Before the switch: a failed migration leaves the running release alone.
  # Migrations only add, so the previous release still runs on the new schema.
  pnpm db:migrate
)

step "switch current to $(basename "$release") and restart ports ${ports[*]} one by one"
# From here until every port is checked, an SSH drop (HUP; PIPE when a `| tee`
# went first), Ctrl-C (INT), a kill (TERM) or a failing command must not leave
# `current` on an unchecked release and the ports on two releases: each rolls
# back as a failed check does.
for signal in INT HUP TERM PIPE; do
  # shellcheck disable=SC2064 # the signal's name, fixed now
  trap "interrupted $signal" "$signal"
done
trap 'roll_back "stopped by a failed command before $(basename "$release") was checked on every port"' EXIT
switch_to "$release"
if ! rolling_restart "${ports[@]}"; then
  roll_back "$(basename "$release") is not healthy"
  exit 1
fi
trap - INT HUP TERM PIPE EXIT
step "healthy: $(basename "$release") is live"

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
