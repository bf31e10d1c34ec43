// Fresh identities for pointers and scalars within one verification.

let next: u32 = 0;

export function newId(): u32 {
  return ++next;
}

export function resetIds(): void {
  next = 0;
}
