import { Body, Controller, Get, Header, HttpCode, NotFoundException, Post, Res } from '@nestjs/common';
import { ErrorCode, OperatedException } from '../../src/index.js';
import { WarehouseLookupError } from './mapped-errors.controller.js';
import { NOT_FOUND_ENVELOPE } from './not-found-envelope.js';
import { OrderDto } from './order.dto.js';

const NOT_FOUND_MESSAGE = NOT_FOUND_ENVELOPE.message;

/** Either platform's response object: both read back a header already set. */
interface HeaderReader {
  getHeader(name: string): unknown;
}

/**
 * The routes every bench app has, whichever error handling it runs; each scenario picks the
 * routes it compares, so the apps of one scenario differ only in what is measured.
 */
@Controller()
export class BenchController {
  @Get('hello')
  hello() {
    return { hello: 'world' };
  }

  /** Nest's own 404, as an app without the module writes it. */
  @Get('not-found/http')
  notFoundHttp(): never {
    throw new NotFoundException(NOT_FOUND_MESSAGE);
  }

  @Get('not-found/operated')
  notFoundOperated(): never {
    throw new OperatedException(ErrorCode.RESOURCE_NOT_FOUND, NOT_FOUND_MESSAGE);
  }

  /** The same exception with its stack trace captured, as 4xx exceptions no longer are by default. */
  @Get('not-found/operated-with-stack')
  notFoundOperatedWithStack(): never {
    OperatedException.captureClientErrorStacks = true;
    try {
      throw new OperatedException(ErrorCode.RESOURCE_NOT_FOUND, NOT_FOUND_MESSAGE);
    } finally {
      OperatedException.captureClientErrorStacks = false;
    }
  }

  /** The practical limit: the module's envelope written by the handler, nothing thrown. */
  @Get('not-found/handwritten')
  @HttpCode(404)
  @Header('Content-Type', 'application/json; charset=utf-8')
  notFoundHandwritten(@Res({ passthrough: true }) response: HeaderReader) {
    return { ...NOT_FOUND_ENVELOPE, requestId: response.getHeader('X-Request-Id') };
  }

  /** Scenario 5's domain error, here mapped by the module's `handlers` (this controller has no `@OnError`). */
  @Get('mapped-by-module')
  mappedByModule(): never {
    throw new WarehouseLookupError(NOT_FOUND_MESSAGE);
  }

  @Get('crash')
  crash(): never {
    throw new Error('pricing database rejected the query');
  }

  @Post('orders')
  createOrder(@Body() order: OrderDto) {
    return { ordered: order.name };
  }
}
