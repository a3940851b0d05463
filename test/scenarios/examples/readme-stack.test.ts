import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';

const PACKAGE_NAME = 'cdk-stepfunctions-redrive';

/** The README's "A complete stack" code, as a user copies it into an app. */
function readmeStackSource(): string {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
  const section = readme.split('\n## A complete stack\n')[1]?.split('\n## ')[0];
  const code = section?.match(/```ts[^\n]*\n([\s\S]*?)```/)?.[1];
  if (!code) throw new Error('README.md has no TypeScript block under "## A complete stack"');
  return code;
}

/** Loads the code with its imports resolved as in a user's app: the package is this repository's src/. */
function loadAsUserApp(source: string): Record<string, any> {
  const resolved = source.replace(/from '([^'.][^']*)'/g, (_all, specifier: string) =>
    `from '${specifier === PACKAGE_NAME ? path.join(__dirname, '..', '..', '..', 'src') : require.resolve(specifier)}'`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-stack-'));
  const file = path.join(dir, 'app.ts');
  fs.writeFileSync(file, resolved);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(file);
}

describe('the README\'s complete stack', () => {
  const source = readmeStackSource();

  test('imports only aws-cdk-lib, constructs and the package, as a user\'s app would', () => {
    const specifiers = [...source.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
    expect(specifiers).toContain(PACKAGE_NAME);
    for (const specifier of specifiers) expect(specifier).toMatch(/^(aws-cdk-lib(\/.*)?|constructs|cdk-stepfunctions-redrive)$/);
  });

  test('synthesizes a stack with the state machine watched, in dry run', () => {
    const { OrdersStack } = loadAsUserApp(source);
    const stack: Stack = new OrdersStack(new App(), 'OrdersStack');
    const template = Template.fromStack(stack);
    const [machineId] = Object.keys(template.findResources('AWS::StepFunctions::StateMachine'));
    const rules = Object.values(template.findResources('AWS::Events::Rule'));
    expect(rules).toHaveLength(1);
    expect(JSON.stringify(rules[0].Properties.EventPattern.detail.stateMachineArn)).toContain(machineId);
    const handler = Object.values(template.findResources('AWS::Lambda::Function'))
      .find((fn: any) => fn.Properties.Environment?.Variables?.AUTO_REDRIVE_POLICY);
    expect(handler).toBeDefined();
    expect(JSON.parse(handler!.Properties.Environment.Variables.AUTO_REDRIVE_POLICY)).toMatchObject({ dryRun: true, maxRedrives: 3 });
  });
});
