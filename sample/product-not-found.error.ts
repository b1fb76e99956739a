/** A domain error, free of HTTP: the controller's @OnError decides what clients see. */
export class ProductNotFoundError extends Error {
  constructor(readonly productId: number) {
    super(`Product ${productId} not found`);
    this.name = 'ProductNotFoundError';
  }
}
