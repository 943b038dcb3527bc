// Types of `esafety/vle`: the VLE helpers (nudge, teacher highlights, report button).

import type { AgeBand, Category, Classifier, HelpRoute, HelpRouteInfo, Severity, TextVerdict } from '../index.js';

/** Wording group: `young` = eyfs and ks1, `junior` = ks2, `teen` = ks3–ks5 and staff. */
export type BandGroup = 'young' | 'junior' | 'teen';

/** What the message box's nudge shows: `support` is the kind help panel, never a "wrong". */
export type NudgeKind = 'warn' | 'block' | 'support';

export interface NudgeInfo {
  /** `typing`: a check after the pupil paused; `send`: they tried to send. */
  trigger: 'typing' | 'send';
  kind: NudgeKind;
}

export interface GuardOptions {
  /**
   * Send button(s): a click is checked before the VLE's own click handlers run. A CSS selector
   * is matched at click time, for pages that re-render their button (web chat apps).
   */
  sendButton?: HTMLElement | HTMLElement[] | string;
  /** The form whose submit sends (default: the element's form). */
  form?: HTMLFormElement;
  /** Enter (without Shift/Alt) sends the message (default true). Set false when Enter makes a new line. */
  enterSends?: boolean;
  /** Pause in typing before a gentle check, in ms (default 700; 0 turns typing checks off). */
  debounceMs?: number;
  /** Wording band (default: the classifier's band). */
  ageBand?: AgeBand;
  /** Where to put the nudge (default: right after the element, so Tab reaches it next). */
  nudgeContainer?: Element;
  /** How to send when the pupil chooses "send anyway" (default: replay the click, submit or Enter). */
  send?: (text: string) => void;
  /** Most help routes in one nudge, 999 and the school always kept (default 4). */
  maxRoutes?: number;
  /** Shown in the school help route ("a trusted adult at …"). */
  schoolName?: string;
  /** Shown in the school help route, e.g. "Mrs Khan, our Designated Safeguarding Lead". */
  dslContact?: string;
  /** A nudge or support panel was shown (for the VLE's log). */
  onNudge?: (verdict: TextVerdict, info: NudgeInfo) => void;
  /** The pupil chose "send anyway" on a `warn` nudge. */
  onSendAnyway?: (verdict: TextVerdict) => void;
  /** Something failed; the message was let through. */
  onError?: (error: unknown) => void;
}

export interface GuardHandle {
  /** Checks the current text now, as if the pupil had paused; null when empty or failed. */
  check(): TextVerdict | null;
  /** Removes listeners and the nudge. Safe to call twice. */
  destroy(): void;
}

/**
 * Guards a `<textarea>`, `<input>` or contenteditable message box: a kind nudge before a
 * risky message is sent. Never blocks typing.
 */
export function guardInput(
  element: HTMLTextAreaElement | HTMLInputElement | HTMLElement,
  classifier: Classifier,
  options?: GuardOptions,
): GuardHandle;

/** What guardInput does with a verdict (exported for VLEs that draw their own nudge). */
export function decide(verdict: TextVerdict): {
  kind: 'none' | NudgeKind;
  /** Categories the nudge explains. */
  nudge: Category[];
  /** Also show the support panel (help-seeking or self-harm). */
  support: boolean;
};

export interface HighlightOptions {
  /** Which elements are messages (default: the container's children). */
  selector?: string;
  /** Only read text inside these parts of a message (e.g. skip the author's name). */
  textSelector?: string;
  /** Lowest severity to flag (default `low`); help-seeking messages are always marked. */
  minSeverity?: Exclude<Severity, 'none'>;
  /** Where the badge goes in the message (default `end`). */
  badgePosition?: 'start' | 'end';
  /** A message was flagged. */
  onFlag?: (verdict: TextVerdict, element: Element) => void;
  /** A message could not be checked; the others carry on. */
  onError?: (error: unknown) => void;
}

export interface HighlightHandle {
  /** Re-checks every message. */
  refresh(): void;
  /** Stops watching and removes every badge, mark and attribute added. */
  destroy(): void;
}

/** Highlights risky messages in a list for teachers, now and as messages arrive. */
export function highlightMessages(
  container: Element,
  classifier: Classifier,
  options?: HighlightOptions,
): HighlightHandle;

/** A concern a pupil can report; sent as `concern` in a report. */
export type Concern =
  | 'grooming' | 'abuse_images' | 'own_image' | 'self_harm' | 'bullying' | 'extremism'
  | 'discrimination' | 'drugs' | 'other';

