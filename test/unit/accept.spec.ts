import { negotiate } from '../../src/respond/accept.js';

describe('negotiate: which error body an Accept header asks for', () => {
  it.each([
    [undefined, 'envelope'],
    ['', 'envelope'],
    ['*/*', 'envelope'],
    ['application/json', 'envelope'],
    ['application/*', 'envelope'],
    ['application/json, text/plain, */*', 'envelope'],
    ['text/plain', 'envelope'],
    ['garbage', 'envelope'],
    [',,;;==', 'envelope'],
    ['text/html;q=0', 'envelope'],
    ['text/html;q=0.5, application/json', 'envelope'],
    ['text/html, application/json', 'envelope'],
    ['application/problem+json', 'problem'],
    ['Application/Problem+JSON', 'problem'],
    ['application/json;q=0.5, application/problem+json', 'problem'],
    ['application/problem+json, application/json', 'envelope'],
    ['application/json;q=0, */*', 'problem'],
    ['text/html', 'html'],
    ['text/*', 'html'],
    ['text/html, */*', 'html'],
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', 'html'],
    ['application/json;q=0.9, text/html', 'html'],
    ['text/html;level=1;q=0.7, application/json;q=0.6', 'html'],
    ['text/html ; Q=1.000 , application/json ; q=0.999', 'html'],
    // The most specific range decides an offer's weight, whatever comes first.
    ['*/*;q=0.1, text/html;q=0.9, application/json;q=0.2', 'html'],
    ['text/*;q=0.9, text/html;q=0.1, application/json;q=0.5', 'envelope'],
    // A malformed weight makes its element meaningless.
    ['text/html;q=2, application/json;q=0.5', 'envelope'],
    ['text/html;q=abc', 'envelope'],
    ['text/html;q=0.0001', 'envelope'],
  ] as const)('%j → %s', (accept, format) => {
    expect(negotiate(accept)).toBe(format);
  });

  it('stays linear on a hostile header', () => {
    const hostile = 'text/html;q=0.1,'.repeat(1_000) + 'a/b;q=0.5;'.repeat(500);
    const started = performance.now();
    expect(negotiate(hostile)).toBe('html');
    expect(performance.now() - started).toBeLessThan(100);
  });
});
