import { SQSClient as Base } from '@aws-sdk/client-sqs';
import { withCacheMiddleware } from './with-cache-middleware';

// The package as it is, but for its client, which gets cacheMiddleware (see with-cache-middleware.ts).
export * from '@aws-sdk/client-sqs';
export const SQSClient = withCacheMiddleware(Base);
