import { App, Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { standardStateMachine } from './stacks';
import { AutoRedrive, AutoRedriveProps, Backoff, Sweep } from '../../src';

/**
 * AutoRedrive configurations that cdk-nag (2 and 3) must find nothing unacknowledged in. Each
 * stack also holds a queue outside the construct that breaks the packs' rules, so a run that finds
 * nothing at all shows that the packs did not run.
 */
export interface NagScenario {
  readonly name: string;
  /**
   * Why the scenario is run with cdk-nag 2 only. With cdk-nag 3 it is synthesized without the packs,
   * and must synthesize.
   */
  readonly onlyCdkNag2Because?: string;
  /** cdk-nag 3 only: the packs write acknowledgements to the template, and the stack has one of the user's own. */
  readonly userAcknowledgementWrittenToTemplate?: { readonly id: string; readonly reason: string };
  build(stack: Stack): void;
}

/** A state machine name Step Functions allows, with a bracket that does not balance. */
const UNBALANCED_NAME = 'orders-v2)';

/** The construct's id in every scenario: findings under this path are the construct's. */
export const AUTO_REDRIVE_ID = 'AutoRedrive';
/** A queue with neither a dead-letter queue nor TLS enforced, outside the construct. */
export const NON_COMPLIANT_QUEUE_ID = 'NonCompliantQueue';

function autoRedrive(props: AutoRedriveProps): NagScenario['build'] {
  return (stack) => new AutoRedrive(stack, AUTO_REDRIVE_ID, props);
}

/** Where a user sends outcome events: a topic, with a dead-letter queue for what EventBridge cannot deliver. */
function ticketTarget(stack: Stack): events.IRuleTarget {
  const deadLetterQueue = new sqs.Queue(stack, 'TicketDeadLetters', { enforceSSL: true });
  return new targets.SnsTopic(new sns.Topic(stack, 'Tickets', { enforceSSL: true }), { deadLetterQueue });
}

export const NAG_SCENARIOS: NagScenario[] = [
  {
    name: 'a state machine whose name has one parenthesis',
    build: (stack) => autoRedrive({ stateMachines: [standardStateMachine(stack, 'M', { stateMachineName: UNBALANCED_NAME })] })(stack),
    onlyCdkNag2Because: 'aws-cdk-lib 2.276 fails any synth whose validation report holds a finding id with a bracket that does not balance',
  },
  {
    name: 'the default construct, with the packs writing acknowledgements to the template beside one of the user\'s',
    build: (stack) => autoRedrive({ stateMachines: [standardStateMachine(stack, 'M')] })(stack),
    userAcknowledgementWrittenToTemplate: { id: 'AwsSolutions-L1', reason: 'The user accepts older runtimes in this stack on purpose.' },
  },
  {
    name: 'the default construct',
    build: (stack) => autoRedrive({ stateMachines: [standardStateMachine(stack, 'M')] })(stack),
  },
  {
    name: 'every option on, for listed state machines',
    build: (stack) => {
      const construct = new AutoRedrive(stack, AUTO_REDRIVE_ID, {
        stateMachines: [standardStateMachine(stack, 'M'), standardStateMachine(stack, 'N')],
        tracing: lambda.Tracing.ACTIVE,
        dashboard: true,
        alarms: true,
        outcomeEvents: true,
        detailedMetrics: true,
        outcomeEventBus: new events.EventBus(stack, 'Bus'),
        encryptionKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }),
        backoff: Backoff.none(),
        sweep: Sweep.every(Duration.minutes(15)),
      });
      construct.onExhausted('Exhausted', { target: ticketTarget(stack) });
    },
  },
  {
    name: 'many state machines and a customer managed key',
    build: (stack) => autoRedrive({
      stateMachines: Array.from({ length: 60 }, (_, i) => standardStateMachine(stack, `M${i}`)),
      encryptionKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }),
    })(stack),
  },
  {
    name: 'tracing, a dashboard, a custom bus and no backoff',
    build: (stack) => autoRedrive({
      stateMachines: [standardStateMachine(stack, 'M')],
      tracing: lambda.Tracing.ACTIVE,
      dashboard: true,
      backoff: Backoff.none(),
      outcomeEventBus: new events.EventBus(stack, 'Bus'),
    })(stack),
  },
  {
    name: 'name prefixes, outcome events, detailed metrics, alarms, a dashboard and an on*() method',
    build: (stack) => {
      const construct = new AutoRedrive(stack, AUTO_REDRIVE_ID, {
        stateMachineNamePrefixes: ['orders-', 'billing', 'shipping-eu'],
        outcomeEvents: true,
        detailedMetrics: true,
        alarms: true,
        dashboard: true,
      });
      construct.onExhausted('Exhausted', { target: ticketTarget(stack) });
    },
  },
  {
    name: 'many long name prefixes',
    build: autoRedrive({ stateMachineNamePrefixes: Array.from({ length: 60 }, (_, i) => `${i}-`.padEnd(80, 'p')) }),
  },
  {
    name: 'every state machine, tracing, a custom bus, no backoff and an on*() method',
    build: (stack) => {
      const construct = new AutoRedrive(stack, AUTO_REDRIVE_ID, {
        allStateMachines: true,
        tracing: lambda.Tracing.ACTIVE,
        outcomeEventBus: new events.EventBus(stack, 'Bus'),
        backoff: Backoff.none(),
      });
      construct.onOutcome('Everything', { target: ticketTarget(stack) });
    },
  },
  {
    name: 'name prefixes, a sweep every 15 minutes',
    build: autoRedrive({ stateMachineNamePrefixes: ['orders-', 'billing'], sweep: Sweep.every(Duration.minutes(15)) }),
  },
  {
    name: 'every state machine, the default sweep, tracing',
    build: autoRedrive({ allStateMachines: true, tracing: lambda.Tracing.ACTIVE }),
  },
  {
    name: 'pass-through tracing',
    build: (stack) => autoRedrive({ stateMachines: [standardStateMachine(stack, 'M')], tracing: lambda.Tracing.PASS_THROUGH })(stack),
  },
  {
    name: 'name prefixes, the sweep off',
    build: autoRedrive({ stateMachineNamePrefixes: ['orders-'], sweep: Sweep.off() }),
  },
  {
    name: 'listed state machines, the sweep off',
    build: (stack) => autoRedrive({ stateMachines: [standardStateMachine(stack, 'M')], sweep: Sweep.off() })(stack),
  },
];

/** A new app with the scenario's stack, and the non-compliant queue beside the construct. */
export function scenarioApp(scenario: NagScenario, context: Record<string, unknown> = {}): { app: App; stack: Stack } {
  const app = new App({ context });
  const stack = new Stack(app, 'NagStack');
  scenario.build(stack);
  new sqs.Queue(stack, NON_COMPLIANT_QUEUE_ID);
  return { app, stack };
}

/** A finding as both majors' tests report it: the construct path under the stack, and the rule. */
export interface NagFinding {
  readonly path: string;
  readonly rule: string;
}

/** The findings on the construct's resources, and whether the non-compliant queue was found. */
export interface ScenarioFindings {
  readonly construct: NagFinding[];
  readonly nonCompliantQueueRules: string[];
}

export function splitFindings(findings: NagFinding[]): ScenarioFindings {
  return {
    construct: findings.filter((finding) => finding.path.includes(`/${AUTO_REDRIVE_ID}/`)),
    nonCompliantQueueRules: [...new Set(findings.filter((finding) => finding.path.includes(`/${NON_COMPLIANT_QUEUE_ID}/`)).map((f) => f.rule))].sort(),
  };
}
