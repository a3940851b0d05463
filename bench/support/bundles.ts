import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildSync } from 'esbuild';

const ROOT = path.join(__dirname, '..', '..');
/** The handler bundle `npx projen bundle` makes, which the construct deploys. */
export const OUR_BUNDLE = path.join(ROOT, 'assets', 'lambda', 'redrive', 'index', 'index.js');

/** esbuild's options for every bundle here: those projen's bundle task uses (node22, minified, every dependency inside). */
const AS_PROJEN_BUNDLES = { bundle: true, platform: 'node', target: 'node22', minify: true, logLevel: 'silent' } as const;

function outfileIn(prefix: string): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), prefix)), 'index.js');
}

/** The baseline, bundled the way projen bundles ours: esbuild, node22, minified, every dependency inside. */
export function buildBaselineBundle(): string {
  const outfile = outfileIn('bench-baseline-');
  buildSync({ ...AS_PROJEN_BUNDLES, entryPoints: [path.join(ROOT, 'bench', 'baseline', 'naive-handler.ts')], outfile });
  return outfile;
}

export function sizeOf(file: string): number {
  return fs.statSync(file).size;
}
