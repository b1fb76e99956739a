import { NotFoundException } from '@nestjs/common';
import { Query, Resolver } from '@nestjs/graphql';
import { ErrorCode, OperatedException } from '../../src/index.js';
import { NOT_FOUND_ENVELOPE } from './not-found-envelope.js';

/** Scenario 10: a resolver that fails as the HTTP routes do, Nest's way and the module's way. */
@Resolver()
export class ProductsResolver {
  @Query(() => String)
  nestProduct(): never {
    throw new NotFoundException(NOT_FOUND_ENVELOPE.message);
  }

  @Query(() => String)
  operatedProduct(): never {
    throw new OperatedException(ErrorCode.RESOURCE_NOT_FOUND, NOT_FOUND_ENVELOPE.message);
  }
}
