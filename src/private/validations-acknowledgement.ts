import * as cdk from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** A rule of a validation plugin (cdk-nag 3 among them) accepted on a construct and its children, with the reason. */
export interface ValidationRuleAcknowledgement {
  readonly id: string;
  readonly reason: string;
}

/** The part of aws-cdk-lib's `Validations` (2.257.0 and later) used here, which the lowest supported aws-cdk-lib lacks. */
interface AcknowledgingValidations {
  acknowledge(...rules: ValidationRuleAcknowledgement[]): void;
}
interface ValidationsClass {
  readonly prototype: Partial<AcknowledgingValidations>;
  of(scope: IConstruct): AcknowledgingValidations;
}

/**
 * `Validations.of(scope).acknowledge()`, which validation plugins read from the construct tree, or
 * undefined with an aws-cdk-lib that has no acknowledgements: no plugin that reads them runs there.
 */
export function validationRuleAcknowledger(): ((scope: IConstruct, rules: ValidationRuleAcknowledgement[]) => void) | undefined {
  const validations = (cdk as unknown as { Validations?: ValidationsClass }).Validations;
  if (typeof validations?.prototype.acknowledge !== 'function') return undefined;
  return (scope, rules) => {
    for (const rule of rules) {
      try {
        validations.of(scope).acknowledge(rule);
      } catch (error) {
        // aws-cdk-lib refuses an id whose brackets do not balance, as a finding about a state machine
        // named with one parenthesis has: cdk-nag 3 reports that finding, and no one can acknowledge it.
        if (!/Invalid validation rule ID/i.test(String((error as Error)?.message))) throw error;
      }
    }
  };
}
