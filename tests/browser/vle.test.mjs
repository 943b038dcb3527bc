// Browser tests of esafety/vle's message-box nudge (guardInput) and teacher highlights
// (highlightMessages) in the demo VLE, plus the classifier in a module Web Worker.
// Run with tests/browser/run.sh (headless Debian Chromium, no network).

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, wordsModule, nodeEntry, activeInfo, openPage } from './helpers.mjs';

let env;
let words;
let expectClassifier;

before(async () => {
  env = await setup();
  words = await wordsModule();
  expectClassifier = await (await nodeEntry()).createClassifier({ ageBand: 'ks2' });
});
after(async () => {
  expectClassifier?.free();
  await env?.close();
});

const withPage = (path, fn, opts) => openPage(env, path, fn, opts);

const sentTexts = (page) => page.$$eval('#pupil-messages li.mine .text', (l) => l.map((e) => e.textContent));
const nudge = (page) => page.locator('.esafety-nudge');

describe('pupil view: guardInput', () => {
  test('a risky message is held with a kind reason and its help route; nothing is sent', async () => {
    await withPage('/demo/?band=ks2', async (page) => {
      await page.fill('#box', 'you are so stupid, nobody likes you');
      await page.press('#box', 'Enter');
      const n = nudge(page);
      await n.waitFor();
      assert.equal(await n.getAttribute('data-kind'), 'block');
      assert.equal(await n.getAttribute('role'), 'alert');
      const text = await n.innerText();
      assert.ok(text.includes(words.NUDGE.bullying.junior.why), text);
      assert.ok(text.includes(words.NUDGE.bullying.junior.instead), text);
      assert.ok(text.includes(words.GUARD_UI.junior.blockHeading));
      const routes = await n.locator('[data-route]').evaluateAll((l) => l.map((e) => e.dataset.route));
      assert.deepEqual(routes, ['childline', 'school']);
      assert.equal(await n.locator('[data-route="childline"] a[href="tel:08001111"]').count(), 1);
      assert.ok((await n.locator('[data-route="school"]').innerText()).includes('Mrs Khan'));
      assert.equal(await n.locator('.esafety-send-anyway').count(), 0, 'block offers no "send anyway"');
      assert.deepEqual(await sentTexts(page), [], 'nothing sent');
      assert.equal(await page.inputValue('#box'), 'you are so stupid, nobody likes you', 'the words are kept for editing');
      const describedBy = await page.getAttribute('#box', 'aria-describedby');
      assert.ok(describedBy.split(' ').includes(await n.getAttribute('id')), 'box is described by the nudge');
      // The send button is held the same way.
      await page.click('#send');
      assert.deepEqual(await sentTexts(page), []);
      assert.ok((await page.locator('#log').innerText()).includes('block note (send): bullying'));
    });
  });

  test('"send anyway" sends a warn message, by Enter and by the Send button, and is logged', async () => {
    await withPage('/demo/?band=ks2', async (page) => {
      await page.fill('#box', 'oh shit');
      await page.press('#box', 'Enter');
      await nudge(page).waitFor();
      assert.equal(await nudge(page).getAttribute('data-kind'), 'warn');
      assert.ok((await nudge(page).innerText()).includes(words.NUDGE.profanity.junior.why));
      assert.deepEqual(await sentTexts(page), []);
      await page.getByRole('button', { name: words.GUARD_UI.junior.sendAnyway }).click();
      assert.deepEqual(await sentTexts(page), ['oh shit']);
      assert.equal(await page.inputValue('#box'), '');
      assert.equal(await nudge(page).count(), 0, 'nudge gone after sending');
      assert.ok((await page.locator('#log').innerText()).includes('"send anyway": profanity'));
      // Focus goes back to the box so the pupil can carry on.
      assert.match(await activeInfo(page), /textarea#box/);

      // Send button path; acknowledging once does not let later messages through.
      await page.fill('#box', 'my number is 07700 900123');
      await page.click('#send');
      await nudge(page).waitFor();
      assert.equal(await nudge(page).getAttribute('data-kind'), 'warn');
      assert.ok((await nudge(page).innerText()).includes(words.NUDGE.personal_info.junior.why));
      assert.deepEqual(await sentTexts(page), ['oh shit']);
      await page.getByRole('button', { name: words.GUARD_UI.junior.sendAnyway }).click();
      assert.deepEqual(await sentTexts(page), ['oh shit', 'my number is 07700 900123']);
      await page.fill('#box', 'oh shit');
      await page.press('#box', 'Enter');
      await nudge(page).waitFor();
      assert.deepEqual(await sentTexts(page), ['oh shit', 'my number is 07700 900123'], 'asked again for a new message');
    });
  });

  test('typing is never blocked, with or without a nudge on screen', async () => {
    await withPage('/demo/?band=ks2', async (page) => {
      await page.evaluate(() => {
        window.__prevented = [];
        document.getElementById('box').addEventListener('keydown', (e) => {
          if (e.defaultPrevented && e.key !== 'Enter') window.__prevented.push(e.key);
        });
      });
      await page.click('#box');
      await page.keyboard.type('nobody likes you');
      await nudge(page).waitFor(); // the gentle check after a pause in typing
      assert.notEqual(await nudge(page).getAttribute('role'), 'alert', 'typing-time hint is polite');
      assert.match(await activeInfo(page), /textarea#box/, 'the hint does not take focus');
      await page.keyboard.press('Enter'); // held: it is a block
      await page.keyboard.type(' at all');
      await page.keyboard.press('Shift+Enter');
      await page.keyboard.type('ok 😀');
      await page.keyboard.press('Backspace'); // the whole emoji
      assert.equal(await page.inputValue('#box'), 'nobody likes you at all\nok ');
      assert.deepEqual(await page.evaluate(() => window.__prevented), []);
      assert.equal(await page.$eval('#box', (b) => b.disabled || b.readOnly), false);
      // Rewording clears the nudge and the message goes.
      await page.fill('#box', 'I like your poster');
      await page.waitForFunction(() => !document.querySelector('.esafety-nudge'));
      await page.press('#box', 'Enter');
      assert.deepEqual(await sentTexts(page), ['I like your poster']);
    });
  });

  test('help-seeking and self-harm messages get a kind help panel, never a nudge, and are sent', async () => {
    await withPage('/demo/?band=ks2', async (page) => {
      for (const msg of ['how do I stop self harming', 'I need help, I keep self harming']) {
        await page.fill('#box', msg);
        await page.press('#box', 'Enter');
        const n = nudge(page);
        await n.waitFor();
        assert.equal(await n.getAttribute('data-kind'), 'support', msg);
        assert.notEqual(await n.getAttribute('role'), 'alert');
        const text = await n.innerText();
        assert.ok(text.includes(words.SUPPORT.junior.heading), text);
        assert.ok(text.includes(words.SUPPORT.junior.body));
        for (const w of Object.values(words.NUDGE.self_harm)) assert.ok(!text.includes(w.why));
        assert.ok(!text.includes(words.GUARD_UI.junior.blockHeading) && !text.includes(words.GUARD_UI.junior.warnHeading));
        assert.equal(await n.locator('.esafety-send-anyway, .esafety-edit').count(), 0);
        const routes = await n.locator('[data-route]').evaluateAll((l) => l.map((e) => e.dataset.route));
        for (const id of ['childline', 'samaritans', 'shout', 'school']) assert.ok(routes.includes(id), `${msg}: ${routes}`);
        assert.equal(await n.locator('a[href="tel:116123"]').count(), 1);
        assert.equal(await n.locator('a[href="sms:85258"]').count(), 1);
      }
      assert.deepEqual(await sentTexts(page), ['how do I stop self harming', 'I need help, I keep self harming']);
      // The panel stays until the pupil closes it; then focus returns to the box.
      await page.getByRole('button', { name: words.GUARD_UI.junior.close }).click();
      assert.equal(await nudge(page).count(), 0);
      assert.match(await activeInfo(page), /textarea#box/);
      assert.ok((await page.locator('#log').innerText()).includes('support note (send)'));
    });
  });

  test('innocent messages are never nudged', async () => {
    await withPage('/demo/?band=ks2', async (page) => {
      const msgs = ['we won at Scunthorpe', 'sex education lesson', 'Can we do the volcano project together?'];
      for (const msg of msgs) {
        await page.click('#box');
        await page.keyboard.type(msg);
        await page.waitForTimeout(900); // past the typing check
        assert.equal(await nudge(page).count(), 0, msg);
        await page.keyboard.press('Enter');
      }
      assert.deepEqual(await sentTexts(page), msgs);
      assert.equal(await nudge(page).count(), 0);
    });
  });

  test('keyboard: Escape closes the nudge; "Change my message" selects the words to change', async () => {
    await withPage('/demo/?band=ks2', async (page) => {
      await page.fill('#box', 'hi, nobody likes you');
      await page.press('#box', 'Enter');
      await nudge(page).waitFor();
      await page.keyboard.press('Tab'); // the nudge comes next in tab order
      assert.match(await activeInfo(page), /button\.esafety-edit/);
      await page.keyboard.press('Enter');
      assert.match(await activeInfo(page), /textarea#box/);
      assert.deepEqual(await page.$eval('#box', (b) => [b.selectionStart, b.selectionEnd]), [4, 20]);
      await page.keyboard.press('Tab');
      await page.keyboard.press('Escape');
      assert.equal(await nudge(page).count(), 0);
      assert.match(await activeInfo(page), /textarea#box/);
    });
  });

  test('API: contenteditable box, custom send(), onNudge info, destroy() cleans up', async () => {
    await withPage('/demo/?band=ks2', async (page) => {
      await page.evaluate(async () => {
        const { createClassifier } = await import('/src/web.js');
        const { guardInput } = await import('/src/vle/index.js');
        const c = await createClassifier({ ageBand: 'ks4' });
        const div = document.createElement('div');
        div.id = 'ce';
        div.contentEditable = 'true';
        div.setAttribute('aria-describedby', 'mine');
        document.body.append(div);
        window.__ce = { sent: [], nudges: [], anyway: 0 };
        window.__ceGuard = guardInput(div, c, {
          debounceMs: 0,
          send: (text) => window.__ce.sent.push(text),
          onNudge: (v, info) => window.__ce.nudges.push([v.action, info.kind, info.trigger]),
          onSendAnyway: () => window.__ce.anyway++,
        });
      });
      await page.click('#ce');
      await page.keyboard.type('my number is 07700 900123');
      await page.keyboard.press('Enter');
      const n = page.locator('#ce + .esafety-nudge-region .esafety-nudge');
      await n.waitFor();
      assert.ok((await n.innerText()).includes(words.NUDGE.personal_info.teen.why), 'ks4 wording');
      await page.keyboard.type('!');
      assert.equal(await page.locator('#ce').innerText(), 'my number is 07700 900123!', 'Enter did not add a line; typing goes on');
      await page.keyboard.press('Enter');
      await n.getByRole('button', { name: words.GUARD_UI.teen.sendAnyway }).click();
      const state = await page.evaluate(() => window.__ce);
      assert.deepEqual(state.sent, ['my number is 07700 900123!']);
      assert.equal(state.anyway, 1);
      assert.deepEqual(state.nudges, [['warn', 'warn', 'send'], ['warn', 'warn', 'send']]);
      const after = await page.evaluate(() => {
        window.__ceGuard.destroy();
        window.__ceGuard.destroy();
        const div = document.getElementById('ce');
        return { region: document.querySelectorAll('#ce + .esafety-nudge-region').length, describedBy: div.getAttribute('aria-describedby') };
      });
      assert.deepEqual(after, { region: 0, describedBy: 'mine' });
      await page.keyboard.press('Enter'); // no guard: the box takes the Enter as usual
      assert.equal(await page.evaluate(() => window.__ce.nudges.length), 2);
    });
  });

  test('younger pupils get simpler words', async () => {
    await withPage('/demo/?band=ks1', async (page) => {
      await page.fill('#box', 'you are so stupid, nobody likes you');
      await page.press('#box', 'Enter');
      await nudge(page).waitFor();
      const text = await nudge(page).innerText();
      assert.ok(text.includes(words.NUDGE.bullying.young.why), text);
      assert.ok(text.includes(words.GUARD_UI.young.helpHeading));
    });
  });
});

describe('teacher view: highlightMessages', () => {
  /** The classifier's spans for a text, merged the same way the page does. */
  function expectedMarks(text) {
    const v = expectClassifier.classifyText(text);
    const spans = [];
    for (const m of [...v.matches].sort((a, b) => a.start - b.start)) {
      const last = spans.at(-1);
      if (last && m.start <= last[1]) last[1] = Math.max(last[1], m.end);
      else spans.push([m.start, m.end]);
    }
    return { verdict: v, marks: spans.map(([s, e]) => text.slice(s, e)) };
  }

  test('flagged messages get a badge, severity, title and <mark> exactly over the matched words', async () => {
    await withPage('/demo/?band=ks2', async (page) => {
      await page.click('#samples');
      const items = page.locator('#teacher-messages > li');
      await page.waitForFunction(() => document.querySelectorAll('#teacher-messages [data-esafety-badge]').length >= 4);
      const rows = await items.evaluateAll((l) => l.map((li) => ({
        text: li.querySelector('.text').textContent,
        severity: li.getAttribute('data-esafety-severity'),
        title: li.getAttribute('title'),
        badge: li.querySelector('[data-esafety-badge]')?.textContent ?? null,
        marks: [...li.querySelectorAll('mark')].map((m) => m.textContent),
        markInText: [...li.querySelectorAll('mark')].every((m) => m.closest('.text')),
      })));
      let flagged = 0;
      for (const row of rows) {
        const { verdict, marks } = expectedMarks(row.text);
        if (verdict.severity === 'none' && !verdict.helpSeeking) {
          assert.equal(row.severity, null, row.text);
          assert.equal(row.badge, null, row.text);
          assert.deepEqual(row.marks, [], row.text);
          continue;
        }
        flagged++;
        assert.equal(row.severity, verdict.severity, row.text);
        assert.deepEqual(row.marks, marks, `marks over exactly the matched words: ${row.text}`);
        assert.ok(row.markInText, 'marks only in the message text, not the author');
        for (const c of verdict.categories) {
          assert.ok(row.badge.includes(words.STAFF.category[c]), `${row.badge} names ${c}`);
          assert.ok(row.title.includes(words.STAFF.category[c]));
        }
        if (verdict.categories.length) assert.ok(row.badge.includes(words.STAFF.severity[verdict.severity]), 'severity in words, not colour alone');
      }
      assert.ok(flagged >= 4);
      const byText = Object.fromEntries(rows.map((r) => [r.text, r]));
      assert.deepEqual(byText['😀😀 you are an idiot'].marks, ['you are an idiot'], 'after emoji');
      assert.deepEqual(byText['you are so stupid, nobody likes you'].marks, ['you are so stupid', 'nobody likes you']);
      assert.equal(byText['you are so stupid, nobody likes you'].badge, 'High: bullying');
      assert.equal(byText['we won at Scunthorpe on Saturday 3-1!'].badge, null);
      assert.equal(byText['Our sex education lesson is after lunch'].badge, null);
      assert.equal(byText['how do I stop self harming'].badge, words.STAFF.helpSeeking);
      // Markup-like text stays text.
      assert.equal(await page.locator('#teacher-messages img, #pupil-messages img').count(), 0);
      assert.ok((await page.locator('#log').innerText()).includes('Flagged message: high, bullying'));
    });
  });

  test('nested markup, emoji and edits: marks follow text nodes; edited messages are re-checked', async () => {
    await withPage('/demo/?band=ks2', async (page) => {
      const result = await page.evaluate(async () => {
        const list = document.getElementById('teacher-messages');
        const li = document.createElement('li');
        const text = document.createElement('span');
        text.className = 'text';
        const b = document.createElement('b');
        b.textContent = 'nobody';
        const i = document.createElement('i');
        const u = document.createElement('u');
        u.textContent = 'you';
        i.append('likes ', u);
        text.append('🎉👍🏽 ', b, ' ', i, ' 🙂 <b>hi</b>');
        li.append(text);
        list.append(li);
        await new Promise((r) => setTimeout(r, 50));
        const marks = [...li.querySelectorAll('mark')];
        const out = {
          severity: li.dataset.esafetySeverity,
          joined: marks.map((m) => m.textContent).join(''),
          parents: marks.map((m) => m.parentElement.tagName),
          text: text.textContent,
          boldStillBold: li.querySelector('b').textContent,
          underline: li.querySelector('u').textContent,
        };
        // An edit to a message is checked again.
        const other = document.createElement('li');
        const t2 = document.createElement('span');
        t2.className = 'text';
        t2.textContent = 'see you later';
        other.append(t2);
        list.append(other);
        await new Promise((r) => setTimeout(r, 50));
        out.before = other.dataset.esafetySeverity ?? null;
        t2.firstChild.data = 'kys loser';
        await new Promise((r) => setTimeout(r, 50));
        out.after = other.dataset.esafetySeverity ?? null;
        out.afterMarks = [...other.querySelectorAll('mark')].map((m) => m.textContent);
        return out;
      });
      assert.equal(result.severity, 'high');
      assert.equal(result.joined, 'nobody likes you');
      assert.deepEqual(result.parents, ['B', 'SPAN', 'I', 'U']);
      assert.equal(result.text, '🎉👍🏽 nobody likes you 🙂 <b>hi</b>', 'text unchanged by marking');
      assert.equal(result.boldStillBold, 'nobody');
      assert.equal(result.underline, 'you');
      assert.equal(result.before, null);
      assert.equal(result.after, 'critical');
      assert.deepEqual(result.afterMarks, ['kys']);
    });
  });

  test('API: selector option, onFlag, errors contained, destroy() restores the list', async () => {
    await withPage('/demo/?band=ks2', async (page) => {
      const r = await page.evaluate(async () => {
        const { createClassifier } = await import('/src/web.js');
        const { highlightMessages } = await import('/src/vle/index.js');
        const c = await createClassifier({ ageBand: 'ks2' });
        const box = document.createElement('div');
        box.innerHTML = '<section><p class="m" title="orig">fine</p></section>';
        document.body.append(box);
        const flagged = [];
        const errors = [];
        const h = highlightMessages(box, c, {
          selector: '.m',
          onFlag: (v, el) => flagged.push([v.severity, el.className]),
          onError: (e) => errors.push(String(e)),
        });
        const p = document.createElement('p');
        p.className = 'm';
        p.textContent = 'I will stab you';
        box.querySelector('section').append(p);
        await new Promise((res) => setTimeout(res, 50));
        const during = { marks: box.querySelectorAll('mark').length, badges: box.querySelectorAll('[data-esafety-badge]').length };
        // A failing classifier is reported, not thrown into the page.
        const other = document.createElement('div');
        other.append(Object.assign(document.createElement('p'), { textContent: 'hello' }));
        const h2 = highlightMessages(other, { classifyText() { throw new Error('boom'); } }, { onError: (e) => errors.push(String(e)) });
        h2.destroy();
        h.destroy();
        const after = { html: box.innerHTML };
        c.free();
        box.remove();
        return { flagged, errors, during, after };
      });
      assert.deepEqual(r.flagged, [['high', 'm']]);
      assert.deepEqual(r.during, { marks: 1, badges: 1 });
      assert.equal(r.after.html, '<section><p class="m" title="orig">fine</p><p class="m">I will stab you</p></section>');
      assert.deepEqual(r.errors, ['Error: boom']);
    });
  });
});

describe('Web Worker', () => {
  test('a module worker imports the web entry and classifies', async () => {
    await withPage('/demo/?band=ks2', async (page) => {
      const reply = await page.evaluate(() => new Promise((resolve, reject) => {
        const w = new Worker('/demo/worker.js', { type: 'module' });
        w.onerror = (e) => reject(new Error(e.message || 'worker error'));
        w.onmessage = (e) => {
          resolve(e.data);
          w.terminate();
        };
        w.postMessage({ id: 1, text: '👋 are you alone? dont tell your mum', ageBand: 'ks2' });
      }));
      assert.equal(reply.ok, true, reply.error);
      assert.equal(reply.id, 1);
      assert.equal(reply.verdict.action, 'block');
      assert.ok(reply.verdict.categories.includes('grooming'));
      assert.ok(reply.verdict.help.some((h) => h.id === 'ceop'));
      const text = '👋 are you alone? dont tell your mum';
      for (const m of reply.verdict.matches) assert.equal(text.slice(m.start, m.end), m.text);
    });
  });
});
