import { LocationOptions } from '../utils/element-folder';
import { SpecOptions } from '../utils/generate-files';

/** What schema.json lets through to the exception factory. */
export interface ExceptionOptions extends LocationOptions, SpecOptions {
  name?: string;
  /** An existing catalogue entry to bind to; without it a new entry is added to the catalogue. */
  code?: string;
  /** The HTTP status of the new entry. */
  status: number;
}
