import type { ArgumentsHost } from '@nestjs/common';

/**
 * The host of an HTTP call the module answers outside Nest's routing (a file stream, a client
 * error, fastify's router): what Nest's own HTTP host gives a filter, the request and the response.
 */
export function httpHostOf(request: unknown, response: unknown): ArgumentsHost {
  const args = [request, response];
  const http = { getRequest: () => request, getResponse: () => response, getNext: () => undefined };
  return {
    getArgs: () => args,
    getArgByIndex: (index: number) => args[index],
    getType: () => 'http',
    switchToHttp: () => http,
    switchToRpc: () => undefined,
    switchToWs: () => undefined,
  } as unknown as ArgumentsHost;
}
