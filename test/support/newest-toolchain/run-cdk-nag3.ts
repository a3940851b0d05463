import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { promisify } from 'util';
import { NEWEST_TOOLCHAIN_DIR } from './location';
import { ScenarioFindings } from '../nag-scenarios';

/** What cdk-nag3-findings.ts printed: the versions that ran, and each scenario's findings and acknowledgements. */
export interface CdkNag3Run {
  readonly awsCdkLibVersion: string;
  readonly cdkNagVersion: string;
  /** The folders of each copy of 'aws-cdk-lib', 'constructs' and 'cdk-nag' that the process loaded modules from. */
  readonly loadedFrom: Record<string, string[]>;
  readonly scenarios: CdkNag3Scenario[];
  /** The scenarios for cdk-nag 2 only, synthesized without the packs: `synthesized`, or the error. */
  readonly withoutPacks: Record<string, string>;
}

export interface CdkNag3Scenario extends ScenarioFindings {
  readonly name: string;
  /** `<id>: <reason>` of each acknowledgement in the construct, for cdk-nag 3 and in the `cdk_nag` metadata for cdk-nag 2. */
  readonly acknowledgements: { readonly validations: string[]; readonly cdkNag2: string[] };
}

const REPOSITORY_ROOT = path.join(__dirname, '..', '..', '..');
/** The packages the child process loads from the newest toolchain only. */
export const NEWEST_TOOLCHAIN_PACKAGES = ['aws-cdk-lib', 'constructs', 'cdk-nag'];

/** The versions test/toolchains/newest/package.json pins. */
export function newestToolchainVersions(): Record<string, string> {
  return JSON.parse(fs.readFileSync(path.join(NEWEST_TOOLCHAIN_DIR, 'package.json'), 'utf8')).dependencies;
}

/**
 * Synthesizes the nag scenarios with cdk-nag 3 and the newest aws-cdk-lib, in a Node.js process
 * where src/ is compiled by ts-node and 'aws-cdk-lib', 'constructs' and 'cdk-nag' resolve to
 * test/toolchains/newest/node_modules.
 */
export async function runCdkNag3(): Promise<CdkNag3Run> {
  const missing = NEWEST_TOOLCHAIN_PACKAGES.filter((name) => !fs.existsSync(path.join(NEWEST_TOOLCHAIN_DIR, 'node_modules', name, 'package.json')));
  if (missing.length > 0) {
    throw new Error(`The newest toolchain lacks ${missing.join(', ')} in ${NEWEST_TOOLCHAIN_DIR}/node_modules: ` +
      'run `npx projen install:newest-toolchain` (`npx projen test` runs it).');
  }
  const { stdout } = await promisify(execFile)(process.execPath, [
    '--require', 'ts-node/register/transpile-only',
    '--require', path.join(__dirname, 'resolve-from-newest.ts'),
    path.join(__dirname, 'cdk-nag3-findings.ts'),
  ], {
    cwd: REPOSITORY_ROOT,
    env: { ...process.env, TS_NODE_PROJECT: path.join(REPOSITORY_ROOT, 'test', 'tsconfig.json') },
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(stdout);
}
