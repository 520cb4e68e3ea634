#!/usr/bin/env bash
# make devkit: the User-Mode Linux guest's Debian root, built once and reused.
#   devkit/build.sh [DIR]   (default: .devkit in the project)
# Installs user-mode-linux debootstrap socat uml-utilities if missing, then
# debootstraps bookworm into DIR/root with the overlay and fuse modules of the
# UML kernel, an ssh key for root (DIR/id_ed25519) and /sbin/uml-init.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
kit=${1:-$here/.devkit}
root=$kit/root
fail() { echo "devkit: $*" >&2; exit 3; }
[ "$(id -u)" = 0 ] || fail "must run as root (debootstrap, chroot)"

need=()
for p in user-mode-linux debootstrap socat uml-utilities; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "devkit: installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 || fail "apt-get update failed"
  apt-get install -y -qq "${need[@]}" >&2 || fail "could not install ${need[*]}"
fi

kver=$(ls /usr/lib/uml/modules | sort -V | tail -n 1)
[ -n "$kver" ] || fail "no modules under /usr/lib/uml/modules (is user-mode-linux installed?)"
mods=/usr/lib/uml/modules/$kver
mkdir -p "$kit"

if [ ! -e "$root/.devkit-root" ]; then
  mirror=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [ -n "$mirror" ] || mirror=$(awk '$1 == "deb" { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)
  [ -n "$mirror" ] || fail "no Debian mirror found in /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list"
  echo "devkit: debootstrap bookworm from $mirror into $root (about 40 s)" >&2
  rm -rf "$root.tmp"
  debootstrap --variant=minbase \
    --include=openssh-server,nodejs,kmod,iproute2,fuse3,fuse-overlayfs,perl,openssl \
    bookworm "$root.tmp" "$mirror" >"$kit/debootstrap.log" 2>&1 \
    || fail "debootstrap failed; see $kit/debootstrap.log"
  chroot "$root.tmp" apt-get clean
  touch "$root.tmp/.devkit-root"
  mv "$root.tmp" "$root"
fi

# The UML kernel's overlay and fuse modules (the host has no depmod: run the guest's).
dst=$root/lib/modules/$kver
if [ ! -e "$dst/modules.dep" ]; then
  mkdir -p "$dst/kernel/fs"
  cp -a "$mods/kernel/fs/overlayfs" "$mods/kernel/fs/fuse" "$dst/kernel/fs/"
  cp -a "$mods"/modules.{order,builtin,builtin.modinfo} "$dst/"
  chroot "$root" /sbin/depmod "$kver"
fi

# Root's key: the harness logs in with it, through the namespace's ProxyCommand only.
[ -e "$kit/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C union-conformance-devkit -f "$kit/id_ed25519"
install -d -m 700 "$root/root/.ssh"
install -m 600 "$kit/id_ed25519.pub" "$root/root/.ssh/authorized_keys"
[ -e "$root/etc/ssh/ssh_host_ed25519_key" ] || chroot "$root" ssh-keygen -A
install -m 755 "$here/devkit/uml-init" "$root/sbin/uml-init"
echo "devkit: root ready at $root (kernel $kver, $(du -sh "$root" | cut -f1))" >&2
