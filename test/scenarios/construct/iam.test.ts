import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AutoRedrive, AutoRedriveProps, Backoff, Sweep } from '../../../src';
import { newStack, standardStateMachine } from '../../support/stacks';

const SERVICE_PREFIX: Record<string, string> = { 'client-sfn': 'states', 'client-sqs': 'sqs', 'client-scheduler': 'scheduler', 'client-eventbridge': 'events' };

/**
 * The IAM actions of the AWS SDK commands the handler's code sends, read from its source: every
 * module its entry point reaches through relative imports and `require()`s (lambda/redrive/, and the
 * redrive path in core/ that it shares with the CLI), as esbuild bundles it.
 */
function actionsTheHandlerCalls(): Set<string> {
  const actions = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = fs.readFileSync(file, 'utf8');
    for (const [, names, client] of source.matchAll(/import \{([^}]+)\} from '@aws-sdk\/(client-[a-z]+)'/g)) {
      for (const name of names.split(',').map((n) => n.trim()).filter((n) => n.endsWith('Command'))) {
        actions.add(`${SERVICE_PREFIX[client]}:${name.replace(/Command$/, '')}`);
      }
    }
    for (const [, , relative] of source.matchAll(/(from |require\()'(\.\.?\/[^']+)'/g)) {
      const base = path.resolve(path.dirname(file), relative);
      visit([`${base}.ts`, path.join(base, 'index.ts')].find((candidate) => fs.existsSync(candidate))!);
    }
  };
  visit(path.join(__dirname, '..', '..', '..', 'lambda', 'redrive', 'index.ts'));
  return actions;
}

