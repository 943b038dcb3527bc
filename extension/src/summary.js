// The DSL's summary page (summary.html, also the extension's options page): reads the incident
// log from chrome.storage.local, and shows one period's totals, a stacked bar chart by day and
// category (inline SVG built node by node), urgent incidents, the sites and searches most often
// stopped, every incident, and CSV / JSON downloads. All counting is in summary-data.js; this
// file only draws. Log text (hosts, search words) only ever goes in through textContent or
// attribute values, never as markup.

import { normalisePolicy } from './policy.js';
import {
  categoryColours, categoryLabel, daysOf, exportFileName, isoWeekOf, isoWeekPeriod, kindLabel, localTime, periodFor,
  SEVERITY_LABELS, summarise, toCsv, toJson,
} from './summary-data.js';

const SVG = 'http://www.w3.org/2000/svg';
const root = document.documentElement;
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

// Dates written out by hand ("Mon 16 Nov"), not with Intl: its punctuation differs between
// browser versions, and a summary printed this week should read like last week's.
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const dayShort = { format: (d) => `${WEEKDAYS[d.getDay()]} ${d.getDate()} ${MONTHS[d.getMonth()]}` };
const dayLong = { format: (d) => `${dayShort.format(d)} ${d.getFullYear()}` };
const when = { format: (d) => `${dayShort.format(d)}, ${localTime(d.getTime())}` };
const number = new Intl.NumberFormat('en-GB');

/** A local 'YYYY-MM-DD' as a Date at local midday (safe to format whatever the clock change). */
const dateOf = (ymd) => {
  const [y, m, d] = ymd.split('-').map(Number);
  return new Date(y, m - 1, d, 12);
};

/** An element with text and attributes; children appended. */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) node.setAttribute(k, String(v));
  node.append(...children);
  return node;
}
function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  node.append(...children);
  return node;
}

// ---- state ------------------------------------------------------------------------------------

/** The period chosen: a name from the select, or an ISO week from `?week=2026-W47`. */
let choice = 'last7';
let policy = normalisePolicy({});
/** @type {ReturnType<typeof summarise> | null} */
let current = null;
let currentPeriod = periodFor('last7');

function periodOfChoice(now = Date.now()) {
  return choice.startsWith('week:') ? isoWeekPeriod(choice.slice(5)) : periodFor(/** @type {any} */ (choice), now);
}

async function readLog() {
  const { incidents } = await chrome.storage.local.get('incidents');
  return Array.isArray(incidents) ? incidents : [];
}

let refreshes = 0;
async function refresh() {
  const mine = ++refreshes;
  root.dataset.ready = 'false';
  const period = periodOfChoice();
  const log = await readLog();
  if (mine !== refreshes) return; // a newer refresh (another period, a new record) draws instead
  currentPeriod = period;
  current = summarise(log, period);
  render(current, currentPeriod);
  root.dataset.period = choice;
  root.dataset.ready = 'true';
}

// ---- drawing ------------------------------------------------------------------------------------

function render(s, period) {
  const days = daysOf(period);
  $('period-dates').textContent = `${dayLong.format(dateOf(days[0]))} to ${dayLong.format(dateOf(days[days.length - 1]))}`;
  renderTotals(s);
  const { colours, shown } = categoryColours(s.byCategory);
  renderChart(s, colours);
  renderLegend(s, colours, shown);
  renderChartTable(s);
  renderIncidents('urgent', s.urgent);
  renderIncidents('all', s.records);
  renderHosts(s.topHosts);
  renderSearches(s.searches);
}

/** The kinds the extension writes today: shown even at 0. Others (messages…) only when present. */
const ALWAYS_COUNTED = ['block', 'warn', 'continue', 'unblock_request'];

function renderTotals(s) {
  const items = [['Incidents', s.totals.incidents, 'incidents'], ['Urgent', s.totals.urgent, 'urgent']];
  for (const [kind, n] of Object.entries(s.totals.byKind)) {
    if (n > 0 || ALWAYS_COUNTED.includes(kind)) items.push([kindLabel(kind), n, kind]);
  }
  $('totals').replaceChildren(
    ...items.map(([label, n, key]) =>
      el('div', { class: key === 'urgent' && n > 0 ? 'total urgent' : 'total', 'data-total': key }, el('dt', {}, label), el('dd', {}, number.format(n))),
    ),
  );
}

/** Round numbers for the value axis: 1, 2, 5, 10, 20, 50… with at most 5 steps. */
function axisStep(max) {
  for (let p = 1; ; p *= 10) for (const m of [1, 2, 5]) if (max / (m * p) <= 5) return m * p;
}

