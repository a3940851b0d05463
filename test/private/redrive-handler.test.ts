import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { AutoRedrive, AutoRedriveProps } from '../../src';
import { RedriveHandler } from '../../src/private/redrive-handler';
import { expectGranted } from '../support/grants';
import { handlerRoleStatements, synthAutoRedrive } from '../support/stacks';

describe('the function', () => {
  test('keeps the logical ID it had as AutoRedrive/Handler, so an upgrade updates it in place', () => {
    const { template, autoRedrive, stack } = synthAutoRedrive();
    const [functionId] = Object.keys(template.findResources('AWS::Lambda::Function'));
    // Where the function was before RedriveHandler wrapped it: a lambda.Function with the id Handler, directly under the AutoRedrive.
    const before = new Stack(new App(), stack.stackName);
    const resource = new CfnResource(new Construct(new Construct(before, autoRedrive.node.id), 'Handler'), 'Resource', { type: 'AWS::Lambda::Function' });
    expect(functionId).toBe(before.getLogicalId(resource));
  });
});

describe('every grant to the handler or scheduler role returns an iam.Grant', () => {
  test('publishing outcome events: one grant, the same however often it is asked for, with the environment that turns them on', () => {
    const stack = new Stack();
    const autoRedrive = new AutoRedrive(stack, 'AutoRedrive', { stateMachineNamePrefixes: ['orders-'] });
    const handler = (autoRedrive as any).redriveHandler as RedriveHandler;
    const grant = handler.publishOutcomeEvents();
    expectGranted(grant, ['events:PutEvents']);
    expect(handler.publishOutcomeEvents()).toBe(grant);
    expect(autoRedrive.onOutcome('Everything')).toBeDefined();
    expect(handler.publishOutcomeEvents()).toBe(grant);
    const [fn] = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function')) as any[];
    expect(fn.Properties.Environment.Variables.AUTO_REDRIVE_OUTCOME_EVENTS).toBe('true');
  });
});

describe('tracing', () => {
  const xrayStatements = (template: Template) => handlerRoleStatements(template).filter((statement: any) => JSON.stringify(statement.Action).includes('xray:'));
  const tracingVariable = (template: Template) => {
    const [fn] = Object.values(template.findResources('AWS::Lambda::Function')) as any[];
    return fn.Properties.Environment.Variables.AUTO_REDRIVE_TRACING;
  };

  test.each<[string, Partial<AutoRedriveProps>]>([
    ['by default', {}],
    ['with Tracing.DISABLED', { tracing: lambda.Tracing.DISABLED }],
  ])('no tracing %s: no tracing config, no X-Ray permission, the handler not told', (_name, props) => {
    const { template } = synthAutoRedrive(props);
    template.resourcePropertiesCountIs('AWS::Lambda::Function', { TracingConfig: Match.anyValue() }, 0);
    expect(xrayStatements(template)).toEqual([]);
    expect(tracingVariable(template)).toBeUndefined();
  });

  test.each<[lambda.Tracing, string]>([
    [lambda.Tracing.ACTIVE, 'Active'],
    [lambda.Tracing.PASS_THROUGH, 'PassThrough'],
  ])('tracing %s: the function\'s mode, the X-Ray permission, and the handler told to annotate its trace', (tracing, mode) => {
    const { template } = synthAutoRedrive({ tracing });
    template.hasResourceProperties('AWS::Lambda::Function', { TracingConfig: { Mode: mode } });
    expect(xrayStatements(template)).toEqual([expect.objectContaining({ Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' })]);
    expect(tracingVariable(template)).toBe('true');
  });
});
