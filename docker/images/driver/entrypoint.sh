#!/bin/sh
# Entrypoint of vitest-perf/driver: the arguments are those of `vitest-perf driver`
# (--redis, --id, --key-file, --root, --runs, --give-up, --prefix). Load modules are loaded only
# under --root (default /app, the project), by the paths the coordinator sends.
set -e
case " $* " in
  *" --root "*) ;;
  *) set -- "$@" --root /app ;;
esac
exec node --conditions=vitest-perf-source /app/src/cli/main.ts driver "$@"
