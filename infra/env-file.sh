# shellcheck shell=bash
# Sourced by deploy.sh, backup.sh, restore.sh and preflight.sh: `load_env_file FILE` exports the settings
# of a systemd EnvironmentFile the way systemd reads them, without running the
# file as shell. `. FILE` would run `long` as a command for
# NITEOS_BOOTSTRAP_ADMIN_PASSWORD='a long one'... unquoted, and expand a `$(...)`
# inside a password; systemd takes both as plain values.
#
# systemd's rules (src/basic/env-file.c), one line at a time: blank lines and
# lines starting with # or ; are skipped, as are lines without =; blanks around
# the key and before the value go. At the start of a value (or after a closing
# quote) '...' is literal and "..." unescapes \" \\ \` \$ (keeping any other
# backslash); elsewhere a backslash takes the next character literally, quotes
# are plain characters, and blanks at the end of the line go. A value that goes
# on to the next line (an open quote, a final backslash) is refused rather
# than misread. Names that are not valid variable names are skipped with a
# warning, as systemd does.
load_env_file() {
  local file="$1" line key rest value state c i blanks n=0
  while IFS= read -r line || [[ -n $line ]]; do
    n=$((n + 1))
    line="${line#"${line%%[![:space:]]*}"}"
    [[ -z $line || $line == [#\;]* || $line != *=* ]] && continue
    key="${line%%=*}"
    key="${key%"${key##*[![:space:]]}"}"
    rest="${line#*=}"
    value="" state=pre blanks=-1
    for ((i = 0; i < ${#rest}; i++)); do
      c="${rest:i:1}"
      case "$state:$c" in
        sq:\') state=pre ;;
        sq:*) value+="$c" ;;
        dq:\") state=pre ;;
        dq:\\)
          i=$((i + 1))
          c="${rest:i:1}"
          [[ -n $c ]] || {
            state=cont
            break
          }
          [[ $c == [\"\\\`\$] ]] || value+="\\"
          value+="$c"
          ;;
        dq:*) value+="$c" ;;
        pre:\') state=sq ;;
        pre:\") state=dq ;;
        pre:[[:blank:]]) ;;
        *:\\)
          i=$((i + 1))
          c="${rest:i:1}"
          [[ -n $c ]] || {
            state=cont
            break
          }
          state=val blanks=-1 value+="$c"
          ;;
        val:[[:blank:]])
          ((blanks >= 0)) || blanks=${#value}
          value+="$c"
          ;;
        *) state=val blanks=-1 value+="$c" ;;
      esac
    done
    if [[ $state == sq || $state == dq || $state == cont ]]; then
      echo "$file:$n: $key goes on to the next line; write it on one line" >&2
      return 1
    fi
    ((blanks < 0)) || value="${value:0:blanks}"
    if [[ ! $key =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]]; then
      echo "$file:$n: ignoring '$key': not a variable name" >&2
      continue
    fi
    export "$key=$value"
  done <"$file"
}

# `libpq_url URL` sets LIBPQ_URL to URL without its password and exports the
# password, percent-decoded, as PGPASSWORD: every local user can read a
# command's arguments (ps), but not its environment.
libpq_url() {
  LIBPQ_URL="$1"
  if [[ $LIBPQ_URL =~ ^([a-z]+://[^:/@]*):([^@]*)@(.*)$ ]]; then
    local password="${BASH_REMATCH[2]//\\/\\\\}"
    PGPASSWORD="$(printf '%b' "${password//%/\\x}")"
    export PGPASSWORD
    LIBPQ_URL="${BASH_REMATCH[1]}@${BASH_REMATCH[3]}"
  fi
}
