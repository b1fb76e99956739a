import { Catch } from '@nestjs/common';
import { OperatedExceptionFilter } from './operated-exception.filter.js';

/** The global catch-all: every error of every route, middleware and unknown path. */
@Catch()
export class ErrorHandlingFilter extends OperatedExceptionFilter {}
