import {
  BadRequestException,
  Body,
  ConflictException,
  Controller,
  Get,
  type INestApplication,
  Param,
  ParseArrayPipe,
  ParseEnumPipe,
  ParseIntPipe,
  ParseUUIDPipe,
  Post,
  Query,
  type ModuleMetadata,
  ValidationPipe,
} from '@nestjs/common';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsEmail, IsInt, IsNotEmpty, IsString, IsUUID, ValidateNested } from 'class-validator';
import request from 'supertest';
import { ErrorHandlingModule, type ErrorHandlingModuleOptions, validationExceptionFactory } from '../../src/index.js';
import { createApp, type Platform, PLATFORMS } from '../support/platforms.js';

class TagDto {
  @IsString()
  @IsNotEmpty()
  label: string;
}

class ItemDto {
  @IsNotEmpty()
  name: string;

  @IsInt()
  quantity: number;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => TagDto)
  tags: TagDto[];
}

class AddressDto {
  @IsNotEmpty()
  city: string;
}

/** Three levels: order → items[] → tags[]. */
class OrderDto {
  @IsEmail()
  email: string;

  @ValidateNested()
  @Type(() => AddressDto)
  address: AddressDto;

  @ArrayMaxSize(2)
  @ValidateNested({ each: true })
  @Type(() => ItemDto)
  items: ItemDto[];
}

class NamedDto {
  @IsNotEmpty()
  name: string;
}

class BulkDto {
  @ValidateNested({ each: true })
  @Type(() => NamedDto)
  items: NamedDto[];
}

class PageQuery {
  @Type(() => Number)
  @IsInt()
  page: number;
}

class IdParams {
  @IsUUID()
  id: string;
}

enum Color {
  Red = 'red',
  Blue = 'blue',
}

@Controller('v')
class ValidatedController {
  @Post('orders') order(@Body() order: OrderDto) {
    return { ok: true, order };
  }
  @Post('bulk') bulk(@Body() bulk: BulkDto) {
    return { ok: true, count: bulk.items.length };
  }
  @Get('pages') pages(@Query() query: PageQuery) {
    return { ok: true, page: query.page };
  }
  @Get('things/:id') thing(@Param() params: IdParams) {
    return { ok: true, id: params.id };
  }
}

@Controller('pipes')
class PipesController {
  @Post('plain') plain(@Body(new ValidationPipe()) order: OrderDto) {
    return { order };
  }
  @Post('grouped') grouped(@Body(new ValidationPipe({ errorFormat: 'grouped' })) order: OrderDto) {
    return { order };
  }
  @Post('factory') factory(
    @Body(new ValidationPipe({ exceptionFactory: validationExceptionFactory })) order: OrderDto,
  ) {
    return { order };
  }
  /** The pattern of nest #5380: class-validator's errors handed to a BadRequestException as they are. */
  @Post('raw') raw(
    @Body(new ValidationPipe({ exceptionFactory: (errors) => new BadRequestException(errors) })) order: OrderDto,
  ) {
    return { order };
  }
  @Get('int/:id') int(@Param('id', ParseIntPipe) id: number) {
    return { id };
  }
  @Get('uuid/:id') uuid(@Param('id', ParseUUIDPipe) id: string) {
    return { id };
  }
  @Get('enum/:color') color(@Param('color', new ParseEnumPipe(Color)) color: Color) {
    return { color };
  }
  @Get('numbers') numbers(@Query('ids', new ParseArrayPipe({ items: Number })) ids: number[]) {
    return { ids };
  }
  @Post('names') names(@Body(new ParseArrayPipe({ items: NamedDto, stopAtFirstError: false })) names: NamedDto[]) {
    return { names };
  }
  @Post('names-factory')
  namesFactory(
    @Body(new ParseArrayPipe({ items: NamedDto, exceptionFactory: validationExceptionFactory })) names: NamedDto[],
  ) {
    return { names };
  }
  @Get('messages') messages() {
    throw new BadRequestException(['first is wrong', 'second is wrong']);
  }
}

/** An order with an error at every level, and an item list over its own size limit. */
const INVALID_ORDER = {
  email: 'nope',
  address: { city: '' },
  items: [
    { name: 'ok', quantity: 1, tags: [{ label: 'a' }] },
    { name: '', quantity: 1, tags: [{ label: 'a' }, { label: '' }] },
    { name: 'ok', quantity: 'many', tags: [] },
  ],
};

/** The field errors of INVALID_ORDER, in the order class-validator finds them. */
const INVALID_ORDER_DETAILS = [
  { field: 'email', messages: ['email must be an email'], constraints: { isEmail: 'email must be an email' } },
  {
    field: 'address.city',
    messages: ['city should not be empty'],
    constraints: { isNotEmpty: 'city should not be empty' },
  },
  {
    field: 'items',
    messages: ['items must contain no more than 2 elements'],
    constraints: { arrayMaxSize: 'items must contain no more than 2 elements' },
  },
  {
    field: 'items.1.name',
    messages: ['name should not be empty'],
    constraints: { isNotEmpty: 'name should not be empty' },
  },
  {
    field: 'items.1.tags.1.label',
    messages: ['label should not be empty'],
    constraints: { isNotEmpty: 'label should not be empty' },
  },
  {
    field: 'items.2.quantity',
    messages: ['quantity must be an integer number'],
    constraints: { isInt: 'quantity must be an integer number' },
  },
];

