import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NOT_FOUND_ENVELOPE } from './not-found-envelope.js';
import { serveParent } from './parent-channel.js';

/** Scenario 6, the floor: node:http writing the module's 404 envelope, no framework at all. */
const server = createServer((_request, response) => {
  const requestId = randomUUID();
  const body = JSON.stringify({ ...NOT_FOUND_ENVELOPE, requestId });
  response.writeHead(404, { 'Content-Type': 'application/json; charset=utf-8', 'X-Request-Id': requestId });
  response.end(body);
});
server.listen(0, '127.0.0.1', () => {
  void serveParent((server.address() as AddressInfo).port, () => new Promise((resolve) => server.close(resolve)));
});
