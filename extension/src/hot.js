// Hot rules: the hosts the classifier has already decided to block, handed to Chromium's
// network stack as declarativeNetRequest session rules, so the next request for them is
// redirected to the block page *before it leaves the browser*.
//
// Why: `webNavigation` only tells the worker about a navigation; it cannot hold it. The first
// visit to a blocked site is stopped by `tabs.update`, which races the page (an HSTS upgrade
// or a fast server can commit first, and frames cannot be redirected that way at all). Once a
// host is known to be blocked, a redirect rule removes the race for every later request: a
// reload, a link, the https half of an HSTS upgrade, the same site in a frame. MV3 gives no
// synchronous hook for the very first request of an unpacked extension (`webRequestBlocking`
// is only for force-installed extensions), so first visits keep the `tabs.update` path.
//
// One rule per host (an exact-host regex, so a school allow entry for a sibling or child
// host is never overruled), most recently used kept, at most HOT_MAX rules: Chromium allows
// 1,000 regex rules across an extension's dynamic and session rules. Session rules outlive a
// worker restart but not the browser, and they are all cleared when the policy changes (the
// decisions they carry may no longer hold).

/** Rule ids HOT_FIRST_ID … HOT_FIRST_ID + HOT_MAX - 1 belong to this module. */
export const HOT_FIRST_ID = 1000;
export const HOT_MAX = 400;
/** Resource types a blocked host is redirected for: pages and frames. */
export const HOT_TYPES = ['main_frame', 'sub_frame'];

/** Host names a rule is made for: plain ASCII DNS names (punycode included), not IP literals. */
const SIMPLE_HOST = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/;

/** Whether a host can have a hot rule. */
export function ruleableHost(host) {
  return typeof host === 'string' && SIMPLE_HOST.test(host) && !/^[0-9.]+$/.test(host);
}

/**
 * The RE2 pattern for exactly this host over http or https, any port, any path: a
 * subdomain (`www.host`) or a longer name (`host.evil`) does not match.
 */
export function hostPattern(host) {
  return `^https?://${host.replace(/[.]/g, '\\.')}(?::[0-9]+)?(?:[/?#]|$)`;
}

/**
 * A redirect rule for a host.
 * @param {number} id
 * @param {string} host
 * @param {string} extensionPath the block page with its query (`/blocked.html?...`)
 */
export function hotRule(id, host, extensionPath) {
  return {
    id,
    priority: 2,
    action: { type: 'redirect', redirect: { extensionPath } },
    condition: { regexFilter: hostPattern(host), resourceTypes: HOT_TYPES },
  };
}

/** The host a hot rule was made for (from its block page query), or null. */
export function hostOfRule(rule) {
  const path = rule?.action?.redirect?.extensionPath;
  if (typeof path !== 'string' || rule.id < HOT_FIRST_ID || rule.id >= HOT_FIRST_ID + HOT_MAX) return null;
  const h = new URLSearchParams(path.split('?')[1] ?? '').get('h');
  return ruleableHost(h) ? h : null;
}

/**
 * The session rules for blocked hosts, kept in step with an in-memory map. Every change goes
 * through one promise chain, so concurrent navigations never hand Chromium two rules with the
 * same id. `dnr` is `chrome.declarativeNetRequest` (a fake in Node tests).
 */
export class HotRules {
  /** @param {{ getSessionRules(): Promise<any[]>, updateSessionRules(u: object): Promise<void> }} dnr */
  constructor(dnr, max = HOT_MAX) {
    this.dnr = dnr;
    this.max = Math.min(max, HOT_MAX);
    /** host -> rule id, least recently used first. */
    this.hosts = new Map();
    this.chain = Promise.resolve();
    this.loaded = false;
  }

  /** Runs `fn` after every earlier change; a failure is passed on but never blocks the next. */
  #serial(fn) {
    const run = this.chain.then(fn);
    this.chain = run.catch(() => {});
    return run;
  }

  /** Adopts the rules a previous worker left (session rules outlive the worker). */
  load() {
    return this.#serial(async () => {
      if (this.loaded) return;
      const rules = await this.dnr.getSessionRules();
      for (const r of rules) {
        const host = hostOfRule(r);
        if (host && !this.hosts.has(host)) this.hosts.set(host, r.id);
      }
      this.loaded = true;
    });
  }

  /** Whether a rule redirects this host now. */
  has(host) {
    return this.hosts.has(host);
  }

  /** Adds (or refreshes) the rule for a host; the least recently used goes when full. */
  add(host, extensionPath) {
    if (!ruleableHost(host)) return Promise.resolve(false);
    return this.#serial(async () => {
      const known = this.hosts.get(host);
      if (known !== undefined) {
        this.hosts.delete(host);
        this.hosts.set(host, known);
        return false;
      }
      const removeRuleIds = [];
      let id = this.#freeId();
      if (id === null) {
        const [oldHost, oldId] = this.hosts.entries().next().value;
        this.hosts.delete(oldHost);
        removeRuleIds.push(oldId);
        id = oldId;
      }
      await this.dnr.updateSessionRules({ removeRuleIds, addRules: [hotRule(id, host, extensionPath)] });
      this.hosts.set(host, id);
      return true;
    });
  }

  /** Removes every hot rule (the policy changed). */
  clear() {
    return this.#serial(async () => {
      const rules = await this.dnr.getSessionRules();
      const removeRuleIds = rules.map((r) => r.id).filter((id) => id >= HOT_FIRST_ID && id < HOT_FIRST_ID + HOT_MAX);
      if (removeRuleIds.length) await this.dnr.updateSessionRules({ removeRuleIds });
      this.hosts.clear();
      this.loaded = true;
    });
  }

  #freeId() {
    if (this.hosts.size >= this.max) return null;
    const used = new Set(this.hosts.values());
    for (let id = HOT_FIRST_ID; id < HOT_FIRST_ID + this.max; id++) if (!used.has(id)) return id;
    return null;
  }
}
