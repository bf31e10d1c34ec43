// The usage meter the programming bench measures every spawned process with (child-usage.ts,
// rusage.c): CPU time and peak RSS of the child, failures reported, and the time limit that
// stops a contender too slow to wait for (by its CPU time, not the clock) while still counting
// what it spent.

import { toolTest } from '../helpers/kernel.ts';
import { usageMeter } from './child-usage.ts';

toolTest('the usage meter reports a child\'s CPU time and peak RSS, its failures, and stops it at a CPU-time limit', ['cc'], (t) => {
  const meter = usageMeter();
  t.teardown(() => meter.dispose());
  const busy = meter.run(['sh', '-c', 'i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done; echo done']);
  t.is(busy.stdout, 'done\n');
  t.true(busy.cpuMs > 0 && busy.cpuMs <= busy.wallMs * 1.5, `${busy.cpuMs} ms CPU in ${busy.wallMs} ms`);
  t.true(busy.maxRssMiB > 0);
  t.false(busy.timedOut);
  t.throws(() => meter.run(['sh', '-c', 'echo broken >&2; exit 3']), { message: /exit 3: broken/ });
  t.notThrows(() => meter.run(['sh', '-c', 'exit 3'], { allowFailure: true }));

  const stopped = meter.run(['sh', '-c', 'while :; do :; done'], { limitS: 1 });
  t.true(stopped.timedOut);
  // The kernel checks RLIMIT_CPU on its own accounting, which rusage's figure trails a little.
  t.true(stopped.cpuMs >= 500, `${stopped.cpuMs} ms CPU in ${stopped.wallMs} ms`);
});
