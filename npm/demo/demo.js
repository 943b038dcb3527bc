// The demo VLE: one page with the pupil's side of a class chat (guarded message box and
// the "Report a worry" button) and the teacher's side (the same messages, highlighted as
// they arrive). Messages are drawn with textContent only. The activity log shows what a
// VLE would record for its DSL — verdict categories and actions, never the message text.

import { createClassifier, helpRoutes } from '../src/web.js';
import { guardInput, highlightMessages } from '../src/vle/index.js';

const BANDS = ['eyfs', 'ks1', 'ks2', 'ks3', 'ks4', 'ks5'];
const requested = new URLSearchParams(location.search).get('band') ?? 'ks2';
const band = BANDS.includes(requested) ? requested : 'ks2';

const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
const box = /** @type {HTMLTextAreaElement} */ ($('box'));
const form = /** @type {HTMLFormElement} */ ($('chat'));
const pupilList = $('pupil-messages');
const teacherList = $('teacher-messages');
const log = $('log');
const status = $('status');
const report = $('report');

/** @type {HTMLSelectElement} */ ($('band')).value = band;
report.setAttribute('age-band', band);

/** One line in the DSL activity log. */
function note(text) {
  const li = document.createElement('li');
  li.textContent = `${new Date().toLocaleTimeString('en-GB')} — ${text}`;
  log.append(li);
}

/** A chat message element: author and text as plain text. */
function messageItem(author, text, mine) {
  const li = document.createElement('li');
  if (mine) li.className = 'mine';
  const who = document.createElement('span');
  who.className = 'author';
  who.textContent = author;
  const body = document.createElement('span');
  body.className = 'text';
  body.textContent = text;
  li.append(who, body);
  return li;
}

/** Puts a message in both views (in a real VLE the teacher's page would get it from the server). */
function post(author, text, mine = false) {
  pupilList.append(messageItem(author, text, mine));
  teacherList.append(messageItem(author, text, mine));
  pupilList.scrollTop = pupilList.scrollHeight;
  teacherList.scrollTop = teacherList.scrollHeight;
}

// The VLE's own sending code, unchanged by esafety: Enter or the Send button submits.
form.addEventListener('submit', (e) => {
  e.preventDefault();
  const text = box.value.trim();
  if (!text) return;
  post('You', text, true);
  box.value = '';
});
box.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    form.requestSubmit();
  }
});

const SAMPLES = [
  ['Priya', 'Did everyone finish the volcano poster?'],
  ['Tom', 'we won at Scunthorpe on Saturday 3-1!'],
  ['Jess', 'Our sex education lesson is after lunch'],
  ['Sam', 'you are so stupid, nobody likes you'],
  ['Ben', '😀😀 you are an idiot'],
  ['Mia', 'how do I stop self harming'],
  ['Leo', 'my number is 07700 900123'],
  ['Ava', '<img src=x onerror="alert(1)"> is what I typed'],
];

try {
  const classifier = await createClassifier({ ageBand: band });
  const school = { schoolName: 'Oakfield Primary', dslContact: 'Mrs Khan, our Designated Safeguarding Lead (Room 4)' };

  guardInput(box, classifier, {
    ...school,
    onNudge: (v, info) => note(`Pupil saw a ${info.kind} note (${info.trigger}): ${v.categories.join(', ') || 'asking for help'}`),
    onSendAnyway: (v) => note(`Pupil chose "send anyway": ${v.categories.join(', ')} (${v.severity})`),
  });

  highlightMessages(teacherList, classifier, {
    textSelector: '.text',
    onFlag: (v) => note(`Flagged message: ${v.severity}, ${v.categories.join(', ') || 'asking for help'}, alert ${v.alert}`),
  });

  // Passing the routes in: the element can also load them itself.
  /** @type {any} */ (report).routes = await helpRoutes();
  report.addEventListener('esafety-report', (e) => {
    const d = /** @type {CustomEvent} */ (e).detail;
    if (d.type !== 'open' && d.type !== 'close') note(`Report a worry: ${d.type}${d.concern ? ` (${d.concern})` : ''}`);
  });

  $('samples').addEventListener('click', () => {
    for (const [who, text] of SAMPLES) post(who, text);
  });
  status.textContent = `Safety checker ready (age band ${band.toUpperCase()}).`;
  document.documentElement.dataset.ready = 'true';
} catch (e) {
  // The chat still works without the checker; say so plainly.
  status.textContent = 'The safety checker could not load. The chat still works.';
  document.documentElement.dataset.ready = 'error';
  console.error(e);
}
