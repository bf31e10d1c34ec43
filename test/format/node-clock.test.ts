// The node clock's facts agree wherever they are written: the jiffy of each HZ as the kernel
// rounds it, the value's layout beside map-layouts.ts, and the datapath's unmeasured jiffy.

import test from 'ava';
import * as L from '../../compiler/emit/map-layouts.ts';
import { NS_PER_JIFFY_UNMEASURED } from '../../compiler/datapath/nodeport/constants.ts';
import { KCONFIG_HZ, NODE_CLOCK_MAP, NODE_CLOCK_VALUE_SIZE, nodeClockEntry, nsPerJiffy, snapHz, UNMEASURED_HZ } from '../../format/node-clock.ts';

test('a jiffy is TICK_NSEC of its HZ; rates snap to Kconfig\'s HZ within 5% and no further', (t) => {
  t.deepEqual(KCONFIG_HZ.map(nsPerJiffy), [10_000_000n, 4_000_000n, 3_333_333n, 1_000_000n]);
  t.is(snapHz(249.99), 250);
  t.is(snapHz(288), 300);
  t.is(snapHz(275), undefined, 'between 250 and 300: neither');
  t.is(snapHz(128), undefined);
  t.throws(() => nsPerJiffy(0));
});

test('node_clock: the layout map-layouts.ts declares, and the datapath\'s unmeasured jiffy is UNMEASURED_HZ\'s', (t) => {
  t.is(L.MAP.nodeClock, NODE_CLOCK_MAP);
  t.is(L.NODE_CLOCK.size, NODE_CLOCK_VALUE_SIZE);
  t.deepEqual(L.NODE_CLOCK.fields.map((f) => [f.name, f.type, f.offset]), [['ns_per_jiffy', 'u64', 0]]);
  const e = nodeClockEntry(250);
  t.is(new DataView(e.value.buffer).getBigUint64(0, true), 4_000_000n);
  t.deepEqual([...e.key], [0, 0, 0, 0]);
  t.is(BigInt(NS_PER_JIFFY_UNMEASURED), nsPerJiffy(UNMEASURED_HZ));
});
