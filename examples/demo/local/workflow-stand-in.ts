import * as vm from 'vm';
import { Definition, definitionOf, referencedId, TaskState } from './state-machine-definition';
import { failureEvent } from '../../../tools/events';
import { FakeAws } from '../../../tools/fake-aws/server';
import { FakeExecution } from '../../../tools/fake-aws/step-functions';

/** How one run of an execution (the first, or a redriven one) ended. */
export interface RunEnd {
  readonly execution: FakeExecution;
  /** The state it failed in, when it failed. */
  readonly failedState?: string;
  /** The "Step Functions Execution Status Change" event Step Functions sends for it. */
  readonly statusChange: unknown;
}

type LambdaHandler = (event: unknown) => Promise<unknown>;

/**
 * A local stand-in for Step Functions running one synthesized Standard state machine: its Task
 * states call the template's Lambda functions, run in this process from their inline code, with
 * the `.$` parameters resolved from the execution's context object (`$$.Execution.RedriveCount`
 * among them). A redriven execution resumes at the state it failed in, as Step Functions does.
 * Executions are kept in the local endpoint (`fake.stepFunctions`), where the AutoRedrive handler
 * describes and redrives them. Not modelled: Retry, Catch, state types other than Task.
 */
export class WorkflowStandIn {
  readonly stateMachineArn: string;
  private readonly definition: Definition;
  private readonly failedStates = new Map<string, string>();

  constructor(private readonly fake: FakeAws, private readonly template: any, machineLogicalId: string, readonly stateMachineName: string) {
    const machine = template.Resources?.[machineLogicalId];
    if (machine?.Type !== 'AWS::StepFunctions::StateMachine') throw new Error(`${machineLogicalId} is not a state machine of the template`);
    this.definition = definitionOf(machine.Properties.DefinitionString);
    this.stateMachineArn = fake.stepFunctions.addStateMachine(stateMachineName);
  }

  executionArn(name: string): string {
    return this.stateMachineArn.replace(':stateMachine:', ':execution:') + `:${name}`;
  }

  /** Starts an execution and runs it until it ends. */
  async start(name: string): Promise<RunEnd> {
    const executionArn = this.executionArn(name);
    const startDate = this.fake.clock.now();
    const failure = await this.run(this.definition.StartAt, { Execution: { Id: executionArn, Name: name, RedriveCount: 0 } });
    const execution = this.fake.stepFunctions.addExecution(executionArn, {
      status: failure ? 'FAILED' : 'SUCCEEDED', startDate, stopDate: this.fake.clock.now(), error: failure?.error ?? undefined, cause: failure?.cause,
    });
    return this.end(execution, failure?.state);
  }

  /** Runs an execution that AutoRedrive has redriven (RUNNING again), from the state it failed in, until it ends. */
  async resume(executionArn: string): Promise<RunEnd> {
    const execution = this.fake.stepFunctions.executions.get(executionArn);
    const failedState = this.failedStates.get(executionArn);
    if (execution?.status !== 'RUNNING' || failedState === undefined) throw new Error(`${executionArn} has not been redriven`);
    const name = executionArn.split(':')[7];
    const failure = await this.run(failedState, { Execution: { Id: executionArn, Name: name, RedriveCount: execution.redriveCount } });
    this.fake.stepFunctions.stopAgain(executionArn, failure ? 'FAILED' : 'SUCCEEDED');
    execution.error = failure?.error;
    execution.cause = failure?.cause;
    return this.end(execution, failure?.state);
  }

  private end(execution: FakeExecution, failedState: string | undefined): RunEnd {
    if (failedState === undefined) this.failedStates.delete(execution.executionArn);
    else this.failedStates.set(execution.executionArn, failedState);
    const statusChange = failureEvent({
      id: `${execution.executionArn.split(':')[7]}-${execution.status}-${execution.redriveCount}`,
      executionArn: execution.executionArn,
      status: execution.status,
      redriveCount: execution.redriveCount,
      redriveStatus: execution.status === 'SUCCEEDED' ? 'NOT_REDRIVABLE' : 'REDRIVABLE',
      stopDate: execution.stopDate ?? null,
      error: execution.error ?? null,
      cause: execution.cause ?? null,
    });
    return { execution, failedState, statusChange };
  }

  /** Runs the states from `stateName` on; the failure, if one of them fails. */
  private async run(stateName: string, context: object): Promise<{ state: string; error: string; cause: string } | undefined> {
    let input: unknown = {};
    for (let name: string | undefined = stateName; name !== undefined;) {
      const state: TaskState | undefined = this.definition.States[name];
      if (state?.Type !== 'Task') throw new Error(`the local stand-in runs Task states only; ${name} is ${state?.Type}`);
      try {
        input = await this.functionOf(state.Resource)(resolveParameters(state.Parameters ?? {}, input, context));
      } catch (error) {
        const errorType = (error as Error).name ?? 'Error';
        if (state.Retry?.some((retry) => retry.ErrorEquals.includes(errorType) || retry.ErrorEquals.includes('States.ALL'))) {
          throw new Error(`${name} would retry ${errorType}: the local stand-in does not model Retry`);
        }
        return { state: name, error: errorType, cause: JSON.stringify({ errorType, errorMessage: (error as Error).message }) };
      }
      name = state.End ? undefined : state.Next;
    }
    return undefined;
  }

  /** The template's Lambda function that a Task state's Resource refers to, loaded from its inline code. */
  private functionOf(resource: string): LambdaHandler {
    const logicalId = referencedId(resource);
    const fn = logicalId === undefined ? undefined : this.template.Resources[logicalId];
    const code = fn?.Properties?.Code?.ZipFile;
    if (fn?.Type !== 'AWS::Lambda::Function' || typeof code !== 'string') {
      throw new Error(`the local stand-in calls Lambda functions with inline code only, not ${resource}`);
    }
    const module = { exports: {} as { handler?: LambdaHandler } };
    vm.runInNewContext(code, { exports: module.exports, module, console });
    if (typeof module.exports.handler !== 'function') throw new Error(`${logicalId}'s inline code exports no handler`);
    return module.exports.handler;
  }
}

/** Parameters with their `<key>.$` paths (`$.x`, `$$.Execution.RedriveCount`) resolved, as Step Functions resolves them. */
function resolveParameters(parameters: Record<string, unknown>, input: unknown, context: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(parameters).map(([key, value]) => {
    if (!key.endsWith('.$')) return [key, value];
    if (typeof value !== 'string') throw new Error(`${key} must be a path`);
    const [root, ...fields] = value.startsWith('$$.') ? [context, ...value.slice(3).split('.')] : [input, ...value.slice(2).split('.').filter(Boolean)];
    return [key.slice(0, -2), fields.reduce((object: any, field) => object?.[field], root)];
  }));
}
