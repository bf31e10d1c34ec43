// What a context load yields, for the generated tables (ctx-tables.ts): a scalar, or one of
// the pointer kinds below, turned into register types by ctx.ts.

export const P_SCALAR: i32 = 0;
export const P_PKT: i32 = 1;
export const P_PKT_END: i32 = 2;
export const P_PKT_META: i32 = 3;
export const P_SOCK: i32 = 4;
export const P_SOCK_COMMON_OR_NULL: i32 = 5;
