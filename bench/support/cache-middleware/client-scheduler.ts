import { SchedulerClient as Base } from '@aws-sdk/client-scheduler';
import { withCacheMiddleware } from './with-cache-middleware';

// The package as it is, but for its client, which gets cacheMiddleware (see with-cache-middleware.ts).
export * from '@aws-sdk/client-scheduler';
export const SchedulerClient = withCacheMiddleware(Base);
