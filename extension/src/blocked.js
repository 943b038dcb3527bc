// The block and warning page. Its address carries only what it shows: action (a), the
// deciding category (c), the site's host (h), age band (b), help-route ids (r), the incident
// id (i; absent when a hot rule in Chromium's network stack sent the page here, and the
// worker then logs the visit), whether a search decided (s) and, for a warning, an opaque id (w) the service worker
// maps to the destination. Never the full address or the search words.
//
// Wording: the npm package's vle/words.js for the page's headings and reasons (BLOCK_PAGE,
// BLOCK_REASON), the support panel and the trusted-adult sentences; vle/help-list.js for the
// help-route cards (tel:/sms: links, real web links); and <esafety-report> for "Report a worry".

import { helpRoutes } from './engine.js';
import { bandGroup, BLOCK_PAGE, BLOCK_REASON, BLOCK_SUPPORT_CONCERNS, SUPPORT } from './lib/esafety/src/vle/words.js';
import { routeList } from './lib/esafety/src/vle/help-list.js';
import { ensureDocumentStyles } from './lib/esafety/src/vle/styles.js';
import { defineReportElement } from './lib/esafety/src/vle/report.js';

const BANDS = ['eyfs', 'ks1', 'ks2', 'ks3', 'ks4', 'ks5', 'staff'];
const q = new URLSearchParams(location.search);
const action = q.get('a') === 'warn' ? 'warn' : 'block';
const concern = /^[a-z_]{1,32}$/.test(q.get('c') ?? '') ? q.get('c') : 'other';
const host = (q.get('h') ?? '').slice(0, 253);
const band = BANDS.includes(q.get('b')) ? q.get('b') : 'ks2';
const helpIds = (q.get('r') ?? '').split(',').filter((id) => /^[a-z_]{1,40}$/.test(id));
/** The incident id; a page a hot rule opened (no `i`) gets one from the worker. */
let incident = q.get('i') ?? '';
const warnId = q.get('w') ?? '';
const fromSearch = q.get('s') === '1';
const group = bandGroup(band);
const words = BLOCK_PAGE[group];

const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
const root = document.documentElement;
root.dataset.action = action;
// Inside a frame of an allowed page: a compact card (blocked.css).
if (window.top !== window) root.dataset.framed = 'true';
root.dataset.category = concern;

function send(msg) {
  return chrome.runtime.sendMessage(msg).catch((e) => ({ ok: false, error: String(e) }));
}

function reasonText() {
  const key = fromSearch && !BLOCK_REASON[concern] ? 'search' : concern;
  const entry = BLOCK_REASON[key] ?? BLOCK_REASON.other;
  return entry[group];
}

function render(info) {
  const heading = action === 'warn' ? words.warnHeading : words.blockHeading;
  document.title = `${heading} \u2014 esafety`;
  $('heading').textContent = heading;
  $('reason').textContent = reasonText();
  $('not-trouble').textContent = words.notTrouble;
  if (BLOCK_SUPPORT_CONCERNS.includes(concern)) {
    const s = SUPPORT[group];
    $('support').textContent = `${s.heading}. ${s.body}`;
    $('support').hidden = false;
  }
  if (action === 'warn') {
    $('warn-ask').textContent = words.warnAsk;
    $('warn-ask').hidden = false;
  }
  if (host) {
    $('site').textContent = `${words.site}: ${host}`;
    $('site').hidden = false;
  }

  $('back').textContent = words.back;
  $('back').addEventListener('click', goBack);
  if (action === 'warn' && warnId) {
    $('continue').textContent = words.continue;
    $('continue').hidden = false;
    $('continue').addEventListener('click', async () => {
      $('continue').setAttribute('disabled', '');
      const r = await send({ type: 'continue', warn: warnId, incident, host, category: concern, action });
      if (!r?.ok) {
        $('status').textContent = words.mistakeFailed;
        $('continue').removeAttribute('disabled');
      }
    });
  }
  $('adult').textContent = words.adult;
  $('adult').addEventListener('click', () => {
    $('adult-panel').hidden = false;
    // The school card moves up to this panel rather than showing twice.
    $('help-routes').querySelector('[data-route="school"]')?.setAttribute('hidden', '');
    $('adult-heading').focus();
    $('adult-panel').scrollIntoView({ block: 'nearest' });
  });
  $('mistake').textContent = words.mistake;
  $('mistake').addEventListener('click', async () => {
    $('mistake').setAttribute('disabled', '');
    const r = await send({ type: 'unblock-request', incident, host, category: concern, action });
    $('status').textContent = r?.ok ? words.mistakeSent : words.mistakeFailed;
    if (!r?.ok) $('mistake').removeAttribute('disabled');
  });

  $('adult-heading').textContent = words.adultHeading;
  const school = { schoolName: info.schoolName ?? undefined, dslContact: info.dslContact ?? undefined, concern };
  $('adult-routes').append(routeList(document, [{ id: 'school', name: '', url: '', phone: '', sms: '', summary: '' }], school));
  $('help-heading').textContent = words.helpHeading;
}

async function renderRoutes(info) {
  const school = { schoolName: info.schoolName ?? undefined, dslContact: info.dslContact ?? undefined, concern };
  let all = [];
  try {
    all = await helpRoutes();
  } catch (e) {
    console.warn('esafety: help routes not loaded', e);
  }
  const byId = new Map(all.map((r) => [r.id, r]));
  const shown = helpIds.map((id) => byId.get(id) ?? (id === 'school' ? { id, name: '', url: '', phone: '', sms: '', summary: '' } : null)).filter(Boolean);
  if (shown.length) {
    $('help-routes').append(routeList(document, shown, school));
    $('help').hidden = false;
  }
  // "Report a worry": the package's dialog, routed by concern, with 999 always on screen.
  defineReportElement();
  const report = document.createElement('esafety-report');
  report.setAttribute('age-band', band);
  if (info.age != null) report.setAttribute('age', String(info.age));
  if (info.schoolName) report.setAttribute('school-name', info.schoolName);
  if (info.dslContact) report.setAttribute('dsl-contact', info.dslContact);
  if (info.reportEndpoint) report.setAttribute('endpoint', info.reportEndpoint);
  if (all.length) /** @type {any} */ (report).routes = all;
  $('report-slot').append(report);
}

function goBack() {
  if (history.length > 1) history.back();
  else chrome.tabs.getCurrent().then((tab) => tab?.id != null && chrome.tabs.update(tab.id, { url: 'chrome://newtab/' }));
}

async function main() {
  ensureDocumentStyles(document);
  if (!incident && host) {
    // A hot rule can send a frame here too: the log says so, as for frames the worker stops.
    const visit = await send({ type: 'rule-visit', host, frame: window.top !== window });
    if (visit?.ok) incident = visit.incident;
  }
  const info = await send({ type: 'page-info' });
  const safeInfo = info?.ok ? info : {};
  render(safeInfo);
  await renderRoutes(safeInfo);
  root.dataset.ready = 'true';
}

main().catch((e) => {
  console.error('esafety block page', e);
  root.dataset.ready = 'error';
});

