// Quoting for the command line ssh hands to the remote user's login shell. Not zx's quote:
// it writes bash's $'...' for any word with a space or newline, and a POSIX sh (dash is
// Debian's /bin/sh, busybox ash) reads $'a b' as a literal $ followed by 'a b'.

/** One word, quoted for a POSIX shell. */
export function shq(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** argv as one command line for `sh -c`. */
export const shellLine = (argv: readonly string[]): string => argv.map(shq).join(' ');

/** Runs a script with positional arguments: `sh -c SCRIPT sh ARG...` as argv. */
export const script = (body: string, ...args: string[]): string[] => ['sh', '-c', body, 'sh', ...args];
