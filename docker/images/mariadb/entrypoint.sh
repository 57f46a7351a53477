#!/usr/bin/env bash
# Entrypoint of vitest-perf/mariadb:10.11 (Debian's mariadb-server-core). Behaves like the
# official mariadb image's for what tests use: MARIADB_ROOT_PASSWORD, MARIADB_ALLOW_EMPTY_ROOT_PASSWORD,
# MARIADB_RANDOM_ROOT_PASSWORD, MARIADB_ROOT_HOST, MARIADB_DATABASE, MARIADB_USER,
# MARIADB_PASSWORD, each also as MYSQL_* and as *_FILE, and /docker-entrypoint-initdb.d.
# On first start it runs mariadb-install-db and a temporary server with --skip-networking, so
# port 3306 opens only when the real server is ready.
set -Eeo pipefail

log() { printf '%s [entrypoint] %s\n' "$(date -u '+%F %T')" "$*"; }
die() { log "error: $*" >&2; exit 1; }

# Sets MARIADB_X from MARIADB_X, MARIADB_X_FILE, MYSQL_X or MYSQL_X_FILE, first found.
env_alias() {
  local name=$1 def=${2:-} var val=$def found=
  for var in "MARIADB_$name" "MYSQL_$name"; do
    local file_var="${var}_FILE"
    [[ -n ${!var:-} && -n ${!file_var:-} ]] && die "both $var and $file_var are set"
    if [[ -z $found && -n ${!var:-} ]]; then val=${!var}; found=1
    elif [[ -z $found && -n ${!file_var:-} ]]; then val=$(<"${!file_var}"); found=1; fi
    unset "$file_var"
  done
  export "MARIADB_$name=$val"
}

# The value the server would use for option $1 with the arguments given.
server_option() {
  local opt=$1; shift
  "$@" --verbose --help 2>/dev/null | awk -v opt="$opt" '$1 == opt && /^[^ \t]/ { sub(/^[^ \t]+[ \t]+/, ""); print; exit }'
}

