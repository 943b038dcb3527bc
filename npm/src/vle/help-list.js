// Renders help routes (Childline, CEOP, the school…) as a list of cards with real links:
// tel: and sms: links so a phone or tablet can call or text in one tap, and web links
// that open in a new tab so the pupil doesn't lose their work. Shared by the nudge and
// the report dialog so both say the same thing the same way.
//
// Everything is built with createElement/textContent: route data may come from an
// attribute the page sets, so it is treated as untrusted text and only http(s) links are
// ever made from it.

import { CONTACT, SCHOOL_ROUTE, fill } from './words.js';

/**
 * @typedef {{id: string, name: string, url: string, phone: string, sms: string, summary: string}} Route
 * @typedef {{schoolName?: string, dslContact?: string, concern?: string}} SchoolInfo
 */

/** `https://…` or `http://…` only; anything else (javascript:, data:) gives null. */
function safeHttpUrl(url) {
  if (typeof url !== 'string' || url === '') return null;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch {
    return null;
  }
}

/** Digits and a leading + only, for tel:/sms: links. */
function dialable(number) {
  return String(number).replace(/[^\d+]/g, '');
}

/**
 * Creates an element with an optional class and text (text, never markup).
 * @template {keyof HTMLElementTagNameMap} K
 * @param {Document} doc
 * @param {K} tag
 * @param {string} [className]
 * @param {string} [text]
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(doc, tag, className, text) {
  const e = doc.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

/**
 * One help route as an `<li>`.
 * @param {Document} doc
 * @param {Route} route
 * @param {SchoolInfo} school
 */
export function routeItem(doc, route, school = {}) {
  const li = el(doc, 'li', 'esafety-route');
  li.dataset.route = route.id;
  const isSchool = route.id === 'school';
  const name = isSchool
    ? school.schoolName
      ? fill(SCHOOL_ROUTE.nameNamed, { school: school.schoolName })
      : route.name || SCHOOL_ROUTE.name
    : route.name;
  li.append(el(doc, 'strong', 'esafety-route-name', name));

  let summary = route.summary;
  if (isSchool) {
    summary = school.concern === 'extremism'
      ? SCHOOL_ROUTE.extremism
      : school.schoolName
        ? fill(CONTACT.schoolTellNamed, { school: school.schoolName })
        : CONTACT.schoolTell;
  }
  if (summary) li.append(el(doc, 'p', 'esafety-route-summary', summary));
  if (isSchool && school.dslContact) {
    li.append(el(doc, 'p', 'esafety-route-summary', fill(CONTACT.schoolContact, { dsl: school.dslContact })));
  }

  const links = [];
  if (route.phone) {
    const a = el(doc, 'a', 'esafety-route-link', fill(CONTACT.call, { phone: route.phone }));
    a.href = `tel:${dialable(route.phone)}`;
    links.push(a);
  }
  if (route.sms) {
    const words = route.id === 'shout' ? CONTACT.shoutText : CONTACT.text;
    const a = el(doc, 'a', 'esafety-route-link', fill(words, { sms: route.sms }));
    a.href = `sms:${dialable(route.sms)}`;
    links.push(a);
  }
  const url = safeHttpUrl(route.url);
  if (url) {
    const a = el(doc, 'a', 'esafety-route-link', fill(CONTACT.visit, { name: route.name }));
    a.href = url;
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
    a.append(' ', el(doc, 'span', 'esafety-visually-hidden', CONTACT.newTab));
    links.push(a);
  }
  if (links.length) {
    const p = el(doc, 'p', 'esafety-route-links');
    p.append(...links);
    li.append(p);
  }
  return li;
}

/**
 * A `<ul>` of help routes.
 * @param {Document} doc
 * @param {Route[]} routes
 * @param {SchoolInfo} [school]
 */
export function routeList(doc, routes, school = {}) {
  const ul = el(doc, 'ul', 'esafety-routes');
  for (const r of routes) ul.append(routeItem(doc, r, school));
  return ul;
}
