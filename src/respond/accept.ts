/** What a negotiated error response is written as. */
export type NegotiatedFormat = 'envelope' | 'problem' | 'html';

/** The types offered, in the order that breaks a tie: the envelope first. */
const OFFERS: ReadonlyArray<{ format: NegotiatedFormat; type: string; subtype: string }> = [
  { format: 'envelope', type: 'application', subtype: 'json' },
  { format: 'problem', type: 'application', subtype: 'problem+json' },
  { format: 'html', type: 'text', subtype: 'html' },
];

/** What JSON clients send (none, curl, fetch, axios): answered without parsing. */
const ENVELOPE_ACCEPTS = new Set(['', '*/*', 'application/json', 'application/json, text/plain, */*']);

/** RFC 9110 §12.4.2: `0`, `0.8`, `1.000`; anything else makes the element meaningless. */
const QVALUE = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;

/** The weight of an element's parameters (`;level=1;q=0.8`): 1 without `q`, NaN when malformed. */
function weightOf(parameters: string): number {
  for (const parameter of parameters.split(';')) {
    const equals = parameter.indexOf('=');
    if (equals === -1 || parameter.slice(0, equals).trim().toLowerCase() !== 'q') continue;
    const value = parameter.slice(equals + 1).trim();
    return QVALUE.test(value) ? Number(value) : Number.NaN;
  }
  return 1;
}

/**
 * Which body the request's `Accept` asks for: the offer with the highest weight, where each offer
 * takes the weight of the most specific range that matches it (`text/html` over `text/*` over
 * `*\/*`, RFC 9110 §12.5.1); equal weights go to the more specific match, then to the envelope.
 * So a browser's `text/html,…,*\/*;q=0.8` gets the page, `*\/*` and `application/json` the
 * envelope. The common JSON headers (none, `*\/*`, `application/json`, axios's) are answered
 * without parsing; parameters other than `q` are not matched.
 */
export function negotiate(accept: string | undefined): NegotiatedFormat {
  if (accept === undefined || ENVELOPE_ACCEPTS.has(accept)) return 'envelope';
  const weights = [-1, -1, -1];
  const specificities = [-1, -1, -1];
  for (const element of accept.split(',')) {
    const semicolon = element.indexOf(';');
    const range = (semicolon === -1 ? element : element.slice(0, semicolon)).trim().toLowerCase();
    const slash = range.indexOf('/');
    if (slash === -1) continue;
    const weight = semicolon === -1 ? 1 : weightOf(element.slice(semicolon + 1));
    if (Number.isNaN(weight)) continue;
    const type = range.slice(0, slash);
    const subtype = range.slice(slash + 1);
    for (let index = 0; index < OFFERS.length; index++) {
      const offer = OFFERS[index];
      const specificity =
        type === '*' && subtype === '*'
          ? 0
          : type !== offer.type
            ? -1
            : subtype === '*'
              ? 1
              : subtype === offer.subtype
                ? 2
                : -1;
      // The most specific range decides; among equally specific ones, the first listed.
      if (specificity > specificities[index]) {
        specificities[index] = specificity;
        weights[index] = weight;
      }
    }
  }
  let chosen = 0;
  for (let index = 1; index < OFFERS.length; index++) {
    const better =
      weights[index] > weights[chosen] ||
      (weights[index] === weights[chosen] && specificities[index] > specificities[chosen]);
    if (better) chosen = index;
  }
  return weights[chosen] > 0 ? OFFERS[chosen].format : 'envelope';
}
