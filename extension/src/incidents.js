// The on-device incident log the DSL reviews: one small record per block, warning,
// "continue anyway" and unblock request. Minimum data (UK GDPR): the site's host name, never
// the full address; for searches, a short excerpt of the search words (the DfE standards ask
// for the search term); category, severity, action, alert. Pure helpers: the service worker
// does the storage (one writer, so records are never lost to a race).

import { SEVERITIES } from './policy.js';

/** Most records kept, whatever the retention (a safety net for storage.local's quota). */
export const MAX_INCIDENTS = 5000;
/** Longest search excerpt kept, in characters. */
export const SEARCH_EXCERPT = 80;

/** The category a page shows and the log records: the one that decided. */
export function concernOf(d) {
  const deciding = d.reasons.find((r) => r.action === d.action && r.category);
  // A search engine with no safe mode to lock on: the engine is the concern, not the words.
  if (deciding?.kind === 'safe_search') return 'search_engine';
  if (deciding) return deciding.category;
  const v = d.searchQuery?.verdict;
  if (v && v.categories.length) return v.categories[0];
  const listed = d.categories.find((c) => c !== 'search' && c !== 'video');
  return listed ?? d.categories[0] ?? 'other';
}

/** A severity for a URL decision (the core gives severities for text, alerts for URLs). */
export function severityOf(d) {
  if (d.categories.includes('illegal')) return 'critical';
  const v = d.searchQuery?.verdict;
  if (v && v.flagged && v.severity !== 'none') return v.severity;
  if (d.alert === 'urgent') return 'high';
  if (d.action === 'block') return 'medium';
  if (d.action === 'warn') return 'low';
  return 'none';
}

export function atLeast(severity, threshold) {
  return SEVERITIES.indexOf(severity) >= SEVERITIES.indexOf(threshold);
}

/** The search words, cut short, or undefined when the address is not a search. */
export function searchExcerpt(d) {
  const t = d.searchQuery?.text;
  if (typeof t !== 'string' || t === '') return undefined;
  const chars = [...t];
  return chars.length > SEARCH_EXCERPT ? chars.slice(0, SEARCH_EXCERPT).join('') + '\u2026' : t;
}

/**
 * Drops records older than the retention and keeps at most MAX_INCIDENTS (newest).
 * @param {{time: string}[]} list
 * @param {number} retentionDays
 * @param {number} [now]
 */
export function pruneIncidents(list, retentionDays, now = Date.now()) {
  const cutoff = now - retentionDays * 86400000;
  const kept = list.filter((r) => Date.parse(r.time) >= cutoff);
  return kept.length > MAX_INCIDENTS ? kept.slice(kept.length - MAX_INCIDENTS) : kept;
}
