// <esafety-report>: a "Report a worry" button (in the spirit of the CEOP button UK schools
// put on their VLEs) that opens a dialog where a pupil picks what happened, in words for
// their age, and is routed to the right place — CEOP for grooming, IWF / Report Remove for
// images, Childline / Samaritans / Shout for feeling low, the school for bullying, ACT for
// extremism, True Vision for hate, FRANK for drugs — with 999 always on screen.
//
// Routes come from the classifier's help-route data (the `routes` property or attribute,
// or `helpRoutes()` loaded on first open), so the element works without a classifier and
// shows the same checked contacts as everything else. If a school sets `endpoint`, the
// pupil can also send a minimal report — concern, the words they chose to write, time and
// page origin, nothing else, without cookies — and only when they press send.
//
// The class is created on first definition (not at module load) so that importing the
// VLE module in a worker or in Node does not fail on a missing HTMLElement.

import { bandGroup, REPORT, REPORT_CHOICES, REPORT_ROUTE_INTRO, REPORT_SEND } from './words.js';
import { routesForConcern } from './routes.js';
import { routeList, el } from './help-list.js';
import { styleShadowRoot } from './styles.js';

/** Longest free text a report carries (UTF-16 units); the textarea stops there too. */
export const MAX_REPORT_TEXT = 2000;

const FOCUSABLE = 'a[href], button:not([disabled]), textarea:not([disabled]), input:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** @typedef {import('../index.js').HelpRouteInfo} HelpRouteInfo */

/**
 * Accepts route data from a page: an array of objects with a string `id`.
 * @param {unknown} value
 * @returns {HelpRouteInfo[] | null}
 */
function cleanRoutes(value) {
  if (!Array.isArray(value)) return null;
  return /** @type {HelpRouteInfo[]} */ (value
    .filter((r) => r && typeof r === 'object' && typeof r.id === 'string')
    .map((r) => ({
      id: r.id,
      name: String(r.name ?? ''),
      url: String(r.url ?? ''),
      phone: String(r.phone ?? ''),
      sms: String(r.sms ?? ''),
      summary: String(r.summary ?? ''),
      categories: Array.isArray(r.categories) ? r.categories.map(String) : [],
      minAge: Number.isFinite(r.minAge) ? r.minAge : 0,
      maxAge: Number.isFinite(r.maxAge) ? r.maxAge : 255,
      minSeverity: String(r.minSeverity ?? 'low'),
      source: String(r.source ?? ''),
    })));
}

