import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';

/** A role to grant to, as the handler's and the scheduler's roles are. */
export function newRole(stack: Stack, id: string): iam.Role {
  return new iam.Role(stack, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
}

/** The actions a grant allows, sorted. */
export function actionsOf(grant: iam.Grant): string[] {
  return grant.principalStatements.flatMap((statement) => statement.actions).sort();
}

/** Every grant to the handler or scheduler role returns an iam.Grant that succeeded, with exactly these actions. */
export function expectGranted(grant: iam.Grant, actions: string[]): void {
  expect(grant).toBeInstanceOf(iam.Grant);
  expect(grant.success).toBe(true);
  expect(actionsOf(grant)).toEqual([...actions].sort());
}
