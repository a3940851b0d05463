import * as lambda from 'aws-cdk-lib/aws-lambda';

/** The oldest Node.js the handler runs on; the bundle's esbuild target (`node22` in .projenrc.ts) must not be newer. */
const OLDEST_NODE_RUNTIME = lambda.Runtime.NODEJS_22_X;
export const MIN_NODE_MAJOR = nodeMajor(OLDEST_NODE_RUNTIME)!;

/** The major version of a Node.js runtime, or undefined for any other runtime. */
export function nodeMajor(runtime: lambda.Runtime): number | undefined {
  const major = /^nodejs(\d+)\.x$/.exec(runtime.name)?.[1];
  return runtime.family === lambda.RuntimeFamily.NODEJS && major !== undefined ? Number(major) : undefined;
}

/**
 * The newest Node.js runtime the installed aws-cdk-lib knows: Node.js 22 with the lowest supported
 * aws-cdk-lib, a newer one as aws-cdk-lib learns it, so that cdk-nag's latest-runtime rule holds.
 */
export function latestNodeRuntime(): lambda.Runtime {
  const newer = (a: lambda.Runtime, b: lambda.Runtime) => (nodeMajor(b) ?? 0) > (nodeMajor(a) ?? 0) ? b : a;
  return lambda.Runtime.ALL.reduce(newer, OLDEST_NODE_RUNTIME);
}
