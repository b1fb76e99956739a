import { defineErrorCodes, ErrorCode } from '../../src/index.js';

describe('ErrorCode', () => {
  it('keeps the nine contract codes with their numbers and statuses', () => {
    const contract = Object.fromEntries(
      [
        'INVALID_INPUT',
        'EMPTY_TOKEN',
        'TOKEN_EXPIRED',
        'INVALID_TOKEN',
        'DENIED_PERMISSION',
        'RESOURCE_NOT_FOUND',
        'UNEXPECTED_ERROR',
        'CONNECTION_ERROR',
        'MODEL_TIMEOUT',
      ].map((reason) => [
        reason,
        [ErrorCode[reason as keyof typeof ErrorCode].code, ErrorCode[reason as keyof typeof ErrorCode].status],
      ]),
    );
    expect(contract).toEqual({
      INVALID_INPUT: [1100, 400],
      EMPTY_TOKEN: [2001, 401],
      TOKEN_EXPIRED: [2002, 401],
      INVALID_TOKEN: [2003, 401],
      DENIED_PERMISSION: [2004, 403],
      RESOURCE_NOT_FOUND: [4001, 404],
      UNEXPECTED_ERROR: [9000, 500],
      CONNECTION_ERROR: [9001, 503],
      MODEL_TIMEOUT: [9101, 504],
    });
    expect(ErrorCode.RESOURCE_NOT_FOUND).toEqual({
      code: 4001,
      reason: 'RESOURCE_NOT_FOUND',
      status: 404,
      message: 'Resource not found',
    });
  });

  it('is frozen', () => {
    expect(Object.isFrozen(ErrorCode)).toBe(true);
    expect(Object.isFrozen(ErrorCode.INVALID_INPUT)).toBe(true);
  });
});

describe('defineErrorCodes', () => {
  it('extends the default catalogue with typed entries whose reason is their key', () => {
    const AppError = defineErrorCodes({
      ...ErrorCode,
      PRODUCT_SOLD_OUT: { code: 4101, status: 409, message: 'Product is sold out' },
    });
    expect(AppError.PRODUCT_SOLD_OUT).toEqual({
      code: 4101,
      reason: 'PRODUCT_SOLD_OUT',
      status: 409,
      message: 'Product is sold out',
    });
    expect(AppError.RESOURCE_NOT_FOUND).toEqual(ErrorCode.RESOURCE_NOT_FOUND);
  });

  it('keeps an entry’s own log and report policy, and adds no such keys to entries without one', () => {
    const Codes = defineErrorCodes({
      QUIET: { code: 1, status: 404, message: 'q', log: false, report: false },
      LOUD: { code: 2, status: 409, message: 'l', log: 'error', report: true },
      PLAIN: { code: 3, status: 400, message: 'p' },
    });
    expect(Codes.QUIET).toEqual({ code: 1, reason: 'QUIET', status: 404, message: 'q', log: false, report: false });
    expect(Codes.LOUD).toMatchObject({ log: 'error', report: true });
    expect(Object.keys(Codes.PLAIN)).toEqual(['code', 'reason', 'status', 'message']);
  });

  it.each([
    [
      'a duplicate code',
      { A: { code: 7, status: 400, message: 'a' }, B: { code: 7, status: 409, message: 'b' } },
      'code 7 is used by both A and B',
    ],
    ['a non-integer code', { A: { code: 1.5, status: 400, message: 'a' } }, 'entry A has code 1.5'],
    ['a negative code', { A: { code: -1, status: 400, message: 'a' } }, 'entry A has code -1'],
    ['a status under 400', { A: { code: 1, status: 302, message: 'a' } }, 'entry A has status 302'],
    ['a status over 599', { A: { code: 1, status: 600, message: 'a' } }, 'entry A has status 600'],
    ['a missing message', { A: { code: 1, status: 400 } }, 'entry A has no message'],
    ['an entry that is not an object', { A: 5 }, 'entry A must be an object'],
    ['a log that is no level', { A: { code: 1, status: 400, message: 'a', log: 'loud' } }, 'entry A has log loud'],
    ['a report that is no boolean', { A: { code: 1, status: 400, message: 'a', report: 'yes' } }, 'has report yes'],
  ])('rejects %s', (_case, definitions, message) => {
    expect(() => defineErrorCodes(definitions as never)).toThrow(message);
  });
});