/** What the platform does with the roles on the construct's behalf. */
const PLATFORM_ACTIONS = {
  handler: ['logs:CreateLogStream', 'logs:PutLogEvents', 'iam:PassRole', 'kms:GenerateDataKey', 'kms:Decrypt',
    'xray:PutTraceSegments', 'xray:PutTelemetryRecords',
    // The intake's event source mapping, as the function's role: what Lambda documents it needs from the queue.
    'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
  scheduler: ['sqs:SendMessage', 'kms:GenerateDataKey', 'kms:Decrypt'],
};

/** Resources that end in a wildcard because the names are only known at run time, each scoped to this construct. */
const SCHEDULES_OF_ITS_GROUP = /:scheduler:.+:schedule\/[A-Za-z0-9]+\/\*$/;
const EXECUTIONS_OF_ONE_STATE_MACHINE = /:states:.+:execution:[^*]+:\*$/;
const EXECUTIONS_OF_ONE_NAME_PREFIX = /:states:.+:execution:[^*:]+\*:\*$/;
const EVERY_EXECUTION = /:states:.+:execution:\*$/;
/** The sweep lists the executions of the state machines a prefix selects, or of every one. */
const STATE_MACHINES_OF_ONE_NAME_PREFIX = /:states:.+:stateMachine:[^*:]+\*$/;
const EVERY_STATE_MACHINE = /:states:.+:stateMachine:\*$/;
const UNSCOPABLE = new Set(['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'states:ListStateMachines']);

/** Every statement of every identity policy in the template, with the role it is attached to. */
function statementsByRole(template: any): { role: string; statement: any }[] {
  const stack = new Stack();
  const flatten = (value: unknown): string => typeof value === 'string' ? value : JSON.stringify(stack.resolve(value)).replace(/\{"Ref":"([^"]+)"\}/g, '<$1>')
    .replace(/\{"Fn::GetAtt":\["([^"]+)","([^"]+)"\]\}/g, '<$1.$2>').replace(/\{"Fn::Join":\["",\[(.*?)\]\]\}/g, (_m, parts) => parts.replace(/"/g, '').replace(/,/g, ''));
  return Object.values(template.Resources)
    .filter((resource: any) => ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy'].includes(resource.Type))
    .flatMap((policy: any) => (policy.Properties.Roles ?? []).flatMap((role: any) =>
      policy.Properties.PolicyDocument.Statement.map((statement: any) => ({
        role: role.Ref,
        statement: { ...statement, Resource: [statement.Resource].flat().map(flatten) },
      }))));
}

interface Variant {
  readonly props: (stack: Stack) => AutoRedriveProps;
  /** What is done with the construct after it is created. */
  readonly then?: (autoRedrive: AutoRedrive) => void;
  /** The execution resources the handler may redrive, in order. */
  readonly executions: RegExp[];
  /** The wildcard resources the variant may have: the names they stand for are known only at run time. */
  readonly wildcards: RegExp[];
  /** Whether the handler publishes outcome events. */
  readonly outcomeEvents: boolean;
  /** The state machine resources the sweep may list the executions of, in order; none with the sweep off. */
  readonly stateMachines: RegExp[];
  /** Whether the sweep finds the state machines with ListStateMachines (prefixes, all). */
  readonly listsStateMachines: boolean;
}

const twoStateMachines = (stack: Stack) => [standardStateMachine(stack, 'M'), standardStateMachine(stack, 'N')];
const LISTED: Pick<Variant, 'executions' | 'wildcards' | 'stateMachines' | 'listsStateMachines'> = {
  executions: [
    /^arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:<M\w+\.Name>:\*$/,
    /^arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:<N\w+\.Name>:\*$/,
  ],
  wildcards: [EXECUTIONS_OF_ONE_STATE_MACHINE, SCHEDULES_OF_ITS_GROUP],
  stateMachines: [/^<M\w+>$/, /^<N\w+>$/],
  listsStateMachines: false,
};

const VARIANTS: [string, Variant][] = [
  ['defaults', { props: (stack) => ({ stateMachines: twoStateMachines(stack) }), ...LISTED, outcomeEvents: false }],
  ['no backoff', { props: (stack) => ({ stateMachines: twoStateMachines(stack), backoff: Backoff.none() }), ...LISTED, outcomeEvents: false }],
  ['a customer managed key, tracing, a custom bus', {
    props: (stack) => ({
      stateMachines: twoStateMachines(stack),
      encryptionKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }),
      tracing: lambda.Tracing.ACTIVE,
      outcomeEventBus: new events.EventBus(stack, 'Bus'),
    }),
    ...LISTED,
    outcomeEvents: false,
  }],
  ['outcomeEvents: true', { props: (stack) => ({ stateMachines: twoStateMachines(stack), outcomeEvents: true }), ...LISTED, outcomeEvents: true }],
  ['an on*() method called, and a custom bus', {
    props: (stack) => ({ stateMachines: twoStateMachines(stack), outcomeEventBus: new events.EventBus(stack, 'Bus') }),
    then: (autoRedrive) => autoRedrive.onExhausted('Ticket'),
    ...LISTED,
    outcomeEvents: true,
  }],
  ['name prefixes', {
    props: () => ({ stateMachineNamePrefixes: ['orders-', 'billing'] }),
    executions: [
      /^arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:orders-\*:\*$/,
      /^arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:billing\*:\*$/,
    ],
    wildcards: [EXECUTIONS_OF_ONE_NAME_PREFIX, STATE_MACHINES_OF_ONE_NAME_PREFIX, SCHEDULES_OF_ITS_GROUP],
    outcomeEvents: false,
    stateMachines: [
      /^arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:stateMachine:orders-\*$/,
      /^arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:stateMachine:billing\*$/,
    ],
    listsStateMachines: true,
  }],
  ['name prefixes, the sweep off', {
    props: () => ({ stateMachineNamePrefixes: ['orders-'], sweep: Sweep.off() }),
    executions: [/^arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:orders-\*:\*$/],
    wildcards: [EXECUTIONS_OF_ONE_NAME_PREFIX, SCHEDULES_OF_ITS_GROUP],
    outcomeEvents: false,
    stateMachines: [],
    listsStateMachines: false,
  }],
  ['every state machine, with outcome events', {
    props: () => ({ allStateMachines: true, outcomeEvents: true }),
    executions: [/^arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:\*$/],
    wildcards: [EVERY_EXECUTION, EVERY_STATE_MACHINE, SCHEDULES_OF_ITS_GROUP],
    outcomeEvents: true,
    stateMachines: [/^arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:stateMachine:\*$/],
    listsStateMachines: true,
  }],
  ['the sweep off', {
    props: (stack) => ({ stateMachines: twoStateMachines(stack), sweep: Sweep.off() }),
    ...LISTED,
    stateMachines: [],
    outcomeEvents: false,
  }],
];

describe.each(VARIANTS)('every IAM statement the construct makes, with %s', (_name, variant) => {
  const stack = newStack();
  const autoRedrive = new AutoRedrive(stack, 'AutoRedrive', variant.props(stack));
  variant.then?.(autoRedrive);
  const template = Template.fromStack(stack).toJSON();
  /** The logical id of the role the service assumes. */
  const roleAssumedBy = (service: string) => Object.entries<any>(template.Resources)
    .find(([, resource]) => resource.Type === 'AWS::IAM::Role' && JSON.stringify(resource.Properties.AssumeRolePolicyDocument).includes(service))![0];
  const handlerRole = roleAssumedBy('lambda.amazonaws.com');
  const schedulerRole = roleAssumedBy('scheduler.amazonaws.com');
  const statements = statementsByRole(template).filter(({ role }) => role.startsWith('AutoRedrive'));
  const called = actionsTheHandlerCalls();
  const handlerStatements = statements.filter(({ role }) => role === handlerRole).map(({ statement }) => statement);
  const handlerActions = new Set(handlerStatements.flatMap((statement) => [statement.Action].flat()));
  const [handlerFunction] = Object.entries<any>(template.Resources).filter(([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith('AutoRedriveHandler'));
  const environment = handlerFunction[1].Properties.Environment.Variables;

  test('allows only, never denies, and is attached to the construct\'s two roles', () => {
    expect(statements.length).toBeGreaterThan(0);
    expect(new Set(statements.map(({ role }) => role))).toEqual(new Set([handlerRole, schedulerRole]));
    for (const { statement } of statements) expect(statement.Effect).toBe('Allow');
  });

  test('grants no action the construct does not use', () => {
    for (const { role, statement } of statements) {
      const allowed = role === schedulerRole ? new Set(PLATFORM_ACTIONS.scheduler) : new Set([...called, ...PLATFORM_ACTIONS.handler]);
      for (const action of [statement.Action].flat()) {
        expect({ role, action, used: allowed.has(action) }).toEqual({ role, action, used: true });
      }
    }
  });

  test('has no wildcard resource that could be scoped', () => {
    for (const { statement } of statements) {
      const actions = [statement.Action].flat();
      for (const resource of statement.Resource) {
        if (!resource.includes('*')) continue;
        const acceptable = actions.every((action: string) => UNSCOPABLE.has(action)) ? resource === '*' : variant.wildcards.some((pattern) => pattern.test(resource));
        expect({ actions, resource, acceptable }).toEqual({ actions, resource, acceptable: true });
      }
    }
  });

  test('the handler may call every action its code sends; PutEvents exactly when it is told to publish outcome events', () => {
    expect(called).toContain('events:PutEvents');
    for (const action of called) {
      const expected = action === 'events:PutEvents' ? variant.outcomeEvents
        : action === 'states:ListStateMachines' ? variant.listsStateMachines
          : action === 'states:ListExecutions' ? variant.stateMachines.length > 0
            : true;
      expect({ action, granted: handlerActions.has(action) }).toEqual({ action, granted: expected });
    }
    expect(environment.AUTO_REDRIVE_OUTCOME_EVENTS).toBe(String(variant.outcomeEvents));
  });

  test('the handler may look at and redrive the executions of each watched state machine, together, and nothing else of Step Functions', () => {
    const stepFunctions = handlerStatements.filter((statement) => [statement.Action].flat().some((action: string) => action.startsWith('states:')));
    const expected = [
      ['states:RedriveExecution', 'states:DescribeExecution'],
      ...(variant.stateMachines.length > 0 ? ['states:ListExecutions'] : []),
      ...(variant.listsStateMachines ? ['states:ListStateMachines'] : []),
    ];
    expect(stepFunctions.map((statement) => statement.Action)).toHaveLength(expected.length);
    expect(stepFunctions.map((statement) => statement.Action)).toEqual(expect.arrayContaining(expected));
    const executions = stepFunctions.find((statement) => Array.isArray(statement.Action));
    expect(executions.Resource).toEqual(variant.executions.map((pattern) => expect.stringMatching(pattern)));
  });

  test('with the sweep on, the handler may list the executions of the watched state machines only, and the state machines only to find them', () => {
    const listExecutions = handlerStatements.filter((statement) => statement.Action === 'states:ListExecutions');
    expect(listExecutions.flatMap((statement) => statement.Resource)).toEqual(variant.stateMachines.map((pattern) => expect.stringMatching(pattern)));
    const listStateMachines = handlerStatements.filter((statement) => statement.Action === 'states:ListStateMachines');
    expect(listStateMachines.flatMap((statement) => statement.Resource)).toEqual(variant.listsStateMachines ? ['*'] : []);
  });

  test('the handler may create schedules in its own group, passing the scheduler role only, whatever the backoff', () => {
    expect(handlerActions).toContain('scheduler:CreateSchedule');
    expect(handlerActions).toContain('iam:PassRole');
    const passRole = handlerStatements.find((statement) => statement.Action === 'iam:PassRole');
    expect(passRole.Resource).toEqual([`<${schedulerRole}.Arn>`]);
    expect(passRole.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } });
  });

  test('the handler does not read the rules', () => {
    expect([...handlerActions].filter((action) => action.startsWith('events:'))).toEqual(variant.outcomeEvents ? ['events:PutEvents'] : []);
  });
});
