/** A packet as a ClientProxy's dispatch hook sees it: the metadata it sends with the call. */
export interface DispatchedPacket {
  metadata?: Record<string, string>;
}
