#!/usr/bin/env bash
# unmount-loop.sh DIR COUNT [EXTRA_OPTION]: run in a private mount namespace
# (unshare -m --propagation private). COUNT times: a union whose lower layer
# and upper/work layers live on their own tmpfs mounts, mounted with
# mount(8) and made to hold fds on both (a copyup), then
# `umount MNT && umount LOWERFS && umount UPPERFS`. Prints "ok I MS" per
# round, or "FAIL ..." and stops.
#
# The helpers are installed as `make -C reference install` would, but only
# in this namespace: a copy of /usr/sbin with mount.fuse.unionref and
# umount.fuse.unionref is bound over it, and /run/mount (utab) is private.
# EXTRA_OPTION (default x-unionref) is stored in utab, which makes umount(8)
# read the mount table and run umount.fuse.unionref; "" leaves umount(8) to
# unmount by itself.
set -u
dir=$1
count=$2
extra=${3-x-unionref}
bin=$(dirname "$(dirname "$(dirname "$(readlink -f "$0")")")")/reference/bin

mkdir -p "$dir/sbin" "$dir/run-mount" "$dir/lowerfs" "$dir/upperfs" "$dir/mnt"
for f in /usr/sbin/*; do ln -s "$f" "$dir/sbin/"; done
ln -sf "$bin/unionref" "$dir/sbin/mount.fuse.unionref"
ln -sf "$bin/umount.fuse.unionref" "$dir/sbin/umount.fuse.unionref"
mount --bind "$dir/sbin" /usr/sbin || exit 1
mount --bind "$dir/run-mount" /run/mount || exit 1

# Leaves nothing behind: a server whose mount is still here is aborted (its
# process then exits, and with the last process the namespace goes).
cleanup() {
  awk -v m="$dir/mnt" '$5 == m { for (i = 7; $i != "-"; i++); print $3, $(i + 1) }' /proc/self/mountinfo |
    while read -r dev fstype; do
      [ "$fstype" = fuse.unionref ] && echo 1 > "/sys/fs/fuse/connections/${dev#*:}/abort"
      umount -l "$dir/mnt"
    done
  umount -l "$dir/lowerfs" "$dir/upperfs" 2>/dev/null
}
trap cleanup EXIT

opts="lowerdir=$dir/lowerfs/l,upperdir=$dir/upperfs/u,workdir=$dir/upperfs/w${extra:+,$extra}"
for i in $(seq 1 "$count"); do
  mount -t tmpfs lowerfs "$dir/lowerfs" && mkdir "$dir/lowerfs/l" && echo lower > "$dir/lowerfs/l/f" &&
    mount -t tmpfs upperfs "$dir/upperfs" && mkdir "$dir/upperfs/u" "$dir/upperfs/w" || { echo "FAIL $i: layers"; exit 1; }
  start=$(date +%s%N)
  err=$(timeout 30 mount -t fuse.unionref unionref "$dir/mnt" -o "$opts" 2>&1) || { echo "FAIL $i: mount: $err"; exit 1; }
  echo more >> "$dir/mnt/f" || { echo "FAIL $i: write"; exit 1; }
  for m in "$dir/mnt" "$dir/lowerfs" "$dir/upperfs"; do
    err=$(timeout 30 umount "$m" 2>&1) || { echo "FAIL $i: umount $m: $err"; exit 1; }
  done
  echo "ok $i $(( ($(date +%s%N) - start) / 1000000 ))"
done
