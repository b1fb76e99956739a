import { defineErrorCodes, ErrorCode } from '../src/index.js';

/** The sample's catalogue: the defaults plus its own entries. */
export const AppError = defineErrorCodes({
  ...ErrorCode,
  PRODUCT_SOLD_OUT: { code: 4101, status: 409, message: 'Product is sold out' },
});
