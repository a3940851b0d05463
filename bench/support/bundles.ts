import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { build, buildSync, Plugin } from 'esbuild';

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

export type CacheMiddlewareVariant = 'cache-middleware' | 'cache-middleware-no-send-options';

/**
 * Our handler bundled as projen bundles it, except that every AWS SDK client gets
 * `cacheMiddleware: true` (the packages' imports resolve to bench/support/cache-middleware/);
 * `cache-middleware-no-send-options` also drops send()'s per-call options, which the SDK requires
 * to be absent before it uses the cache. Nothing in lambda/ changes.
 */
export async function buildCacheMiddlewareBundle(variant: CacheMiddlewareVariant): Promise<string> {
  const outfile = outfileIn(`bench-${variant}-`);
  // Plugins need esbuild's asynchronous API.
  await build({
    ...AS_PROJEN_BUNDLES,
    entryPoints: [path.join(ROOT, 'lambda', 'redrive', 'index.ts')],
    outfile,
    define: { BENCH_DROP_SEND_OPTIONS: String(variant === 'cache-middleware-no-send-options') },
    plugins: [clientsWithCacheMiddleware()],
  });
  return outfile;
}

const SHIMS = path.join(__dirname, 'cache-middleware');

function clientsWithCacheMiddleware(): Plugin {
  return {
    name: 'clients-with-cache-middleware',
    setup(plugin) {
      plugin.onResolve({ filter: /^@aws-sdk\/client-(sfn|sqs|eventbridge|scheduler)$/ }, (args) => {
        // The shims themselves import the real packages.
        if (args.importer.startsWith(SHIMS)) return undefined;
        return { path: path.join(SHIMS, `${args.path.replace('@aws-sdk/', '')}.ts`) };
      });
    },
  };
}

export function sizeOf(file: string): number {
  return fs.statSync(file).size;
}
