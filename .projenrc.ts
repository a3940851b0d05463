import { awscdk, javascript } from 'projen';
import { configurePackaging } from './projenrc/packaging';

const REPOSITORY = 'https://github.com/cdk-stepfunctions-redrive/cdk-stepfunctions-redrive.git';
// Where the test task generates the Python, Java, .NET and Go bindings (code only) to check them.
const BINDINGS_DIR = '.bindings';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-stepfunctions-redrive',
  description:
    'AWS CDK construct that redrives failed AWS Step Functions Standard executions automatically, under a policy: ' +
    'max redrives, backoff, error filters, dry run, a dead-letter queue and least-privilege IAM.',
  author: 'cdk-stepfunctions-redrive maintainers',
  authorAddress: 'maintainers@cdk-stepfunctions-redrive.dev',
  repositoryUrl: REPOSITORY,
  license: 'Apache-2.0',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  // Node.js 20 is end-of-life: the package (the CLI in its bin, synthesis) supports Node.js 22, the oldest LTS,
  // and later. The test command runs on 22 (.ci/run installs it when the machine's is older); so do the workflows.
  minNodeVersion: '22.0.0',
  workflowNodeVersion: '22.x',
  projenrcTs: true,
  keywords: ['cdk', 'awscdk', 'aws-cdk', 'stepfunctions', 'step-functions', 'redrive'],
  // Until 1.0, the API may change in a minor release.
  stability: 'experimental',

  // The lowest aws-cdk-lib that has every API the construct uses (Runtime.NODEJS_22_X among them).
  cdkVersion: '2.177.0',
  constructsVersion: '10.5.1',
  jsiiVersion: '~6.0.0',

  publishToPypi: {
    distName: 'cdk-stepfunctions-redrive',
    module: 'cdk_stepfunctions_redrive',
  },
  publishToMaven: {
    javaPackage: 'io.github.cdkstepfunctionsredrive',
    mavenGroupId: 'io.github.cdk-stepfunctions-redrive',
    mavenArtifactId: 'cdk-stepfunctions-redrive',
  },
  publishToNuget: {
    dotNetNamespace: 'CdkStepFunctionsRedrive',
    packageId: 'CdkStepFunctionsRedrive',
  },
  publishToGo: {
    moduleName: 'github.com/cdk-stepfunctions-redrive/cdk-stepfunctions-redrive-go',
  },

  // The handler lives in lambda/ and is bundled explicitly below.
  lambdaAutoDiscover: false,

  devDeps: [
    // Bundled into the handler asset by esbuild; never runtime dependencies of the library.
    '@aws-lambda-powertools/logger',
    '@aws-lambda-powertools/metrics',
    '@aws-lambda-powertools/tracer',
    '@aws-sdk/client-eventbridge',
    '@aws-sdk/client-scheduler',
    '@aws-sdk/client-sfn',
    '@aws-sdk/client-sqs',
    // Test tooling.
    'cdk-nag@2.38.2',
    'fast-check',
    // The demo's integration test: the alpha that matches the aws-cdk-lib floor, and its runner.
    '@aws-cdk/integ-tests-alpha@2.177.0-alpha.0',
    '@aws-cdk/integ-runner',
  ],

  jestOptions: {
    // Jest 30 resolves modules with unrs-resolver: see eslint-import-resolver-typescript below.
    jestVersion: '^29',
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      // projen adds the default reporter and jest-junit; this one adds a countable closing line.
      reporters: [['<rootDir>/test/support/summary-reporter.js', {}]] as any,
      coveragePathIgnorePatterns: ['/node_modules/', '/test/', '/tools/'],
      // The newest toolchain's aws-cdk-lib and cdk-nag are for a child process, not for Jest's module map.
      modulePathIgnorePatterns: ['<rootDir>/test/toolchains/'],
      testTimeout: 30_000,
    },
  },

  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'core', 'lambda', 'cli', 'tools', 'examples', 'bench', 'projenrc'],
  },

  // .ci/node22/: where .ci/run installs Node.js 22 on a machine whose Node.js is older.
  gitignore: ['cdk.out/', '/assets/', '/.jsii.tabl.json', `/${BINDINGS_DIR}/`, '/.ci/node22/'],
});

