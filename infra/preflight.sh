#!/usr/bin/env bash
# Prepares a fresh Debian 12 host for NiteOS, or with --check only reports.
# Safe to run again: every step checks first and changes only what is missing.
#
#   sudo infra/preflight.sh            fix what is missing, then report
#   infra/preflight.sh --check         report only; exit 1 on any problem
#
# Settings (defaults in brackets):
#   NITEOS_SERVER_NAME  public host name, written into a new env file [hostname -f]
#   NITEOS_NODE_MAJOR   Node.js major from NodeSource when node is missing/old [20]
#
# Node.js: Debian 12 ships 18.x but NiteOS needs >= 20.19, so the fix installs
# NodeSource's nodejs 20 (their signed apt repository). pnpm comes from npm.
set -euo pipefail
# cron runs --check with PATH=/usr/bin:/bin: runuser and ufw (in /usr/sbin)
# would not be found, quietly (their errors go to /dev/null), and every run
# would report the database role and the firewall as problems. The caller's
# directories stay first.
export PATH="${PATH:+$PATH:}/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# shellcheck source-path=SCRIPTDIR source=env-file.sh
. "$(dirname "${BASH_SOURCE[0]}")/env-file.sh"

mode=apply
case "${1:-}" in
  --check) mode=check ;;
  "") ;;
  *)
    echo "usage: preflight.sh [--check]" >&2
    exit 2
    ;;
esac
if [[ $mode == apply && $EUID -ne 0 ]]; then
  echo "preflight.sh: run as root to fix things, or with --check to report" >&2
  exit 2
fi

NODE_MIN="20.19.0"
PNPM_VERSION="9.15.9"
NODE_MAJOR="${NITEOS_NODE_MAJOR:-20}"
ENV_FILE=/etc/niteos/niteos.env
problems=0

ok() { printf 'ok       %s\n' "$*"; }
problem() {
  printf 'PROBLEM  %s\n' "$*"
  problems=$((problems + 1))
}

# ensure DESCRIPTION CHECK FIX: OK when CHECK passes; otherwise FIX (apply mode) and check again.
ensure() {
  local what="$1" check="$2" fix="$3"
  if $check; then
    ok "$what"
  elif [[ $mode == check ]]; then
    problem "$what"
  elif $fix && $check; then
    printf 'fixed    %s\n' "$what"
  else
    problem "$what (could not fix)"
  fi
}

