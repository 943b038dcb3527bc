// Types of the `esafety` package. Strict: every field the classifier returns is listed.

/** Age bands of the English school system, and staff. */
export type AgeBand = 'eyfs' | 'ks1' | 'ks2' | 'ks3' | 'ks4' | 'ks5' | 'staff';
/** Text risk categories (see TAXONOMY.md). */
export type Category =
  | 'bullying' | 'sexual' | 'grooming' | 'self_harm' | 'extremism' | 'discrimination'
  | 'drugs' | 'violence' | 'gambling' | 'personal_info' | 'profanity';
/** URL categories (`education` and `help` are allow categories: never blocked). */
export type UrlCategory =
  | 'adult' | 'gambling' | 'dating' | 'social_media' | 'gaming' | 'chat' | 'drugs' | 'violence'
  | 'extremism' | 'discrimination' | 'self_harm' | 'malware' | 'piracy' | 'proxy' | 'search'
  | 'video' | 'illegal' | 'education' | 'help';
export type Severity = 'none' | 'low' | 'medium' | 'high' | 'critical';
export type Action = 'allow' | 'warn' | 'block';
/** Whether and how urgently the Designated Safeguarding Lead is told. */
export type Alert = 'none' | 'weekly' | 'urgent';

/** A place to get help (Childline, CEOP, …). */
export interface HelpRoute {
  id: string;
  name: string;
  /** Empty string when none. */
  url: string;
  phone: string;
  sms: string;
  /** One short, kind sentence a child can act on. */
  summary: string;
}

/** A help route with the facts used to route a report to it. */
export interface HelpRouteInfo extends HelpRoute {
  categories: Category[];
  minAge: number;
  maxAge: number;
  minSeverity: Severity;
  /** Where the contact details were taken from. */
  source: string;
}

export interface TextMatch {
  category: Category;
  severity: Severity;
  /** UTF-16 offsets: `text.slice(start, end)` is the match. */
  start: number;
  end: number;
  text: string;
  /** Rule id from the lexicon. */
  rule: string;
  /** Data file and line of the rule. */
  source: string;
}

export interface TextVerdict {
  flagged: boolean;
  severity: Severity;
  /** Most severe first. */
  categories: Category[];
  action: Action;
  alert: Alert;
  /** In text order. */
  matches: TextMatch[];
  help: HelpRoute[];
  /** The text asks for help: never a risk by itself. */
  helpSeeking: boolean;
  /** Concerns a help-seeking text describes. */
  helpTopics: Category[];
  ageBand: AgeBand;
  /** Only the start of a very long text was read. */
  truncated: boolean;
}

export interface UrlReason {
  kind: 'list' | 'hashed_list' | 'override' | 'heuristic' | 'lookalike' | 'min_age' | 'search'
    | 'safe_search' | 'carrier' | 'scheme';
  category?: UrlCategory;
  action: Action;
  /** List and line, heuristic id and line, override line… */
  source: string;
  detail: string;
}

export interface SearchQuery {
  engine: string;
  text: string;
  /** Spans are UTF-16 offsets into `text`. */
  verdict: TextVerdict;
}

export interface UrlDecision {
  url: string;
  host: string;
  registrableDomain: string | null;
  action: Action;
  categories: UrlCategory[];
  minAge: number | null;
  reasons: UrlReason[];
  /** Where to redirect to force SafeSearch (null when already safe or not a search). */
  safeSearchUrl: string | null;
  /** Request headers to send (YouTube restricted mode). */
  headers: { name: string; value: string }[];
  searchQuery: SearchQuery | null;
  /** The page a translator, cache or archive carries. */
  carriedUrl: string | null;
  alert: Alert;
  help: HelpRoute[];
  ageBand: AgeBand;
}

/** A school's allow / deny decision. */
export interface OverrideEntry {
  target: string;
  reason?: string;
  who?: string;
}

export interface ClassifierOptions {
  /** Default `ks2` when neither `ageBand` nor `age` is given. */
  ageBand?: AgeBand;
  /** Exact age (0–25): picks the band and applies minimum ages such as social media 13+. */
  age?: number;
  /** The school's overrides: a change log (`when who change target reason`, tab-separated) or lists. */
  overrides?: string | { allow?: (string | OverrideEntry)[]; deny?: (string | OverrideEntry)[] };
  /** Compiled list packs (`esafety lists compile`). */
  packs?: (Uint8Array | ArrayBuffer | { name: string; bytes: Uint8Array | ArrayBuffer })[];
  /** Use the built-in domain list (default true). */
  builtinList?: boolean;
  /** Longest text accepted, in UTF-16 code units (default 1,048,576). */
  maxTextLength?: number;
  /**
   * Where to load the WebAssembly from (browser builds): a URL, a Response, bytes or a
   * compiled `WebAssembly.Module`. Default: next to the package's JS.
   */
  wasm?: string | URL | Response | BufferSource | WebAssembly.Module;
}

export type ErrorCode =
  | 'E_NOT_STRING' | 'E_TOO_LONG' | 'E_BAD_OPTION' | 'E_BAD_URL' | 'E_BAD_PACK'
  | 'E_BAD_OVERRIDES' | 'E_FREED' | 'E_LOAD';

/** Every refusal: a readable message and a stable `code`. */
export class EsafetyError extends Error {
  readonly name: 'EsafetyError';
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string);
}

export interface Classifier {
  readonly ageBand: AgeBand;
  readonly maxTextLength: number;
  classifyText(text: string): TextVerdict;
  classifyUrl(url: string): UrlDecision;
  /** Releases the WebAssembly memory; later calls throw `E_FREED`. Safe to call twice. */
  free(): void;
  [Symbol.dispose](): void;
}

/** Loads the WebAssembly once (later calls reuse it) and builds a classifier. */
export function createClassifier(options?: ClassifierOptions): Promise<Classifier>;
/** Every help route with the concerns it serves. Loads the module if needed. */
export function helpRoutes(): Promise<HelpRouteInfo[]>;
/** The core's version. */
export function version(): Promise<string>;
/** Bytes of WebAssembly memory the module holds (grows, never shrinks; freed memory is reused). */
export function memoryBytes(): Promise<number>;
