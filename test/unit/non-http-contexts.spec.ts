import { Test } from '@nestjs/testing';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { isObservable, lastValueFrom } from 'rxjs';
import { ErrorHandlingModule } from '../../src/index.js';
import { ErrorHandlingFilter } from '../../src/catch/error-handling.filter.js';

describe('the catch-all outside HTTP', () => {
  let filter: ErrorHandlingFilter;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [ErrorHandlingModule.forRoot()],
      providers: [ErrorHandlingFilter],
    }).compile();
    filter = moduleRef.get(ErrorHandlingFilter);
  });

  const hostOf = (type: string) => {
    const host = new ExecutionContextHost([{ pattern: 'sum' }, { notAResponse: true }]);
    host.setType(type);
    return host;
  };

  it('hands an RPC error back as an erroring Observable, touching no response', async () => {
    const error = new Error('rpc failed');
    const result = filter.catch(error, hostOf('rpc'));
    expect(isObservable(result)).toBe(true);
    await expect(lastValueFrom(result as never)).rejects.toBe(error);
  });

  it.each(['ws', 'graphql'])('hands a %s error back unchanged', (type) => {
    const error = new Error(`${type} failed`);
    expect(filter.catch(error, hostOf(type))).toBe(error);
  });
});
