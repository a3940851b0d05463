/**
 * Checks the npm tarball jsii-pacmak packed (dist/js/<name>@<version>.jsii.tgz) before anything ships it: it must hold
 * every `bin` of its package.json and each file named on the command line. Fails naming every file it lacks.
 *
 * Usage: ts-node tools/packaging/check-npm-package.ts FILE... (paths inside the package, such as .jsii)
 * The package:js task runs it after packing (projenrc/packaging.ts).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** The files a tarball holds, as paths inside the package (without npm's `package/` prefix). */
export function tarballEntries(tarball: string): Set<string> {
  const listing = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return new Set(listing.split('\n').filter(Boolean).map((entry) => entry.replace(/^package\//, '')));
}

/** The package.json inside a tarball. */
export function tarballManifest(tarball: string): { name: string; version: string; bin?: string | Record<string, string> } {
  return JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }));
}

/** What a tarball lacks of its `bin` entries and of `required`, each with why it is needed. */
export function missingFromTarball(tarball: string, required: string[]): string[] {
  const entries = tarballEntries(tarball);
  const manifest = tarballManifest(tarball);
  const bins = typeof manifest.bin === 'string' ? { [manifest.name]: manifest.bin } : manifest.bin ?? {};
  const wanted: Array<[string, string]> = [
    ...Object.entries(bins).map(([name, file]): [string, string] => [path.posix.normalize(file), `the bin ${name}`]),
    ...required.map((file): [string, string] => [path.posix.normalize(file), 'required']),
  ];
  return wanted.filter(([file]) => !entries.has(file)).map(([file, why]) => `${file} (${why})`);
}

function main(): void {
  const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8'));
  const tarball = path.join('dist', 'js', `${pkg.name}@${pkg.version}.jsii.tgz`);
  if (!fs.existsSync(tarball)) {
    console.error(`No ${tarball}: jsii-pacmak packed nothing where the release and the apps test look for it.`);
    process.exit(1);
  }
  const missing = missingFromTarball(tarball, process.argv.slice(2));
  if (missing.length > 0) {
    console.error(`${tarball} lacks:\n${missing.map((file) => `  ${file}`).join('\n')}\n` +
      'Bundle (npx projen bundle) and extract the examples (npx projen rosetta:extract) before packing; package:js does both.');
    process.exit(1);
  }
  console.log(`${tarball}: holds the bin, ${process.argv.slice(2).join(', ')}`);
}

if (require.main === module) main();
