// Helpers of the cgroup socket hooks: the socket's cookie, the network namespace's cookie, and
// the return value a hook sets for the system call (bpf_set_retval / bpf_get_retval).

import type { Helper } from './helper.ts';

export const getSocketCookie: Helper = (env) => env.run.socketCookie;
export const getNetnsCookie: Helper = (env) => env.netnsCookie;
export const setRetval: Helper = (env, retval) => {
  env.run.retval = retval | 0;
  return 0;
};
export const getRetval: Helper = (env) => env.run.retval;
