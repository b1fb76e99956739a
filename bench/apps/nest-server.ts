import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { createBenchApp, type BenchAppConfig } from './bench-app.js';
import { serveParent } from './parent-channel.js';

/** A child process of the runner: one Nest bench app on 127.0.0.1 and a free port. */
const config = JSON.parse(process.env.BENCH_APP_CONFIG ?? '{}') as BenchAppConfig;
const app = await createBenchApp(config);
await app.listen(0, '127.0.0.1');
await serveParent((app.getHttpServer().address() as AddressInfo).port, () => app.close());
