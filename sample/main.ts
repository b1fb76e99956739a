import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';

const port = Number(process.env.PORT ?? 3000);
const app = await NestFactory.create(AppModule, { bufferLogs: true });
app.useLogger(app.get(Logger));
// The error responses in this document come from the catalogue (ErrorHandlingModule's `openapi` option).
const document = SwaggerModule.createDocument(app, new DocumentBuilder().setTitle('Products sample').build());
SwaggerModule.setup('docs', app, document);
await app.listen(port, '127.0.0.1');
const base = `http://127.0.0.1:${port}`;
console.log(`Sample API on ${base}. Try:
  curl -i ${base}/products/1                  # 200
  curl -i ${base}/products/99                 # 404 RESOURCE_NOT_FOUND (via @OnError)
  curl -i ${base}/products/abc                # 400 INVALID_INPUT (ParseIntPipe)
  curl -i -X POST ${base}/products -H 'Content-Type: application/json' -d '{"name":"","stock":-1,"price":{"cents":0}}'
                                              # 400 INVALID_INPUT with field details
  curl -i -X POST ${base}/products/2/buy      # 409 PRODUCT_SOLD_OUT with details
  curl -i ${base}/products/1/recommendations  # 504 MODEL_TIMEOUT (@Timeout)
  curl -i ${base}/products/1/price            # 500 UNEXPECTED_ERROR, nothing leaked
  curl -i ${base}/nowhere                     # 404 for an unknown route
  curl -i ${base}/products?name=Lamp          # 404 whose message echoes the query
Open these in a browser for the HTML error page; start with APP_MODE=development for the debug page.
Swagger UI with the documented error responses: ${base}/docs`);
