import { ArnFormat, Stack, Stage, Token, TokenComparison } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct, IConstruct } from 'constructs';
import { ArnMatcher, exactArnMatcher, prefixArnMatcher } from './event-patterns';
import { executionResource } from './execution-policies';
import { NagAcknowledgement } from './nag-acknowledgements';
import { ExecutionResource } from './redrive-policy-groups';
import { Warning } from './warnings';
import {
  ARN_PREFIX_LENGTH_AT_MOST, describeWatchedStateMachine, WatchedStateMachine, watchedStateMachineFindings, watchStateMachines,
} from './watched-state-machine';
import { SweepSelection } from '../shared/contract';
import { MAX_STATE_MACHINE_NAME_LENGTH } from '../shared/limits';
import { nameProblem } from '../shared/names';

/**
 * Which state machines an AutoRedrive watches, resolved once, in the construct's stack, from the one
 * of its three selection props that is given (resolve-props.ts makes it): what is wrong with the
 * prop's value, what its rules match, what IAM grants on, what the sweep looks at, which state
 * machines of the app it covers, and where it overlaps another AutoRedrive's selection. One
 * implementation per prop: `ListSelection`, `PrefixSelection`, `AllSelection`.
 */
export abstract class Selection {
  /** The prop that makes the selection, as messages name it. */
  public abstract readonly propName: string;
  /** What is wrong with the prop's value, each problem a line of the error: none when it is valid. */
  public abstract readonly problems: string[];
  /** What is worth a look in the prop's value, added to the construct's annotations when the props are valid. */
  public abstract readonly warnings: Warning[];
  /** What the sweep's payload says it looks at. */
  public abstract readonly sweepSelection: SweepSelection;
  /** Whether the sweep finds the watched state machines with `states:ListStateMachines` (by name, at run time). */
  public abstract readonly sweepListsStateMachines: boolean;
  /** The ARNs of the watched state machines when they are listed; undefined when they are known only at run time. */
  public abstract readonly stateMachineArns: string[] | undefined;
  /** What would make the construct's share of its stack's template smaller. */
  public abstract readonly templateAdvice: string;

  /** The state machines watched one by one: the listed ones. */
  protected abstract readonly listed: readonly WatchedStateMachine[];
  /** The name prefixes watched, each covering the state machines created later too. */
  protected abstract readonly namePrefixes: readonly string[];
  /** Whether every state machine of the account and Region is watched. */
  protected abstract readonly everyStateMachine: boolean;

  protected constructor(protected readonly stack: Stack) {}

  /** The entries of the rules' `stateMachineArn` lists: together they match exactly the watched state machines. */
  public abstract arnMatchers(): ArnMatcher[];

  /**
   * What RedriveExecution and DescribeExecution are granted on (executions, never state machines)
   * and, with the sweep on, what ListExecutions is granted on (the state machines), each sized for
   * the longest ARN it can resolve to.
   */
  public abstract executionResources(sweep: boolean): ExecutionResource[];

  /** The cdk-nag findings the redrive policies' wildcards raise, acknowledged with what they cover. */
  public abstract policyAcknowledgements(sweep: boolean): NagAcknowledgement[];

  /**
   * The problem when the redrive policies need `needed` managed policies, more than IAM attaches
   * (`limit` says how many), with what to do instead; undefined when the selection cannot need so many.
   */
  public abstract tooManyPoliciesProblem(needed: number, limit: string, sweep: boolean): string | undefined;

  /**
   * The watched Standard state machines the construct can see in its app: the listed ones; with name
   * prefixes or every state machine, those of the construct's Stage in the same account and Region
   * that the selection covers (by a name known at synth time for prefixes).
   */
  public abstract watchedStateMachinesIn(construct: Construct): WatchedStateMachine[];

  /** Why this selection and the other watch a state machine in common, or undefined when they cannot. */
  public overlapWith(other: Selection): string | undefined {
    if (this.everyStateMachine || other.everyStateMachine) {
      const who = this.everyStateMachine && other.everyStateMachine ? 'both watch' : this.everyStateMachine ? 'this one watches' : 'it watches';
      return `${who} every state machine of the account and Region`;
    }
    return sameStateMachine(this.listed, other.listed)
      ?? overlappingPrefixes(this.namePrefixes, other.namePrefixes)
      ?? listedUnderPrefix(this.listed, other.namePrefixes)
      ?? listedUnderPrefix(other.listed, this.namePrefixes);
  }

