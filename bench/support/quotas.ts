import { Bucket } from './storm-run';
import { STEP_FUNCTIONS_QUOTAS } from '../../src/shared/limits';

/** AWS's two Region classes for these quotas: the largest Regions, and every other Region. */
export type RegionClassName = 'largestRegions' | 'otherRegions';

/**
 * The quotas the storms meet, per account and Region, as token buckets: RedriveExecution 1,300 /
 * 300 per s and 800 / 150; DescribeExecution as the sweep knows it (src/shared/limits.ts);
 * CreateSchedule, whose quotas page gives a rate (1,000 per s in the largest Regions, 250
 * elsewhere), as a bucket one second deep; PutEvents 10,000 per s, 400 in some Regions.
 */
export const STORM_QUOTAS: Readonly<Record<string, Readonly<Record<RegionClassName, Bucket>>>> = {
  RedriveExecution: { largestRegions: { burst: 1300, perSecond: 300 }, otherRegions: { burst: 800, perSecond: 150 } },
  DescribeExecution: STEP_FUNCTIONS_QUOTAS.DescribeExecution,
  CreateSchedule: { largestRegions: { burst: 1000, perSecond: 1000 }, otherRegions: { burst: 250, perSecond: 250 } },
  PutEvents: { largestRegions: { burst: 10_000, perSecond: 10_000 }, otherRegions: { burst: 400, perSecond: 400 } },
};

/** Every quota's bucket in the Region class, with some operations taken from the other class. */
export function bucketsOf(regionClass: RegionClassName, exceptions: Readonly<Record<string, RegionClassName>> = {}): Record<string, Bucket> {
  return Object.fromEntries(Object.entries(STORM_QUOTAS).map(([operation, byClass]) => [operation, byClass[exceptions[operation] ?? regionClass]]));
}
