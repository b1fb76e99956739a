import { Module } from '@nestjs/common';
import { ErrorHandlingModule } from '../src/index.js';
import { AppError } from './app-error-codes.js';
import { ProductsController } from './products.controller.js';

@Module({
  imports: [ErrorHandlingModule.forRoot({ codes: AppError })],
  controllers: [ProductsController],
})
export class AppModule {}
