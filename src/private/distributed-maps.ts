import { Stack } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';

/** One Distributed Map state of a definition, at any depth. */
export interface DistributedMapState {
  /** The `Label` of its Map Runs, when it has one: its child executions are named `<state machine>/<label>:<id>`. */
  readonly label?: string;
}

/** What the definition of a state machine shows: its Distributed Map states, or why it cannot be read. */
export type DefinitionReading =
  | { readonly readable: true; readonly distributedMaps: DistributedMapState[] }
  | { readonly readable: false; readonly reason: string };

/**
 * Stands for every value a token takes in a definition string: a JSON number is valid both as a
 * value and inside a string, so the text parses whatever the token stood for.
 */
const TOKEN_PLACEHOLDER = '0';

/**
 * Reads the Distributed Map states of a state machine's definition, however it was given: a
 * chainable or a string (`DefinitionString`, tokens included) or an object (`Definition`). A
 * definition kept in S3 cannot be read at synth time.
 */
export function readDistributedMaps(resource: sfn.CfnStateMachine): DefinitionReading {
  const stack = Stack.of(resource);
  if (resource.definitionS3Location !== undefined) return { readable: false, reason: 'its definition is kept in S3' };
  if (resource.definition !== undefined) return { readable: true, distributedMaps: findDistributedMaps(stack.resolve(resource.definition)) };
  if (resource.definitionString === undefined) return { readable: false, reason: 'it has no definition AutoRedrive can read' };
  const text = definitionText(stack.resolve(resource.definitionString));
  if (text === undefined) return { readable: false, reason: 'its definition string is built by a CloudFormation function AutoRedrive cannot read' };
  try {
    return { readable: true, distributedMaps: findDistributedMaps(JSON.parse(substituted(text, stack.resolve(resource.definitionSubstitutions)))) };
  } catch {
    return { readable: false, reason: 'its definition string is not JSON' };
  }
}

/**
 * The text with its `${name}` placeholders replaced as CloudFormation will: by the value of
 * `DefinitionSubstitutions` when it is known at synth time, otherwise by a stand-in valid anywhere.
 */
function substituted(text: string, substitutions: Record<string, unknown> | undefined): string {
  return text.replace(/\$\{([^}]*)\}/g, (_placeholder, name: string) => {
    const value = substitutions?.[name];
    return typeof value === 'string' ? value : TOKEN_PLACEHOLDER;
  });
}

/** The resolved definition string as text, its tokens replaced; undefined when it is not a string or an `Fn::Join` of one. */
function definitionText(resolved: unknown): string | undefined {
  if (typeof resolved === 'string') return resolved;
  const join = (resolved as { 'Fn::Join'?: [string, unknown[]] } | undefined)?.['Fn::Join'];
  if (!Array.isArray(join) || typeof join[0] !== 'string' || !Array.isArray(join[1])) return undefined;
  return join[1].map((part) => (typeof part === 'string' ? part : TOKEN_PLACEHOLDER)).join(join[0]);
}

/** Every Map state in distributed mode, wherever it is: top level, Parallel branches, other Maps' item processors. */
function findDistributedMaps(value: unknown): DistributedMapState[] {
  if (Array.isArray(value)) return value.flatMap(findDistributedMaps);
  if (typeof value !== 'object' || value === null) return [];
  const state = value as Record<string, any>;
  const processor = state.ItemProcessor ?? state.Iterator;
  const own = state.Type === 'Map' && processor?.ProcessorConfig?.Mode === 'DISTRIBUTED'
    ? [{ label: typeof state.Label === 'string' ? state.Label : undefined }]
    : [];
  return [...own, ...Object.values(state).flatMap(findDistributedMaps)];
}
