import { AutoRedriveProps } from '../../src';
import { synthAutoRedrive } from '../support/stacks';

describe('detailed metrics', () => {
  test('off by default: the handler publishes the service dimension only', () => {
    const [fn] = Object.values(synthAutoRedrive().template.findResources('AWS::Lambda::Function')) as any[];
    expect(fn.Properties.Environment.Variables).not.toHaveProperty('AUTO_REDRIVE_DETAILED_METRICS');
  });

  test.each<[string, Partial<AutoRedriveProps>]>([
    ['a list', {}],
    ['name prefixes', { stateMachines: undefined, stateMachineNamePrefixes: ['orders'] }],
  ])('detailedMetrics: true tells the handler, with %s', (_name, selection) => {
    const { template } = synthAutoRedrive({ ...selection, detailedMetrics: true });
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: { AUTO_REDRIVE_DETAILED_METRICS: 'true' } } });
  });

  test('detailedMetrics: false is the default', () => {
    const [fn] = Object.values(synthAutoRedrive({ detailedMetrics: false }).template.findResources('AWS::Lambda::Function')) as any[];
    expect(fn.Properties.Environment.Variables).not.toHaveProperty('AUTO_REDRIVE_DETAILED_METRICS');
  });
});
