// What planCluster's steps share: the model and the previous lock in, the next lock and the
// diagnostics out, and each step's product for the steps after it. A step fills its own fields
// and reads those of earlier steps only (the step list in build.ts says the order).

import type { Diagnostics } from '../diagnostics.ts';
import type { Address } from '../model/address.ts';
import type { Frontend } from '../model/frontends.ts';
import type { Model } from '../model/types.ts';
import type { NodePortAllocation } from './allocate-node-ports.ts';
import type { OwnedFrontend } from './frontend-collisions.ts';
import type { IdKind, Lock } from './lock.ts';
import type { MaglevOptions } from './node-tables.ts';
import type {
  LbUnit, MaglevTable, NodeTable, PlannedBackend, PlannedService, ServiceEntry, SourceRangeEntry, ZoneTable,
} from './types.ts';

export interface PlanState {
  readonly model: Model;
  readonly previous: Lock;
  readonly next: Lock;
  readonly diags: Diagnostics;

  // allocate
  clusterIPs?: Map<string, Address[]>;
  loadBalancerIPs?: Map<string, Address[]>;
  ports?: NodePortAllocation;
  // frontends: per service, per port; every service frontend with its owner; one per hostPort
  serviceFrontends?: Frontend[][][];
  owned?: OwnedFrontend[];
  hostFrontends?: Frontend[];
  // ids
  idOf?: Record<IdKind, Map<string, number>>;
  // units
  services?: PlannedService[];
  hostPorts?: LbUnit[];
  backends?: Map<string, PlannedBackend>;
  // entries
  entries?: ServiceEntry[];
  hostEntries?: ServiceEntry[];
  // maglev
  maglev?: MaglevTable[];
  maglevOptions?: MaglevOptions;
  // tables
  nodes?: NodeTable[];
  zones?: ZoneTable[];
  // source ranges
  sourceRanges?: SourceRangeEntry[];
}

export interface PlanStep {
  name: string;
  does: string;
  run(s: PlanState): void;
}
