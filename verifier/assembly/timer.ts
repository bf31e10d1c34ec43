// bpf_timer_init, bpf_timer_start and bpf_timer_cancel, with the kernel's rules for their timer
// argument: a map value pointer at exactly the offset of its value's bpf_timer (special-fields.ts),
// and for bpf_timer_init a map argument that is the map the value came from. The timer's
// callback (bpf_timer_set_callback) runs later in its own context and is not modelled.

import { fail, R } from './errors';
import { CONST_PTR_TO_MAP, PTR_TO_MAP_VALUE, Reg, typeName } from './reg';
import { FIELD_TIMER, fieldOffset } from './special-fields';

/** The timer argument `n`: checks it; its map, or -1 after a failure. */
export function checkTimerArg(i: i32, n: i32, r: Reg): i32 {
  if (r.type != PTR_TO_MAP_VALUE) {
    fail(i, R(n) + ' type=' + typeName(r.type) + ' expected=map_value');
    return -1;
  }
  if (!r.isConst()) {
    fail(i, R(n) + " doesn't have constant offset. bpf_timer has to be at the constant offset");
    return -1;
  }
  const at = fieldOffset(r.map, FIELD_TIMER);
  if (at < 0) {
    fail(i, 'map #' + r.map.toString() + ' has no valid bpf_timer');
    return -1;
  }
  const off = <i64>r.off + <i64>r.v;
  if (off != <i64>at) {
    fail(i, 'off ' + off.toString() + " doesn't point to 'struct bpf_timer' that is at " + at.toString());
    return -1;
  }
  return r.map;
}

/** bpf_timer_init's map argument `n`: the map of the timer's value (`timerMap`). */
export function checkTimerMap(i: i32, n: i32, r: Reg, timerMap: i32): bool {
  if (r.type != CONST_PTR_TO_MAP) return fail(i, R(n) + ' type=' + typeName(r.type) + ' expected=map_ptr');
  if (r.map != timerMap) return fail(i, "timer pointer in R1 doesn't match map pointer in " + R(n));
  return true;
}
