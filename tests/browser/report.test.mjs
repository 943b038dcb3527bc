// Browser tests of <esafety-report>: each concern is routed to the right place, the
// dialog is keyboard operable and labelled, and the optional report POSTs only the
// minimal fields, only when the pupil presses send.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, wordsModule, activeInfo, openPage } from './helpers.mjs';

let env;
let words;
before(async () => {
  env = await setup();
  words = await wordsModule();
});
after(async () => {
  await env?.close();
});

const withPage = (path, fn, opts) => openPage(env, path, fn, opts);

/** Route ids shown, and every link, for one concern. */
async function routeConcern(page, concern) {
  await page.locator('esafety-report .open').click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  await page.locator(`esafety-report .choice[data-concern="${concern}"]`).click();
  const help = page.locator('esafety-report [data-step="help"]');
  await help.locator('[data-route]').first().waitFor();
  const out = await help.evaluate((h) => ({
    routes: [...h.querySelectorAll('[data-route]')].map((e) => e.dataset.route),
    links: [...h.querySelectorAll('a')].map((a) => a.getAttribute('href')),
    text: h.innerText,
  }));
  out.danger = await page.locator('esafety-report .danger a').getAttribute('href');
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => !document.querySelector('esafety-report').shadowRoot.querySelector('dialog').open);
  return out;
}

const EXPECT = {
  grooming: { routes: ['ceop', 'school', 'childline'], link: 'https://www.ceop.police.uk/ceop-reporting/' },
  abuse_images: { routes: ['iwf', 'report_remove', 'school'], link: 'https://report.iwf.org.uk/' },
  own_image: { routes: ['report_remove', 'ceop', 'school', 'childline'], link: 'https://www.childline.org.uk/remove' },
  self_harm: { routes: ['childline', 'samaritans', 'shout', 'school'], link: 'tel:116123' },
  bullying: { routes: ['school', 'childline'], link: 'tel:08001111' },
  extremism: { routes: ['act', 'school'], link: 'https://www.gov.uk/report-terrorism' },
  discrimination: { routes: ['true_vision', 'school'], link: 'https://www.report-it.org.uk/' },
  drugs: { routes: ['frank', 'school'], link: 'https://www.talktofrank.com/' },
  other: { routes: ['school', 'childline'], link: 'tel:08001111' },
};

