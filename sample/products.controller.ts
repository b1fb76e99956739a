import { Body, Controller, Get, Param, ParseIntPipe, Post, Query } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiErrorResponses, ErrorCode, OnError, OperatedException, Timeout } from '../src/index.js';
import { AppError } from './app-error-codes.js';
import { CreateProductDto } from './create-product.dto.js';
import { ProductNotFoundError } from './product-not-found.error.js';

const PRODUCTS = new Map([
  [1, { id: 1, name: 'Keyboard', stock: 3 }],
  [2, { id: 2, name: 'Mouse', stock: 0 }],
]);

@Controller('products')
@OnError(ProductNotFoundError, ErrorCode.RESOURCE_NOT_FOUND)
export class ProductsController {
  @Get()
  search(@Query('name') name = '') {
    const product = [...PRODUCTS.values()].find((candidate) => candidate.name === name);
    // The message echoes the query: the HTML page escapes it.
    if (!product) throw new OperatedException(ErrorCode.RESOURCE_NOT_FOUND, `No product is named "${name}"`);
    return product;
  }

  @Get(':id')
  @ApiErrorResponses(AppError.INVALID_INPUT)
  find(@Param('id', ParseIntPipe) id: number) {
    const product = PRODUCTS.get(id);
    if (!product) throw new ProductNotFoundError(id);
    return product;
  }

  @Post()
  @ApiErrorResponses(AppError.INVALID_INPUT)
  create(@Body() product: CreateProductDto) {
    const id = PRODUCTS.size + 1;
    PRODUCTS.set(id, { id, name: product.name, stock: product.stock });
    return PRODUCTS.get(id);
  }

  @Post(':id/buy')
  @ApiErrorResponses(AppError.INVALID_INPUT, AppError.PRODUCT_SOLD_OUT)
  buy(@Param('id', ParseIntPipe) id: number) {
    const product = PRODUCTS.get(id);
    if (!product) throw new ProductNotFoundError(id);
    if (product.stock === 0) {
      throw new OperatedException(AppError.PRODUCT_SOLD_OUT, undefined, { details: { productId: id } });
    }
    return { bought: product.name };
  }

  @Get(':id/recommendations')
  @Timeout(200)
  async recommendations() {
    await sleep(1_000); // a slow model call
    return [];
  }

  @Get(':id/price')
  price(): never {
    throw new Error('pricing database password=hunter2 rejected the query', {
      cause: new RangeError('connection pool exhausted (10 of 10 in use)'),
    });
  }
}
