#!/usr/bin/env bash
# Renders niteos.conf.template to stdout from the environment. The same render
# is installed in production and run by the tests (infra/test/nginx.test.ts).
#
#   NITEOS_SERVER_NAME=pos.example.ch NITEOS_UPSTREAM_PORTS="8081 8082" \
#     infra/nginx/render.sh > /etc/nginx/sites-available/niteos.conf
#
# Settings (defaults in brackets):
#   NITEOS_SERVER_NAME     host name(s) nginx answers for (required)
#   NITEOS_UPSTREAM_PORTS  the server processes: a port (on 127.0.0.1) or host:port
#                          (on another host, infra/README.md §6) each [8081]
#   NITEOS_APP_DIR         the deployed release [/opt/niteos/current]
#   NITEOS_GUEST_ROOT      built guest app [$NITEOS_APP_DIR/apps/guest-pwa/dist]
#   NITEOS_POS_ROOT        built till app [$NITEOS_APP_DIR/apps/pos-pwa/dist]
#   NITEOS_TLS_CERT        [/etc/letsencrypt/live/<first server name>/fullchain.pem]
#   NITEOS_TLS_KEY         [/etc/letsencrypt/live/<first server name>/privkey.pem]
#   NITEOS_ACME_ROOT       certbot's webroot for HTTP-01 challenges [/var/www/html]
#   NITEOS_LOG_DIR         access log directory [/var/log/nginx]
#   NITEOS_CSP_EXTERNAL    where the guest app may load radio streams and feed images
#                          from (CSP sources, e.g. "https://radio.example.ch") [https:]
#   NITEOS_HTTP_PORT       [80]
#   NITEOS_HTTPS_PORT      [443]
#   NITEOS_OPS_NETWORKS    addresses (CIDR) that may read /health, /api/health and /metrics
#                          [127.0.0.0/8 ::1 10.0.0.0/8 172.16.0.0/12 192.168.0.0/16 fc00::/7]
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"

: "${NITEOS_SERVER_NAME:?set NITEOS_SERVER_NAME (the public host name)}"
first_name="${NITEOS_SERVER_NAME%% *}"
NITEOS_UPSTREAM_PORTS="${NITEOS_UPSTREAM_PORTS:-8081}"
NITEOS_APP_DIR="${NITEOS_APP_DIR:-/opt/niteos/current}"
NITEOS_GUEST_ROOT="${NITEOS_GUEST_ROOT:-$NITEOS_APP_DIR/apps/guest-pwa/dist}"
NITEOS_POS_ROOT="${NITEOS_POS_ROOT:-$NITEOS_APP_DIR/apps/pos-pwa/dist}"
NITEOS_TLS_CERT="${NITEOS_TLS_CERT:-/etc/letsencrypt/live/$first_name/fullchain.pem}"
NITEOS_TLS_KEY="${NITEOS_TLS_KEY:-/etc/letsencrypt/live/$first_name/privkey.pem}"
NITEOS_ACME_ROOT="${NITEOS_ACME_ROOT:-/var/www/html}"
NITEOS_LOG_DIR="${NITEOS_LOG_DIR:-/var/log/nginx}"
NITEOS_CSP_EXTERNAL="${NITEOS_CSP_EXTERNAL:-https:}"
NITEOS_HTTP_PORT="${NITEOS_HTTP_PORT:-80}"
NITEOS_HTTPS_PORT="${NITEOS_HTTPS_PORT:-443}"
NITEOS_OPS_NETWORKS="${NITEOS_OPS_NETWORKS:-127.0.0.0/8 ::1 10.0.0.0/8 172.16.0.0/12 192.168.0.0/16 fc00::/7}"

