// Which help routes a concern goes to, and which routes suit a pupil's age. The routing
// table follows TAXONOMY.md "Where to get help"; the contact details themselves come from
// the classifier's help-route data (with its recorded sources), never from this file.

/** Ages (inclusive) each age band covers, used to compare with a route's minAge/maxAge. */
const BAND_AGES = {
  eyfs: [3, 5],
  ks1: [5, 7],
  ks2: [7, 11],
  ks3: [11, 14],
  ks4: [14, 16],
  ks5: [16, 18],
  staff: [18, 255],
};

/**
 * Route ids for each concern a pupil can report, most direct first. `emergency` (999) is
 * not listed: the dialog always shows it.
 */
export const CONCERN_ROUTES = {
  grooming: ['ceop', 'school', 'childline'],
  abuse_images: ['iwf', 'report_remove', 'school'],
  own_image: ['report_remove', 'ceop', 'school', 'childline'],
  self_harm: ['childline', 'samaritans', 'shout', 'school'],
  bullying: ['school', 'childline', 'report_harmful_content'],
  extremism: ['act', 'school'],
  discrimination: ['true_vision', 'school'],
  drugs: ['frank', 'school'],
  other: ['school', 'childline'],
};

/** Every concern id a report can carry. */
export const CONCERNS = Object.keys(CONCERN_ROUTES);

/**
 * Whether a route is for someone of this age band (or exact age, when given).
 * @param {{minAge?: number, maxAge?: number}} route
 * @param {string} band
 * @param {number | undefined} age
 */
export function routeFitsAge(route, band, age) {
  const min = route.minAge ?? 0;
  const max = route.maxAge ?? 255;
  if (typeof age === 'number' && Number.isFinite(age)) return age >= min && age <= max;
  const [lo, hi] = BAND_AGES[band] ?? BAND_AGES.ks2;
  return hi >= min && lo <= max;
}

/**
 * The routes to show for a concern, in routing order, filtered by age.
 * @template {{id: string, minAge?: number, maxAge?: number}} R
 * @param {string} concern
 * @param {R[]} routes all known routes
 * @param {string} band
 * @param {number} [age]
 * @returns {R[]}
 */
export function routesForConcern(concern, routes, band, age) {
  const ids = CONCERN_ROUTES[concern] ?? CONCERN_ROUTES.other;
  const byId = new Map(routes.map((r) => [r.id, r]));
  const out = [];
  for (const id of ids) {
    const r = byId.get(id);
    // The school route is always offered, even if the data lacks it.
    if (r && (id === 'school' || routeFitsAge(r, band, age))) out.push(r);
    else if (!r && id === 'school') out.push(/** @type {R} */ (/** @type {unknown} */ ({ id: 'school', name: '', url: '', phone: '', sms: '', summary: '' })));
  }
  return out;
}