  /** The Standard state machines defined in the construct's Stage that may be in its account and Region. */
  protected standardStateMachinesOfTheApp(construct: Construct): WatchedStateMachine[] {
    const scope: IConstruct = Stage.of(construct) ?? construct.node.root;
    return scope.node.findAll()
      .filter((node): node is sfn.StateMachine => node instanceof sfn.StateMachine && mayShareEnvironment(Stack.of(node), Stack.of(construct)))
      .map(describeWatchedStateMachine)
      .filter((machine) => !machine.isExpress);
  }
}

/** `stateMachines`: the state machines listed, each once. */
export class ListSelection extends Selection {
  public readonly propName = 'stateMachines';
  public readonly problems: string[] = [];
  public readonly warnings: Warning[] = [];
  public readonly sweepListsStateMachines = false;
  public readonly templateAdvice = 'Watch the state machines with stateMachineNamePrefixes instead (a rule and a policy entry per prefix, whatever ' +
    'the number of state machines), or move resources to another stack: an AutoRedrive watches state machines of any stack of its account and Region.';
  protected readonly listed: WatchedStateMachine[];
  protected readonly namePrefixes = [];
  protected readonly everyStateMachine = false;

  constructor(stack: Stack, stateMachines: sfn.IStateMachine[]) {
    super(stack);
    if (!Array.isArray(stateMachines) || stateMachines.length === 0) {
      this.listed = [];
      this.problems.push('stateMachines must name at least one Standard state machine');
      return;
    }
    this.listed = watchStateMachines(stateMachines);
    for (const machine of this.listed) {
      const findings = watchedStateMachineFindings(machine, stack);
      this.problems.push(...findings.problems);
      this.warnings.push(...findings.warnings);
    }
  }

  public get stateMachineArns(): string[] {
    return this.listed.map((machine) => machine.arn);
  }

  public get sweepSelection(): SweepSelection {
    return { kind: 'LIST', stateMachineArns: this.stateMachineArns };
  }

  public arnMatchers(): ArnMatcher[] {
    return this.listed.map((machine) => exactArnMatcher(machine.arn, machine.arnLengthAtMost));
  }

  /**
   * `execution:<name>:*` for each listed state machine, and its ARN for ListExecutions. The execution
   * ARN is at most 2 characters longer than the state machine's: `:*` more, and `execution` is the
   * shorter word.
   */
  public executionResources(sweep: boolean): ExecutionResource[] {
    return this.listed.map((machine) => executionResource(
      { arn: executionArn(this.stack, `${machine.name}:*`), lengthAtMost: machine.arnLengthAtMost + 2 },
      sweep ? { arn: machine.arn, lengthAtMost: machine.arnLengthAtMost } : undefined));
  }

  public policyAcknowledgements(): NagAcknowledgement[] {
    return [{
      id: 'AwsSolutions-IAM5',
      reason: 'Execution names are chosen when executions start; each wildcard covers the executions of one watched state machine only.',
      appliesToRegex: '/^Resource::arn:.+:states:.+:execution:[^*]+:\\*$/',
    }];
  }

  public tooManyPoliciesProblem(needed: number, limit: string, sweep: boolean): string {
    return `stateMachines: ${this.listed.length} state machines need ${needed} customer managed policies to allow ` +
      `RedriveExecution and DescribeExecution on their executions${sweep ? ' and the sweep\'s ListExecutions on the state machines' : ''}, and ${limit}. ` +
      'Use stateMachineNamePrefixes instead: one policy entry per prefix, whatever the number of state machines, including ones created ' +
      'later; or split the state machines between several AutoRedrive constructs' +
      (sweep ? '; or turn the sweep off (sweep: Sweep.off()), which halves the room each state machine takes' : '');
  }

  public watchedStateMachinesIn(): WatchedStateMachine[] {
    return this.listed.filter((machine) => !machine.isExpress);
  }
}

/** `stateMachineNamePrefixes`: the state machines whose names start with one of the prefixes, including later ones. */
export class PrefixSelection extends Selection {
  public readonly propName = 'stateMachineNamePrefixes';
  public readonly problems: string[];
  public readonly warnings: Warning[] = [];
  public readonly sweepListsStateMachines = true;
  public readonly stateMachineArns = undefined;
  public readonly templateAdvice = MOVE_RESOURCES_ADVICE;
  /** Without duplicates, and without prefixes another one covers. */
  protected readonly namePrefixes: string[];
  protected readonly listed = [];
  protected readonly everyStateMachine = false;

  constructor(stack: Stack, prefixes: string[]) {
    super(stack);
    this.problems = namePrefixProblems(prefixes);
    this.namePrefixes = this.problems.length === 0 ? distinctPrefixes(prefixes) : [];
  }

  public get sweepSelection(): SweepSelection {
    return { kind: 'PREFIXES', namePrefixes: this.namePrefixes };
  }

