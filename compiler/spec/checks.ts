// The spec stage's checks across objects, declared as data and run in this order; each is a
// file named for what it reports, with one signature.

import type { Diagnostics } from '../diagnostics.ts';
import { reportDuplicateNames } from './report-duplicate-names.ts';
import { reportHairpinDevices } from './report-hairpin-devices.ts';
import { reportNodeReferences } from './report-node-references.ts';
import { reportOverlappingRanges } from './report-overlapping-ranges.ts';
import { reportServiceAddresses } from './report-service-addresses.ts';
import { reportServiceSettings } from './report-service-settings.ts';
import { reportUnresolvedTargetPorts } from './report-unresolved-target-ports.ts';
import type { Spec } from './types.ts';

export interface CheckContext {
  /** False when no cluster settings were found: checks against them would only cascade. */
  hasCluster: boolean;
  /** Whether any input was a Kubernetes manifest, for advice that only fits kubectl input. */
  sawManifests?: boolean;
}

export type SpecCheck = (spec: Spec, diags: Diagnostics, ctx: CheckContext) => void;

export const specChecks: SpecCheck[] = [
  reportDuplicateNames,
  reportOverlappingRanges,
  reportServiceAddresses,
  reportServiceSettings,
  reportNodeReferences,
  reportHairpinDevices,
  reportUnresolvedTargetPorts,
];

export function runSpecChecks(spec: Spec, diags: Diagnostics, ctx: CheckContext): void {
  for (const check of specChecks) check(spec, diags, ctx);
}
