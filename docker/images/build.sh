#!/usr/bin/env bash
# Builds the vitest-perf database images from the Debian archive, with no registry:
# debootstrap a shared base root filesystem once, install each server into a copy with apt in a
# chroot, add its entrypoint, then `docker import`. See docker/README.md.
#   docker/images/build.sh [postgres] [mariadb] [redis]     (default: all)
set -Eeuo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
STATE_DIR=${VITEST_PERF_DOCKER_DIR:-/var/tmp/vitest-perf-docker}
CACHE=${VITEST_PERF_IMAGE_CACHE:-$STATE_DIR/cache}
SUITE=${VITEST_PERF_DEBIAN_SUITE:-bookworm}
SOURCES_FILE=${VITEST_PERF_APT_SOURCES:-/etc/apt/sources.list.d/debian.sources}
FORCE=${VITEST_PERF_IMAGE_FORCE:-}
LABEL=org.vitest-perf.recipe
CHROOT_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

say() { printf '[build] %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }
now() { echo "${EPOCHREALTIME/,/.}"; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f s", b - a }'; }

# Same client as the daemon when docker.io is installed; DOCKER_HOST defaults to dockerd.sh's.
if [[ -x /usr/bin/docker ]]; then DOCKER=/usr/bin/docker; else DOCKER=docker; fi
export DOCKER_HOST=${DOCKER_HOST:-unix://$STATE_DIR/docker.sock}

# --- root filesystems under construction: always unmounted before anything is deleted -------
ROOTS=()
unmount_root() {
  local root=$1 m
  for m in proc sys; do
    if mountpoint -q "$root/$m" 2>/dev/null; then umount "$root/$m" || umount -l "$root/$m"; fi
  done
}
remove_root() {
  local root=$1
  [[ -d $root ]] || return 0
  unmount_root "$root"
  if grep -q " $root/" /proc/mounts; then
    say "warning: something is still mounted under $root; leaving it in place"; return 1
  fi
  rm -rf --one-file-system "$root"
}
cleanup() { local r; for r in "${ROOTS[@]}"; do remove_root "$r" || true; done; }
trap cleanup EXIT
trap 'exit 130' INT TERM

in_root() {
  # env -i: nothing of the host's environment leaks in except the proxy settings apt needs.
  env -i PATH="$CHROOT_PATH" LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive HOME=/root \
    ${http_proxy:+http_proxy=$http_proxy} ${https_proxy:+https_proxy=$https_proxy} \
    ${no_proxy:+no_proxy=$no_proxy} chroot "$ROOT" "$@"
}

mirror_uri() {
  [[ -n ${VITEST_PERF_DEBIAN_MIRROR:-} ]] && { echo "$VITEST_PERF_DEBIAN_MIRROR"; return; }
  # First URIs: line of a stanza whose Suites include the suite itself (not -security).
  awk -v suite="$SUITE" '
    /^URIs:/ { uri = $2 }
    /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == suite && uri != "") { print uri; exit } }
  ' "$SOURCES_FILE"
}

# --- the shared base: debootstrap minbase + the host's apt sources + fresh package lists --------
base_key() {
  sha256sum <<<"$SUITE|minbase|$MIRROR|$(cat "$SOURCES_FILE")|$(declare -f prepare_base)" | cut -c1-16
}

prepare_base() {
  # The host's sources file (mirror and security), and slim dpkg: no docs, man pages, locales.
  rm -f "$ROOT/etc/apt/sources.list"
  cp "$SOURCES_FILE" "$ROOT/etc/apt/sources.list.d/"
  cat >"$ROOT/etc/dpkg/dpkg.cfg.d/vitest-perf-slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
EOF
  printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' \
    >"$ROOT/etc/apt/apt.conf.d/99vitest-perf"
  cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
  mount -t proc proc "$ROOT/proc"
  in_root apt-get update -qq
  # debootstrap keeps its .debs and installed docs before the dpkg excludes existed.
  find "$ROOT/var/cache/apt/archives" -maxdepth 1 -name '*.deb' -exec ln -f -t "$CACHE/debs/" {} +
  in_root apt-get clean
  rm -rf "$ROOT"/usr/share/man/* "$ROOT"/usr/share/info/*
  find "$ROOT/usr/share/doc" -type f ! -name copyright -delete
  find "$ROOT/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +
  unmount_root "$ROOT"
}

ensure_base() {
  BASE_TAR=$CACHE/base/$SUITE-minbase-$(base_key).tar
  if [[ -s $BASE_TAR ]]; then say "base: cached $(basename "$BASE_TAR")"; return; fi
  command -v debootstrap >/dev/null || PATH=$PATH:/usr/sbin
  command -v debootstrap >/dev/null || die "debootstrap is missing: run docker/dockerd.sh start (it installs it) or apt-get install debootstrap"
  mkdir -p "$CACHE/base" "$CACHE/debs"
  ROOT=$CACHE/work/base.$$
  ROOTS+=("$ROOT")
  local t=$(now)
  say "base: debootstrap --variant=minbase $SUITE from $MIRROR"
  debootstrap --variant=minbase "$SUITE" "$ROOT" "$MIRROR" >"$CACHE/work/debootstrap.log" 2>&1 \
    || { tail -n 20 "$CACHE/work/debootstrap.log" >&2; die "debootstrap failed (log: $CACHE/work/debootstrap.log)"; }
  say "base: debootstrap $(since "$t")"
  t=$(now)
  prepare_base
  say "base: apt sources and package lists $(since "$t")"
  t=$(now)
  rm -f "$CACHE"/base/"$SUITE"-minbase-*.tar
  tar -C "$ROOT" --numeric-owner -cf "$BASE_TAR.tmp" . && mv "$BASE_TAR.tmp" "$BASE_TAR"
  remove_root "$ROOT"
  say "base: saved $(basename "$BASE_TAR") ($(du -h "$BASE_TAR" | cut -f1)) $(since "$t")"
}

# --- one image ---------------------------------------------------------------------------------
recipe_hash() {
  local dir=$1
  { echo "base=$(base_key)"; sha256sum "${BASH_SOURCE[0]}"
    (cd "$dir" && find . -type f -print0 | sort -z | xargs -0 sha256sum); } | sha256sum | cut -c1-16
}

image_label() { "$DOCKER" image inspect -f "{{index .Config.Labels \"$LABEL\"}}" "$1" 2>/dev/null || true; }

import_rootfs() {
  local tarball=$1 hash=$2 args=() c
  for c in "${CHANGES[@]}"; do args+=(-c "$c"); done
  args+=(-c "LABEL $LABEL=$hash" -c "LABEL org.vitest-perf.packages=\"$(cat "${tarball%.tar}.packages" 2>/dev/null || echo unknown)\"")
  local old
  old=$("$DOCKER" image inspect -f '{{.Id}}' "$IMAGE" 2>/dev/null || true)
  "$DOCKER" import "${args[@]}" -m "vitest-perf $IMAGE recipe $hash" "$tarball" "$IMAGE" >/dev/null
  # The replaced image would stay behind untagged.
  if [[ -n $old && $old != "$("$DOCKER" image inspect -f '{{.Id}}' "$IMAGE")" ]]; then
    "$DOCKER" image rm "$old" >/dev/null 2>&1 || true
  fi
}

apt_install() {
  # Reuse downloaded packages across builds: hard links in, new ones moved out.
  mkdir -p "$CACHE/debs"
  find "$CACHE/debs" -name '*.deb' -exec ln -f -t "$ROOT/var/cache/apt/archives/" {} + 2>/dev/null || true
  if ! in_root apt-get install -y -qq "${PACKAGES[@]}" >"$LOG" 2>&1; then
    say "$NAME: apt-get install failed, refreshing the package lists and retrying"
    in_root apt-get update -qq >>"$LOG" 2>&1
    in_root apt-get install -y -qq "${PACKAGES[@]}" >>"$LOG" 2>&1 \
      || { tail -n 20 "$LOG" >&2; die "$NAME: apt-get install ${PACKAGES[*]} failed (log: $LOG)"; }
  fi
  find "$ROOT/var/cache/apt/archives" -maxdepth 1 -name '*.deb' -exec ln -f -t "$CACHE/debs/" {} + 2>/dev/null || true
  in_root apt-get clean
}

build_image() {
  NAME=$1
  local dir=$HERE/$NAME t0 t hash tarball
  [[ -f $dir/image.conf && -f $dir/entrypoint.sh ]] || die "unknown image '$NAME' (no $dir/image.conf)"
  # shellcheck source=/dev/null
  source "$dir/image.conf"
  t0=$(now)
  hash=$(recipe_hash "$dir")
  tarball=$CACHE/rootfs/$NAME-$hash.tar

  if [[ -z $FORCE && $(image_label "$IMAGE") == "$hash" ]]; then
    say "$NAME: $IMAGE is up to date (recipe $hash), skipped"; return
  fi
  if [[ -z $FORCE && -s $tarball ]]; then
    t=$(now)
    import_rootfs "$tarball" "$hash"
    say "$NAME: imported $IMAGE from the cached root filesystem $(since "$t")"; return
  fi

  say "$NAME: building $IMAGE (recipe $hash)"
  ensure_base
  mkdir -p "$CACHE/rootfs" "$CACHE/work"
  ROOT=$CACHE/work/$NAME.$$
  LOG=$CACHE/work/$NAME.log
  ROOTS+=("$ROOT")
  t=$(now)
  mkdir -p "$ROOT"
  tar -C "$ROOT" --numeric-owner -xpf "$BASE_TAR"
  cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
  printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
  chmod 755 "$ROOT/usr/sbin/policy-rc.d"
  mount -t proc proc "$ROOT/proc"
  say "$NAME: unpacked base $(since "$t")"

  t=$(now)
  before_install
  apt_install
  after_install
  install -m 755 "$dir/entrypoint.sh" "$ROOT/usr/local/bin/docker-entrypoint.sh"
  ln -sf usr/local/bin/docker-entrypoint.sh "$ROOT/docker-entrypoint.sh"
  in_root dpkg-query -W -f '${Package}=${Version} ' "${PACKAGES[@]}" | sed 's/ $//' >"$CACHE/work/$NAME.packages"
  say "$NAME: apt-get install ${PACKAGES[*]} $(since "$t")"

  t=$(now)
  unmount_root "$ROOT"
  rm -f "$ROOT/usr/sbin/policy-rc.d"
  rm -rf "$ROOT"/var/lib/apt/lists/* "$ROOT"/var/cache/apt/*.bin "$ROOT"/var/log/*.log "$ROOT"/var/log/apt/*
  rm -rf "${ROOT:?}"/tmp/* "$ROOT"/root/.cache
  : >"$ROOT/etc/resolv.conf"
  rm -f "$CACHE/rootfs/$NAME"-*
  mv "$CACHE/work/$NAME.packages" "${tarball%.tar}.packages"
  tar -C "$ROOT" --numeric-owner -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
  remove_root "$ROOT"
  say "$NAME: saved root filesystem ($(du -h "$tarball" | cut -f1)) $(since "$t")"

  t=$(now)
  import_rootfs "$tarball" "$hash"
  say "$NAME: docker import $(since "$t")"
  say "$NAME: $IMAGE built in $(since "$t0") ($(cat "${tarball%.tar}.packages"))"
}

# --- main --------------------------------------------------------------------------------------
[[ $(id -u) == 0 ]] || die "run as root (debootstrap and chroot need it)"
"$DOCKER" version --format '{{.Server.Version}}' >/dev/null 2>&1 \
  || die "no Docker daemon answers at $DOCKER_HOST: run docker/dockerd.sh start and eval \"\$(docker/dockerd.sh env)\""
[[ -r $SOURCES_FILE ]] || die "cannot read $SOURCES_FILE (set VITEST_PERF_APT_SOURCES)"
MIRROR=$(mirror_uri)
[[ -n $MIRROR ]] || die "no mirror for $SUITE in $SOURCES_FILE (set VITEST_PERF_DEBIAN_MIRROR)"
mkdir -p "$CACHE/work"

images=("$@")
((${#images[@]})) || images=(postgres mariadb redis)
T0=$(now)
for name in "${images[@]}"; do
  # A subshell per image: each recipe defines its own IMAGE, PACKAGES and hooks.
  (trap cleanup EXIT; build_image "$name")
done
say "all done in $(since "$T0")"
