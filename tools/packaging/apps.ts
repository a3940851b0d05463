/**
 * The language apps test (`npx projen test:apps`): the same stack, written in TypeScript, Python, Java and Go
 * (examples/apps/), installed the way users install it, synthesizes to the same template in all four.
 *
 * - TypeScript: a fresh npm app installs the library's tarball (dist/js, packed by package:js before this runs) with
 *   aws-cdk-lib, constructs, the newest TypeScript (7), tsx and the aws-cdk CLI; `tsc` type-checks the app, `cdk synth`
 *   runs it with tsx (cdk.json). The same app runs `npx cdk-stepfunctions-redrive --version` and synthesizes the
 *   README's complete stack.
 * - Python: `jsii-pacmak --target python` builds the wheel; a venv pip-installs it with aws-cdk-lib and constructs.
 * - Java: `jsii-pacmak --target java` writes a Maven repository (dist/java); Maven takes the library from it as a
 *   file:// repository and aws-cdk-lib and constructs from Maven Central.
 * - Go: `jsii-pacmak --code-only --target go` generates the module; the app's go.mod replaces the module path with it
 *   and takes aws-cdk-go from the module proxy.
 *
 * Each app synthesizes (TypeScript through the CDK CLI, the others run with CDK_OUTDIR set, as the CLI would); every
 * template must equal the TypeScript app's, Metadata and asset hashes aside. The versions come from the task's
 * environment (projenrc/packaging.ts): APPS_CDK_VERSION, APPS_CONSTRUCTS_VERSION.
 * Everything lands in APPS_DIR (.apps/): work/ is made anew each run, cache/ (npm, pip and the Python venv, Maven,
 * Go modules and builds) is kept, so that a second run is quick. Delete .apps/ for a cold run.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { missingFromTarball } from './check-npm-package';
import { PYTHON_APP, PYTHON_SECTION, REPO_ROOT, readmeCodeBlock } from './readme';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run this through \`npx projen test:apps\``);
  return value;
}

const CDK_VERSION = required('APPS_CDK_VERSION');
const CONSTRUCTS_VERSION = required('APPS_CONSTRUCTS_VERSION');
const DIR = path.resolve(REPO_ROOT, required('APPS_DIR'));
const WORK = path.join(DIR, 'work');
const CACHE = path.join(DIR, 'cache');
const LOGS = path.join(WORK, 'logs');
const OUT = path.join(WORK, 'out');
const DIST = path.join(WORK, 'dist');
const SOURCES = path.join(REPO_ROOT, 'examples', 'apps');
const STACK = 'RedriveStack';

const PKG = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
const TARBALL = path.join(REPO_ROOT, 'dist', 'js', `${PKG.name}@${PKG.version}.jsii.tgz`);
const GO_MODULE = 'github.com/cdk-stepfunctions-redrive/cdk-stepfunctions-redrive-go/cdkstepfunctionsredrive';
const MAVEN_GROUP_PATH = path.join('io', 'github', 'cdk-stepfunctions-redrive');
// The generated go.mod requires awscliv1 at the version of @aws-cdk/asset-awscli-v1 in this repository's lockfile
// (v2.2.296), which the Go module proxy here refuses (403 "not available"); the stack uses nothing of it.
const AWSCLI_GO = 'github.com/cdklabs/awscdk-asset-awscli-go/awscliv1/v2';
const AWSCLI_GO_SERVED = 'v2.2.292';

const CACHES = {
  npm_config_cache: path.join(CACHE, 'npm'),
  PIP_CACHE_DIR: path.join(CACHE, 'pip'),
  GOMODCACHE: path.join(CACHE, 'go', 'mod'),
  GOCACHE: path.join(CACHE, 'go', 'build'),
};
const ENV: NodeJS.ProcessEnv = {
  ...process.env,
  ...CACHES,
  // -modcacherw: the module cache can be deleted with rm -rf.
  GOFLAGS: [process.env.GOFLAGS, '-modcacherw'].filter(Boolean).join(' '),
  GOTOOLCHAIN: 'local',
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
  CDK_DISABLE_CLI_TELEMETRY: 'true',
};

const timings: Array<{ step: string; seconds: number }> = [];

/** Runs a command, its output in logs/<step>.log; fails with the log's end. */
function run(step: string, command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<string> {
  const started = Date.now();
  const log = path.join(LOGS, `${step}.log`);
  fs.writeFileSync(log, `$ (cd ${options.cwd} && ${command} ${args.join(' ')})\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: { ...ENV, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; fs.appendFileSync(log, chunk); });
    child.stderr.on('data', (chunk) => fs.appendFileSync(log, chunk));
    child.on('error', (error) => reject(new Error(`${step}: ${command}: ${error.message}`)));
    child.on('close', (code) => {
      const seconds = (Date.now() - started) / 1000;
      if (code !== 0) {
        const tail = fs.readFileSync(log, 'utf8').trimEnd().split('\n').slice(-40).join('\n');
        reject(new Error(`${step} failed (exit ${code}) after ${seconds.toFixed(1)} s; the end of ${path.relative(REPO_ROOT, log)}:\n${tail}`));
        return;
      }
      timings.push({ step, seconds });
      console.log(`  ${step.padEnd(28)} ${seconds.toFixed(1).padStart(6)} s`);
      resolve(stdout);
    });
  });
}

function copy(from: string, to: string): void {
  fs.cpSync(from, to, { recursive: true });
}

/** The README's Python example is the Python app, word for word. */
function checkReadmePython(): void {
  const app = fs.readFileSync(PYTHON_APP, 'utf8');
  if (readmeCodeBlock(PYTHON_SECTION, 'python') !== app) {
    throw new Error(`README.md's python block under "${PYTHON_SECTION}" differs from ${path.relative(REPO_ROOT, PYTHON_APP)}: copy the app into the README`);
  }
}

async function typescriptApp(): Promise<void> {
  const app = path.join(WORK, 'apps', 'typescript');
  fs.mkdirSync(app, { recursive: true });
  copy(path.join(SOURCES, 'typescript', 'app.ts'), path.join(app, 'app.ts'));
  copy(path.join(SOURCES, 'typescript', 'tsconfig.json'), path.join(app, 'tsconfig.json'));
  // The README's complete stack, as a user copies it (its App synthesizes when the CDK CLI runs it).
  fs.writeFileSync(path.join(app, 'readme-stack.ts'), readmeCodeBlock('## A complete stack', 'ts'));
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'redrive-app', version: '0.1.0', private: true }, undefined, 2));
  // ts-node, which `cdk init` writes into cdk.json, fails with TypeScript 7 (it has no JavaScript API): tsx runs the app.
  fs.writeFileSync(path.join(app, 'cdk.json'), JSON.stringify({ app: 'npx tsx app.ts' }, undefined, 2));
  await run('ts-npm-install', 'npm', ['install', TARBALL, `aws-cdk-lib@${CDK_VERSION}`, `constructs@${CONSTRUCTS_VERSION}`,
    'typescript@latest', 'tsx@latest', 'aws-cdk@latest'], { cwd: app });

  const typescript = JSON.parse(fs.readFileSync(path.join(app, 'node_modules', 'typescript', 'package.json'), 'utf8')).version;
  const installed = (name: string) => JSON.parse(fs.readFileSync(path.join(app, 'node_modules', name, 'package.json'), 'utf8')).version;
  console.log(`  (TypeScript ${typescript}, tsx ${installed('tsx')}, the aws-cdk CLI ${installed('aws-cdk')})`);
  if (Number(typescript.split('.')[0]) < 7) throw new Error(`typescript@latest installed ${typescript}; the README's TypeScript 7 advice is what this app checks`);

  const bin = (name: string) => path.join(app, 'node_modules', '.bin', name);
  await run('ts-tsc', bin('tsc'), ['-p', '.'], { cwd: app });
  const version = (await run('ts-cli-version', 'npx', ['--no-install', 'cdk-stepfunctions-redrive', '--version'], { cwd: app })).trim();
  if (version !== PKG.version) throw new Error(`npx cdk-stepfunctions-redrive --version printed "${version}", not ${PKG.version}`);
  // Without the CDKMetadata resource (version reporting), which only the CLI adds.
  const cdk = [bin('cdk'), 'synth', '--no-notices', '--quiet', '--no-version-reporting'];
  await run('ts-cdk-synth', cdk[0], [...cdk.slice(1), '--output', path.join(OUT, 'typescript')], { cwd: app });
  await run('ts-cdk-synth-readme-stack', cdk[0], [...cdk.slice(1), '--app', 'npx tsx readme-stack.ts', '--output', path.join(OUT, 'readme')], { cwd: app });
  checkReadmeStack(readTemplate(path.join(OUT, 'readme', 'OrdersStack.template.json')));
}