describe('<esafety-report>', () => {
  test('every concern is routed to the right place, with 999 always shown', async () => {
    await withPage('/demo/?band=ks2', async (page) => {
      for (const [concern, want] of Object.entries(EXPECT)) {
        const got = await routeConcern(page, concern);
        assert.deepEqual(got.routes, want.routes, concern);
        assert.ok(got.links.includes(want.link), `${concern}: ${got.links}`);
        assert.equal(got.danger, 'tel:999');
        assert.ok(got.text.includes(words.REPORT_ROUTE_INTRO[concern]), concern);
        if (got.routes.includes('school')) {
          assert.ok(got.text.includes('Oakfield Primary') && got.text.includes('Mrs Khan'), `${concern}: the school's DSL`);
        }
        if (concern === 'self_harm') assert.ok(got.links.includes('sms:85258') && got.links.includes('tel:08001111'));
        if (concern === 'extremism') assert.ok(got.text.includes(words.SCHOOL_ROUTE.extremism));
      }
      // The event log saw each concern (and no free text).
      const log = await page.locator('#log').innerText();
      for (const concern of Object.keys(EXPECT)) assert.ok(log.includes(`(${concern})`), concern);
    });
  });

  test('routes follow age: Report Harmful Content (13+) for secondary pupils only; simpler choices for KS1', async () => {
    await withPage('/demo/?band=ks3', async (page) => {
      const got = await routeConcern(page, 'bullying');
      assert.deepEqual(got.routes, ['school', 'childline', 'report_harmful_content']);
      assert.equal(await page.locator('esafety-report .open').innerText(), words.REPORT.teen.button);
    });
    await withPage('/demo/?band=ks1', async (page) => {
      await page.locator('esafety-report .open').click();
      const labels = await page.locator('esafety-report .choice').allInnerTexts();
      assert.deepEqual(labels, words.REPORT_CHOICES.young.map(([, l]) => l));
      assert.equal(await page.getByRole('dialog', { name: words.REPORT.young.title }).count(), 1);
      await page.locator('esafety-report .choice[data-concern="grooming"]').click();
      await page.locator('esafety-report [data-route="ceop"]').waitFor();
    });
  });

  test('keyboard: Tab to the button, Enter opens a labelled dialog, focus is trapped, Escape closes and returns focus', async () => {
    await withPage('/demo/?band=ks2', async (page) => {
      await page.focus('#send');
      await page.keyboard.press('Tab');
      assert.match(await activeInfo(page), /esafety-report.*> button\.open/);
      await page.keyboard.press('Enter');
      const dialog = page.getByRole('dialog', { name: words.REPORT.junior.title });
      await dialog.waitFor();
      assert.ok((await dialog.getAttribute('aria-describedby')).includes('esafety-report-intro'));
      assert.match(await activeInfo(page), /h2#esafety-report-title/, 'focus starts on the title');
      await page.keyboard.press('Tab');
      assert.match(await activeInfo(page), /button\.choice/);
      await page.keyboard.press('Enter'); // first choice: grooming
      await page.locator('esafety-report [data-route="ceop"]').waitFor();
      assert.match(await activeInfo(page), /h3#esafety-report-help/, 'focus moves to the help step');
      // Tab round the dialog twice: focus never leaves it, and reaches every control.
      const position = () => page.locator('esafety-report').evaluate((host) => {
        const d = host.shadowRoot.querySelector('dialog');
        const items = [...d.querySelectorAll('a[href], button, textarea')].filter((e) => e.getClientRects().length > 0);
        return { index: items.indexOf(host.shadowRoot.activeElement), count: items.length, inside: d.contains(host.shadowRoot.activeElement) };
      });
      const { count } = await position();
      assert.ok(count >= 6, `controls: ${count}`);
      const seen = new Set();
      for (let i = 0; i < count * 2; i++) {
        await page.keyboard.press('Tab');
        const p = await position();
        assert.ok(p.inside && p.index >= 0, `focus left the dialog: ${await activeInfo(page)}`);
        seen.add(p.index);
      }
      assert.equal(seen.size, count, 'every control is reachable by Tab');
      // Shift+Tab from the first item wraps to the last.
      await page.locator('esafety-report .danger a').focus();
      await page.keyboard.press('Shift+Tab');
      assert.match(await activeInfo(page), /button\.secondary\.close/);
      // Back returns to the choices, on the one picked.
      await page.locator('esafety-report .back').press('Enter');
      assert.match(await activeInfo(page), /button\.choice/);
      assert.equal(await page.locator('esafety-report .choice:focus').getAttribute('data-concern'), 'grooming');
      await page.keyboard.press('Escape');
      await page.getByRole('dialog').waitFor({ state: 'hidden' });
      await page.waitForFunction(() => document.activeElement?.shadowRoot?.activeElement?.classList.contains('open'));
      assert.match(await activeInfo(page), /esafety-report.*> button\.open/, 'focus back on the button');
    });
  });

  test('the minimal report is POSTed only when the pupil presses send, without cookies', async () => {
    await withPage('/demo/?band=ks2', async (page) => {
      await page.evaluate(() => {
        document.cookie = 'vle_session=secret; path=/';
        window.__events = [];
        document.addEventListener('esafety-report', (e) => window.__events.push(e.detail));
      });
      const before = env.reports.length;
      await page.locator('esafety-report .open').click();
      await page.locator('esafety-report .choice[data-concern="grooming"]').click();
      const box = page.getByLabel(words.REPORT_SEND.label);
      await box.fill('A man in a game asked for my photo');
      await page.waitForTimeout(300);
      assert.equal(env.reports.length, before, 'nothing is sent before the pupil presses send');
      await page.getByRole('button', { name: words.REPORT_SEND.send }).click();
      await page.getByText(words.REPORT_SEND.sent).waitFor();
      assert.equal(env.reports.length, before + 1);
      const r = env.reports.at(-1);
      assert.deepEqual(Object.keys(r.body).sort(), ['concern', 'origin', 'text', 'time']);
      assert.equal(r.body.concern, 'grooming');
      assert.equal(r.body.text, 'A man in a game asked for my photo');
      assert.equal(r.body.origin, env.base);
      assert.ok(Math.abs(Date.parse(r.body.time) - Date.now()) < 60_000);
      assert.match(r.contentType, /^application\/json/);
      assert.equal(r.cookie, null, 'no cookies sent');
      assert.match(await activeInfo(page), /p\.status/, 'focus on the result');

      // Another concern without free text: no text field at all.
      await page.locator('esafety-report .back').click();
      await page.locator('esafety-report .choice[data-concern="drugs"]').click();
      await page.getByRole('button', { name: words.REPORT_SEND.send }).click();
      await page.getByText(words.REPORT_SEND.sent).waitFor();
      assert.deepEqual(Object.keys(env.reports.at(-1).body).sort(), ['concern', 'origin', 'time']);
      assert.equal(env.reports.at(-1).body.concern, 'drugs');
      await page.keyboard.press('Escape');
      await page.waitForFunction(() => window.__events.some((e) => e.type === 'close'));

      const events = await page.evaluate(() => window.__events);
      assert.deepEqual(events.map((e) => e.type), ['open', 'concern', 'sent', 'concern', 'sent', 'close']);
      for (const e of events) assert.deepEqual(Object.keys(e).sort(), ['concern', 'type'], 'events never carry the words');
    });
  });

  test('a failed send says so kindly and can be retried', async () => {
    const allow = [/status of 503/];
    await withPage('/demo/?band=ks2', async (page) => {
      await page.locator('#report').evaluate((r) => r.setAttribute('endpoint', '/api/report?fail=1'));
      const before = env.reports.length;
      await page.locator('esafety-report .open').click();
      await page.locator('esafety-report .choice[data-concern="bullying"]').click();
      await page.getByRole('button', { name: words.REPORT_SEND.send }).click();
      await page.getByText(words.REPORT_SEND.failed).waitFor();
      assert.equal(await page.locator('esafety-report .status').getAttribute('role'), 'status');
      assert.equal(await page.getByRole('button', { name: words.REPORT_SEND.send }).isVisible(), true);
      assert.equal(env.reports.length, before);
    }, { allow });
  });

  test('works without a classifier: routes from an attribute, or loaded from the package', async () => {
    await withPage('/demo/?band=ks2', async (page) => {
      const result = await page.evaluate(async () => {
        const routes = [
          { id: 'ceop', name: 'CEOP Safety Centre', url: 'https://www.ceop.police.uk/ceop-reporting/', phone: '', sms: '', summary: 'Report to CEOP.', minAge: 0, maxAge: 17 },
          { id: 'evil', name: 'x', url: 'javascript:alert(1)', phone: '', sms: '', summary: '' },
          { id: 'childline', name: 'Childline <b>', url: 'javascript:alert(2)', phone: '0800 1111', sms: '', summary: '', minAge: 0, maxAge: 18 },
        ];
        const a = document.createElement('esafety-report');
        a.setAttribute('routes', JSON.stringify(routes));
        a.setAttribute('age-band', 'ks2');
        document.body.append(a);
        a.open();
        a.shadowRoot.querySelector('.choice[data-concern="grooming"]').click();
        await new Promise((r) => setTimeout(r, 50));
        const one = {
          routes: [...a.shadowRoot.querySelectorAll('[data-route]')].map((e) => e.dataset.route),
          links: [...a.shadowRoot.querySelectorAll('[data-step="help"] a')].map((e) => e.getAttribute('href')),
          names: [...a.shadowRoot.querySelectorAll('.esafety-route-name')].map((e) => e.textContent),
          noSend: a.shadowRoot.querySelector('.send') === null,
        };
        a.close();
        a.remove();
        // No routes given: the element loads them from the package on open.
        const b = document.createElement('esafety-report');
        document.body.append(b);
        b.open();
        b.shadowRoot.querySelector('.choice[data-concern="discrimination"]').click();
        for (let i = 0; i < 100 && !b.shadowRoot.querySelector('[data-route="true_vision"]'); i++) await new Promise((r) => setTimeout(r, 20));
        const two = [...b.shadowRoot.querySelectorAll('[data-route]')].map((e) => e.dataset.route);
        b.close();
        b.remove();
        return { one, two };
      });
      assert.deepEqual(result.one.routes, ['ceop', 'school', 'childline']);
      assert.deepEqual(result.one.links, ['https://www.ceop.police.uk/ceop-reporting/', 'tel:08001111'], 'no javascript: links');
      assert.ok(result.one.names.includes('Childline <b>'), 'names are text');
      assert.ok(result.one.noSend, 'no endpoint, no send form');
      assert.deepEqual(result.two, ['true_vision', 'school']);
    });
  });
});
