#!/usr/bin/env bash
# Runs Debian's docker.io daemon on a private socket, for machines without a running Docker
# engine or a registry (see docker/README.md).
#   docker/dockerd.sh start|stop|status|env
set -euo pipefail

DIR=${VITEST_PERF_DOCKER_DIR:-/var/tmp/vitest-perf-docker}
SOCK=$DIR/docker.sock
PIDFILE=$DIR/dockerd.pid
LOG=$DIR/dockerd.log
TIMEOUT=${VITEST_PERF_DOCKERD_TIMEOUT:-60}
# Extra daemon flags, e.g. "--bip 10.99.0.1/24" when 172.17/16 is taken.
EXTRA_ARGS=${VITEST_PERF_DOCKERD_ARGS:-}

say() { printf '[dockerd.sh] %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

# The docker.io client matches the daemon's API; fall back to any docker CLI on PATH.
if [[ -x /usr/bin/docker ]]; then DOCKER_BIN=/usr/bin/docker; else DOCKER_BIN=docker; fi
docker_cli() { "$DOCKER_BIN" -H "unix://$SOCK" "$@"; }

daemon_pid() {
  [[ -f $PIDFILE ]] || return 1
  local pid
  pid=$(<"$PIDFILE")
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && [[ $(cat "/proc/$pid/comm" 2>/dev/null) == dockerd ]] \
    && echo "$pid"
}

answers() { timeout 5 "$DOCKER_BIN" -H "unix://$SOCK" version --format '{{.Server.Version}}' >/dev/null 2>&1; }

ensure_packages() {
  local missing=()
  [[ -x /usr/sbin/dockerd ]] || missing+=(docker.io)
  command -v debootstrap >/dev/null 2>&1 || [[ -x /usr/sbin/debootstrap ]] || missing+=(debootstrap)
  ((${#missing[@]} == 0)) && return 0
  [[ $(id -u) == 0 ]] || die "need root to install ${missing[*]} (apt-get install ${missing[*]})"
  say "installing ${missing[*]} from the Debian archive"
  local t0=$SECONDS
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  say "installed ${missing[*]} in $((SECONDS - t0)) s"
}

start() {
  if pid=$(daemon_pid); then
    if answers; then say "already running (pid $pid, socket $SOCK)"; return 0; fi
    die "dockerd pid $pid is alive but $SOCK does not answer; run '$0 stop' first (log: $LOG)"
  fi
  [[ $(id -u) == 0 ]] || die "dockerd needs root"
  # Unix socket paths are limited to 108 bytes; containerd's lives deeper under exec-root.
  ((${#DIR} <= 60)) || die "VITEST_PERF_DOCKER_DIR is too long for unix sockets (${#DIR} > 60 chars): $DIR"
  ensure_packages
  mkdir -p "$DIR/data" "$DIR/exec"
  rm -f "$PIDFILE" "$SOCK"

  # Remember what the daemon may change on the host, so stop can put it back.
  [[ -f $DIR/host-state ]] || {
    echo "ip_forward=$(cat /proc/sys/net/ipv4/ip_forward 2>/dev/null || echo unknown)"
    if ip link show docker0 >/dev/null 2>&1; then echo docker0=existed; else echo docker0=absent; fi
  } >"$DIR/host-state"

  say "starting dockerd (socket $SOCK, log $LOG)"
  local t0=$SECONDS
  # setsid: the daemon must outlive the shell (and process group) that started it.
  # shellcheck disable=SC2086
  setsid /usr/sbin/dockerd --host "unix://$SOCK" --data-root "$DIR/data" --exec-root "$DIR/exec" \
    --pidfile "$PIDFILE" --iptables=false $EXTRA_ARGS </dev/null >>"$LOG" 2>&1 &
  local launched=$!
  until answers; do
    if ! kill -0 "$launched" 2>/dev/null; then
      say "dockerd exited during startup; last log lines:"; tail -n 25 "$LOG" >&2; exit 1
    fi
    if ((SECONDS - t0 >= TIMEOUT)); then
      say "dockerd did not answer on $SOCK within ${TIMEOUT}s (VITEST_PERF_DOCKERD_TIMEOUT); last log lines:"
      tail -n 25 "$LOG" >&2
      kill "$launched" 2>/dev/null || true
      exit 1
    fi
    sleep 0.3
  done
  say "dockerd $(docker_cli version --format '{{.Server.Version}}') ready in $((SECONDS - t0)) s (pid $(<"$PIDFILE"))"
}

stop() {
  local pid
  if ! pid=$(daemon_pid); then
    say "not running"; rm -f "$PIDFILE"; restore_host; return 0
  fi
  if answers; then
    local ids
    ids=$(docker_cli ps -aq)
    if [[ -n $ids ]]; then
      say "removing $(wc -w <<<"$ids") container(s)"
      # shellcheck disable=SC2086
      docker_cli rm -f -v $ids >/dev/null || true
    fi
  fi
  say "stopping dockerd (pid $pid)"
  kill -TERM "$pid"
  local i
  for ((i = 0; i < 300; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "dockerd still alive after 30 s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
  fi
  rm -f "$PIDFILE" "$SOCK"
  restore_host
  say "stopped"
}

restore_host() {
  [[ -f $DIR/host-state ]] || return 0
  local fwd docker0
  fwd=$(sed -n 's/^ip_forward=//p' "$DIR/host-state")
  docker0=$(sed -n 's/^docker0=//p' "$DIR/host-state")
  if [[ $fwd == 0 || $fwd == 1 ]] && [[ $(cat /proc/sys/net/ipv4/ip_forward) != "$fwd" ]]; then
    echo "$fwd" >/proc/sys/net/ipv4/ip_forward 2>/dev/null && say "restored net.ipv4.ip_forward=$fwd" || true
  fi
  if [[ $docker0 == absent ]] && ip link show docker0 >/dev/null 2>&1; then
    ip link delete docker0 2>/dev/null && say "removed the docker0 bridge" || true
  fi
  rm -f "$DIR/host-state"
}

status() {
  if pid=$(daemon_pid) && answers; then
    echo "running: pid $pid, DOCKER_HOST=unix://$SOCK, data $DIR/data"
  else
    echo "not running (state dir $DIR)"; return 3
  fi
}

case ${1:-} in
  start) start ;;
  stop) stop ;;
  status) status ;;
  # The daemon shares this machine's network: published ports are reached (and vitest-perf binds them) on loopback.
  env) echo "export DOCKER_HOST=unix://$SOCK TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1" ;;
  *) echo "usage: $0 start|stop|status|env   (state dir: \$VITEST_PERF_DOCKER_DIR, default /var/tmp/vitest-perf-docker)" >&2; exit 2 ;;
esac