function makeClass() {
  return class EsafetyReportElement extends HTMLElement {
    static get observedAttributes() {
      return ['age-band', 'label'];
    }

    /** @type {HelpRouteInfo[] | null} */
    #routes = null;
    /** @type {Promise<HelpRouteInfo[]> | null} */
    #loading = null;
    /** @type {ShadowRoot | null} */
    #root = null;
    /** @type {HTMLButtonElement | null} */
    #button = null;
    /** @type {HTMLDialogElement | null} */
    #dialog = null;
    #concern = '';

    /** Help routes to use (from `helpRoutes()`); set to skip loading the WebAssembly. */
    get routes() {
      return this.#routes;
    }
    set routes(value) {
      this.#routes = cleanRoutes(value);
    }

    connectedCallback() {
      if (this.#root) return;
      const root = this.attachShadow({ mode: 'open' });
      this.#root = root;
      styleShadowRoot(root);
      const doc = this.ownerDocument;
      const button = /** @type {HTMLButtonElement} */ (el(doc, 'button', 'open'));
      button.type = 'button';
      button.setAttribute('part', 'button');
      button.setAttribute('aria-haspopup', 'dialog');
      button.addEventListener('click', () => this.open());
      const dialog = /** @type {HTMLDialogElement} */ (el(doc, 'dialog'));
      dialog.setAttribute('part', 'dialog');
      dialog.setAttribute('aria-labelledby', 'esafety-report-title');
      dialog.setAttribute('aria-describedby', 'esafety-report-danger esafety-report-intro');
      dialog.addEventListener('keydown', (e) => this.#trapFocus(e));
      dialog.addEventListener('close', () => {
        this.#button?.focus();
        this.#emit('close');
      });
      root.append(button, dialog);
      this.#button = button;
      this.#dialog = dialog;
      this.#renderButton();
    }

    attributeChangedCallback() {
      this.#renderButton();
    }

    get #group() {
      return bandGroup(this.getAttribute('age-band') ?? undefined);
    }

    #renderButton() {
      if (this.#button) this.#button.textContent = this.getAttribute('label') || REPORT[this.#group].button;
    }

    /** Opens the dialog at its first step. */
    open() {
      if (!this.#dialog) this.connectedCallback();
      const dialog = /** @type {HTMLDialogElement} */ (this.#dialog);
      if (dialog.open) return;
      this.#buildDialog();
      this.#loadRoutes();
      dialog.showModal();
      /** @type {HTMLElement | null} */ (this.#root?.getElementById('esafety-report-title') ?? null)?.focus();
      this.#emit('open');
    }

    /** Closes the dialog (focus returns to the button). */
    close() {
      if (this.#dialog?.open) this.#dialog.close();
    }

    /** @param {string} type @param {Record<string, unknown>} [extra] */
    #emit(type, extra = {}) {
      this.dispatchEvent(new CustomEvent('esafety-report', {
        bubbles: true,
        composed: true,
        detail: { type, concern: this.#concern || null, ...extra },
      }));
    }

    /** Routes from the property, the `routes` attribute (JSON) or the package. */
    #loadRoutes() {
      if (this.#routes) return Promise.resolve(this.#routes);
      const attr = this.getAttribute('routes');
      if (attr) {
        try {
          const parsed = cleanRoutes(JSON.parse(attr));
          if (parsed) {
            this.#routes = parsed;
            return Promise.resolve(parsed);
          }
        } catch {
          /* bad JSON: fall back to the package's data */
        }
      }
      this.#loading ??= import('../web.js')
        .then((m) => m.helpRoutes())
        .then((r) => {
          this.#routes = cleanRoutes(r) ?? [];
          return this.#routes;
        })
        .catch(() => {
          this.#loading = null; // try again next time; meanwhile school and 999 still show
          return [];
        });
      return this.#loading;
    }

    #emergencyNumber() {
      return this.#routes?.find((r) => r.id === 'emergency')?.phone || '999';
    }

    #buildDialog() {
      const doc = this.ownerDocument;
      const words = REPORT[this.#group];
      const dialog = /** @type {HTMLDialogElement} */ (this.#dialog);
      this.#concern = '';

      const danger = el(doc, 'p', 'danger');
      danger.id = 'esafety-report-danger';
      const num = this.#emergencyNumber();
      const call = el(doc, 'a', '', num);
      call.href = `tel:${num.replace(/[^\d+]/g, '')}`;
      danger.append(words.danger, ' ', call, '.');

      const title = el(doc, 'h2', '', words.title);
      title.id = 'esafety-report-title';
      title.tabIndex = -1;

      const choose = el(doc, 'div', 'step');
      choose.dataset.step = 'choose';
      const intro = el(doc, 'p', '', words.intro);
      intro.id = 'esafety-report-intro';
      const list = el(doc, 'ul', 'choices');
      for (const [id, label] of REPORT_CHOICES[this.#group]) {
        const b = /** @type {HTMLButtonElement} */ (el(doc, 'button', 'choice', label));
        b.type = 'button';
        b.dataset.concern = id;
        b.addEventListener('click', () => this.#choose(id));
        const li = el(doc, 'li');
        li.append(b);
        list.append(li);
      }
      choose.append(intro, list);

      const help = el(doc, 'div', 'step');
      help.dataset.step = 'help';
      help.hidden = true;

      const actions = el(doc, 'div', 'actions');
      const back = /** @type {HTMLButtonElement} */ (el(doc, 'button', 'secondary back', words.back));
      back.type = 'button';
      back.hidden = true;
      back.addEventListener('click', () => this.#showChoices());
      const close = /** @type {HTMLButtonElement} */ (el(doc, 'button', 'secondary close', words.close));
      close.type = 'button';
      close.addEventListener('click', () => this.close());
      actions.append(back, close);

      dialog.replaceChildren(danger, title, choose, help, actions);
    }

    #showChoices() {
      const root = /** @type {ShadowRoot} */ (this.#root);
      const previous = this.#concern;
      root.querySelector('[data-step="help"]')?.setAttribute('hidden', '');
      root.querySelector('[data-step="choose"]')?.removeAttribute('hidden');
      root.querySelector('.back')?.setAttribute('hidden', '');
      this.#concern = '';
      /** @type {HTMLElement | null} */ (root.querySelector(`[data-concern="${previous}"]`) ?? root.querySelector('.choice'))?.focus();
    }

    /** @param {string} concern */
    async #choose(concern) {
      this.#concern = concern;
      this.#emit('concern');
      const routes = await this.#loadRoutes();
      if (this.#concern !== concern) return; // went back while loading
      const doc = this.ownerDocument;
      const root = /** @type {ShadowRoot} */ (this.#root);
      const help = /** @type {HTMLElement} */ (root.querySelector('[data-step="help"]'));
      const heading = el(doc, 'h3', '', REPORT[this.#group].helpHeading);
      heading.id = 'esafety-report-help';
      heading.tabIndex = -1;
      const shown = routesForConcern(concern, routes, this.getAttribute('age-band') ?? 'ks2', this.#age());
      const list = routeList(doc, shown, {
        schoolName: this.getAttribute('school-name') ?? undefined,
        dslContact: this.getAttribute('dsl-contact') ?? undefined,
        concern,
      });
      list.setAttribute('aria-labelledby', heading.id);
      help.replaceChildren(heading, el(doc, 'p', 'route-intro', REPORT_ROUTE_INTRO[concern] ?? REPORT_ROUTE_INTRO.other));
      help.append(list);
      const endpoint = this.#endpoint();
      if (endpoint) help.append(this.#sendForm(endpoint, concern));
      help.dataset.concern = concern;
      root.querySelector('[data-step="choose"]')?.setAttribute('hidden', '');
      help.hidden = false;
      root.querySelector('.back')?.removeAttribute('hidden');
      heading.focus();
    }

    #age() {
      const a = this.getAttribute('age');
      const n = a === null ? NaN : Number(a);
      return Number.isFinite(n) ? n : undefined;
    }

    /** The endpoint as an absolute http(s) URL, or null. */
    #endpoint() {
      const raw = this.getAttribute('endpoint');
      if (!raw) return null;
      try {
        const u = new URL(raw, this.ownerDocument.baseURI);
        return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
      } catch {
        return null;
      }
    }

    /** The optional "tell your school" form: nothing is sent until the pupil presses send. */
    #sendForm(endpoint, concern) {
      const doc = this.ownerDocument;
      const section = el(doc, 'section', 'send');
      section.setAttribute('aria-labelledby', 'esafety-report-send');
      const h = el(doc, 'h3', '', REPORT_SEND.heading);
      h.id = 'esafety-report-send';
      const label = el(doc, 'label', '', REPORT_SEND.label);
      label.htmlFor = 'esafety-report-text';
      const text = /** @type {HTMLTextAreaElement} */ (el(doc, 'textarea'));
      text.id = 'esafety-report-text';
      text.maxLength = MAX_REPORT_TEXT;
      text.setAttribute('aria-describedby', 'esafety-report-privacy');
      const privacy = el(doc, 'p', '', REPORT_SEND.privacy);
      privacy.id = 'esafety-report-privacy';
      const send = /** @type {HTMLButtonElement} */ (el(doc, 'button', 'primary send-button', REPORT_SEND.send));
      send.type = 'button';
      const status = el(doc, 'p', 'status');
      status.setAttribute('role', 'status');
      status.setAttribute('aria-live', 'polite');
      status.tabIndex = -1;
      let busy = false;
      send.addEventListener('click', async () => {
        // aria-disabled, not disabled: a disabled button would drop keyboard focus.
        if (busy) return;
        busy = true;
        send.setAttribute('aria-disabled', 'true');
        send.textContent = REPORT_SEND.sending;
        status.removeAttribute('data-state');
        status.textContent = '';
        const ok = await postReport(endpoint, concern, text.value, this.ownerDocument);
        if (this.#concern !== concern) return;
        status.dataset.state = ok ? 'ok' : 'error';
        status.textContent = ok ? REPORT_SEND.sent : REPORT_SEND.failed;
        send.textContent = REPORT_SEND.send;
        busy = false;
        send.removeAttribute('aria-disabled');
        if (ok) {
          text.readOnly = true;
          send.hidden = true;
          status.focus(); // the button just went away: keep focus in the dialog, on the news
        }
        this.#emit(ok ? 'sent' : 'send-failed');
      });
      section.append(h, label, text, privacy, send, status);
      return section;
    }

    /** Keeps Tab and Shift+Tab inside the open dialog. */
    #trapFocus(/** @type {KeyboardEvent} */ e) {
      if (e.key !== 'Tab' || !this.#dialog) return;
      const items = [...this.#dialog.querySelectorAll(FOCUSABLE)].filter(
        (n) => /** @type {HTMLElement} */ (n).offsetParent !== null || /** @type {HTMLElement} */ (n).getClientRects().length > 0,
      );
      if (items.length === 0) return;
      const first = /** @type {HTMLElement} */ (items[0]);
      const last = /** @type {HTMLElement} */ (items[items.length - 1]);
      const active = this.#root?.activeElement;
      if (e.shiftKey && (active === first || active === this.#dialog)) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && active === last) {
        e.preventDefault();
        first.focus();
      }
    }
  };
}

/**
 * POSTs the minimal report. Resolves true when the server answered 2xx.
 * @param {string} endpoint
 * @param {string} concern
 * @param {string} text what the pupil chose to write (may be empty)
 * @param {Document} doc
 */
export async function postReport(endpoint, concern, text, doc) {
  /** @type {{concern: string, text?: string, time: string, origin: string}} */
  const body = { concern, time: new Date().toISOString(), origin: doc.defaultView?.location.origin ?? '' };
  const words = text.trim().slice(0, MAX_REPORT_TEXT);
  if (words) body.text = words;
  try {
    const res = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
      cache: 'no-store',
    });
    return res.ok;
  } catch {
    return false;
  }
}

/**
 * Defines the report element (idempotent). Does nothing where custom elements don't
 * exist (workers, Node). Returns the element class, or undefined.
 * @param {string} [name]
 */
export function defineReportElement(name = 'esafety-report') {
  const registry = globalThis.customElements;
  if (!registry || typeof globalThis.HTMLElement !== 'function') return undefined;
  const existing = registry.get(name);
  if (existing) return existing;
  const Ctor = makeClass();
  registry.define(name, Ctor);
  return Ctor;
}