// src/shared/ is the contract with the handler and the CLI, which are bundled without aws-cdk-lib.
project.eslint?.addOverride({
  files: ['src/shared/**/*.ts'],
  rules: {
    'no-restricted-imports': ['error', {
      patterns: [{ group: ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs', '../*', '!../shared/*'], message: 'src/shared/ imports nothing from aws-cdk-lib, constructs or the rest of src/.' }],
    }],
  },
});

// Later versions need unrs-resolver, whose other-platform binaries the registry mirror lacks, which
// leaves package-lock.json unusable by `npm ci`. Replaces the unpinned one the ESLint setup adds.
project.deps.removeDependency('eslint-import-resolver-typescript');
project.addDevDeps('eslint-import-resolver-typescript@~3.8.0');

const handlerBundle = project.bundler.addBundle('./lambda/redrive/index.ts', {
  platform: 'node',
  target: 'node22',
  externals: [],
  minify: true,
  sourcemap: false,
});
project.testTask.prependSpawn(handlerBundle.bundleTask);

// The operator CLI: one file with the AWS SDK inside, run by the package's bin. assets/ ships in the
// npm package; the CLI's sources do not.
const cliBundle = project.bundler.addBundle('./cli/index.ts', {
  platform: 'node',
  // The oldest Node.js the package supports (minNodeVersion).
  target: 'node22',
  externals: [],
  minify: true,
  sourcemap: false,
  banner: '#!/usr/bin/env node',
  executable: true,
});
project.addBins({ 'cdk-stepfunctions-redrive': cliBundle.outfile });
// The CLI tests run the bundle as a child process.
project.testTask.prependSpawn(cliBundle.bundleTask);
for (const pattern of ['/examples/', '/core/', '/lambda/', '/cli/', '/tools/', '/bench/', '/.ci/', 'cdk.out/']) {
  project.addPackageIgnore(pattern);
}

// ts-jest only transpiles; type errors in the handler, tests and examples fail the test task here.
const typecheck = project.addTask('typecheck', { description: 'Type-check the core, the handler, the CLI, the tools, the tests and the examples' });
for (const folder of ['core', 'lambda', 'cli', 'tools', 'test', 'examples', 'bench']) typecheck.exec(`tsc --noEmit -p ${folder}/tsconfig.json`);
project.testTask.prependSpawn(typecheck);

// Type-checked folders outside src/ and test/ get their own tsconfig, like test/ has.
for (const folder of ['core', 'lambda', 'cli', 'tools', 'examples', 'bench']) {
  new javascript.TypescriptConfig(project, {
    fileName: `${folder}/tsconfig.json`,
    extends: javascript.TypescriptConfigExtends.fromPaths(['../tsconfig.json']),
    include: ['**/*.ts'],
    exclude: ['node_modules', 'cdk.out'],
    compilerOptions: { noEmit: true, rootDir: '..' },
  });
}

const bench = project.addTask('bench', {
  description: 'Run the benchmarks under bench/ and print their figures beside the baseline (BENCH_QUICK=1 for a quick pass)',
});
bench.spawn(handlerBundle.bundleTask);
bench.exec('ts-node --project bench/tsconfig.json bench/run.ts');

const example = project.addTask('example', {
  description: 'Synthesize the example app in examples/ to CloudFormation and print what it made',
});
example.spawn(handlerBundle.bundleTask);
example.exec('ts-node --project examples/tsconfig.json examples/app.ts');

// test/scenarios/construct/cdk-nag.test.ts also runs the construct with cdk-nag 3 and the newest aws-cdk-lib, installed
// from their own lockfile; again only when the lockfile is newer than the last install.
const NEWEST_TOOLCHAIN = 'test/toolchains/newest';
project.gitignore.addPatterns(`/${NEWEST_TOOLCHAIN}/node_modules/`);
const installNewestToolchain = project.addTask('install:newest-toolchain', {
  description: `Install ${NEWEST_TOOLCHAIN} (the newest aws-cdk-lib and cdk-nag 3, for test/scenarios/construct/cdk-nag.test.ts) from its lockfile`,
  cwd: NEWEST_TOOLCHAIN,
});
installNewestToolchain.exec('[ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund');
project.testTask.prependSpawn(installNewestToolchain);

// test/scenarios/runtimes/node24.test.ts runs the handler bundle and the CLI on Node.js 24, the newest Lambda runtime: the
// npm package `node` (pinned in its lockfile) fetches the binary from the npm registry with its preinstall script, which
// the package.json's allowScripts lets run. Installed again only when the lockfile is newer than the last install.
const NODE24_TOOLCHAIN = 'test/toolchains/node24';
project.gitignore.addPatterns(`/${NODE24_TOOLCHAIN}/node_modules/`);
const installNode24 = project.addTask('install:node24', {
  description: `Install Node.js 24 into ${NODE24_TOOLCHAIN}/node_modules/node/bin/node (for test/scenarios/runtimes/node24.test.ts) from its lockfile`,
  cwd: NODE24_TOOLCHAIN,
});
installNode24.exec('[ node_modules/.package-lock.json -nt package-lock.json ] && node_modules/node/bin/node --version > /dev/null || npm ci --no-audit --no-fund --ignore-scripts=false');
installNode24.exec('node_modules/node/bin/node -e "process.version.startsWith(\'v24.\') || (console.error(\'expected Node.js 24, got \' + process.version), process.exit(1))"', {
  name: 'the binary is Node.js 24',
});
project.testTask.prependSpawn(installNode24);

const demo = project.addTask('demo', {
  description: 'Run the demo in examples/demo/ locally: its synthesized handler against a local stand-in for AWS, in a few seconds',
});
// Skipped when the caller has built the bundle (the test task, whose other tests load it meanwhile).
demo.spawn(handlerBundle.bundleTask, { condition: 'node -e "process.exit(process.env.HANDLER_BUNDLE_BUILT ? 1 : 0)"' });
// Type errors are the typecheck task's; the demo is only transpiled here, to start fast.
demo.exec('ts-node --transpile-only --project examples/tsconfig.json examples/demo/local/run-locally.ts');

// The demo's integration test (examples/demo/integ.*.ts), run by integ-runner. Type errors are the
// typecheck task's; the app is only transpiled here.
const integRunner = 'integ-runner --directory examples/demo --language typescript --app "ts-node --transpile-only --project examples/tsconfig.json {filePath}"';
const integSnapshot = project.addTask('integ:snapshot', {
  description: 'Check that the demo\'s integration test synthesizes to its committed snapshot (no AWS account needed)',
});
integSnapshot.spawn(handlerBundle.bundleTask);
integSnapshot.exec(integRunner);
project.testTask.spawn(integSnapshot);
const integUpdate = project.addTask('integ:update', {
  description: 'Rewrite the demo\'s integration test snapshot when it no longer matches, without deploying',
});
integUpdate.spawn(handlerBundle.bundleTask);
integUpdate.exec(`${integRunner} --update-on-failed --dry-run`);
const integDeploy = project.addTask('integ:deploy', {
  description: 'Deploy the demo to your AWS account (AWS_REGION, us-east-1 unless set), run its assertions, destroy it, and update the snapshot',
});
integDeploy.spawn(handlerBundle.bundleTask);
integDeploy.exec(`${integRunner} --force --update-on-failed --parallel-regions "\${AWS_REGION:-us-east-1}"`);
// integ-runner writes the whole cloud assembly, bundles included: reviews fold it away.
project.gitattributes.addAttributes('/examples/demo/*.snapshot/**', 'linguist-generated');

// In CI (the build runs docgen before test), a generated file that differs from the commit means
// someone forgot to commit what `npx projen` or the build generated.
project.testTask.exec('git diff --ignore-space-at-eol --exit-code -- API.md package.json .projen', {
  name: 'generated files are committed',
  condition: 'node -e "if (!process.env.CI) process.exit(1)"',
});

// Every TypeScript example, in README.md and in the TSDoc (@example), compiles against the fixtures in rosetta/ (strict), or
// the build fails. The translations land in .jsii.tabl.json beside .jsii, where jsii-pacmak reads them: it ships in the npm
// package, from which the release workflow packages the other languages.
project.package.addField('jsiiRosetta', { strict: true });
project.npmignore?.include('/.jsii.tabl.json');
const rosettaExtract = project.addTask('rosetta:extract', {
  description: 'Compile every example in README.md and the TSDoc against rosetta/ and translate them to the jsii languages',
  exec: 'jsii-rosetta extract --strict',
});
project.postCompileTask.spawn(rosettaExtract);

// The bindings of every jsii language, generated as code only (no toolchain needed) from .jsii and its tablet, must carry
// the translated examples; the generated Python must byte-compile.
project.addPackageIgnore(`/${BINDINGS_DIR}/`);
const bindings = project.addTask('test:bindings', {
  description: 'Generate the Python, Java, .NET and Go bindings (code only) and check their code and translated examples',
});
bindings.exec('node -e "require(\'fs\').existsSync(\'.jsii.tabl.json\') || (console.error(\'No .jsii.tabl.json, run npx projen compile and npx projen post-compile first\'), process.exit(1))"', {
  name: 'the assembly and its tablet exist',
});
bindings.exec(`rm -rf ${BINDINGS_DIR}`);
bindings.exec(`jsii-pacmak --code-only --force --rosetta-unknown-snippets fail --outdir ${BINDINGS_DIR} --target python --target java --target dotnet --target go`);
bindings.exec(`python3 -m compileall -q ${BINDINGS_DIR}/python`);
bindings.exec(`ts-node --project test/tsconfig.json test/bindings/check-bindings.ts ${BINDINGS_DIR}`);
project.testTask.spawn(bindings);

// The build packages for npm only, so that it runs on any machine with Node.js; `package-all`
// (Python, Java, .NET, Go, with their toolchains) is the release workflow's.
project.packageTask.reset();
project.packageTask.spawn(project.tasks.tryFind('package:js')!);

// package:js bundles and extracts the examples first, and checks its tarball; test:apps (projenrc/packaging.ts).
configurePackaging(project);

project.synth();