function renderChart(s, colours) {
  const W = 760;
  const H = 300;
  const left = 44;
  const right = 8;
  const top = 18;
  const bottom = s.byDay.length > 7 ? 30 : 42;
  const plotW = W - left - right;
  const plotH = H - top - bottom;
  const maxTotal = Math.max(1, ...s.byDay.map((d) => d.total));
  const step = axisStep(maxTotal);
  const yMax = Math.ceil(maxTotal / step) * step;
  const y = (v) => top + plotH - (v / yMax) * plotH;
  const band = plotW / s.byDay.length;
  const barW = Math.max(4, Math.min(64, band * 0.7));

  const busiest = s.byDay.reduce((a, d) => (d.total > a.total ? d : a), s.byDay[0]);
  const desc = s.totals.incidents === 0
    ? `No incidents in the ${s.byDay.length} days shown.`
    : `${s.totals.incidents} incidents over ${s.byDay.length} days; the busiest day was ${dayShort.format(dateOf(busiest.date))} with ${busiest.total}. ` +
      `By category: ${s.byCategory.map((c) => `${categoryLabel(c.category)} ${c.count}`).join(', ')}.`;

  const chart = svg('svg', {
    viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': 'chart-title chart-desc', class: 'bars', focusable: 'false',
  }, svg('title', { id: 'chart-title' }, 'Incidents by day, stacked by category'), svg('desc', { id: 'chart-desc' }, desc));

  const grid = svg('g', { class: 'grid' });
  for (let v = 0; v <= yMax; v += step) {
    grid.append(
      svg('line', { x1: left, x2: W - right, y1: y(v), y2: y(v), stroke: v === 0 ? '#4a4a4a' : '#d6d6d6', 'stroke-width': 1 }),
      svg('text', { x: left - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'tick' }, String(v)),
    );
  }
  chart.append(grid);

  const bars = svg('g', { class: 'days' });
  const labelEvery = s.byDay.length > 20 ? 2 : 1;
  s.byDay.forEach((day, i) => {
    const cx = left + band * i + band / 2;
    const g = svg('g', { 'data-date': day.date, 'data-total': day.total });
    let base = 0;
    // Biggest categories at the bottom, in the legend's order.
    for (const { category } of s.byCategory) {
      const n = day.byCategory[category];
      if (!n) continue;
      const label = `${dayShort.format(dateOf(day.date))}: ${categoryLabel(category)}, ${n}`;
      g.append(svg('rect', {
        x: cx - barW / 2, y: y(base + n), width: barW, height: y(base) - y(base + n),
        fill: colours.get(category), stroke: '#ffffff', 'stroke-width': 1,
        'data-category': category, 'data-count': n,
      }, svg('title', {}, label)));
      base += n;
    }
    if (day.total > 0) {
      g.append(svg('text', { x: cx, y: y(day.total) - 4, 'text-anchor': 'middle', class: 'bar-total' }, String(day.total)));
    }
    if (i % labelEvery === 0) {
      const d = dateOf(day.date);
      const text = svg('text', { x: cx, y: top + plotH + 16, 'text-anchor': 'middle', class: 'tick' });
      if (s.byDay.length <= 7) {
        text.append(
          svg('tspan', { x: cx }, WEEKDAYS[d.getDay()]),
          svg('tspan', { x: cx, dy: 15 }, `${d.getDate()} ${MONTHS[d.getMonth()]}`),
        );
      } else {
        text.textContent = String(d.getDate());
      }
      g.append(text);
    }
    bars.append(g);
  });
  chart.append(bars);
  $('chart').replaceChildren(chart);
}

function swatch(colour) {
  return svg('svg', { viewBox: '0 0 14 14', width: 14, height: 14, 'aria-hidden': 'true', focusable: 'false' },
    svg('rect', { width: 14, height: 14, rx: 2, fill: colour }));
}

function renderLegend(s, colours, shown) {
  const items = shown.map((c) => {
    const n = s.byCategory.find((x) => x.category === c).count;
    return el('li', { 'data-category': c }, swatch(colours.get(c)), ` ${categoryLabel(c)} (${n})`);
  });
  const rest = s.byCategory.filter((c) => !shown.includes(c.category));
  if (rest.length) {
    const n = rest.reduce((a, c) => a + c.count, 0);
    items.push(el('li', { 'data-category': 'other-categories' }, swatch(colours.get(rest[0].category)),
      ` Other categories: ${rest.map((c) => categoryLabel(c.category)).join(', ')} (${n})`));
  }
  $('legend').replaceChildren(...items);
  $('legend').hidden = items.length === 0;
}

function renderChartTable(s) {
  const cats = s.byCategory.map((c) => c.category);
  const head = el('tr', {}, el('th', { scope: 'col' }, 'Day'), ...cats.map((c) => el('th', { scope: 'col' }, categoryLabel(c))),
    el('th', { scope: 'col' }, 'Total'));
  const rows = s.byDay.map((d) => el('tr', {},
    el('th', { scope: 'row' }, dayShort.format(dateOf(d.date))),
    ...cats.map((c) => el('td', { class: 'num' }, String(d.byCategory[c] ?? 0))),
    el('td', { class: 'num' }, String(d.total))));
  $('chart-table').replaceChildren(
    el('caption', {}, 'Incidents by day and category'),
    el('thead', {}, head),
    el('tbody', {}, ...rows),
  );
}

