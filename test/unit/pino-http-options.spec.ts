import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { stdSerializers } from 'pino';
import { describe, expect, it } from 'vitest';
import { createPinoHttpOptions } from '../../src/index.js';

function rawRequest(headers: Record<string, string>): IncomingMessage {
  const request = new IncomingMessage(new Socket());
  request.headers = headers;
  return request;
}

/** pino's serialized request: an object of its own prototype, the Node request as `raw`. */
function pinoRequest(raw: IncomingMessage, url: string): Record<string, unknown> {
  const serialized = Object.create({ marker: 'pino' }) as Record<string, unknown>;
  Object.assign(serialized, { id: 'req-1', method: 'GET', url, headers: raw.headers });
  Object.defineProperty(serialized, 'raw', { value: raw, enumerable: false });
  return serialized;
}

describe('createPinoHttpOptions: the req serializer', () => {
  it("logs the module's request id and the redacted URL, and leaves the request's headers alone", () => {
    const { serializers } = createPinoHttpOptions();
    const raw = rawRequest({ 'x-request-id': 'edge-7', authorization: 'Bearer abc' });
    const logged = serializers.req(pinoRequest(raw, '/items?token=s3cret&page=2')) as Record<string, unknown>;
    expect(logged).toEqual({
      id: 'edge-7',
      method: 'GET',
      url: '/items?token=[Redacted]&page=2',
      headers: { 'x-request-id': 'edge-7', authorization: '[Redacted]' },
    });
    expect(raw.headers.authorization).toBe('Bearer abc');
  });

  it("redacts pino's fresh request object in place instead of copying it, and never the Node request's headers", () => {
    const { serializers } = createPinoHttpOptions();
    const raw = rawRequest({ 'x-request-id': 'edge-9', cookie: 'session=abc', accept: '*/*' });
    const given = pinoRequest(raw, '/items?page=2');
    const logged = serializers.req(given) as Record<string, unknown>;
    expect(logged).toBe(given);
    expect(logged.headers).toEqual({ 'x-request-id': 'edge-9', cookie: '[Redacted]', accept: '*/*' });
    expect(raw.headers.cookie).toBe('session=abc');
    expect(JSON.parse(JSON.stringify(logged))).toEqual({
      id: 'edge-9',
      method: 'GET',
      url: '/items?page=2',
      headers: { 'x-request-id': 'edge-9', cookie: '[Redacted]', accept: '*/*' },
    });
  });

  it("never changes the object an app's own serializer returns, even with nothing to redact", () => {
    const own = { id: 'theirs', url: '/items?page=2', method: 'GET' };
    const { serializers } = createPinoHttpOptions({ serializers: { req: (_req: unknown) => own } });
    const raw = rawRequest({ 'x-request-id': 'edge-8' });
    const logged = serializers.req(pinoRequest(raw, '/items?page=2'));
    expect(logged).toEqual({ id: 'edge-8', url: '/items?page=2', method: 'GET' });
    expect(logged).not.toBe(own);
    expect(own).toEqual({ id: 'theirs', url: '/items?page=2', method: 'GET' });
  });
});

describe('createPinoHttpOptions: the res serializer', () => {
  function sentResponse(headers: Record<string, string>): ServerResponse {
    const response = new ServerResponse(rawRequest({}));
    for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
    return response;
  }

  it("redacts pino's fresh response object in place, and never the Node response's headers", () => {
    const { serializers } = createPinoHttpOptions();
    const response = sentResponse({ 'set-cookie': 'session=SECRET', 'x-request-id': 'edge-3' });
    const given = stdSerializers.res(response);
    const logged = serializers.res(given) as Record<string, unknown>;
    expect(logged).toBe(given);
    expect(JSON.parse(JSON.stringify(logged))).toEqual({
      statusCode: null,
      headers: { 'set-cookie': '[Redacted]', 'x-request-id': 'edge-3' },
    });
    expect(response.getHeader('set-cookie')).toBe('session=SECRET');
  });

  it("redacts what an app's own serializer returns without changing it", () => {
    const own = { statusCode: 200, headers: { 'set-cookie': 'session=SECRET' } };
    const { serializers } = createPinoHttpOptions({ serializers: { res: (_res: unknown) => own } });
    const logged = serializers.res(stdSerializers.res(sentResponse({})));
    expect(logged).toEqual({ statusCode: 200, headers: { 'set-cookie': '[Redacted]' } });
    expect(own.headers['set-cookie']).toBe('session=SECRET');
  });
});
