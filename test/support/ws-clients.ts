import type { INestApplication, WebSocketAdapter } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { WsAdapter } from '@nestjs/platform-ws';
import { io, type Socket } from 'socket.io-client';
import { WebSocket } from 'ws';

/** One event a client received: its name and its data. */
export interface ReceivedEvent {
  event: string;
  data: unknown;
}

/** A client of a gateway, the same to the tests whatever the adapter. */
export interface WsTestClient {
  /** What the server knows the client by: socket.io's socket id, none on native WebSockets. */
  readonly id: string | undefined;
  /** Every event received since the connection opened (or the last `clear`), in order. */
  readonly received: ReceivedEvent[];
  /** Sends a message to the gateway's `@SubscribeMessage(pattern)`. */
  send(pattern: string, data?: unknown): void;
  clear(): void;
  close(): Promise<void>;
}

/** The WebSocket adapters the tests run over, and the client each speaks to. */
export interface WsPlatform {
  name: 'socket.io' | 'ws';
  adapter(app: INestApplication): WebSocketAdapter;
  connect(port: number): Promise<WsTestClient>;
}

async function connectSocketIo(port: number): Promise<WsTestClient> {
  const socket: Socket = io(`http://127.0.0.1:${port}`, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
  });
  const received: ReceivedEvent[] = [];
  socket.onAny((event: string, data: unknown) => void received.push({ event, data }));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return {
    id: socket.id,
    received,
    send: (pattern, data) => void socket.emit(pattern, data),
    clear: () => void (received.length = 0),
    close: async () => void socket.disconnect(),
  };
}

async function connectNative(port: number): Promise<WsTestClient> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}`);
  const received: ReceivedEvent[] = [];
  socket.on('message', (frame) => {
    const { event, data } = JSON.parse(String(frame)) as ReceivedEvent;
    received.push({ event, data });
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  return {
    id: undefined,
    received,
    send: (pattern, data) => socket.send(JSON.stringify({ event: pattern, data })),
    clear: () => void (received.length = 0),
    close: () =>
      new Promise<void>((resolve) => {
        if (socket.readyState === WebSocket.CLOSED) return resolve();
        socket.once('close', () => resolve());
        socket.close();
      }),
  };
}

export const WS_PLATFORMS: WsPlatform[] = [
  { name: 'socket.io', adapter: (app) => new IoAdapter(app), connect: connectSocketIo },
  { name: 'ws', adapter: (app) => new WsAdapter(app), connect: connectNative },
];

/**
 * The events named `event` that `client` receives within `withinMs` of being asked; waits until
 * `count` have arrived, then a little longer so that an extra one would be seen too.
 */
export async function eventsOf(
  client: WsTestClient,
  event: string,
  { count = 1, withinMs = 2_000, settleMs = 100 } = {},
): Promise<unknown[]> {
  const matching = () => client.received.filter((received) => received.event === event).map(({ data }) => data);
  const deadline = Date.now() + withinMs;
  while (matching().length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  return matching();
}
