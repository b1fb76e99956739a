import { HttpException } from '@nestjs/common';
import { ErrorCode, OperatedException } from '../../src/index.js';

describe('OperatedException', () => {
  it('is an HttpException carrying its entry, message, details, headers and cause', () => {
    const cause = new Error('db');
    const exception = new OperatedException(ErrorCode.RESOURCE_NOT_FOUND, 'Product not found', {
      details: { productId: 99 },
      headers: { 'Retry-After': '30' },
      cause,
    });
    expect(exception).toBeInstanceOf(HttpException);
    expect(exception.getStatus()).toBe(404);
    expect(exception.message).toBe('Product not found');
    expect([exception.code, exception.reason, exception.entry]).toEqual([
      4001,
      'RESOURCE_NOT_FOUND',
      ErrorCode.RESOURCE_NOT_FOUND,
    ]);
    expect(exception.details).toEqual({ productId: 99 });
    expect(exception.headers).toEqual({ 'Retry-After': '30' });
    expect(exception.cause).toBe(cause);
    expect(exception.getResponse()).toEqual({ code: 4001, reason: 'RESOURCE_NOT_FOUND', message: 'Product not found' });
  });

  it('takes the catalogue message when given none', () => {
    expect(new OperatedException(ErrorCode.CONFLICT).message).toBe('Conflict');
  });

  it('captures no stack frames for a 4xx, keeps them for a 5xx, and restores the global limit', () => {
    const limit = Error.stackTraceLimit;
    expect(new OperatedException(ErrorCode.CONFLICT).stack).not.toContain('    at ');
    expect(new OperatedException(ErrorCode.UNEXPECTED_ERROR).stack).toContain('    at ');
    expect(Error.stackTraceLimit).toBe(limit);
  });

  it('captures 4xx stacks when asked to', () => {
    OperatedException.captureClientErrorStacks = true;
    try {
      expect(new OperatedException(ErrorCode.CONFLICT).stack).toContain('    at ');
    } finally {
      OperatedException.captureClientErrorStacks = false;
    }
  });
});
