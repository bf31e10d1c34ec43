// Small WebAssembly functions the translated code calls where one BPF instruction is more than
// one WebAssembly instruction with a guard: division and modulo (BPF defines division by zero,
// WebAssembly traps on it and on signed overflow) and byte swaps.

const div = (w: 32 | 64, signed: boolean): string => {
  const t = `i${w}`;
  const min = w === 64 ? '-9223372036854775808' : '-2147483648';
  const overflow = signed ? `(if (i32.and (${t}.eq (local.get $a) (${t}.const ${min})) (${t}.eq (local.get $b) (${t}.const -1))) (then (return (local.get $a))))` : '';
  return `(func $${signed ? 's' : 'u'}div${w} (param $a ${t}) (param $b ${t}) (result ${t})
    (if (${t}.eqz (local.get $b)) (then (return (${t}.const 0))))
    ${overflow}
    (${t}.div_${signed ? 's' : 'u'} (local.get $a) (local.get $b)))`;
};

// Modulo by zero leaves the dividend (for ALU the caller zero-extends its low half). WebAssembly's
// rem_s of the minimum by -1 is 0 without trapping, as BPF wants.
const mod = (w: 32 | 64, signed: boolean): string => {
  const t = `i${w}`;
  return `(func $${signed ? 's' : 'u'}mod${w} (param $a ${t}) (param $b ${t}) (result ${t})
    (if (${t}.eqz (local.get $b)) (then (return (local.get $a))))
    (${t}.rem_${signed ? 's' : 'u'} (local.get $a) (local.get $b)))`;
};

const bswap = `
  (func $bswap16 (param $x i64) (result i64)
    (i64.or (i64.and (i64.shr_u (local.get $x) (i64.const 8)) (i64.const 0xff))
            (i64.and (i64.shl (local.get $x) (i64.const 8)) (i64.const 0xff00))))
  (func $bswap32 (param $x i64) (result i64)
    (i64.or
      (i64.or (i64.and (i64.shr_u (local.get $x) (i64.const 24)) (i64.const 0xff))
              (i64.and (i64.shr_u (local.get $x) (i64.const 8)) (i64.const 0xff00)))
      (i64.or (i64.and (i64.shl (local.get $x) (i64.const 8)) (i64.const 0xff0000))
              (i64.and (i64.shl (local.get $x) (i64.const 24)) (i64.const 0xff000000)))))
  (func $bswap64 (param $x i64) (result i64)
    (i64.or
      (i64.shl (call $bswap32 (i64.and (local.get $x) (i64.const 0xffffffff))) (i64.const 32))
      (call $bswap32 (i64.shr_u (local.get $x) (i64.const 32)))))`;

/** Every support function, in module text. */
export const supportFunctions: string = [
  ...[32, 64].flatMap((w) => [div(w as 32 | 64, false), div(w as 32 | 64, true), mod(w as 32 | 64, false), mod(w as 32 | 64, true)]),
  bswap,
].join('\n');
