// Shell scripts run on the remote host as `sh -c SCRIPT sh ARG...` (POSIX sh,
// coreutils, mawk: what a Debian minbase root has). A pid file is only acted on
// while that pid's command line still names the run directory, so a reused pid
// is never killed.

/** Kills the process of pid file $1 if it belongs to run dir $2; removes the file. */
export const KILL_PIDFILE = `
p=$(cat "$1" 2>/dev/null) || exit 0
case "$p" in ''|*[!0-9]*) rm -f "$1"; exit 0;; esac
tr '\\0' ' ' < /proc/$p/cmdline 2>/dev/null | grep -qF "$2" && kill -9 "$p" 2>/dev/null
rm -f "$1"
exit 0
`;

/** Makes a run directory under $1 (named after local pid $2), unpacks the tar.gz on stdin into its bin/, prints its path. */
export const CREATE_RUN_DIR = `
set -e
mkdir -p "$1"
r=$(mktemp -d "$1/union-conformance-remote-$2-XXXXXX")
chmod 755 "$r"
mkdir -m 755 "$r/ws"
mkdir -m 700 "$r/bin" "$r/pids"
tar -C "$r/bin" -xzf -
echo "$r"
`;

/** Exit 0 when run dir $1 still has its executor $2 (it is gone after a guest reboot). */
export const HAS_BUNDLE = `test -f "$1/bin/$2"`;

/** Re-makes run dir $1 and unpacks the tar.gz on stdin again. */
export const RESTORE_RUN_DIR = `
set -e
mkdir -p "$1/ws" "$1/bin" "$1/pids"
chmod 755 "$1" "$1/ws"
tar -C "$1/bin" -xzf -
`;

/** Removes case dir $1 unless something is still mounted at or below it (shell builtins and one rm: forks are dear in UML). */
export const REMOVE_CASE_DIR = `
while read -r _ m _; do
  case "$m" in "$1"|"$1"/*) echo "not removing $1: still mounted at $m" >&2; exit 1;; esac
done < /proc/self/mounts
exec rm -rf "$1"
`;

/** The end of a run: kill its processes (by pid file), detach its mounts (deepest first), remove run dir $1. */
export const DISPOSE_RUN_DIR = `
r=$1
[ -d "$r" ] || exit 0
for f in "$r"/pids/*.pid; do
  [ -f "$f" ] || continue
  p=$(cat "$f")
  case "$p" in ''|*[!0-9]*) continue;; esac
  tr '\\0' ' ' < /proc/$p/cmdline 2>/dev/null | grep -qF "$r" && kill -9 "$p" 2>/dev/null
done
awk -v d="$r/" 'index($2, d) == 1 { print $2 }' /proc/self/mounts | sort -r | while read -r m; do
  umount -l "$m" || echo "umount -l $m failed" >&2
done
rm -rf --one-file-system "$r"
`;
