import 'reflect-metadata';
import { ClientProxyFactory, Transport } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';

/** `connections` TCP clients of Nest's, connected to the microservice on `port`. */
async function connectClients(port, connections) {
  return Promise.all(
    Array.from({ length: connections }, async () => {
      const client = ClientProxyFactory.create({ transport: Transport.TCP, options: { host: '127.0.0.1', port } });
      await client.connect();
      return client;
    }),
  );
}

/** One call's outcome: the status its error names (`status`, as both Nest's RpcException and the envelope carry it), or 'ok'. */
async function call(client, { pattern, data = {} }) {
  try {
    return { value: await lastValueFrom(client.send(pattern, data)) };
  } catch (error) {
    return { error };
  }
}

const outcomeOf = ({ error }) => (error === undefined ? 'ok' : String(error?.status ?? 'error'));

/**
 * What `load` does over HTTP, over Nest's TCP transport: each client keeps one call in flight,
 * for `duration` seconds; the outcomes are counted by the status their error names.
 */
export async function rpcLoad(port, request, { connections, duration }) {
  const clients = await connectClients(port, connections);
  const statuses = {};
  const latencies = [];
  const started = performance.now();
  const end = started + duration * 1000;
  try {
    await Promise.all(
      clients.map(async (client) => {
        while (performance.now() < end) {
          const at = performance.now();
          const outcome = outcomeOf(await call(client, request));
          latencies.push(performance.now() - at);
          statuses[outcome] = (statuses[outcome] ?? 0) + 1;
        }
      }),
    );
  } finally {
    await Promise.all(clients.map((client) => client.close()));
  }
  latencies.sort((a, b) => a - b);
  const completed = latencies.length;
  return {
    requestsPerSecond: completed / ((performance.now() - started) / 1000),
    p50: Math.round(latencies[Math.floor(completed / 2)] ?? 0),
    p99: Math.round(latencies[Math.floor(completed * 0.99)] ?? 0),
    completed,
    statuses,
    errors: 0,
  };
}

/** One call, for checking what a pattern answers before it is measured: its error as `json`. */
export async function rpcProbe(port, request) {
  const [client] = await connectClients(port, 1);
  try {
    const result = await call(client, request);
    const json = result.error ?? result.value;
    return { status: Number(outcomeOf(result)) || outcomeOf(result), json, text: JSON.stringify(json) ?? String(json) };
  } finally {
    await client.close();
  }
}
