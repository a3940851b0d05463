import * as path from 'path';
import { NEWEST_TOOLCHAIN_DIR } from './location';

/**
 * Loaded with `node -r` in the child process: 'aws-cdk-lib', 'constructs' and 'cdk-nag' (and their
 * subpaths), wherever they are required from, resolve to the newest toolchain's copies, and only there.
 */
const REDIRECTED = /^(aws-cdk-lib|constructs|cdk-nag)(\/|$)/;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Module = require('module');
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function resolveFromNewest(request: string, parent: unknown, isMain: boolean, options?: object): string {
  if (!REDIRECTED.test(request)) return resolveFilename.call(this, request, parent, isMain, options);
  const resolved: string = resolveFilename.call(this, request, parent, isMain, { paths: [NEWEST_TOOLCHAIN_DIR] });
  if (!resolved.startsWith(path.join(NEWEST_TOOLCHAIN_DIR, 'node_modules') + path.sep)) {
    throw new Error(`${request} resolved to ${resolved}, outside the newest toolchain in ${NEWEST_TOOLCHAIN_DIR}`);
  }
  return resolved;
};
