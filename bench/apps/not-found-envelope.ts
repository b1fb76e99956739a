/** The 404 body every not-found route answers with (the request id added per request). */
export const NOT_FOUND_ENVELOPE = { code: 4001, reason: 'RESOURCE_NOT_FOUND', message: 'Product not found' } as const;
