import type { ArgumentsHost, ContextType } from '@nestjs/common';
import type { GraphqlResponder } from './graphql.responder.js';
import { isGrpcCall, type GrpcResponder } from './grpc.responder.js';
import type { HttpResponder } from './http.responder.js';
import type { Responder } from './responder.interfaces.js';
import type { RpcResponder } from './rpc.responder.js';
import type { WsResponder } from './ws.responder.js';

/** The responder of each transport, chosen per failure by the call's context type. */
export class Responders {
  constructor(
    private readonly http: HttpResponder,
    private readonly rpc: RpcResponder,
    private readonly grpc: GrpcResponder,
    private readonly ws: WsResponder,
    private readonly graphql: GraphqlResponder,
  ) {}

  for(host: ArgumentsHost): Responder | undefined {
    switch (host.getType<ContextType | 'graphql'>()) {
      case 'http':
        return this.http;
      case 'rpc':
        return isGrpcCall(host) ? this.grpc : this.rpc;
      case 'ws':
        return this.ws;
      case 'graphql':
        return this.graphql;
      default:
        return undefined;
    }
  }
}