/** The README's stack: its state machine, watched by an AutoRedrive in dry run. */
function checkReadmeStack(template: any): void {
  const resources = Object.values<any>(template.Resources ?? {});
  const machines = resources.filter((r) => r.Type === 'AWS::StepFunctions::StateMachine');
  const policies = resources.map((r) => r.Properties?.Environment?.Variables?.AUTO_REDRIVE_POLICY).filter(Boolean);
  if (machines.length !== 1 || policies.length !== 1 || JSON.parse(policies[0]).dryRun !== true) {
    throw new Error(`the README's OrdersStack has ${machines.length} state machines and ${policies.length} AutoRedrive handlers (wanted 1, in dry run)`);
  }
}

async function pythonApp(wheel: string): Promise<void> {
  // The venv with aws-cdk-lib (400 MB installed) is kept between runs, per version; the library is installed anew.
  const venv = path.join(CACHE, 'python', `venv-cdk-${CDK_VERSION}-constructs-${CONSTRUCTS_VERSION}`);
  const python = path.join(venv, 'bin', 'python');
  const ready = path.join(venv, '.aws-cdk-lib-installed');
  if (!fs.existsSync(ready)) {
    fs.rmSync(venv, { recursive: true, force: true });
    await run('py-venv', 'python3', ['-m', 'venv', venv], { cwd: WORK });
    await run('py-pip-install-aws-cdk-lib', python, ['-m', 'pip', 'install', `aws-cdk-lib==${CDK_VERSION}`, `constructs==${CONSTRUCTS_VERSION}`], { cwd: WORK });
    fs.writeFileSync(ready, '');
  }
  await run('py-pip-uninstall-previous', python, ['-m', 'pip', 'uninstall', '--yes', PKG.name], { cwd: WORK });
  await run('py-pip-install', python, ['-m', 'pip', 'install', `aws-cdk-lib==${CDK_VERSION}`, `constructs==${CONSTRUCTS_VERSION}`, wheel], { cwd: WORK });
  const app = path.join(WORK, 'apps', 'python');
  fs.mkdirSync(app, { recursive: true });
  copy(PYTHON_APP, path.join(app, 'app.py'));
  await run('py-synth', python, ['app.py'], { cwd: app, env: { CDK_OUTDIR: path.join(OUT, 'python') } });
}

