import { resolveIntrinsics } from '../../tools/cfn-intrinsics';

describe('resolveIntrinsics', () => {
  const deployed = { refs: { 'AWS::Region': 'us-east-1', 'Queue': 'https://q' }, attributes: { 'Queue.Arn': 'arn:q', 'Role.Arn': 'arn:r' } };

  test.each([
    [{ 'Fn::Sub': 'a-${AWS::Region}-${Queue}-${Queue.Arn}-${!Literal}' }, 'a-us-east-1-https://q-arn:q-${Literal}'],
    [{ 'Fn::Sub': ['${X}/${Role.Arn}', { X: { Ref: 'Queue' } }] }, 'https://q/arn:r'],
    [{ 'Fn::GetAtt': 'Role.Arn' }, 'arn:r'],
    [{ 'Fn::Select': [1, { 'Fn::Split': [':', { 'Fn::GetAtt': ['Queue', 'Arn'] }] }] }, 'q'],
  ])('%j', (value, expected) => {
    expect(resolveIntrinsics(value, deployed)).toBe(expected);
  });

  test('an unknown reference is an error', () => {
    expect(() => resolveIntrinsics({ 'Fn::Sub': '${Nope}' }, deployed)).toThrow(/Nope/);
  });
});
