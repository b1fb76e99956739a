import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { connect } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Sends bytes exactly as given over a plain TCP socket (no HTTP client to tidy them up) and
 * reads the response until the server closes the connection.
 */
export function sendRaw(port: number, payload: string | Buffer, timeoutMs = 5_000): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete response within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      const [statusLine, ...headerLines] = text.slice(0, split).split('\r\n');
      const headers = Object.fromEntries(
        headerLines.map((line) => [
          line.slice(0, line.indexOf(':')).toLowerCase(),
          line.slice(line.indexOf(':') + 1).trim(),
        ]),
      );
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: text.slice(split + 4) });
    });
    socket.end(payload);
  });
}

/** Writes the bytes, then drops the connection without waiting for an answer. */
export function sendAndHangUp(port: number, payload: string | Buffer, afterMs = 20): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(payload);
      setTimeout(() => {
        socket.destroy();
        resolve();
      }, afterMs);
    });
    socket.on('error', () => resolve());
  });
}

/** A GET of `path` that asks the server to close the connection after its answer. */
export const rawGet = (path: string, extra = '') =>
  `GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n${extra}\r\n`;

/** A POST of `body` to `/sink` (see `SinkController`), with its Content-Length. */
export const rawPost = (body: string | Buffer, contentType = 'application/json', extra = '') => {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
  const head = `POST /sink HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: ${contentType}\r\nContent-Length: ${bytes.length}\r\n${extra}\r\n`;
  return Buffer.concat([Buffer.from(head), bytes]);
};

/** The routes raw requests hit: `/sink` parses a body, `/alive` shows the app still answers. */
@Controller()
export class SinkController {
  @Post('sink')
  @HttpCode(200)
  sink(@Body() _body: unknown) {
    return { ok: true };
  }

  @Get('alive')
  alive() {
    return 'alive';
  }
}