async function javaApp(): Promise<void> {
  const m2 = path.join(CACHE, 'm2');
  // Maven never fetches a release again: take this run's jar from dist/java, not the one a previous run cached.
  fs.rmSync(path.join(m2, MAVEN_GROUP_PATH), { recursive: true, force: true });
  const app = path.join(WORK, 'apps', 'java');
  copy(path.join(SOURCES, 'java'), app);
  await run('java-mvn-compile-synth', 'mvn', ['--batch-mode', '--no-transfer-progress', `-Dmaven.repo.local=${m2}`,
    `-Dcdk.version=${CDK_VERSION}`, `-Dconstructs.version=${CONSTRUCTS_VERSION}`, `-Dredrive.version=${PKG.version}`,
    `-Dredrive.repo=file://${path.join(DIST, 'java')}`, 'compile', 'exec:java'], { cwd: app, env: { CDK_OUTDIR: path.join(OUT, 'java') } });
}

async function goApp(): Promise<void> {
  await run('go-pacmak', 'npx', ['jsii-pacmak', '--code-only', '--target', 'go', '--outdir', DIST], { cwd: REPO_ROOT });
  const app = path.join(WORK, 'apps', 'go');
  fs.mkdirSync(app, { recursive: true });
  copy(path.join(SOURCES, 'go', 'main.go'), path.join(app, 'main.go'));
  await run('go-mod-init', 'go', ['mod', 'init', 'example.com/redrive-app'], { cwd: app });
  await run('go-mod-edit', 'go', ['mod', 'edit',
    `-require=github.com/aws/aws-cdk-go/awscdk/v2@v${CDK_VERSION}`,
    `-require=github.com/aws/constructs-go/constructs/v10@v${CONSTRUCTS_VERSION}`,
    `-require=${GO_MODULE}@v${PKG.version}`,
    `-replace=${GO_MODULE}=${path.join(DIST, 'go', 'cdkstepfunctionsredrive')}`,
    `-replace=${AWSCLI_GO}=${AWSCLI_GO}@${AWSCLI_GO_SERVED}`], { cwd: app });
  await run('go-mod-tidy', 'go', ['mod', 'tidy'], { cwd: app });
  await run('go-build', 'go', ['build', '-o', 'redrive-app', '.'], { cwd: app });
  await run('go-synth', path.join(app, 'redrive-app'), [], { cwd: app, env: { CDK_OUTDIR: path.join(OUT, 'go') } });
}

function readTemplate(file: string): any {
  if (!fs.existsSync(file)) throw new Error(`no ${path.relative(REPO_ROOT, file)}: the app synthesized nothing there`);
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** A template without its Metadata (the template's and each resource's), asset hashes replaced, keys sorted. */
export function normalizeTemplate(value: any, isTemplateOrResource = true): any {
  if (Array.isArray(value)) return value.map((item) => normalizeTemplate(item, false));
  if (typeof value === 'string') return value.replace(/\b[0-9a-f]{64}\b/g, '<asset hash>');
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.keys(value).sort()
    .filter((key) => !(key === 'Metadata' && isTemplateOrResource))
    .map((key) => [key, key === 'Resources' && isTemplateOrResource
      ? Object.fromEntries(Object.keys(value[key]).sort().map((id) => [id, normalizeTemplate(value[key][id], true)]))
      : normalizeTemplate(value[key], false)]));
}

