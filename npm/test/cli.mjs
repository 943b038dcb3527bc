// Runs the native `esafety` CLI (the Rust build of the same core) so tests can compare
// the package's answers with it. ESAFETY_CLI names the binary; otherwise the workspace's
// release or debug build is used.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repo } from './corpus.mjs';

export function cliPath() {
  const candidates = [
    process.env.ESAFETY_CLI,
    join(repo, 'target', 'release', 'esafety'),
    join(repo, 'target', 'debug', 'esafety'),
  ];
  return candidates.find((p) => p && existsSync(p));
}

/** One parsed JSON object per argument, from `esafety <command> <flags> ARG...`. */
export function runCli(command, flags, args) {
  const out = [];
  // Keep each process's argument list well under the OS limit.
  for (let i = 0; i < args.length; i += 200) {
    const stdout = execFileSync(cliPath(), [command, ...flags, '--', ...args.slice(i, i + 200)], {
      encoding: 'utf8',
      maxBuffer: 256 << 20,
    });
    out.push(...stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l)));
  }
  return out;
}
