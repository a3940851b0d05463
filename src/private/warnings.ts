import { Annotations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { LIBRARY_SOURCE } from '../shared/contract';

/** A warning found before it is added: its short id (`ReservedBelowMaxConcurrency`) and its message. */
export interface Warning {
  readonly id: string;
  readonly message: string;
}

/**
 * Adds a warning to the construct's annotations under the id users see and acknowledge: the
 * library's name, a colon and the short id (`cdk-stepfunctions-redrive:StateMachineWatchedTwice`).
 * Annotations keep one copy of the same message.
 */
export function addWarning(scope: IConstruct, id: string, message: string): void {
  Annotations.of(scope).addWarningV2(`${LIBRARY_SOURCE}:${id}`, message);
}
