import { App, Stack, Stage } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { AutoRedrive } from '../../src';
import { aMessageNaming } from '../support/messages';
import { standardStateMachine } from '../support/stacks';

const ID = 'cdk-stepfunctions-redrive:StateMachineWatchedTwice';
const US_EAST_1 = { account: '123456789012', region: 'us-east-1' };

/** The watched-twice warnings of each construct, by path. */
function warnings(...stacks: Stack[]): Record<string, string[]> {
  const found: Record<string, string[]> = {};
  for (const stack of stacks) {
    for (const warning of Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp(ID))) {
      (found[warning.id] ??= []).push(String(warning.entry.data));
    }
  }
  return found;
}

describe('two AutoRedrive constructs watching the same state machine', () => {
  test('the same state machine in two lists: each is warned once, naming the other', () => {
    const stack = new Stack(new App(), 'TestStack');
    const machine = standardStateMachine(stack, 'Orders');
    new AutoRedrive(stack, 'A', { stateMachines: [machine] });
    new AutoRedrive(stack, 'B', { stateMachines: [standardStateMachine(stack, 'Billing'), machine] });
    const found = warnings(stack);
    expect(Object.keys(found).sort()).toEqual(['/TestStack/A', '/TestStack/B']);
    expect(found['/TestStack/A']).toEqual([aMessageNaming('TestStack/B', 'TestStack/Orders', ID)]);
    expect(found['/TestStack/B']).toEqual([aMessageNaming('TestStack/A', 'TestStack/Orders', ID)]);
  });

  test('the same ARN imported in two stacks of the same account and Region', () => {
    const app = new App();
    const arn = 'arn:aws:states:us-east-1:123456789012:stateMachine:orders';
    const first = new Stack(app, 'First', { env: US_EAST_1 });
    const second = new Stack(app, 'Second', { env: US_EAST_1 });
    new AutoRedrive(first, 'A', { stateMachines: [sfn.StateMachine.fromStateMachineArn(first, 'Orders', arn)] });
    new AutoRedrive(second, 'B', { stateMachines: [sfn.StateMachine.fromStateMachineName(second, 'Orders', 'orders')] });
    const found = warnings(first, second);
    expect(found['/First/A']).toEqual([aMessageNaming('Second/B', 'First/Orders', 'Second/Orders', '"orders"')]);
    expect(found['/Second/B']).toEqual([aMessageNaming('First/A', 'Second/Orders', 'First/Orders', '"orders"')]);
  });

  test('a listed state machine whose name starts with another construct\'s prefix', () => {
    const stack = new Stack(new App(), 'TestStack', { env: US_EAST_1 });
    new AutoRedrive(stack, 'Listed', { stateMachines: [standardStateMachine(stack, 'Orders', { stateMachineName: 'orders-eu' })] });
    new AutoRedrive(stack, 'ByPrefix', { stateMachineNamePrefixes: ['billing', 'orders-'] });
    const found = warnings(stack);
    expect(found['/TestStack/Listed']).toEqual([aMessageNaming('TestStack/ByPrefix', 'TestStack/Orders', '"orders-eu"', '"orders-"')]);
    expect(found['/TestStack/ByPrefix']).toEqual([aMessageNaming('TestStack/Listed', 'TestStack/Orders', '"orders-eu"', '"orders-"')]);
  });

  test('overlapping prefixes: one starts with the other', () => {
    const stack = new Stack(new App(), 'TestStack');
    new AutoRedrive(stack, 'Orders', { stateMachineNamePrefixes: ['orders'] });
    new AutoRedrive(stack, 'OrdersEu', { stateMachineNamePrefixes: ['shipping', 'orders-eu'] });
    const found = warnings(stack);
    expect(found['/TestStack/Orders']).toEqual([aMessageNaming('TestStack/OrdersEu', '"orders"', '"orders-eu"')]);
    expect(found['/TestStack/OrdersEu']).toEqual([aMessageNaming('TestStack/Orders ', '"orders-eu"', '"orders"')]);
  });

  test('allStateMachines beside any other AutoRedrive of the account and Region; each warned once, naming every other', () => {
    const app = new App();
    const stack = new Stack(app, 'TestStack', { env: US_EAST_1 });
    const other = new Stack(app, 'Other', { env: US_EAST_1 });
    new AutoRedrive(stack, 'Everything', { allStateMachines: true });
    new AutoRedrive(stack, 'Shipping', { stateMachineNamePrefixes: ['shipping'] });
    new AutoRedrive(other, 'Listed', { stateMachines: [standardStateMachine(other, 'M')] });
    const found = warnings(stack, other);
    expect(found['/TestStack/Everything']).toEqual([aMessageNaming('Other/Listed', 'TestStack/Shipping', 'every state machine', ID)]);
    expect(found['/TestStack/Shipping']).toEqual([aMessageNaming('TestStack/Everything', 'every state machine')]);
    expect(found['/Other/Listed']).toEqual([aMessageNaming('TestStack/Everything', 'every state machine')]);
    expect(found['/Other/Listed'][0]).not.toContain('Shipping');
  });

  test('environment-agnostic stacks may share an account and Region: warned', () => {
    const app = new App();
    const first = new Stack(app, 'First');
    const second = new Stack(app, 'Second');
    new AutoRedrive(first, 'A', { allStateMachines: true });
    new AutoRedrive(second, 'B', { allStateMachines: true });
    expect(warnings(first, second)['/Second/B']).toEqual([aMessageNaming('First/A', 'every state machine')]);
  });

  test('constructs in stages of one app are compared too', () => {
    const app = new App();
    const stage = new Stage(app, 'Prod', { env: US_EAST_1 });
    const inStage = new Stack(stage, 'Stack');
    const top = new Stack(app, 'Top', { env: US_EAST_1 });
    new AutoRedrive(inStage, 'A', { stateMachineNamePrefixes: ['orders'] });
    new AutoRedrive(top, 'B', { stateMachineNamePrefixes: ['orders'] });
    expect(warnings(top)['/Top/B']).toEqual([aMessageNaming('Prod/Stack/A', '"orders"')]);
  });

  test('warned once however many times the app is synthesized', () => {
    const stack = new Stack(new App(), 'TestStack');
    new AutoRedrive(stack, 'A', { stateMachineNamePrefixes: ['orders'] });
    new AutoRedrive(stack, 'B', { stateMachineNamePrefixes: ['orders'] });
    warnings(stack);
    expect(warnings(stack)['/TestStack/A']).toHaveLength(1);
    expect(stack.node.findChild('A').node.metadata.filter((entry) => String(entry.data).includes(ID))).toHaveLength(1);
  });
});

