/**
 * AWS limits that only the construct honours, at synth time: what IAM and CloudFormation refuse at
 * deploy time. (Limits the handler shares are in ../shared/limits.ts.)
 */

/** IAM attaches at most this many managed policies to one role by default. */
export const MAX_MANAGED_POLICIES_PER_ROLE = 10;

/** The most managed policies IAM attaches to one role with a quota increase. */
export const MAX_MANAGED_POLICIES_PER_ROLE_WITH_INCREASE = 20;

/** CloudFormation refuses a template with more resources than this. */
export const MAX_TEMPLATE_RESOURCES = 500;