const INCIDENT_COLUMNS = ['When', 'What happened', 'Category', 'Site', 'Search words', 'Severity'];

function incidentRow(r) {
  const urgent = r.alert === 'urgent';
  const severity = el('td', {}, SEVERITY_LABELS[r.severity] ?? r.severity);
  if (urgent) severity.prepend(el('strong', { class: 'flag' }, 'Urgent'), ' ');
  return el('tr', { class: urgent ? 'is-urgent' : undefined, 'data-id': r.id },
    el('td', {}, el('time', { datetime: r.time }, when.format(new Date(r.time)))),
    el('td', {}, kindLabel(r.kind)),
    el('td', {}, categoryLabel(r.category)),
    el('td', { class: 'host' }, r.host),
    el('td', { class: 'search' }, r.search ?? ''),
    severity);
}

function renderIncidents(which, records) {
  const table = $(`${which}-table`);
  table.replaceChildren(
    el('thead', {}, el('tr', {}, ...INCIDENT_COLUMNS.map((c) => el('th', { scope: 'col' }, c)))),
    el('tbody', {}, ...records.map(incidentRow)),
  );
  table.hidden = records.length === 0;
  $(`${which}-none`).hidden = records.length > 0;
}

function renderHosts(hosts) {
  $('hosts').replaceChildren(...hosts.map((h) => el('li', {}, el('span', { class: 'host' }, h.host), ` \u2014 ${h.count}`)));
  $('hosts-none').hidden = hosts.length > 0;
}

function renderSearches(searches) {
  const table = $('searches');
  table.replaceChildren(
    el('thead', {}, el('tr', {}, ...['Search words', 'Category', 'Times', 'Highest severity'].map((c) => el('th', { scope: 'col' }, c)))),
    el('tbody', {}, ...searches.map((s) => el('tr', {},
      el('td', { class: 'search' }, s.search),
      el('td', {}, categoryLabel(s.category)),
      el('td', { class: 'num' }, String(s.count)),
      el('td', {}, SEVERITY_LABELS[s.severity] ?? s.severity)))),
  );
  table.hidden = searches.length === 0;
  $('searches-none').hidden = searches.length > 0;
}

function renderPrivacy() {
  $('privacy').textContent =
    `This log is kept on this device only, for ${policy.retentionDays} days, then deleted. It holds site names ` +
    'and short excerpts of searches, never full web addresses or what was on a page. Downloads are personal ' +
    'data about pupils: store and share them as your school\u2019s data protection policy says.';
  if (policy.schoolName) {
    $('school').textContent = policy.schoolName;
    $('school').hidden = false;
  }
}

// ---- downloads ------------------------------------------------------------------------------------

function download(text, name, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = el('a', { href: url, download: name, hidden: '' });
  document.body.append(a);
  a.click();
  a.remove();
  // Revoked later, not at once: the download may not have read the blob yet.
  setTimeout(() => URL.revokeObjectURL(url), 60000);
  $('status').textContent = `Downloaded ${name}`;
}

// ---- start ---------------------------------------------------------------------------------------

function addWeekOption(week) {
  const { year, week: n } = isoWeekOf(isoWeekPeriod(week).from);
  const value = `week:${year}-W${String(n).padStart(2, '0')}`;
  $('period').append(el('option', { value }, `Week ${n}, ${year}`));
  return value;
}

async function main() {
  const q = new URLSearchParams(location.search);
  const select = /** @type {HTMLSelectElement} */ ($('period'));
  if (q.get('week')) {
    try {
      choice = addWeekOption(q.get('week'));
    } catch {
      $('status').textContent = `"${q.get('week')}" is not a week (use a form like 2026-W47); showing the last 7 days.`;
    }
  } else if ([...select.options].some((o) => o.value === q.get('period'))) {
    choice = /** @type {string} */ (q.get('period'));
  }
  select.value = choice;
  select.addEventListener('change', () => {
    choice = select.value;
    refresh().catch(showError);
  });
  $('download-csv').addEventListener('click', () => {
    if (current) download(toCsv(current.records), exportFileName(currentPeriod, 'csv'), 'text/csv;charset=utf-8');
  });
  $('download-json').addEventListener('click', () => {
    if (current) download(toJson(current), exportFileName(currentPeriod, 'json'), 'application/json');
  });
  chrome.storage.onChanged.addListener((changes, area) => {
    if (area === 'local' && changes.incidents) refresh().catch(showError);
  });
  renderPrivacy();
  // The school's policy only adds its name and retention: never wait for it (the first
  // managed-storage read can take seconds).
  chrome.storage.managed.get(null).then((raw) => {
    policy = normalisePolicy(raw);
    renderPrivacy();
  }, () => {});
  await refresh();
}

function showError(e) {
  console.error('esafety summary', e);
  $('status').textContent = 'The incident log could not be read. Reload the page to try again.';
  root.dataset.ready = 'error';
}

main().catch(showError);