  public arnMatchers(): ArnMatcher[] {
    return this.namePrefixes.map((prefix) => prefixArnMatcher(stateMachineArnPrefix(this.stack, prefix), prefix));
  }

  /** `execution:<prefix>*:*` for each name prefix, and `stateMachine:<prefix>*` for ListExecutions. */
  public executionResources(sweep: boolean): ExecutionResource[] {
    return this.namePrefixes.map((prefix) => executionResource(
      { arn: executionArn(this.stack, `${prefix}*:*`), lengthAtMost: ARN_PREFIX_LENGTH_AT_MOST + prefix.length + '*:*'.length },
      sweep ? { arn: `${stateMachineArnPrefix(this.stack, prefix)}*`, lengthAtMost: ARN_PREFIX_LENGTH_AT_MOST + prefix.length + '*'.length } : undefined));
  }

  public policyAcknowledgements(sweep: boolean): NagAcknowledgement[] {
    return [{
      id: 'AwsSolutions-IAM5',
      reason: 'stateMachineNamePrefixes: each wildcard covers the executions of the state machines whose names start with one chosen prefix, ' +
        'including state machines created later, which is what the prefix selects; execution names are chosen when executions start.',
      appliesToRegex: '/^Resource::arn:.+:states:.+:execution:[^*:]+\\*:\\*$/',
    }, ...(sweep ? [{
      id: 'AwsSolutions-IAM5',
      reason: 'The sweep with stateMachineNamePrefixes: ListExecutions on the state machines whose names start with one chosen prefix, ' +
        'including state machines created later, which is what the prefix selects.',
      appliesToRegex: '/^Resource::arn:.+:states:.+:stateMachine:[^*:]+\\*$/',
    }] : [])];
  }

  public tooManyPoliciesProblem(needed: number, limit: string): string {
    return `stateMachineNamePrefixes: ${this.namePrefixes.length} prefixes need ${needed} customer managed policies to allow ` +
      `RedriveExecution and DescribeExecution on their executions, and ${limit}. Use fewer, shorter prefixes`;
  }

  public watchedStateMachinesIn(construct: Construct): WatchedStateMachine[] {
    return this.standardStateMachinesOfTheApp(construct)
      .filter((machine) => !Token.isUnresolved(machine.name) && this.namePrefixes.some((prefix) => machine.name.startsWith(prefix)));
  }
}

/** `allStateMachines`: every Standard state machine of the stack's account and Region, including later ones. */
export class AllSelection extends Selection {
  public readonly propName = 'allStateMachines';
  public readonly problems: string[] = [];
  public readonly warnings: Warning[] = [];
  public readonly sweepSelection: SweepSelection = { kind: 'ALL' };
  public readonly sweepListsStateMachines = true;
  public readonly stateMachineArns = undefined;
  public readonly templateAdvice = MOVE_RESOURCES_ADVICE;
  protected readonly listed = [];
  protected readonly namePrefixes = [];
  protected readonly everyStateMachine = true;

  constructor(stack: Stack) {
    super(stack);
  }

  /** The empty name prefix: every state machine of the stack's account and Region. */
  public arnMatchers(): ArnMatcher[] {
    return [prefixArnMatcher(stateMachineArnPrefix(this.stack, ''), '')];
  }

  /** `execution:*`, and `stateMachine:*` for ListExecutions. */
  public executionResources(sweep: boolean): ExecutionResource[] {
    return [executionResource(
      { arn: executionArn(this.stack, '*'), lengthAtMost: ARN_PREFIX_LENGTH_AT_MOST + '*'.length },
      sweep ? { arn: stateMachineArnPrefix(this.stack, '*'), lengthAtMost: ARN_PREFIX_LENGTH_AT_MOST + '*'.length } : undefined)];
  }

  public policyAcknowledgements(sweep: boolean): NagAcknowledgement[] {
    return [{
      id: 'AwsSolutions-IAM5',
      reason: 'allStateMachines: the construct watches every state machine of the account and Region, including state machines created later; ' +
        'only RedriveExecution and DescribeExecution on executions are allowed, never an action on a state machine.',
      appliesToRegex: '/^Resource::arn:.+:states:.+:execution:\\*$/',
    }, ...(sweep ? [{
      id: 'AwsSolutions-IAM5',
      reason: 'The sweep with allStateMachines: ListExecutions on every state machine of the account and Region, including state ' +
        'machines created later, which is what allStateMachines selects; no action that changes a state machine.',
      appliesToRegex: '/^Resource::arn:.+:states:.+:stateMachine:\\*$/',
    }] : [])];
  }

  /** One resource: never too many policies. */
  public tooManyPoliciesProblem(): undefined {
    return undefined;
  }