describe('no warning', () => {
  test.each<[string, (app: App) => Stack[]]>([
    ['for disjoint lists', (app) => {
      const stack = new Stack(app, 'TestStack');
      new AutoRedrive(stack, 'A', { stateMachines: [standardStateMachine(stack, 'M')] });
      new AutoRedrive(stack, 'B', { stateMachines: [standardStateMachine(stack, 'N')] });
      return [stack];
    }],
    ['for prefixes that do not overlap', (app) => {
      const stack = new Stack(app, 'TestStack');
      new AutoRedrive(stack, 'A', { stateMachineNamePrefixes: ['orders-', 'billing'] });
      new AutoRedrive(stack, 'B', { stateMachineNamePrefixes: ['order_', 'shipping'] });
      return [stack];
    }],
    ['for a listed state machine whose name is not known at synth time', (app) => {
      const stack = new Stack(app, 'TestStack');
      new AutoRedrive(stack, 'A', { stateMachines: [standardStateMachine(stack, 'Orders')] });
      new AutoRedrive(stack, 'B', { stateMachineNamePrefixes: ['Orders'] });
      return [stack];
    }],
    ['for allStateMachines in other Regions', (app) => {
      const east = new Stack(app, 'East', { env: US_EAST_1 });
      const west = new Stack(app, 'West', { env: { ...US_EAST_1, region: 'us-west-2' } });
      new AutoRedrive(east, 'A', { allStateMachines: true });
      new AutoRedrive(west, 'B', { allStateMachines: true });
      return [east, west];
    }],
    ['for the same prefix in other accounts', (app) => {
      const mine = new Stack(app, 'Mine', { env: US_EAST_1 });
      const theirs = new Stack(app, 'Theirs', { env: { ...US_EAST_1, account: '210987654321' } });
      new AutoRedrive(mine, 'A', { stateMachineNamePrefixes: ['orders'] });
      new AutoRedrive(theirs, 'B', { stateMachineNamePrefixes: ['orders'] });
      return [mine, theirs];
    }],
    ['for constructs of different apps', () => {
      const first = new Stack(new App(), 'TestStack');
      const second = new Stack(new App(), 'TestStack');
      new AutoRedrive(first, 'A', { allStateMachines: true });
      new AutoRedrive(second, 'A', { allStateMachines: true });
      return [first, second];
    }],
  ])('%s', (_name, build) => {
    expect(warnings(...build(new App()))).toEqual({});
  });
});
