import * as path from 'path';
import { App, Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { AutoRedrive, AutoRedriveProps } from '../../../src';
import { aMessageNaming } from '../../support/messages';
import { NagFinding, NAG_SCENARIOS, NagScenario, scenarioApp, ScenarioFindings, splitFindings } from '../../support/nag-scenarios';
import { NEWEST_TOOLCHAIN_DIR } from '../../support/newest-toolchain/location';
import { CdkNag3Run, NEWEST_TOOLCHAIN_PACKAGES, newestToolchainVersions, runCdkNag3 } from '../../support/newest-toolchain/run-cdk-nag3';
import { standardStateMachine } from '../../support/stacks';

/** The rules every pack run must report on the non-compliant queue beside the construct. */
const NON_COMPLIANT_QUEUE_RULES = ['AwsSolutions-SQS3', 'AwsSolutions-SQS4', 'Serverless-SQSRedrivePolicy'];
const SCENARIO_NAMES = NAG_SCENARIOS.map((scenario) => scenario.name);
const CDK_NAG_3_SCENARIO_NAMES = NAG_SCENARIOS.filter((scenario) => !scenario.onlyCdkNag2Because).map((scenario) => scenario.name);

/** cdk-nag 2's findings, from the annotations its aspects leave: `<rule>[<finding>]: <message>`. */
function cdkNag2Findings(scenario: NagScenario): ScenarioFindings {
  const { app, stack } = scenarioApp(scenario);
  Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
  Aspects.of(app).add(new ServerlessChecks({ verbose: true }));
  app.synth();
  const annotations = Annotations.fromStack(stack);
  return splitFindings([...annotations.findError('*', Match.anyValue()), ...annotations.findWarning('*', Match.anyValue())]
    .map((annotation): NagFinding => ({ path: annotation.id, rule: /^[\w-]+(\[[^\]]*\])?/.exec(String(annotation.entry.data))![0] })));
}

/** The `cdk_nag` metadata rules of every resource of a new stack with one AutoRedrive. */
function cdkNag2Acknowledgements(props: AutoRedriveProps | ((stack: Stack) => AutoRedriveProps)): any[] {
  const app = new App();
  const stack = new Stack(app, 'NagStack');
  new AutoRedrive(stack, 'AutoRedrive', typeof props === 'function' ? props(stack) : props);
  return Object.values(app.synth().getStackByName('NagStack').template.Resources)
    .flatMap((resource: any) => resource.Metadata?.cdk_nag?.rules_to_suppress ?? []);
}

describe('cdk-nag 2 with the lowest supported aws-cdk-lib: the AwsSolutions and Serverless packs', () => {
  test.each(SCENARIO_NAMES)('find nothing unacknowledged with %s, and the non-compliant queue beside it', (name) => {
    const findings = cdkNag2Findings(NAG_SCENARIOS.find((scenario) => scenario.name === name)!);
    expect(findings.construct).toEqual([]);
    expect(findings.nonCompliantQueueRules).toEqual(NON_COMPLIANT_QUEUE_RULES);
  });

  test.each<[string, AutoRedriveProps, string]>([
    ['name prefixes', { stateMachineNamePrefixes: ['orders-'] }, 'stateMachineNamePrefixes'],
    ['every state machine', { allStateMachines: true }, 'allStateMachines'],
  ])('with %s, the execution, ListExecutions and ListStateMachines wildcards are acknowledged with their own reasons', (_name, props, selection) => {
    const acknowledgements = cdkNag2Acknowledgements(props);
    const regexes = (fragment: string) => acknowledgements.filter((a) => a.applies_to?.[0].regex.includes(fragment));
    const [executions] = regexes(':execution:');
    expect(regexes(':execution:')).toEqual([expect.objectContaining({ id: 'AwsSolutions-IAM5', reason: aMessageNaming(selection) })]);
    expect(regexes(':stateMachine:')).toEqual([expect.objectContaining({ id: 'AwsSolutions-IAM5', reason: aMessageNaming('sweep', selection, 'ListExecutions') })]);
    expect(regexes(':stateMachine:')[0].reason).not.toEqual(executions.reason);
    expect(acknowledgements.filter((a) => a.reason.includes('ListStateMachines'))).toEqual([
      expect.objectContaining({ id: 'AwsSolutions-IAM5', applies_to: [{ regex: '/^Resource::\\*$/' }] }),
    ]);
    for (const acknowledgement of acknowledgements) expect(acknowledgement.reason.length).toBeGreaterThan(40);
  });

  test('every acknowledgement carries a reason', () => {
    const acknowledgements = cdkNag2Acknowledgements((stack) => ({ stateMachines: [standardStateMachine(stack, 'M')] }));
    expect(acknowledgements.map((a) => a.id).sort()).toEqual([
      'AwsSolutions-IAM5', 'AwsSolutions-IAM5',
      'AwsSolutions-SQS3', 'Serverless-LambdaDLQ', 'Serverless-LambdaEventSourceMappingDestination', 'Serverless-LambdaTracing', 'Serverless-SQSRedrivePolicy',
    ]);
    for (const acknowledgement of acknowledgements) expect(acknowledgement.reason.length).toBeGreaterThan(40);
    const wildcards = acknowledgements.filter((a) => a.id === 'AwsSolutions-IAM5').flatMap((a) => a.applies_to.map((x: any) => x.regex));
    expect(wildcards).toEqual(expect.arrayContaining([expect.stringContaining(':execution:'), expect.stringContaining(':schedule\\/')]));
    expect(wildcards.join()).not.toContain(':rule');
  });
});