function expectInvalidInput(response: request.Response, details: unknown[], message = 'Invalid input'): void {
  expect(response.status).toBe(400);
  expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(response.body).toEqual({
    code: 1100,
    reason: 'INVALID_INPUT',
    message,
    details,
    requestId: expect.any(String),
  });
}

describe.each(PLATFORMS)('validation on %s', (platform: Platform) => {
  const apps: INestApplication[] = [];
  const boot = async (
    options: ErrorHandlingModuleOptions,
    controllers: ModuleMetadata['controllers'] = [ValidatedController],
  ) => {
    const app = await createApp(platform, { imports: [ErrorHandlingModule.forRoot(options)], controllers });
    apps.push(app);
    return app.getHttpServer();
  };
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
  });

  describe('the module option `validation`', () => {
    it('lists every field error of a 3-level nested body with dotted paths, parents with children kept', async () => {
      const server = await boot({ validation: true });
      expectInvalidInput(await request(server).post('/v/orders').send(INVALID_ORDER), INVALID_ORDER_DETAILS);
    });

    it('lets a valid body through', async () => {
      const server = await boot({ validation: true });
      const order = { email: 'a@b.co', address: { city: 'Oslo' }, items: [{ name: 'x', quantity: 2, tags: [] }] };
      const response = await request(server).post('/v/orders').send(order);
      expect(response.status).toBe(201);
      expect(response.body).toEqual({ ok: true, order });
    });

    it('reports a string where an object or array is expected, and a missing body, as field errors', async () => {
      const server = await boot({ validation: true });
      expectInvalidInput(
        await request(server).post('/v/orders').send({ email: 'a@b.co', address: 'Oslo', items: 'x' }),
        [
          {
            field: 'address',
            messages: ['nested property address must be either object or array'],
            constraints: { nestedValidation: 'nested property address must be either object or array' },
          },
          {
            field: 'items',
            messages: [
              'items must contain no more than 2 elements',
              'each value in nested property items must be either object or array',
            ],
            constraints: {
              arrayMaxSize: 'items must contain no more than 2 elements',
              nestedValidation: 'each value in nested property items must be either object or array',
            },
          },
        ],
      );
      expectInvalidInput(await request(server).post('/v/orders'), [
        INVALID_ORDER_DETAILS[0],
        {
          field: 'items',
          messages: ['items must contain no more than 2 elements'],
          constraints: { arrayMaxSize: 'items must contain no more than 2 elements' },
        },
      ]);
    });

    it('covers query and params, with the path inside the argument and transform failures as field errors', async () => {
      const server = await boot({ validation: { transform: true } });
      expectInvalidInput(await request(server).get('/v/pages?page=abc'), [
        {
          field: 'page',
          messages: ['page must be an integer number'],
          constraints: { isInt: 'page must be an integer number' },
        },
      ]);
      const ok = await request(server).get('/v/pages?page=3');
      expect(ok.body).toEqual({ ok: true, page: 3 });
      expectInvalidInput(await request(server).get('/v/things/42'), [
        { field: 'id', messages: ['id must be a UUID'], constraints: { isUuid: 'id must be a UUID' } },
      ]);
    });

    it('lists whitelist extras as their own fields, nested ones with their path', async () => {
      const server = await boot({ validation: { whitelist: true, forbidNonWhitelisted: true } });
      const order = { email: 'a@b.co', address: { city: 'Oslo', zip: '0150' }, items: [], admin: true };
      expectInvalidInput(await request(server).post('/v/orders').send(order), [
        {
          field: 'admin',
          messages: ['property admin should not exist'],
          constraints: { whitelistValidation: 'property admin should not exist' },
        },
        {
          field: 'address.zip',
          messages: ['property zip should not exist'],
          constraints: { whitelistValidation: 'property zip should not exist' },
        },
      ]);
    });

    it('keeps a 10,000-item invalid body small: 100 details by default, the message counts the rest', async () => {
      const server = await boot({ validation: true });
      const items = Array.from({ length: 10_000 }, () => ({}));
      const started = performance.now();
      const response = await request(server).post('/v/bulk').send({ items });
      const elapsed = performance.now() - started;
      const detail = (index: number) => ({
        field: `items.${index}.name`,
        messages: ['name should not be empty'],
        constraints: { isNotEmpty: 'name should not be empty' },
      });
      expectInvalidInput(
        response,
        Array.from({ length: 100 }, (_, index) => detail(index)),
        'Invalid input: 10000 errors, only the first 100 are listed (9900 omitted)',
      );
      expect(response.text.length).toBeLessThan(15_000);
      expect(elapsed).toBeLessThan(5_000);
    });

    it('uses an exceptionFactory given in the options instead of its own', async () => {
      const server = await boot({ validation: { exceptionFactory: () => new ConflictException('Taken') } });
      const response = await request(server).post('/v/orders').send(INVALID_ORDER);
      expect(response.status).toBe(409);
      expect(response.body).toEqual({
        code: 4090,
        reason: 'CONFLICT',
        message: 'Taken',
        requestId: expect.any(String),
      });
    });

    it('caps details at `maxValidationDetails`', async () => {
      const server = await boot({ validation: true, maxValidationDetails: 2 });
      expectInvalidInput(
        await request(server).post('/v/orders').send(INVALID_ORDER),
        INVALID_ORDER_DETAILS.slice(0, 2),
        'Invalid input: 6 errors, only the first 2 are listed (4 omitted)',
      );
    });

    it('rejects a `maxValidationDetails` that is not a positive integer at startup', async () => {
      await expect(boot({ maxValidationDetails: 0 })).rejects.toThrow(
        'ErrorHandlingModule: maxValidationDetails 0 is not a positive integer',
      );
    });

    it('installs no pipe when off: an invalid body reaches the handler', async () => {
      const server = await boot({});
      const response = await request(server).post('/v/orders').send({ email: 'nope' });
      expect(response.status).toBe(201);
      expect(response.body).toEqual({ ok: true, order: { email: 'nope' } });
    });
  });

  describe('pipes the user makes', () => {
    it('a ValidationPipe with validationExceptionFactory gives the same details as the module option', async () => {
      const server = await boot({}, [PipesController]);
      expectInvalidInput(await request(server).post('/pipes/factory').send(INVALID_ORDER), INVALID_ORDER_DETAILS);
    });

    it('a ValidationPipe whose factory hands class-validator errors to a BadRequestException gives them too', async () => {
      const server = await boot({}, [PipesController]);
      expectInvalidInput(await request(server).post('/pipes/raw').send(INVALID_ORDER), INVALID_ORDER_DETAILS);
    });

    it("a plain ValidationPipe lists Nest's messages", async () => {
      const server = await boot({}, [PipesController]);
      expectInvalidInput(await request(server).post('/pipes/plain').send(INVALID_ORDER), [
        'email must be an email',
        'address.city should not be empty',
        'items must contain no more than 2 elements',
        'items.1.name should not be empty',
        'items.1.tags.1.label should not be empty',
        'items.2.quantity must be an integer number',
      ]);
    });

    it("a plain ValidationPipe's long list is capped like the rest", async () => {
      const server = await boot({ maxValidationDetails: 3 }, [PipesController]);
      expectInvalidInput(
        await request(server).post('/pipes/plain').send(INVALID_ORDER),
        ['email must be an email', 'address.city should not be empty', 'items must contain no more than 2 elements'],
        'Invalid input: 6 errors, only the first 3 are listed (3 omitted)',
      );
    });

    it("a ValidationPipe with errorFormat 'grouped' gives a field entry per path", async () => {
      const server = await boot({}, [PipesController]);
      expectInvalidInput(await request(server).post('/pipes/grouped').send(INVALID_ORDER), [
        { field: 'email', messages: ['email must be an email'] },
        { field: 'address.city', messages: ['city should not be empty'] },
        { field: 'items', messages: ['items must contain no more than 2 elements'] },
        { field: 'items.1.name', messages: ['name should not be empty'] },
        { field: 'items.1.tags.1.label', messages: ['label should not be empty'] },
        { field: 'items.2.quantity', messages: ['quantity must be an integer number'] },
      ]);
    });

    it.each([
      ['ParseIntPipe', '/pipes/int/abc', 'Validation failed (numeric string is expected)'],
      ['ParseUUIDPipe', '/pipes/uuid/abc', 'Validation failed (uuid is expected)'],
      ['ParseEnumPipe', '/pipes/enum/green', 'Validation failed (enum string is expected)'],
      ['ParseArrayPipe', '/pipes/numbers?ids=1,x', '[1] item must be a number'],
    ])('%s: its one message is the envelope message', async (_pipe, path, message) => {
      const server = await boot({}, [PipesController]);
      const response = await request(server).get(path);
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ code: 1100, reason: 'INVALID_INPUT', message, requestId: expect.any(String) });
    });

    it('ParseArrayPipe of DTOs lists the messages of every item', async () => {
      const server = await boot({}, [PipesController]);
      expectInvalidInput(
        await request(server)
          .post('/pipes/names')
          .send([{ name: 'a' }, {}, { name: '' }]),
        ['[1] name should not be empty', '[2] name should not be empty'],
      );
    });

    it('ParseArrayPipe of DTOs with validationExceptionFactory gives the field errors of the first bad item', async () => {
      const server = await boot({}, [PipesController]);
      expectInvalidInput(
        await request(server)
          .post('/pipes/names-factory')
          .send([{ name: 'a' }, {}]),
        [
          {
            field: 'name',
            messages: ['name should not be empty'],
            constraints: { isNotEmpty: 'name should not be empty' },
          },
        ],
      );
    });

    it('a BadRequestException with a message array lists them', async () => {
      const server = await boot({}, [PipesController]);
      expectInvalidInput(await request(server).get('/pipes/messages'), ['first is wrong', 'second is wrong']);
    });
  });
});