/** The JSON body POSTed to `endpoint`: nothing else is sent (no cookies either). */
export interface ReportBody {
  concern: Concern;
  /** Only present when the pupil wrote something (at most MAX_REPORT_TEXT units). */
  text?: string;
  /** ISO 8601. */
  time: string;
  /** `location.origin` of the page. */
  origin: string;
}

/** `detail` of the `esafety-report` event (bubbles, composed). Never carries the pupil's words. */
export interface ReportEventDetail {
  type: 'open' | 'concern' | 'sent' | 'send-failed' | 'close';
  concern: Concern | null;
}

/**
 * `<esafety-report age-band="ks2" school-name="…" dsl-contact="…" endpoint="/report">`:
 * a "Report a worry" button and dialog.
 */
export interface EsafetyReportElement extends HTMLElement {
  /** Help routes (from `helpRoutes()`); when unset, the `routes` attribute (JSON) or the package's data is used. */
  routes: HelpRouteInfo[] | null;
  open(): void;
  close(): void;
}

/** Defines `<esafety-report>` (idempotent); undefined where custom elements don't exist. */
export function defineReportElement(name?: string): CustomElementConstructor | undefined;

/** POSTs a minimal report; true when the server answered 2xx. */
export function postReport(endpoint: string, concern: Concern, text: string, doc: Document): Promise<boolean>;

export const MAX_REPORT_TEXT: number;

/** Route ids per concern, most direct first (999 is always shown besides). */
export const CONCERN_ROUTES: Readonly<Record<Concern, readonly string[]>>;
export const CONCERNS: readonly Concern[];

/** The routes for a concern, in order, filtered by age (the school route always kept). */
export function routesForConcern<R extends { id: string; minAge?: number; maxAge?: number }>(
  concern: Concern | string,
  routes: R[],
  band: AgeBand | string,
  age?: number,
): R[];

/** Whether a route suits an age band (or an exact age). */
export function routeFitsAge(route: { minAge?: number; maxAge?: number }, band: AgeBand | string, age?: number): boolean;

/** The wording group of an age band. */
export function bandGroup(band: AgeBand | string | undefined): BandGroup;

/** Why / what instead, for one category and band group. */
export interface NudgeWords {
  why: string;
  instead: string;
}

/** The reviewable wording module (see src/vle/words.js). */
export const words: {
  bandGroup(band: AgeBand | string | undefined): BandGroup;
  NUDGE: Record<Category, Record<BandGroup, NudgeWords>>;
  NUDGE_FALLBACK: Record<BandGroup, NudgeWords>;
  SUPPORT: Record<BandGroup, { heading: string; body: string; next: string }>;
  GUARD_UI: Record<BandGroup, {
    warnHeading: string; blockHeading: string; blockAsk: string; helpHeading: string;
    edit: string; sendAnyway: string; close: string;
  }>;
  CONTACT: Record<'call' | 'text' | 'shoutText' | 'visit' | 'newTab' | 'schoolTell' | 'schoolTellNamed' | 'schoolContact', string>;
  REPORT: Record<BandGroup, { button: string; title: string; intro: string; danger: string; helpHeading: string; back: string; close: string }>;
  REPORT_CHOICES: Record<BandGroup, [Concern, string][]>;
  REPORT_ROUTE_INTRO: Record<Concern, string>;
  REPORT_SEND: Record<'heading' | 'label' | 'privacy' | 'send' | 'sending' | 'sent' | 'failed', string>;
  SCHOOL_ROUTE: Record<'name' | 'nameNamed' | 'extremism', string>;
  STAFF: {
    severity: Record<Exclude<Severity, 'none'>, string>;
    category: Record<Category, string>;
    helpSeeking: string;
    title: string;
    markTitle: string;
  };
  fill(template: string, values: Record<string, string>): string;
  BLOCK_PAGE: Record<BandGroup, Record<
    'blockHeading' | 'warnHeading' | 'notTrouble' | 'warnAsk' | 'back' | 'continue' | 'mistake' |
    'mistakeSent' | 'mistakeFailed' | 'adult' | 'adultHeading' | 'helpHeading' | 'site', string>>;
  /** Per URL or search-term category (and `search`, `unavailable`, `other`). */
  BLOCK_REASON: Record<string, Record<BandGroup, string>>;
  /** Concerns whose block page shows the SUPPORT panel. */
  BLOCK_SUPPORT_CONCERNS: string[];
};

export type { HelpRoute, HelpRouteInfo };

declare global {
  interface HTMLElementTagNameMap {
    'esafety-report': EsafetyReportElement;
  }
  interface HTMLElementEventMap {
    'esafety-report': CustomEvent<ReportEventDetail>;
  }
}