describe('cdk-nag 3 with the newest aws-cdk-lib: the AwsSolutions and Serverless packs as validation plugins', () => {
  let run: CdkNag3Run;
  beforeAll(async () => {
    run = await runCdkNag3();
  }, 300_000);

  test('ran the versions test/toolchains/newest pins, not the lowest supported aws-cdk-lib', () => {
    const pinned = newestToolchainVersions();
    expect({ awsCdkLib: run.awsCdkLibVersion, cdkNag: run.cdkNagVersion }).toEqual({ awsCdkLib: pinned['aws-cdk-lib'], cdkNag: pinned['cdk-nag'] });
    expect(run.cdkNagVersion).toMatch(/^3\./);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(run.awsCdkLibVersion).not.toEqual(require('aws-cdk-lib/package.json').version);
    expect(run.loadedFrom).toEqual(Object.fromEntries(NEWEST_TOOLCHAIN_PACKAGES.map((name) => [name, [path.join(NEWEST_TOOLCHAIN_DIR, 'node_modules', name)]])));
    expect(run.scenarios.map((scenario) => scenario.name)).toEqual(CDK_NAG_3_SCENARIO_NAMES);
  });

  test.each(NAG_SCENARIOS.filter((scenario) => scenario.onlyCdkNag2Because).map((scenario) => scenario.name))(
    'synthesize %s without the packs, which cannot run on it', (name) => {
      expect(run.withoutPacks[name]).toBe('synthesized');
    });

  test.each(CDK_NAG_3_SCENARIO_NAMES)('find nothing unacknowledged with %s, and the non-compliant queue beside it', (name) => {
    const findings = run.scenarios.find((scenario) => scenario.name === name)!;
    expect(findings.construct).toEqual([]);
    expect(findings.nonCompliantQueueRules).toEqual(NON_COMPLIANT_QUEUE_RULES);
  });

  test.each(CDK_NAG_3_SCENARIO_NAMES)('with %s, acknowledge exactly the cdk_nag metadata\'s rules, with their reasons, AwsSolutions-IAM5 finding by finding', (name) => {
    const { validations, cdkNag2: written } = run.scenarios.find((scenario) => scenario.name === name)!.acknowledgements;
    const user = NAG_SCENARIOS.find((scenario) => scenario.name === name)!.userAcknowledgementWrittenToTemplate;
    const cdkNag2 = written.filter((acknowledgement) => !user || acknowledgement !== `${user.id}: ${user.reason}`);
    if (user) expect(written).toContain(`${user.id}: ${user.reason}`);
    const withoutFinding = (acknowledgement: string) => acknowledgement.replace(/^([\w-]+)\[[^\]]*\]: /, '$1: ');
    expect([...new Set(validations.map(withoutFinding))].sort()).toEqual([...new Set(cdkNag2)].sort());
    expect(validations.filter((acknowledgement) => acknowledgement.startsWith('AwsSolutions-IAM5:'))).toEqual([]);
    expect(validations).toEqual(expect.arrayContaining([expect.stringMatching(/^AwsSolutions-IAM5\[Resource::arn:<AWS::Partition>:scheduler:.+\/\*\]: /)]));
  });
});