fail() {
  echo "render.sh: $*" >&2
  exit 2
}
is_port() { [[ "$1" =~ ^[0-9]+$ ]] && ((10#$1 >= 1 && 10#$1 <= 65535)); }

is_port "$NITEOS_HTTP_PORT" || fail "NITEOS_HTTP_PORT is not a port: $NITEOS_HTTP_PORT"
is_port "$NITEOS_HTTPS_PORT" || fail "NITEOS_HTTPS_PORT is not a port: $NITEOS_HTTPS_PORT"
for dir in NITEOS_GUEST_ROOT NITEOS_POS_ROOT NITEOS_TLS_CERT NITEOS_TLS_KEY NITEOS_ACME_ROOT NITEOS_LOG_DIR; do
  [[ "${!dir}" == /* ]] || fail "$dir must be an absolute path: ${!dir}"
  # A space or ; would end the directive early and change what nginx runs.
  [[ "${!dir}" != *[[:space:]\;\'\"]* ]] || fail "$dir contains a space, quote or ;: ${!dir}"
done
# CSP sources only: a quote or ; would end the header or the directive.
[[ "$NITEOS_CSP_EXTERNAL" =~ ^[A-Za-z0-9.:/*\ -]*$ ]] || fail "NITEOS_CSP_EXTERNAL has odd characters: $NITEOS_CSP_EXTERNAL"
[[ "$NITEOS_SERVER_NAME" =~ ^[A-Za-z0-9.*_\ -]+$ ]] || fail "NITEOS_SERVER_NAME has odd characters: $NITEOS_SERVER_NAME"

NITEOS_UPSTREAM_SERVERS=""
for upstream in $NITEOS_UPSTREAM_PORTS; do
  host=127.0.0.1
  port="$upstream"
  # host:port for a process on another host: an IPv4 address or a name nginx
  # resolves at start (nothing that could end the directive).
  if [[ "$upstream" =~ ^([A-Za-z0-9.-]+):([0-9]+)$ ]]; then
    host="${BASH_REMATCH[1]}"
    port="${BASH_REMATCH[2]}"
  fi
  is_port "$port" || fail "NITEOS_UPSTREAM_PORTS has a non-port: $upstream"
  # A process that fails twice is left alone for 5 s while the others take its share.
  NITEOS_UPSTREAM_SERVERS+="    server $host:$port max_fails=2 fail_timeout=5s;"$'\n'
done
[[ -n "$NITEOS_UPSTREAM_SERVERS" ]] || fail "NITEOS_UPSTREAM_PORTS is empty"

NITEOS_OPS_NETWORK_ENTRIES=""
for network in $NITEOS_OPS_NETWORKS; do
  # An address or a CIDR range, nothing that could end the geo entry.
  [[ "$network" =~ ^[0-9A-Fa-f.:]+(/[0-9]{1,3})?$ ]] || fail "NITEOS_OPS_NETWORKS has a non-network: $network"
  NITEOS_OPS_NETWORK_ENTRIES+="    $network 1;"$'\n'
done

# The redirect keeps a non-standard HTTPS port (tests); on 443 the URL has none.
NITEOS_HTTPS_PORT_SUFFIX=""
[[ "$NITEOS_HTTPS_PORT" == 443 ]] || NITEOS_HTTPS_PORT_SUFFIX=":$NITEOS_HTTPS_PORT"

export NITEOS_SERVER_NAME NITEOS_UPSTREAM_SERVERS NITEOS_GUEST_ROOT NITEOS_POS_ROOT \
  NITEOS_TLS_CERT NITEOS_TLS_KEY NITEOS_ACME_ROOT NITEOS_LOG_DIR NITEOS_HTTP_PORT \
  NITEOS_HTTPS_PORT NITEOS_HTTPS_PORT_SUFFIX NITEOS_CSP_EXTERNAL NITEOS_OPS_NETWORK_ENTRIES
# Only our names are substituted: nginx's own $variables pass through untouched.
# shellcheck disable=SC2016
envsubst '${NITEOS_SERVER_NAME} ${NITEOS_UPSTREAM_SERVERS} ${NITEOS_GUEST_ROOT} ${NITEOS_POS_ROOT} ${NITEOS_TLS_CERT} ${NITEOS_TLS_KEY} ${NITEOS_ACME_ROOT} ${NITEOS_LOG_DIR} ${NITEOS_HTTP_PORT} ${NITEOS_HTTPS_PORT} ${NITEOS_HTTPS_PORT_SUFFIX} ${NITEOS_CSP_EXTERNAL} ${NITEOS_OPS_NETWORK_ENTRIES}' \
  <"$here/niteos.conf.template"
