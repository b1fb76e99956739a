import { Controller, Get } from '@nestjs/common';
import { ErrorCode, OnError, OperatedException } from '../../src/index.js';

/** A domain error family, free of HTTP, for the router-level mappings of scenario 5 (mapped as a whole by a module handler in the bench apps). */
export class DomainError extends Error {}

const HANDLER_COUNT_PER_LEVEL = 10;

function domainErrorClasses(level: string): Array<typeof DomainError> {
  return Array.from({ length: HANDLER_COUNT_PER_LEVEL }, (_, index) => {
    const errorClass = class extends DomainError {};
    Object.defineProperty(errorClass, 'name', { value: `${level}Error${index}` });
    return errorClass;
  });
}

const CONTROLLER_LEVEL_ERRORS = domainErrorClasses('Controller');
const METHOD_LEVEL_ERRORS = domainErrorClasses('Method');

/** Mapped at controller level and two classes down, so the lookup misses the method table first. */
class StockLookupError extends CONTROLLER_LEVEL_ERRORS[HANDLER_COUNT_PER_LEVEL - 1] {}
export class WarehouseLookupError extends StockLookupError {}

@Controller('mapped')
export class MappedErrorsController {
  /** The baseline: an OperatedException names its entry itself. */
  @Get('plain')
  plain(): never {
    throw new OperatedException(ErrorCode.RESOURCE_NOT_FOUND, 'Product not found');
  }

  /** Resolved through 20 registered `@OnError` mappings (10 on the method, 10 on the controller). */
  @Get('domain')
  domain(): never {
    throw new WarehouseLookupError('Product not found');
  }
}

// Applied as calls rather than 20 decorator lines; the metadata is the same.
for (const errorClass of CONTROLLER_LEVEL_ERRORS) {
  OnError(errorClass, ErrorCode.RESOURCE_NOT_FOUND)(MappedErrorsController);
}
const domainRoute = MappedErrorsController.prototype;
const domainDescriptor = Object.getOwnPropertyDescriptor(domainRoute, 'domain')!;
for (const errorClass of METHOD_LEVEL_ERRORS) {
  OnError(errorClass, ErrorCode.CONFLICT)(domainRoute, 'domain', domainDescriptor);
}
