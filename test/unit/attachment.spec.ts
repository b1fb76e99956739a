import { Attachment } from '../../src/internal/attachment.js';

describe('Attachment', () => {
  it('keeps a value per object, out of its keys and its JSON', () => {
    const routes = new Attachment<string>('route');
    const first = { url: '/a' };
    const second = { url: '/b' };
    routes.set(first, 'A');
    routes.set(second, 'B');
    expect([routes.get(first), routes.get(second), routes.get({})]).toEqual(['A', 'B', undefined]);
    expect(Object.keys(first)).toEqual(['url']);
    expect(JSON.stringify(first)).toBe('{"url":"/a"}');
  });

  it('keeps a value for a frozen or sealed object, which takes no property', () => {
    const routes = new Attachment<string>('route');
    const frozen = Object.freeze({ url: '/frozen' });
    const sealed = Object.seal({ url: '/sealed' });
    routes.set(frozen, 'F');
    routes.set(sealed, 'S');
    expect([routes.get(frozen), routes.get(sealed)]).toEqual(['F', 'S']);
  });

  it('keeps two attachments of one object apart, each value replaceable', () => {
    const routes = new Attachment<string>('route');
    const ids = new Attachment<string>('id');
    const carrier = {};
    routes.set(carrier, 'route');
    ids.set(carrier, 'id-1');
    ids.set(carrier, 'id-2');
    expect([routes.get(carrier), ids.get(carrier)]).toEqual(['route', 'id-2']);
  });
});
