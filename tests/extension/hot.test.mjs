// Node checks of hot.js: the exact-host pattern (checked with RE2-compatible syntax through
// JavaScript's RegExp, which reads it the same way), which hosts get rules, and the rule
// book against a fake declarativeNetRequest: unique ids, least recently used evicted, rules
// adopted after a worker restart, cleared on a policy change, serial under concurrency.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HOT_FIRST_ID, HOT_MAX, HotRules, hostOfRule, hostPattern, hotRule, ruleableHost } from '../../extension/src/hot.js';

test('the pattern matches exactly the host, over http and https, any port and path', () => {
  const re = new RegExp(hostPattern('www.bet365.com'));
  for (const u of ['http://www.bet365.com/', 'https://www.bet365.com', 'https://www.bet365.com:8443/x?y#z', 'http://www.bet365.com?q', 'https://www.bet365.com#top']) {
    assert.ok(re.test(u), u);
  }
  for (const u of ['https://m.www.bet365.com/', 'https://www.bet365.com.evil.test/', 'https://wwwxbet365.com/', 'ftp://www.bet365.com/',
    'https://example.com/?u=https://www.bet365.com/', 'https://www.bet365.community/']) {
    assert.ok(!re.test(u), u);
  }
});

test('only plain DNS names get rules', () => {
  for (const h of ['pornhub.com', 'www.bet365.com', 'xn--80ak6aa92e.com', 'a-b.co.uk']) assert.ok(ruleableHost(h), h);
  for (const h of ['', 'localhost', '127.0.0.1', '[::1]', 'Bad.COM', 'a..b', '-a.com', 'a-.com', 'a.com/', 'x'.repeat(250) + '.com', null, 7]) {
    assert.ok(!ruleableHost(h), String(h));
  }
});

test('a rule carries its host in the block page query and is read back', () => {
  const r = hotRule(HOT_FIRST_ID + 3, 'pornhub.com', '/blocked.html?a=block&c=adult&h=pornhub.com&b=ks2&r=ceop');
  assert.equal(r.action.type, 'redirect');
  assert.deepEqual(r.condition.resourceTypes, ['main_frame', 'sub_frame']);
  assert.equal(hostOfRule(r), 'pornhub.com');
  assert.equal(hostOfRule({ ...r, id: 1 }), null, 'ids outside the range belong to other rules');
  assert.equal(hostOfRule({ id: HOT_FIRST_ID, action: { type: 'modifyHeaders' } }), null);
});

/** A fake chrome.declarativeNetRequest session rule store that rejects duplicate ids, as Chromium does. */
function fakeDnr() {
  const rules = new Map();
  let calls = 0;
  return {
    rules,
    get calls() {
      return calls;
    },
    async getSessionRules() {
      return [...rules.values()].map((r) => structuredClone(r));
    },
    async updateSessionRules({ removeRuleIds = [], addRules = [] }) {
      calls++;
      await new Promise((r) => setTimeout(r, Math.random() * 3));
      for (const id of removeRuleIds) rules.delete(id);
      for (const r of addRules) {
        if (rules.has(r.id)) throw new Error(`Rule with id ${r.id} does not have a unique ID.`);
        rules.set(r.id, structuredClone(r));
      }
    },
  };
}

const path = (h) => `/blocked.html?a=block&c=adult&h=${h}`;

test('rules get unique ids under concurrent adds, and the least recently used goes when full', async () => {
  const dnr = fakeDnr();
  const hot = new HotRules(dnr, 5);
  await Promise.all(['a.com', 'b.com', 'c.com', 'd.com', 'e.com', 'a.com'].map((h) => hot.add(h, path(h))));
  assert.equal(dnr.rules.size, 5);
  assert.equal(new Set([...dnr.rules.keys()]).size, 5);
  await hot.add('a.com', path('a.com')); // used again: now the newest
  await hot.add('f.com', path('f.com')); // full: b.com (least recent) goes
  assert.ok(!hot.has('b.com'));
  assert.ok(hot.has('a.com') && hot.has('f.com'));
  assert.deepEqual([...dnr.rules.values()].map(hostOfRule).sort(), ['a.com', 'c.com', 'd.com', 'e.com', 'f.com']);
  assert.equal(await hot.add('127.0.0.1', path('127.0.0.1')), false);
  assert.ok(HOT_MAX <= 1000, 'within Chromium regex rule limit');
});

test('a new worker adopts the rules the last one left, and a policy change clears them', async () => {
  const dnr = fakeDnr();
  dnr.rules.set(1, { id: 1, action: { type: 'modifyHeaders' } }); // another module's rule stays
  const first = new HotRules(dnr);
  await first.add('x.com', path('x.com'));
  await first.add('y.com', path('y.com'));
  const second = new HotRules(dnr);
  await second.load();
  assert.ok(second.has('x.com') && second.has('y.com'));
  await second.add('z.com', path('z.com'));
  assert.equal(dnr.rules.size, 4, 'no id reused while adopted rules hold them');
  await second.clear();
  assert.deepEqual([...dnr.rules.keys()], [1]);
  assert.ok(!second.has('x.com'));
});

test('a failed update does not stop later ones', async () => {
  const dnr = fakeDnr();
  const hot = new HotRules(dnr);
  const real = dnr.updateSessionRules;
  dnr.updateSessionRules = async () => {
    throw new Error('quota');
  };
  await assert.rejects(hot.add('a.com', path('a.com')), /quota/);
  assert.ok(!hot.has('a.com'));
  dnr.updateSessionRules = real;
  assert.equal(await hot.add('a.com', path('a.com')), true);
});