  public watchedStateMachinesIn(construct: Construct): WatchedStateMachine[] {
    return this.standardStateMachinesOfTheApp(construct);
  }
}

const MOVE_RESOURCES_ADVICE = 'Move resources to another stack: an AutoRedrive watches state machines of any stack of its account and Region.';

/** What is wrong with `stateMachineNamePrefixes`: each prefix must be a string known at synth time that a name may start with. */
function namePrefixProblems(prefixes: string[]): string[] {
  if (!Array.isArray(prefixes) || Token.isUnresolved(prefixes)) {
    return ['stateMachineNamePrefixes must be a list known at synth time: the rules and the IAM policies are written with the prefixes'];
  }
  if (prefixes.length === 0) {
    return ['stateMachineNamePrefixes must name at least one prefix (allStateMachines: true watches every state machine)'];
  }
  return prefixes.flatMap((prefix, index) => {
    if (typeof prefix !== 'string') return [`stateMachineNamePrefixes[${index}] must be a string, got ${JSON.stringify(prefix)}`];
    if (Token.isUnresolved(prefix)) {
      return [`stateMachineNamePrefixes[${index}] is a token, known only at deploy time; a prefix must be known at synth time: ` +
        'the rules and the IAM policies are written with it'];
    }
    const problem = nameProblem(prefix, MAX_STATE_MACHINE_NAME_LENGTH);
    const hint = prefix.length === 0 ? ' (allStateMachines: true watches every state machine)' : '';
    return problem ? [`stateMachineNamePrefixes[${index}]: the prefix ${JSON.stringify(prefix)} ${problem}${hint}`] : [];
  });
}

function sameStateMachine(as: readonly WatchedStateMachine[], bs: readonly WatchedStateMachine[]): string | undefined {
  for (const a of as) {
    for (const b of bs) {
      // The same token stands for the same state machine; so does the same name in the same account and Region.
      const same = a.stateMachine === b.stateMachine || a.arn === b.arn || (!Token.isUnresolved(a.name) && a.name === b.name);
      if (same) return `both list ${a.stateMachine.node.path}${a.stateMachine === b.stateMachine ? '' : ` and ${b.stateMachine.node.path}`} (${shownName(a)})`;
    }
  }
  return undefined;
}

function overlappingPrefixes(ps: readonly string[], qs: readonly string[]): string | undefined {
  for (const p of ps) {
    const q = qs.find((other) => p.startsWith(other) || other.startsWith(p));
    if (q !== undefined) return `name prefixes ${JSON.stringify(p)} and ${JSON.stringify(q)} overlap`;
  }
  return undefined;
}

function listedUnderPrefix(list: readonly WatchedStateMachine[], prefixes: readonly string[]): string | undefined {
  for (const machine of list) {
    if (Token.isUnresolved(machine.name)) continue;
    const prefix = prefixes.find((p) => machine.name.startsWith(p));
    if (prefix !== undefined) return `${machine.stateMachine.node.path} (${JSON.stringify(machine.name)}) starts with the name prefix ${JSON.stringify(prefix)}`;
  }
  return undefined;
}

function shownName(machine: WatchedStateMachine): string {
  return Token.isUnresolved(machine.name) ? 'the same state machine' : JSON.stringify(machine.name);
}

/** False only when the two stacks are known to be in different accounts or Regions. */
export function mayShareEnvironment(a: Stack, b: Stack): boolean {
  const differs = (x: string, y: string) => x !== y && Token.compareStrings(x, y) === TokenComparison.DIFFERENT;
  return !differs(a.account, b.account) && !differs(a.region, b.region);
}

/**
 * The prefixes in the order given, each once, without those that another prefix in the list
 * already covers (`orders-eu` when `orders` is there): they would match nothing more.
 */
export function distinctPrefixes(prefixes: readonly string[]): string[] {
  const unique = [...new Set(prefixes)];
  return unique.filter((prefix) => !unique.some((other) => other !== prefix && prefix.startsWith(other)));
}

/**
 * The start of the ARN of every state machine of the stack's account and Region whose name starts
 * with `namePrefix`: `arn:<partition>:states:<region>:<account>:stateMachine:<namePrefix>`. Tokens
 * in an environment-agnostic stack.
 */
export function stateMachineArnPrefix(stack: Stack, namePrefix: string): string {
  return stack.formatArn({ service: 'states', resource: 'stateMachine', resourceName: namePrefix, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
}

/** The ARN of executions of the stack's account and Region, for an IAM resource: `arn:<partition>:states:<region>:<account>:execution:<resourceName>`. */
export function executionArn(stack: Stack, resourceName: string): string {
  return stack.formatArn({ service: 'states', resource: 'execution', resourceName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
}
