// FUSE daemons on a remote host: started in the background with setsid (the
// ssh channel that started one ends at once), known by a pid file in the run's
// pids/ directory, unmounted, aborted through fusectl, and killed by pid.
import { MountError, type FuseDaemons } from '../targets/fuse-daemon.ts';
import { script } from './shell.ts';
import type { SshHost } from './ssh-host.ts';

// Shell builtins only in the loops: a fork costs ~50 ms in UML.
const HELPERS = `
alive() { [ -r /proc/$1/stat ] || return 1; read -r st < /proc/$1/stat || return 1; st=\${st##*) }; [ "\${st%% *}" != Z ]; }
ours() { tr '\\0' ' ' < /proc/$1/cmdline 2>/dev/null | grep -qF "$2"; }
mounted() { while read -r _ m _; do [ "$m" = "$1" ] && return 0; done < /proc/self/mounts; return 1; }
pidof_file() { p=; [ -r "$1" ] && read -r p < "$1"; }
`;

/** $1 mnt, $2 pid file, $3 log, then the daemon's argv: start it, wait for the mount (15 s or more). */
const START = `${HELPERS}
mnt=$1; pidf=$2; log=$3; shift 3
rm -f "$pidf"
setsid sh -c 'echo $$ > "$0"; exec "$@"' "$pidf" "$@" </dev/null >"$log" 2>&1 &
i=0
until mounted "$mnt"; do
  pidof_file "$pidf"
  if [ -n "$p" ] && ! alive "$p"; then echo "$1 exited before mounting: $(tail -c 2000 "$log")" >&2; exit 1; fi
  i=$((i + 1))
  if [ $i -gt 750 ]; then
    [ -n "$p" ] && kill -9 "$p"
    echo "$1 did not mount $mnt within 15 s: $(tail -c 2000 "$log")" >&2; exit 1
  fi
  sleep 0.02
done
`;

/** $1 mnt, $2 pid file: clean unmount; the daemon then exits by itself (killed after 5 s). */
const STOP = `${HELPERS}
umount "$1" || exit 1
pidof_file "$2"
if [ -n "$p" ]; then
  i=0
  while alive "$p" && [ $i -lt 250 ]; do sleep 0.02; i=$((i + 1)); done
  alive "$p" && ours "$p" "$1" && kill -9 "$p"
fi
rm -f "$2"
exit 0
`;

/** $1 mnt, $2 pid file: for a hung or crashed filesystem: abort the connection, detach, kill. */
const ABORT = `${HELPERS}
minor=$(awk -v m="$1" '$5 == m { split($3, a, ":"); print a[2]; exit }' /proc/self/mountinfo)
if [ -n "$minor" ]; then
  c=/sys/fs/fuse/connections
  [ -d $c ] && [ -z "$(ls $c)" ] && mount -t fusectl fusectl $c
  [ -e $c/$minor/abort ] && echo 1 > $c/$minor/abort
  umount -l "$1"
fi
pidof_file "$2"
[ -n "$p" ] && ours "$p" "$1" && kill -9 "$p"
rm -f "$2"
exit 0
`;

export function remoteFuse(host: SshHost): FuseDaemons {
  const files = (mnt: string) => {
    if (host.runDir === undefined) throw new MountError(`${host.label}: no run directory for the FUSE daemon's pid file`);
    const key = mnt.slice(host.runDir.length).replace(/[^A-Za-z0-9]+/g, '_');
    return { pid: `${host.runDir}/pids/fuse${key}.pid`, log: `${host.runDir}/pids/fuse${key}.log` };
  };
  const must = async (argv: string[], what: string) => {
    const r = await host.run(argv, { timeoutMs: 30_000 });
    if (r.code !== 0) throw new MountError(`${what}: ${r.stderr.trim() || `exit ${r.code}`}`);
  };
  return {
    async start(argv, mnt) {
      const f = files(mnt);
      await must(script(START, mnt, f.pid, f.log, ...argv), `${argv[0]} on ${host.label}`);
    },
    async stop(mnt) {
      await must(script(STOP, mnt, files(mnt).pid), `umount ${mnt} on ${host.label}`);
    },
    async abort(mnt) {
      if (host.runDir === undefined) return;
      await host.run(script(ABORT, mnt, files(mnt).pid), { timeoutMs: 30_000, mux: true });
    },
  };
}