installed() { [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == "install ok installed" ]]; }
apt_install() {
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
apt_updated=no
apt_update_once() {
  [[ $apt_updated == yes ]] || apt-get update -qq
  apt_updated=yes
}

# --- packages ---------------------------------------------------------------
has_nginx() { installed nginx-light || installed nginx || installed nginx-full; }
fix_nginx() { apt_update_once && apt_install nginx-light; }
ensure "nginx installed" has_nginx fix_nginx

for pkg in postgresql redis-server ufw certbot curl git openssl gettext-base; do
  # shellcheck disable=SC2317 # called through ensure
  fix_pkg() { apt_update_once && apt_install "$pkg"; }
  check_pkg() { installed "$pkg"; }
  ensure "package $pkg installed" check_pkg fix_pkg
done

node_ok() {
  local v
  v="$(node --version 2>/dev/null)" || return 1
  v="${v#v}"
  [[ "$(printf '%s\n%s\n' "$NODE_MIN" "$v" | sort -V | head -1)" == "$NODE_MIN" ]]
}
fix_node() {
  apt_update_once
  apt_install ca-certificates curl gnupg
  install -d -m 0755 /etc/apt/keyrings
  curl -fsSL https://deb.nodesource.com/gpgkey/nodesource-repo.gpg.key |
    gpg --dearmor --yes -o /etc/apt/keyrings/nodesource.gpg
  echo "deb [signed-by=/etc/apt/keyrings/nodesource.gpg] https://deb.nodesource.com/node_$NODE_MAJOR.x nodistro main" \
    >/etc/apt/sources.list.d/nodesource.list
  apt-get update -qq
  apt_install nodejs
}
ensure "node >= $NODE_MIN ($(node --version 2>/dev/null || echo none))" node_ok fix_node

pnpm_ok() { [[ "$(pnpm --version 2>/dev/null)" == "$PNPM_VERSION" ]]; }
fix_pnpm() { npm install -g --silent "pnpm@$PNPM_VERSION" >/dev/null; }
ensure "pnpm $PNPM_VERSION" pnpm_ok fix_pnpm

# --- user and directories ---------------------------------------------------
user_ok() { id -u niteos >/dev/null 2>&1; }
fix_user() {
  adduser --system --group --home /var/lib/niteos --shell /usr/sbin/nologin niteos >/dev/null
}
ensure "system user niteos" user_ok fix_user

# The server may write only its data dir; the code in /opt/niteos is root's.
dirs_ok() {
  [[ -d /opt/niteos/releases && -d /var/lib/niteos && -d /var/backups/niteos ]] &&
    [[ "$(stat -c %U /var/backups/niteos)" == niteos ]]
}
fix_dirs() {
  install -d -m 0755 -o root -g root /opt/niteos /opt/niteos/releases
  install -d -m 0750 -o niteos -g niteos /var/lib/niteos
  install -d -m 0700 -o niteos -g niteos /var/backups/niteos
}
ensure "directories /opt/niteos, /var/lib/niteos, /var/backups/niteos" dirs_ok fix_dirs

# --- database ---------------------------------------------------------------
psql_admin() { runuser -u postgres -- psql --no-psqlrc -qtAX "$@" 2>/dev/null; }
postgres_up() { pg_isready -q -h 127.0.0.1 -p 5432; }
fix_postgres_up() { systemctl enable --now postgresql; }
ensure "PostgreSQL answers on 127.0.0.1:5432" postgres_up fix_postgres_up

role_ok() { [[ "$(psql_admin -c "select 1 from pg_roles where rolname = 'niteos'")" == 1 ]]; }
db_ok() { [[ "$(psql_admin -c "select 1 from pg_database where datname = 'niteos'")" == 1 ]]; }
# The server logs in with the password in the settings file's DATABASE_URL, so
# the role's password always comes from there when the file has one: a host
# rebuilt around an existing settings file must not get a password no one knows.
# DATABASE_URL as the units get it from the settings file (not from our caller).
settings_url() {
  (
    unset DATABASE_URL
    load_env_file "$ENV_FILE" 2>/dev/null && printf '%s' "${DATABASE_URL:-}"
  )
}
settings_password() {
  local url
  url="$(settings_url)" || return 1
  [[ $url =~ ^postgres(ql)?://niteos:[^@/]+@127\.0\.0\.1:5432/niteos$ ]] || return 1
  # Percent-decoded, as the server's driver reads the URL.
  (libpq_url "$url" && printf '%s' "$PGPASSWORD")
}
# Runs one statement with :'password' quoted by psql, whatever the password holds.
with_password() {
  printf '%s\n' "$1" | psql_admin -v ON_ERROR_STOP=1 -v password="$2"
}
set_role_password() { with_password "alter role niteos password :'password'" "$1"; }
db_password=""
fix_role() {
  if [[ -f $ENV_FILE ]]; then
    db_password="$(settings_password)" || {
      echo "preflight.sh: $ENV_FILE has no DATABASE_URL for niteos@127.0.0.1:5432/niteos to take the password from" >&2
      return 1
    }
  else
    db_password="$(openssl rand -hex 24)"
  fi
  with_password "create role niteos login password :'password'" "$db_password"
}
fix_db() { psql_admin -c "create database niteos owner niteos"; }
ensure "database role niteos" role_ok fix_role
ensure "database niteos owned by niteos" db_ok fix_db

redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }
fix_redis_up() { systemctl enable --now redis-server; }
ensure "Redis answers on 127.0.0.1:6379" redis_up fix_redis_up

# --- server settings --------------------------------------------------------
env_ok() { [[ -f $ENV_FILE && "$(stat -c '%a %U %G' "$ENV_FILE")" == "640 root niteos" ]]; }
fix_env() {
  install -d -m 0750 -o root -g niteos /etc/niteos
  if [[ ! -f $ENV_FILE ]]; then
    if [[ -z $db_password ]]; then
      # The role existed before: set a new password we can write down.
      db_password="$(openssl rand -hex 24)"
      set_role_password "$db_password"
    fi
    local name="${NITEOS_SERVER_NAME:-$(hostname -f)}"
    cat >"$ENV_FILE" <<SETTINGS
# NiteOS server settings, shared by every niteos@PORT unit (see infra/README.md).
DATABASE_URL=postgres://niteos:$db_password@127.0.0.1:5432/niteos
REDIS_URL=redis://127.0.0.1:6379
NITEOS_JWT_SECRET=$(openssl rand -base64 48 | tr -d '\n')
NITEOS_PUBLIC_URL=https://$name
NITEOS_DEMO_SEED=off
DB_POOL_SIZE=10
SETTINGS
  fi
  chown root:niteos "$ENV_FILE"
  chmod 0640 "$ENV_FILE"
}
ensure "settings $ENV_FILE (640 root:niteos)" env_ok fix_env

# Whatever happened to the role or the file since (a restored cluster, an edited
# URL), the server must be able to log in with what the file says.
settings_login_ok() {
  local url
  url="$(settings_url)" || return 1
  [[ -n $url ]] && (libpq_url "$url" && psql --no-psqlrc -qtAX --dbname="$LIBPQ_URL" -c 'select 1') >/dev/null 2>&1
}
fix_settings_login() {
  local password
  password="$(settings_password)" || return 1
  set_role_password "$password"
}
if [[ -r $ENV_FILE ]]; then
  ensure "DATABASE_URL in $ENV_FILE logs in" settings_login_ok fix_settings_login
elif [[ -e $ENV_FILE ]]; then
  problem "cannot read $ENV_FILE to try its DATABASE_URL (run as root)"
fi

# --- backups: last night's dump is there -------------------------------------
# A failing or hung backup timer tells no one by itself: this line does, from
# the cron that runs --check. Nightly at 06:00 plus up to 10 minutes of delay,
# so a dump older than 26 h means last night's run did not write one.
BACKUP_MAX_AGE_HOURS=26
backup_dir="${NITEOS_BACKUP_DIR:-/var/backups/niteos}"
if [[ ! -d $backup_dir ]]; then
  problem "no backup directory $backup_dir (see infra/README.md, section 5)"
elif [[ ! -r $backup_dir || ! -x $backup_dir ]]; then
  problem "cannot read $backup_dir to check the last backup (run as root)"
else
  newest="$(find "$backup_dir" -maxdepth 1 -name 'niteos-*.dump' -printf '%T@ %f\n' | sort -rn | head -n 1)"
  if [[ -z $newest ]]; then
    # A new host has none until the first night: only the drift check calls that a problem.
    message="no backup in $backup_dir yet ('systemctl start niteos-backup' takes one now)"
    if [[ $mode == check ]]; then problem "$message"; else ok "$message"; fi
  else
    age_hours=$((($(date +%s) - ${newest%%.*}) / 3600))
    if ((age_hours >= BACKUP_MAX_AGE_HOURS)); then
      problem "newest backup ${newest#* } is $age_hours h old: the nightly backup is failing (journalctl -u niteos-backup)"
    else
      ok "newest backup ${newest#* } ($age_hours h old)"
    fi
  fi
fi

# --- firewall: deny in by default, 22, 80 and 443 open --------------------
# Rules someone added by hand (an exporter, another SSH port) stay: the fix only
# adds what NiteOS needs, and the report names the others.
ufw_status() { ufw status verbose 2>/dev/null; }
ufw_ok() {
  local status port
  status="$(ufw_status)" || return 1
  grep -q '^Status: active' <<<"$status" || return 1
  grep -q 'Default: deny (incoming)' <<<"$status" || return 1
  for port in 22 80 443; do
    grep -Eq "^$port/tcp +ALLOW IN +Anywhere *\$" <<<"$status" || return 1
  done
}
ufw_others() {
  { ufw_status || true; } | awk '/ALLOW IN/ && $1 !~ /^(22|80|443)\/tcp$/ {print $1}' | sort -u | tr '\n' ' '
}
fix_ufw() {
  ufw default deny incoming >/dev/null
  ufw default allow outgoing >/dev/null
  # `ufw allow` skips a rule that exists, so a re-run adds nothing twice.
  for port in 22 80 443; do ufw allow "$port/tcp" >/dev/null; done
  ufw --force enable >/dev/null
}
ensure "firewall (ufw) denies in, allows 22, 80, 443" ufw_ok fix_ufw
others="$(ufw_others)"
[[ -z $others ]] || ok "firewall also allows, added by hand: ${others% }"

# Databases and server processes must listen on loopback only, whatever the firewall says.
exposed() {
  ss -ltnH 2>/dev/null | awk '{print $4}' |
    grep -Ev '^(127\.[0-9.]+|\[::1\]|\[::ffff:127\.[0-9.]+\]):[0-9]+$' |
    grep -Ev ':(22|80|443)$' || true
}
listening_ok() { [[ -z "$(exposed)" ]]; }
if listening_ok; then
  ok "nothing but 22, 80, 443 listens beyond loopback"
else
  problem "listening beyond loopback: $(exposed | tr '\n' ' ')"
fi

# --- no radio or streaming engine on a till server ---------------------------
STREAMING_PACKAGES="icecast2 liquidsoap mpd ices2 darkice ezstream mopidy snapserver ffserver owncast shoutcast"
STREAMING_PROCESSES="icecast icecast2 liquidsoap mpd ices ices2 darkice ezstream mopidy snapserver ffserver owncast sc_serv"
found=""
for pkg in $STREAMING_PACKAGES; do installed "$pkg" && found+="package $pkg, "; done
for proc in $STREAMING_PROCESSES; do pgrep -x "$proc" >/dev/null 2>&1 && found+="process $proc, "; done
if [[ -z $found ]]; then
  ok "no radio or streaming engine installed or running"
else
  # Never removed automatically: someone put it there; they should know it goes.
  problem "radio or streaming engine present: ${found%, } (remove it: NiteOS hosts run nothing else)"
fi

echo
if ((problems > 0)); then
  echo "preflight.sh: $problems problem(s)"
  exit 1
fi
echo "preflight.sh: host ready"
