#!/bin/sh
# Entrypoint of vitest-perf/redis:7 (Debian's redis-server). As in the official image: the
# command's arguments pass straight to redis-server (Testcontainers adds "--requirepass PW" as
# one argument, which redis-server accepts), the server logs to stdout ("Ready to accept
# connections") and runs as the redis user in /data.
set -e

# "--port 6380" or "my.conf" alone means redis-server with those arguments.
case $1 in -* | *.conf) set -- redis-server "$@" ;; esac

if [ "$1" = redis-server ]; then
  # The official image compiles protected mode off; Debian's binary has it on, which refuses
  # password-less clients coming through a published port. Keep an explicit choice.
  case " $* " in
    *" --protected-mode"*) ;;
    *) set -- "$@" --protected-mode no ;;
  esac
  if [ "$(id -u)" = 0 ]; then
    find . \! -user redis -exec chown redis '{}' +
    exec setpriv --reuid=redis --regid=redis --init-groups "$0" "$@"
  fi
  [ "$(umask)" = 0022 ] && umask 0077
fi

exec "$@"
