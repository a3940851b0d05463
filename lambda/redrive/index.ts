import { dependenciesFromEnvironment } from './dependencies';
import { createHandler } from './handler';

/** Built once per container from the environment the construct writes, and reused. */
export const handler = createHandler(dependenciesFromEnvironment(process.env));