sql_string() { local s=${1//\\/\\\\}; printf '%s' "${s//\'/\\\'}"; }
sql_ident() { printf '%s' "${1//\`/\`\`}"; }

client() { mariadb --protocol=socket --socket="$SOCKET" -uroot -hlocalhost "$@"; }

run_init_files() {
  local f db_args=()
  [[ -n $MARIADB_DATABASE ]] && db_args=(--database="$MARIADB_DATABASE")
  for f in /docker-entrypoint-initdb.d/*; do
    [[ -e $f ]] || continue
    case $f in
      *.sh)
        if [[ -x $f ]]; then log "running $f"; "$f"
        else log "sourcing $f"; # shellcheck disable=SC1090
          . "$f"; fi ;;
      *.sql) log "running $f"; client "${db_args[@]}" <"$f" ;;
      *.sql.gz) log "running $f"; gunzip -c "$f" | client "${db_args[@]}" ;;
      *.sql.xz) log "running $f"; xzcat "$f" | client "${db_args[@]}" ;;
      *.sql.zst) log "running $f"; zstd -dc "$f" | client "${db_args[@]}" ;;
      *) log "ignoring $f" ;;
    esac
  done
}

init_datadir() {
  if [[ -z $MARIADB_ROOT_PASSWORD && -z $MARIADB_ALLOW_EMPTY_ROOT_PASSWORD && -z $MARIADB_RANDOM_ROOT_PASSWORD ]]; then
    die "the database is uninitialized and no root password option is set; set one of MARIADB_ROOT_PASSWORD, MARIADB_ALLOW_EMPTY_ROOT_PASSWORD or MARIADB_RANDOM_ROOT_PASSWORD (or their MYSQL_* forms)"
  fi
  if [[ -n $MARIADB_RANDOM_ROOT_PASSWORD ]]; then
    MARIADB_ROOT_PASSWORD=$(tr -dc 'A-Za-z0-9' </dev/urandom | head -c 32 || true)
    log "GENERATED ROOT PASSWORD: $MARIADB_ROOT_PASSWORD"
  fi

  log "initializing the data directory $DATADIR"
  mariadb-install-db --datadir="$DATADIR" --rpm --auth-root-authentication-method=normal \
    --skip-test-db --skip-name-resolve --default-time-zone=SYSTEM \
    --skip-log-bin --expire-logs-days=0 "${@:2}"

  log "starting a temporary server"
  "$@" --skip-networking --socket="$SOCKET" --default-time-zone=SYSTEM --skip-log-bin \
    --expire-logs-days=0 --loose-innodb-buffer-pool-load-at-startup=0 &
  local pid=$! i
  for ((i = 0; i < 300; i++)); do
    client --database=mysql -e 'SELECT 1' >/dev/null 2>&1 && break
    kill -0 "$pid" 2>/dev/null || die "the temporary server exited during initialization"
    sleep 0.1
  done
  ((i < 300)) || die "the temporary server did not answer within 30 s"

  local root_pw host=${MARIADB_ROOT_HOST:-%} sql
  root_pw=$(sql_string "$MARIADB_ROOT_PASSWORD")
  sql="SET @@SESSION.SQL_LOG_BIN=0;
SET @@SESSION.SQL_MODE=REPLACE(@@SESSION.SQL_MODE, 'NO_BACKSLASH_ESCAPES', '');
DROP USER IF EXISTS root@'127.0.0.1', root@'::1';
EXECUTE IMMEDIATE CONCAT('DROP USER IF EXISTS root@\\'', @@hostname, '\\'');
SET PASSWORD FOR 'root'@'localhost' = PASSWORD('$root_pw');"
  if [[ $host != localhost ]]; then
    sql+="
CREATE USER 'root'@'$(sql_string "$host")' IDENTIFIED BY '$root_pw';
GRANT ALL ON *.* TO 'root'@'$(sql_string "$host")' WITH GRANT OPTION;
GRANT PROXY ON ''@'%' TO 'root'@'$(sql_string "$host")' WITH GRANT OPTION;"
  fi
  if [[ -n $MARIADB_DATABASE ]]; then
    sql+="
CREATE DATABASE IF NOT EXISTS \`$(sql_ident "$MARIADB_DATABASE")\`;"
  fi
  if [[ -n $MARIADB_USER ]]; then
    [[ $MARIADB_USER == root ]] && die "MARIADB_USER=root is not allowed; use MARIADB_ROOT_PASSWORD for root"
    sql+="
CREATE USER '$(sql_string "$MARIADB_USER")'@'%' IDENTIFIED BY '$(sql_string "$MARIADB_PASSWORD")';"
    [[ -n $MARIADB_DATABASE ]] && sql+="
GRANT ALL ON \`$(sql_ident "$MARIADB_DATABASE")\`.* TO '$(sql_string "$MARIADB_USER")'@'%';"
  fi
  client --database=mysql --binary-mode <<<"$sql"

  export MYSQL_PWD=$MARIADB_ROOT_PASSWORD
  run_init_files
  client -e 'SHUTDOWN'
  unset MYSQL_PWD
  wait "$pid" || die "the temporary server did not shut down cleanly"
  log "MariaDB init process done. Ready for start up."
}

if [[ ${1:0:1} == - ]]; then set -- mariadbd "$@"; fi

if [[ $1 == mariadbd || $1 == mysqld ]] && ! [[ " $* " =~ \ (--help|-\?|--version|-V)\  ]]; then
  env_alias ROOT_PASSWORD
  env_alias ALLOW_EMPTY_ROOT_PASSWORD
  [[ -n ${MYSQL_ALLOW_EMPTY_PASSWORD:-} && -z $MARIADB_ALLOW_EMPTY_ROOT_PASSWORD ]] && export MARIADB_ALLOW_EMPTY_ROOT_PASSWORD=$MYSQL_ALLOW_EMPTY_PASSWORD
  env_alias RANDOM_ROOT_PASSWORD
  env_alias ROOT_HOST %
  env_alias DATABASE
  env_alias USER
  env_alias PASSWORD

  DATADIR=$(server_option datadir "$@")
  SOCKET=$(server_option socket "$@")
  DATADIR=${DATADIR:-/var/lib/mysql/}
  SOCKET=${SOCKET:-/run/mysqld/mysqld.sock}

  if [[ $(id -u) == 0 ]]; then
    mkdir -p "$DATADIR" "$(dirname "$SOCKET")"
    find "$DATADIR" "$(dirname "$SOCKET")" \! -user mysql -exec chown mysql:mysql '{}' +
    export HOME=/var/lib/mysql
    exec setpriv --reuid=mysql --regid=mysql --init-groups "${BASH_SOURCE[0]}" "$@"
  fi

  if [[ -d $DATADIR/mysql ]]; then
    log "the data directory $DATADIR already holds a database; skipping initialization"
  else
    init_datadir "$@"
  fi
fi

exec "$@"
