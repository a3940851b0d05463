import { awscdk, javascript } from 'projen';

/**
 * The aws-cdk-lib (and constructs) the language apps test installs in all four languages: the newest aws-cdk-lib that
 * npm, PyPI, Maven Central and the Go module proxy all serve here (Maven Central stops at 2.263.0), and the constructs
 * that aws-cdk-go 2.263.0 requires. One version for all four, so that their templates can be compared.
 */
const APPS_CDK_VERSION = '2.263.0';
const APPS_CONSTRUCTS_VERSION = '10.6.0';

/** Where the language apps test works and keeps its caches (npm, pip, Maven, Go): git-ignored, never packed. */
const APPS_DIR = '.apps';

/** What the npm package needs at run time besides its compiled code; the `bin` entries of its package.json are read from it. */
const PACKAGE_MUST_HOLD = ['assets/lambda/redrive/index/index.js', '.jsii', '.jsii.tabl.json'];

/**
 * Packaging that always carries the CLI, the handler and the translated examples, and the test that installs the
 * packages the way users do and synthesizes the same app in TypeScript, Python, Java and Go.
 *
 * - `package:js` (and with it `package-all`, the build's `package` and the release) bundles the handler and the CLI and
 *   extracts the examples' translations first, then checks the tarball it packed: it fails naming any missing file.
 * - `test:apps` packs the library and runs tools/packaging/apps.ts (see CONTRIBUTING.md, "The language apps").
 */
export function configurePackaging(project: awscdk.AwsCdkConstructLibrary): void {
  const task = (name: string) => {
    const found = project.tasks.tryFind(name);
    if (!found) throw new Error(`projenrc/packaging.ts: no task ${name}`);
    return found;
  };

  // Compile alone neither bundles (assets/: the CLI the bin points at, the handler) nor extracts the tablet, so package:js
  // does both first. Prepended in reverse order: bundle, then rosetta.
  const packageJs = task('package:js');
  packageJs.prependSpawn(task('rosetta:extract'));
  packageJs.prependSpawn(task('bundle'));
  packageJs.exec(`ts-node --transpile-only --project tools/tsconfig.json tools/packaging/check-npm-package.ts ${PACKAGE_MUST_HOLD.join(' ')}`, {
    name: 'the tarball holds the bin, the handler bundle, the assembly and its tablet',
  });

  project.gitignore.addPatterns(`/${APPS_DIR}/`);
  project.addPackageIgnore(`/${APPS_DIR}/`);
  // Jest's haste map would otherwise index the apps' node_modules and the Go module cache.
  project.tryFindObjectFile('package.json')?.addToArray('jest.modulePathIgnorePatterns', `<rootDir>/${APPS_DIR}/`);

  // examples/apps/typescript/ is a user's app, with its own tsconfig.json: it imports the package by name, which only
  // resolves once installed from the tarball (the apps test type-checks it there, with the newest TypeScript).
  const examplesTsconfig = project.components.find((c): c is javascript.TypescriptConfig =>
    c instanceof javascript.TypescriptConfig && c.fileName === 'examples/tsconfig.json');
  examplesTsconfig?.addExclude('apps');
  project.eslint?.addOverride({
    files: ['examples/apps/**/*.ts'],
    rules: { 'import/no-unresolved': 'off', 'import/no-extraneous-dependencies': 'off' },
  });

  const apps = project.addTask('test:apps', {
    description: `Pack the library, install it with aws-cdk-lib ${APPS_CDK_VERSION} into the TypeScript, Python, Java and Go apps in examples/apps/ ` +
      'as users do (npm, pip, Maven, Go modules), synthesize each and compare their templates (a few minutes; caches in .apps/)',
    env: {
      APPS_DIR,
      APPS_CDK_VERSION,
      APPS_CONSTRUCTS_VERSION,
    },
  });
  // Compiled again only when the sources, the README or package.json changed since the last .jsii.
  apps.spawn(task('compile'), {
    condition: '[ ! -f .jsii ] || [ -n "$(find src rosetta README.md package.json -newer .jsii -print -quit)" ]',
  });
  apps.spawn(packageJs);
  apps.exec('ts-node --project tools/tsconfig.json tools/packaging/apps.ts');
  // The README's test command (`npx projen build`) runs it as the test task's last step.
  project.testTask.spawn(apps);
}
