// Reads the project's data-driven corpus files (tests/corpus/{text,url}/*.toml) so the
// package is tested on the same cases as the Rust core. The files use a small subset of
// TOML — `key = value` with strings, integers, booleans and one-line arrays of strings,
// `[[case]]` tables and comments — and this reader refuses anything else loudly rather
// than skip a case.
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Parses one TOML basic ("…") or literal ('…') string at `s[i]`; returns [value, next]. */
function parseString(s, i, where) {
  const quote = s[i];
  let out = '';
  i++;
  while (i < s.length && s[i] !== quote) {
    if (quote === '"' && s[i] === '\\') {
      const c = s[i + 1];
      const simple = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', b: '\b', f: '\f' };
      if (c in simple) {
        out += simple[c];
        i += 2;
      } else if (c === 'u' || c === 'U') {
        const n = c === 'u' ? 4 : 8;
        out += String.fromCodePoint(parseInt(s.slice(i + 2, i + 2 + n), 16));
        i += 2 + n;
      } else {
        throw new Error(`${where}: unknown escape \\${c}`);
      }
    } else {
      out += s[i++];
    }
  }
  if (s[i] !== quote) throw new Error(`${where}: unterminated string`);
  return [out, i + 1];
}

function parseValue(s, where) {
  s = s.trim();
  const after = (rest) => {
    const r = rest.trim();
    if (r && !r.startsWith('#')) throw new Error(`${where}: unexpected ${r}`);
  };
  if (s[0] === '"' || s[0] === "'") {
    const [v, next] = parseString(s, 0, where);
    after(s.slice(next));
    return v;
  }
  if (s[0] === '[') {
    const items = [];
    let i = 1;
    for (;;) {
      while (s[i] === ' ' || s[i] === ',') i++;
      if (s[i] === ']') break;
      if (s[i] !== '"' && s[i] !== "'") throw new Error(`${where}: only string arrays are supported`);
      const [v, next] = parseString(s, i, where);
      items.push(v);
      i = next;
    }
    after(s.slice(i + 1));
    return items;
  }
  const m = /^(true|false|-?\d+)\s*(#.*)?$/.exec(s);
  if (!m) throw new Error(`${where}: unsupported value ${s}`);
  return m[1] === 'true' ? true : m[1] === 'false' ? false : Number(m[1]);
}

/** `{ file, band, cases: [{ ...fields, line }] }` for every file of one corpus. */
export function readCorpus(kind) {
  const dir = join(repo, 'tests', 'corpus', kind);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.toml'))
    .sort()
    .map((file) => {
      const top = {};
      const cases = [];
      let current = top;
      readFileSync(join(dir, file), 'utf8')
        .split('\n')
        .forEach((raw, n) => {
          const line = raw.trim();
          const where = `${kind}/${file}:${n + 1}`;
          if (!line || line.startsWith('#')) return;
          if (line === '[[case]]') {
            current = { line: n + 1 };
            cases.push(current);
            return;
          }
          const eq = line.indexOf('=');
          if (eq < 0) throw new Error(`${where}: cannot read ${line}`);
          current[line.slice(0, eq).trim()] = parseValue(line.slice(eq + 1), where);
        });
      return { file, band: top.band ?? 'ks2', cases };
    });
}
