// errno values the socket LB gives refused calls (include/uapi/asm-generic/errno*.h).

/** A service without any backend: what kube-proxy's REJECT rule gives a client. */
export const ECONNREFUSED = 111;
/** bind() to a port a service answers on. */
export const EADDRINUSE = 98;
