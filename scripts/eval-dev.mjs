#!/usr/bin/env node
// Flag rates of the text classifier on public labelled tweets (Davidson et al., 2017: hate
// speech, offensive language, neither), read in place from ../shared/eval/dev and never
// copied into the repository. A quick check that a lexicon change did not raise false
// positives on real-world text ("neither") or lose recall on abuse.
//
//   node scripts/eval-dev.mjs                 1,400 tweets per class, KS2 and KS4
//   node scripts/eval-dev.mjs --per-class 500 --bands ks2
//   ESAFETY_EVAL_DIR=/path/to/eval/dev node scripts/eval-dev.mjs
//
// Uses the release CLI (cargo build --release -p esafety-cli). The sample is the first N
// tweets of each class in file order, so runs are comparable. Tweets are not children's
// chat: "neither" still holds mild swearing, which KS2 flags by policy.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const perClass = Number(arg('--per-class', '1400'));
const bands = arg('--bands', 'ks2,ks4').split(',');
const dir = process.env.ESAFETY_EVAL_DIR ?? join(repo, '..', 'shared', 'eval', 'dev');
const csvPath = join(dir, 'davidson_labeled_data.csv');
const cli = join(repo, 'target', 'release', 'esafety');
if (!existsSync(csvPath)) {
  console.error(`eval-dev: ${csvPath} not found (set ESAFETY_EVAL_DIR)`);
  process.exit(2);
}
if (!existsSync(cli)) {
  console.error('eval-dev: build the CLI first: cargo build --release -p esafety-cli');
  process.exit(2);
}

/** RFC 4180 rows: quoted fields may hold commas, doubled quotes and line breaks. */
function* csvRows(text) {
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      yield row;
      row = [];
      field = '';
    } else {
      field += c;
    }
  }
  if (field || row.length) yield [...row, field];
}

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", '#39': "'" };
const decode = (s) => s.replace(/&(#?\w+);/g, (m, e) =>
  ENTITIES[e] ?? (e.startsWith('#') ? String.fromCodePoint(Number(e.slice(1))) : m));

const CLASSES = ['hate', 'offensive', 'neither'];
// A risky label for hate and offensive (any category counts as "flagged"), none for neither.
const LABEL = ['discrimination', 'profanity', 'none'];
const rows = csvRows(readFileSync(csvPath, 'utf8'));
const header = rows.next().value;
const col = (name) => header.indexOf(name);
const [classCol, tweetCol] = [col('class'), col('tweet')];
const picked = [[], [], []];
for (const r of rows) {
  const k = Number(r[classCol]);
  if (!(k in picked) || picked[k].length >= perClass) continue;
  const text = decode(r[tweetCol] ?? '').replace(/[\t\r\n]+/g, ' ').trim();
  if (text) picked[k].push(text);
}

const tmp = mkdtempSync(join(tmpdir(), 'esafety-eval-dev-'));
try {
  for (const band of bands) {
    const parts = [];
    for (let k = 0; k < 3; k++) {
      const file = join(tmp, `${CLASSES[k]}.tsv`);
      writeFileSync(file, `labels\ttext\n${picked[k].map((t) => `${LABEL[k]}\t${t}`).join('\n')}\n`);
      const out = execFileSync(cli, ['eval', file, '--age-band', band, '--show', '0'], { encoding: 'utf8' });
      const m = out.match(/any concern: flagged (\d+)\/(\d+) risky.*?, (\d+)\/(\d+) innocent/);
      if (!m) throw new Error(`unexpected esafety eval output:\n${out}`);
      const [flagged, total] = k < 2 ? [m[1], m[2]] : [m[3], m[4]];
      parts.push(`${CLASSES[k]} ${flagged}/${total} = ${((100 * flagged) / total).toFixed(1)} %`);
    }
    console.log(`${band}: flagged ${parts.join(', ')}`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
