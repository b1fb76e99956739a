import { type HttpException, ValidationPipe } from '@nestjs/common';
import { ValidationError } from 'class-validator';
import fc from 'fast-check';
import { ErrorCode } from '../../src/index.js';
import { inputErrorContent, validationMessagesOf } from '../../src/validation/validation-details.js';
import {
  ValidationFailedException,
  validationExceptionFactory,
} from '../../src/validation/validation-failed.exception.js';

function validationError(
  property: string,
  constraints?: Record<string, string>,
  children: ValidationError[] = [],
): ValidationError {
  return Object.assign(new ValidationError(), { property, constraints, children });
}

/** Random class-validator errors up to `depth` levels: some fail themselves, some only through children. */
function errorsOf(depth: number): fc.Arbitrary<ValidationError[]> {
  const error = fc
    .record({
      property: fc.oneof(fc.constantFrom('name', 'items', 'address'), fc.nat(20).map(String)),
      constraints: fc.option(
        fc.dictionary(fc.constantFrom('isNotEmpty', 'isInt', 'min'), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
        {
          nil: undefined,
        },
      ),
      children: depth === 0 ? fc.constant<ValidationError[]>([]) : errorsOf(depth - 1),
    })
    .map(({ property, constraints, children }) => validationError(property, constraints, children));
  return fc.array(error, { maxLength: 3 });
}

const errorTrees = errorsOf(3);

function failedNodeCount(errors: readonly ValidationError[]): number {
  return errors.reduce(
    (count, error) =>
      count + (Object.keys(error.constraints ?? {}).length > 0 ? 1 : 0) + failedNodeCount(error.children ?? []),
    0,
  );
}

describe('inputErrorContent', () => {
  const order = [
    validationError('email', { isEmail: 'email must be an email' }),
    validationError('items', { arrayMaxSize: 'items must contain no more than 2 elements' }, [
      validationError('1', undefined, [
        validationError('tags', undefined, [
          validationError('0', undefined, [validationError('label', { isNotEmpty: 'label should not be empty' })]),
        ]),
      ]),
    ]),
  ];

  it('gives a field entry per failed property, with its dotted path, a parent and its children alike', () => {
    expect(inputErrorContent(order, ErrorCode.INVALID_INPUT, 100)).toEqual({
      message: '',
      details: [
        { field: 'email', messages: ['email must be an email'], constraints: { isEmail: 'email must be an email' } },
        {
          field: 'items',
          messages: ['items must contain no more than 2 elements'],
          constraints: { arrayMaxSize: 'items must contain no more than 2 elements' },
        },
        {
          field: 'items.1.tags.0.label',
          messages: ['label should not be empty'],
          constraints: { isNotEmpty: 'label should not be empty' },
        },
      ],
    });
  });

  it('keeps strings and other values as they are, never their String() form', () => {
    const other = { field: 'x', note: 'made by hand' };
    expect(inputErrorContent(['plain', other, 7], ErrorCode.INVALID_INPUT, 100)).toEqual({
      message: '',
      details: ['plain', other, 7],
    });
  });

  it('lists at most maxDetails entries and says how many there were', () => {
    const { message, details } = inputErrorContent([...order, 'extra'], ErrorCode.INVALID_INPUT, 2);
    expect(details).toHaveLength(2);
    expect(message).toBe('Invalid input: 4 errors, only the first 2 are listed (2 omitted)');
  });

  it('lists min(maxDetails, failed properties) entries for any error tree', () => {
    fc.assert(
      fc.property(errorTrees, fc.integer({ min: 1, max: 10 }), (errors, max) => {
        const total = failedNodeCount(errors);
        const { message, details } = inputErrorContent(errors, ErrorCode.INVALID_INPUT, max);
        expect(details).toHaveLength(Math.min(max, total));
        expect(message === '').toBe(total <= max);
      }),
    );
  });
});

describe('validationMessagesOf', () => {
  it("gives the messages of ValidationPipe's own exception factory for any error tree", () => {
    const nestFactory = new ValidationPipe().createExceptionFactory();
    fc.assert(
      fc.property(errorTrees, (errors) => {
        const nestMessages = (nestFactory(errors) as HttpException).getResponse() as { message: string[] };
        expect(validationMessagesOf(errors)).toEqual(nestMessages.message);
      }),
    );
  });

  it('keeps a string as it is', () => {
    expect(validationMessagesOf(['[1] item must be a number'])).toEqual(['[1] item must be a number']);
  });
});

describe('validationExceptionFactory', () => {
  it('makes its exception without stack frames, and leaves the stack trace limit as it was', () => {
    const limit = Error.stackTraceLimit;
    const exception = validationExceptionFactory([validationError('name', { isString: 'name must be a string' })]);
    expect(exception).toBeInstanceOf(ValidationFailedException);
    expect(exception.stack).not.toMatch(/\n\s+at /);
    expect(exception.errors).toHaveLength(1);
    expect(Error.stackTraceLimit).toBe(limit);
    expect(new Error('after').stack).toMatch(/\n\s+at /);
  });
});
