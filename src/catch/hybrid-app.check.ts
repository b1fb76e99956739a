import { Logger } from '@nestjs/common';
import { NestApplication } from '@nestjs/core';

type ConnectMicroservice = NestApplication['connectMicroservice'];
type HybridAppOptions = NonNullable<Parameters<ConnectMicroservice>[1]>;

/** Marks Nest's `connectMicroservice` as wrapped by this copy of the module, so it wraps it once. */
const WRAPPED = Symbol('connectMicroservice wrapped');

/**
 * `app.connectMicroservice(options)` without `{ inheritAppConfig: true }` gives the microservice a
 * fresh ApplicationConfig (nest-application.js, `connectMicroservice`), so the module's
 * APP_FILTER, pipe and guard never reach its handlers and its callers get Nest's default answers.
 *
 * No state says so afterwards: that config is held only by the NestMicroservice and its context
 * creators (microservices-module.js, `register`), which read its global filters once per handler
 * into closures (exception-filters-context.js, `getGlobalMetadata`); the container knows only the
 * server (`ModulesContainer#addRpcTarget`), and neither it nor the app's injectable
 * ApplicationConfig links a server to its config. So the flag is read where it is given: Nest's
 * public `connectMicroservice` is wrapped once, and each call is reported to the
 * check of the app it was made on (found through the app's public `get`), which warns once.
 */
export class HybridAppCheck {
  private readonly logger = new Logger('ErrorHandling');
  private warned = false;

  /** Wraps at construction: main.ts connects microservices before `init()` runs the module's hooks. */
  constructor() {
    wrapConnectMicroservice();
  }

  microserviceConnected({ inheritAppConfig }: HybridAppOptions): void {
    if (inheritAppConfig === true || this.warned) return;
    this.warned = true;
    this.logger.warn(
      "A microservice was connected without inheritAppConfig, so ErrorHandlingModule does not handle its errors: its callers get Nest's default answers and its failures no record of the module's. Connect it with app.connectMicroservice(options, { inheritAppConfig: true }).",
    );
  }
}

function wrapConnectMicroservice(): void {
  const prototype = NestApplication.prototype as NestApplication & { [WRAPPED]?: true };
  if (prototype[WRAPPED]) return;
  const connect = prototype.connectMicroservice;
  prototype.connectMicroservice = function (this: NestApplication, options, hybridOptions = {}) {
    const microservice = connect.call(this, options, hybridOptions);
    checkOf(this)?.microserviceConnected(hybridOptions);
    return microservice;
  } as ConnectMicroservice;
  prototype[WRAPPED] = true;
}

/** The check of an app that imports the module; none for other apps in the process. */
function checkOf(app: NestApplication): HybridAppCheck | undefined {
  try {
    return app.get(HybridAppCheck, { strict: false });
  } catch {
    return undefined;
  }
}
