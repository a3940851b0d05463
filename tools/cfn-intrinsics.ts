/**
 * Resolves the CloudFormation intrinsics a synthesized template uses in the handler's environment,
 * its rules and its IAM policies (Ref, Fn::GetAtt, Fn::Join, Fn::Select, Fn::Split, Fn::Sub) to
 * the values a deployment would give them.
 */
export interface DeployedValues {
  /** `Ref` of a logical ID or pseudo parameter. */
  readonly refs: Record<string, string>;
  /** `Fn::GetAtt`, keyed `<logical id>.<attribute>`. */
  readonly attributes: Record<string, string>;
}

export function resolveIntrinsics(value: unknown, deployed: DeployedValues): any {
  if (Array.isArray(value)) return value.map((item) => resolveIntrinsics(item, deployed));
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value);
  if (entries.length === 1) {
    const [name, args] = entries[0] as [string, any];
    switch (name) {
      case 'Ref':
        return known(deployed.refs, args, 'Ref');
      case 'Fn::GetAtt': {
        const [id, ...attribute] = typeof args === 'string' ? args.split('.') : args;
        return known(deployed.attributes, `${id}.${attribute.join('.')}`, 'Fn::GetAtt');
      }
      case 'Fn::Join':
        return (resolveIntrinsics(args[1], deployed) as string[]).join(args[0]);
      case 'Fn::Select':
        return resolveIntrinsics(args[1], deployed)[Number(resolveIntrinsics(args[0], deployed))];
      case 'Fn::Split':
        return String(resolveIntrinsics(args[1], deployed)).split(args[0]);
      case 'Fn::Sub':
        return substitute(args, deployed);
    }
  }
  return Object.fromEntries(entries.map(([key, item]) => [key, resolveIntrinsics(item, deployed)]));
}

/** `Fn::Sub`: a string, or a string and its own variables; `${!Literal}` stays `${Literal}`. */
function substitute(args: unknown, deployed: DeployedValues): string {
  const [text, variables] = typeof args === 'string' ? [args, {}] : (args as [string, Record<string, unknown>]);
  const resolved = resolveIntrinsics(variables ?? {}, deployed) as Record<string, string>;
  return text.replace(/\$\{([^}]*)\}/g, (_, name: string) => {
    if (name.startsWith('!')) return `\${${name.slice(1)}}`;
    if (name in resolved) return String(resolved[name]);
    if (name.includes('.')) return known(deployed.attributes, name, 'Fn::Sub');
    return known(deployed.refs, name, 'Fn::Sub');
  });
}

function known(values: Record<string, string>, key: string, intrinsic: string): string {
  if (!(key in values)) throw new Error(`no deployed value given for ${intrinsic} ${key}`);
  return values[key];
}
