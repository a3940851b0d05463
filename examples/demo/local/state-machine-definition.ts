/** A state of an Amazon States Language definition, as far as the local stand-in reads it. */
export interface TaskState {
  readonly Type: string;
  /** A function's logical id when the template gives `Fn::GetAtt` of a function's Arn. */
  readonly Resource: string;
  readonly Parameters?: Record<string, unknown>;
  readonly Retry?: { readonly ErrorEquals: string[] }[];
  readonly Next?: string;
  readonly End?: boolean;
}

export interface Definition {
  readonly StartAt: string;
  readonly States: Record<string, TaskState>;
}

const REFERENCE = '@@';

/**
 * The definition of a synthesized state machine: its DefinitionString, a string or an `Fn::Join` of
 * strings and references. A reference becomes `@@<logical id>`, or `@@<pseudo parameter>`.
 */
export function definitionOf(definitionString: unknown): Definition {
  if (typeof definitionString === 'string') return JSON.parse(definitionString);
  const join = (definitionString as { 'Fn::Join'?: [string, unknown[]] } | undefined)?.['Fn::Join'];
  if (!join) throw new Error(`a DefinitionString must be a string or an Fn::Join, got ${JSON.stringify(definitionString)}`);
  const [separator, parts] = join;
  return JSON.parse(parts.map(textOf).join(separator));
}

/** The logical id of the resource that `value` refers to, if it is a reference. */
export function referencedId(value: string): string | undefined {
  return value.startsWith(REFERENCE) ? value.slice(REFERENCE.length) : undefined;
}

function textOf(part: unknown): string {
  if (typeof part === 'string') return part;
  const intrinsic = part as { 'Fn::GetAtt'?: [string, string]; 'Ref'?: string };
  if (intrinsic['Fn::GetAtt']) return `${REFERENCE}${intrinsic['Fn::GetAtt'][0]}`;
  if (intrinsic.Ref) return `${REFERENCE}${intrinsic.Ref}`;
  throw new Error(`the local stand-in cannot resolve ${JSON.stringify(part)} in a state machine definition`);
}
