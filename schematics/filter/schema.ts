import { LocationOptions } from '../utils/element-folder';
import { SpecOptions } from '../utils/generate-files';

/** What schema.json lets through to the filter factory. */
export interface FilterOptions extends LocationOptions, SpecOptions {
  name?: string;
  /** The catalogue entry the filter answers caught errors with. */
  code: string;
}
