/**
 * Resolves the CloudFormation intrinsics a synthesized template uses in the handler's environment
 * (Ref, Fn::GetAtt, Fn::Join, Fn::Select, Fn::Split) to the values a deployment would give them.
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
      case 'Fn::GetAtt':
        return known(deployed.attributes, `${args[0]}.${args[1]}`, 'Fn::GetAtt');
      case 'Fn::Join':
        return (resolveIntrinsics(args[1], deployed) as string[]).join(args[0]);
      case 'Fn::Select':
        return resolveIntrinsics(args[1], deployed)[Number(args[0])];
      case 'Fn::Split':
        return String(resolveIntrinsics(args[1], deployed)).split(args[0]);
    }
  }
  return Object.fromEntries(entries.map(([key, item]) => [key, resolveIntrinsics(item, deployed)]));
}

function known(values: Record<string, string>, key: string, intrinsic: string): string {
  if (!(key in values)) throw new Error(`no deployed value given for ${intrinsic} ${key}`);
  return values[key];
}
