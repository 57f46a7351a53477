#!/usr/bin/env bash
# Entrypoint of vitest-perf/postgres:15 (Debian's postgresql-15). Behaves like the official
# postgres image's: POSTGRES_USER (default postgres), POSTGRES_PASSWORD, POSTGRES_DB (default
# the user), their *_FILE forms, POSTGRES_INITDB_ARGS, POSTGRES_INITDB_WALDIR,
# POSTGRES_HOST_AUTH_METHOD and /docker-entrypoint-initdb.d. On first start it runs initdb and a
# temporary socket-only server, so "database system is ready to accept connections" is logged
# twice and nothing listens on TCP before the real server runs.
set -Eeo pipefail

log() { printf '%s [entrypoint] %s\n' "$(date -u '+%F %T UTC')" "$*"; }
die() { log "error: $*" >&2; exit 1; }

# VAR_FILE holds the value of VAR (Docker secrets).
file_env() {
  local var=$1 file_var="${1}_FILE" val=${2:-}
  [[ -n ${!var:-} && -n ${!file_var:-} ]] && die "both $var and $file_var are set"
  if [[ -n ${!var:-} ]]; then val=${!var}; elif [[ -n ${!file_var:-} ]]; then val=$(<"${!file_var}"); fi
  export "$var=$val"
  unset "$file_var"
}

wants_help() {
  local arg
  for arg; do
    case $arg in -'?' | --help | --describe-config | -V | --version | -C | -C*) return 0 ;; esac
  done
  return 1
}

prepare_dirs_as_root() {
  mkdir -p "$PGDATA" /var/run/postgresql
  chmod 00700 "$PGDATA" || :
  chmod 03775 /var/run/postgresql
  local dirs=("$PGDATA" /var/run/postgresql)
  if [[ -n ${POSTGRES_INITDB_WALDIR:-} ]]; then
    mkdir -p "$POSTGRES_INITDB_WALDIR"
    dirs+=("$POSTGRES_INITDB_WALDIR")
  fi
  find "${dirs[@]}" \! -user postgres -exec chown postgres:postgres '{}' +
}

psql_as_superuser() {
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc "$@"
}

run_init_files() {
  local f
  for f in /docker-entrypoint-initdb.d/*; do
    [[ -e $f ]] || continue
    case $f in
      *.sh)
        if [[ -x $f ]]; then log "running $f"; "$f"
        else log "sourcing $f"; # shellcheck disable=SC1090
          . "$f"; fi ;;
      *.sql) log "running $f"; psql_as_superuser --dbname "$POSTGRES_DB" -f "$f" ;;
      *.sql.gz) log "running $f"; gunzip -c "$f" | psql_as_superuser --dbname "$POSTGRES_DB" ;;
      *.sql.xz) log "running $f"; xzcat "$f" | psql_as_superuser --dbname "$POSTGRES_DB" ;;
      *.sql.zst) log "running $f"; zstd -dc "$f" | psql_as_superuser --dbname "$POSTGRES_DB" ;;
      *) log "ignoring $f" ;;
    esac
  done
}

init_cluster() {
  if [[ -z $POSTGRES_PASSWORD && $POSTGRES_HOST_AUTH_METHOD != trust ]]; then
    die "the database is uninitialized and POSTGRES_PASSWORD is empty; set it to a non-empty value, or set POSTGRES_HOST_AUTH_METHOD=trust to allow connections without a password"
  fi
  local args=(--username="$POSTGRES_USER") pwfile=
  if [[ -n $POSTGRES_PASSWORD ]]; then
    pwfile=$(mktemp)
    printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
    args+=(--pwfile="$pwfile")
  fi
  [[ -n ${POSTGRES_INITDB_WALDIR:-} ]] && args+=(--waldir="$POSTGRES_INITDB_WALDIR")
  # shellcheck disable=SC2086 # POSTGRES_INITDB_ARGS is a word list, as in the official image
  initdb "${args[@]}" $POSTGRES_INITDB_ARGS
  [[ -z $pwfile ]] || rm -f "$pwfile"

  local method=${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}
  [[ $method == trust ]] && log "warning: POSTGRES_HOST_AUTH_METHOD=trust lets anyone connect without a password"
  printf '\nhost all all all %s\n' "$method" >>"$PGDATA/pg_hba.conf"

  # Socket-only temporary server: the TCP port opens only with the real server.
  export PGPASSWORD=$POSTGRES_PASSWORD
  pg_ctl -D "$PGDATA" -o "$(printf '%q ' -c listen_addresses='' -p "${PGPORT:-5432}" "$@")" -w start

  if [[ $POSTGRES_DB != postgres ]]; then
    local exists
    exists=$(psql_as_superuser --dbname postgres -tA --set db="$POSTGRES_DB" <<<"SELECT 1 FROM pg_database WHERE datname = :'db' ;")
    if [[ -z $exists ]]; then
      psql_as_superuser --dbname postgres --set db="$POSTGRES_DB" <<<'CREATE DATABASE :"db" ;'
    fi
  fi
  run_init_files

  pg_ctl -D "$PGDATA" -m fast -w stop
  unset PGPASSWORD
  log "PostgreSQL init process complete; ready for start up."
}

if [[ ${1:0:1} == - ]]; then set -- postgres "$@"; fi

if [[ $1 == postgres ]] && ! wants_help "$@"; then
  file_env POSTGRES_PASSWORD
  file_env POSTGRES_USER postgres
  file_env POSTGRES_DB "$POSTGRES_USER"
  file_env POSTGRES_INITDB_ARGS
  : "${POSTGRES_HOST_AUTH_METHOD:=}"
  export PGDATA=${PGDATA:-/var/lib/postgresql/data}

  if [[ $(id -u) == 0 ]]; then
    prepare_dirs_as_root
    export HOME=/var/lib/postgresql
    exec setpriv --reuid=postgres --regid=postgres --init-groups "${BASH_SOURCE[0]}" "$@"
  fi

  mkdir -p "$PGDATA"
  chmod 00700 "$PGDATA" 2>/dev/null || :
  if [[ -s $PGDATA/PG_VERSION ]]; then
    log "PostgreSQL Database directory appears to contain a database; Skipping initialization"
  else
    init_cluster "${@:2}"
  fi
fi

exec "$@"
