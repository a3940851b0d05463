import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildSync } from 'esbuild';

const ROOT = path.join(__dirname, '..', '..');
/** The handler bundle `npx projen bundle` makes, which the construct deploys. */
export const OUR_BUNDLE = path.join(ROOT, 'assets', 'lambda', 'redrive', 'index', 'index.js');

/** The baseline, bundled the way projen bundles ours: esbuild, node22, minified, every dependency inside. */
export function buildBaselineBundle(): string {
  const outfile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-baseline-')), 'index.js');
  buildSync({
    entryPoints: [path.join(ROOT, 'bench', 'baseline', 'naive-handler.ts')],
    bundle: true,
    platform: 'node',
    target: 'node22',
    minify: true,
    outfile,
    logLevel: 'silent',
  });
  return outfile;
}

export function sizeOf(file: string): number {
  return fs.statSync(file).size;
}
