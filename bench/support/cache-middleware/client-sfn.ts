import { SFNClient as Base } from '@aws-sdk/client-sfn';
import { withCacheMiddleware } from './with-cache-middleware';

// The package as it is, but for its client, which gets cacheMiddleware (see with-cache-middleware.ts).
export * from '@aws-sdk/client-sfn';
export const SFNClient = withCacheMiddleware(Base);
