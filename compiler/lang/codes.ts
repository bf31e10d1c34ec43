// SY3xxx: diagnostics of the BPF-TS front end and code generator. Codes are stable: tests,
// fixtures and docs/bpf-ts.md name them; add new ones at the end of their group.

import { defineCodes } from '../diagnostics.ts';

export const codes = defineCodes({
  // Sources and the TypeScript checker.
  SY3001: { severity: 'error', title: 'TypeScript reports an error in BPF-TS source' },
  SY3002: { severity: 'error', title: 'construct outside the BPF-TS subset' },
  SY3003: { severity: 'error', title: 'closures and function values are not BPF-TS' },
  SY3004: { severity: 'error', title: 'floating-point numbers are not BPF-TS' },
  SY3005: { severity: 'error', title: 'recursion is not BPF-TS' },
  SY3006: { severity: 'error', title: 'loop without a bound known at compile time' },
  SY3007: { severity: 'error', title: 'dynamic arrays and strings are not BPF-TS' },
  SY3008: { severity: 'error', title: '`any` and `unknown` are not BPF-TS' },
  SY3009: { severity: 'error', title: 'type outside the BPF-TS subset' },
  SY3010: { severity: 'error', title: 'unknown name' },

  // Types and layouts.
  SY3020: { severity: 'error', title: 'struct field is not naturally aligned' },
  SY3021: { severity: 'error', title: 'struct has implicit padding' },
  SY3022: { severity: 'error', title: 'integer constant does not fit its type' },
  SY3023: { severity: 'error', title: 'implicit narrowing conversion' },
  SY3024: { severity: 'error', title: 'signed and unsigned operands mixed' },
  SY3025: { severity: 'error', title: 'network byte order mixed with host byte order' },
  SY3026: { severity: 'error', title: 'operand type not allowed for this operator' },
  SY3027: { severity: 'error', title: 'a `let` needs a type when its initializer has none' },
  SY3028: { severity: 'error', title: 'shift count out of range' },
  SY3029: { severity: 'error', title: 'division by constant zero' },

  // Memory and the verifier's rules.
  SY3040: { severity: 'error', title: 'pointer may be null here' },
  SY3041: { severity: 'error', title: 'packet pointer used after packet data may have moved' },
  SY3042: { severity: 'error', title: 'array index out of bounds' },
  SY3043: { severity: 'error', title: 'array index not known at compile time' },
  SY3044: { severity: 'error', title: 'write to a read-only location' },
  SY3045: { severity: 'error', title: 'stack frame larger than the 512 bytes BPF allows' },
  SY3046: { severity: 'error', title: 'value needs a compile-time constant' },

  // Functions, programs, helpers, maps, configuration.
  SY3060: { severity: 'error', title: 'program declaration invalid' },
  SY3061: { severity: 'error', title: 'helper not available to this program type' },
  SY3062: { severity: 'error', title: 'bad argument' },
  SY3063: { severity: 'error', title: 'map declaration invalid' },
  SY3064: { severity: 'error', title: 'configuration value missing or of the wrong type' },
  SY3065: { severity: 'error', title: 'function does not return a value on every path' },
  SY3066: { severity: 'error', title: 'BPF-to-BPF call takes at most five arguments' },
  SY3067: { severity: 'error', title: 'loop runs too many iterations for the verifier' },
  SY3068: { severity: 'error', title: 'combined stack of a call chain larger than 512 bytes' },
  SY3069: { severity: 'error', title: 'name used twice' },
  SY3070: { severity: 'error', title: 'the kernel verifier refused a program' },
  SY3071: { severity: 'error', title: 'generic not resolvable at compile time' },
  SY3072: { severity: 'error', title: 'not an address family object' },
});