/** The stack each app writes: two AutoRedrives, the topic, the alarm; then the same template from every language. */
async function compareTemplates(languages: string[]): Promise<void> {
  const compareDir = path.join(WORK, 'compare');
  fs.mkdirSync(compareDir, { recursive: true });
  const reference = readTemplate(path.join(OUT, 'typescript', `${STACK}.template.json`));
  const resources = Object.values<any>(reference.Resources);
  const count = (type: string) => resources.filter((r) => r.Type === type).length;
  const handlers = resources.filter((r) => r.Properties?.Environment?.Variables?.AUTO_REDRIVE_POLICY).length;
  if (handlers !== 2 || count('AWS::SNS::Topic') !== 1 || !resources.some((r) => r.Type === 'AWS::CloudWatch::Alarm' && r.Properties.MetricName === 'Failed')) {
    throw new Error(`the TypeScript app's ${STACK} is not the stack of examples/apps/ (${handlers} AutoRedrive handlers, ${count('AWS::SNS::Topic')} topics)`);
  }
  const files: Record<string, string> = {};
  for (const language of ['typescript', ...languages]) {
    files[language] = path.join(compareDir, `${language}.json`);
    fs.writeFileSync(files[language], JSON.stringify(normalizeTemplate(readTemplate(path.join(OUT, language, `${STACK}.template.json`))), undefined, 1) + '\n');
  }
  const differences: string[] = [];
  for (const language of languages) {
    try {
      await run(`compare-${language}`, 'diff', ['-u', files.typescript, files[language]], { cwd: compareDir });
    } catch {
      const diff = fs.readFileSync(path.join(LOGS, `compare-${language}.log`), 'utf8').split('\n').slice(1, 120).join('\n');
      differences.push(`The ${language} app's template differs from the TypeScript app's (Metadata and asset hashes aside):\n${diff}`);
    }
  }
  if (differences.length > 0) throw new Error(differences.join('\n\n'));
  console.log(`  ${STACK}: the TypeScript, ${languages.join(', ')} templates are the same (${resources.length} resources)`);
}

async function main(): Promise<void> {
  const started = Date.now();
  checkReadmePython();
  const missing = fs.existsSync(TARBALL) ? missingFromTarball(TARBALL, ['assets/lambda/redrive/index/index.js', '.jsii.tabl.json']) : ['the tarball'];
  if (missing.length > 0) throw new Error(`${path.relative(REPO_ROOT, TARBALL)} lacks ${missing.join(', ')}: run npx projen package:js`);

  fs.rmSync(WORK, { recursive: true, force: true });
  for (const dir of [LOGS, OUT, DIST, ...Object.values(CACHES)]) fs.mkdirSync(dir, { recursive: true });
  console.log(`Apps with aws-cdk-lib ${CDK_VERSION} and constructs ${CONSTRUCTS_VERSION}, in ${path.relative(REPO_ROOT, WORK)}/ (logs in logs/):`);

  // Two lanes on two cores: the Go build (CPU-bound, a minute cold) beside the rest, one step after another.
  const lanes = await Promise.allSettled([
    goApp(),
    (async () => {
      await typescriptApp();
      const m2 = path.join(CACHE, 'm2');
      fs.rmSync(path.join(m2, MAVEN_GROUP_PATH), { recursive: true, force: true });
      await run('pacmak-python-java', 'npx', ['jsii-pacmak', '--target', 'python', '--target', 'java', '--outdir', DIST,
        '--maven-local-repository', m2], { cwd: REPO_ROOT });
      const wheel = fs.readdirSync(path.join(DIST, 'python')).find((file) => file.endsWith('.whl'));
      if (!wheel) throw new Error('jsii-pacmak built no wheel in dist/python');
      await pythonApp(path.join(DIST, 'python', wheel));
      await javaApp();
    })(),
  ]);
  const failures = lanes.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => String(r.reason?.message ?? r.reason));
  if (failures.length > 0) throw new Error(failures.join('\n\n'));

  await compareTemplates(['python', 'java', 'go']);
  const total = (Date.now() - started) / 1000;
  const summary = [...timings.map(({ step, seconds }) => `${step.padEnd(28)} ${seconds.toFixed(1).padStart(6)} s`), `${'total (the lanes overlap)'.padEnd(28)} ${total.toFixed(1).padStart(6)} s`];
  fs.writeFileSync(path.join(WORK, 'timings.txt'), summary.join('\n') + '\n');
  console.log(`Done in ${total.toFixed(0)} s (each step's time: ${path.relative(REPO_ROOT, path.join(WORK, 'timings.txt'))}).`);
}

if (require.main === module) {
  main().catch((error) => {
    console.error(`\n${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
