// Quoting for the command line ssh hands to the remote user's shell.

/** One word, quoted for a POSIX shell. */
export function shq(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** argv as one command line for `sh -c`. */
export const shellLine = (argv: readonly string[]): string => argv.map(shq).join(' ');

/** Runs a script with positional arguments: `sh -c SCRIPT sh ARG...` as argv. */
export const script = (body: string, ...args: string[]): string[] => ['sh', '-c', body, 'sh', ...args];
