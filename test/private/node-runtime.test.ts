import * as lambda from 'aws-cdk-lib/aws-lambda';
import { synthAutoRedrive } from '../support/stacks';

describe('the default runtime', () => {
  test('is the newest Node.js runtime aws-cdk-lib knows, never older than Node.js 22', () => {
    const { template } = synthAutoRedrive();
    const majors = lambda.Runtime.ALL.map((r) => /^nodejs(\d+)\.x$/.exec(r.name)?.[1]).filter(Boolean).map(Number);
    const [fn] = Object.values(template.findResources('AWS::Lambda::Function')) as any[];
    expect(fn.Properties.Runtime).toBe(`nodejs${Math.max(22, ...majors)}.x`);
  });

  test('follows aws-cdk-lib when it learns a newer Node.js', () => {
    const newer = new lambda.Runtime('nodejs99.x', lambda.RuntimeFamily.NODEJS);
    lambda.Runtime.ALL.push(newer);
    try {
      const [fn] = Object.values(synthAutoRedrive().template.findResources('AWS::Lambda::Function')) as any[];
      expect(fn.Properties.Runtime).toBe('nodejs99.x');
    } finally {
      lambda.Runtime.ALL.splice(lambda.Runtime.ALL.indexOf(newer), 1);
    }
  });
});
