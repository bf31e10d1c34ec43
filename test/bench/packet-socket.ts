// Raw frames out of one device, for the packet-rate bench to seed its loop: an AF_PACKET socket
// in this thread's network namespace, through libc (koffi, as runtime/sys does for bpf(2)).

import koffi from 'koffi';
import { closeFd, errnoName } from '../../runtime/sys/syscall.ts';

const libc = koffi.load('libc.so.6');
const socket = libc.func('int socket(int domain, int type, int protocol)');
const sendto = libc.func('long sendto(int fd, const void *buf, unsigned long len, int flags, const void *addr, unsigned int addrlen)');

const AF_PACKET = 17;
const SOCK_RAW = 3;

/** Sends `frame` (a whole Ethernet frame) `count` times out of device `ifindex`. */
export function sendFrames(ifindex: number, frame: Uint8Array, count: number): void {
  const fd = socket(AF_PACKET, SOCK_RAW, 0) as number;
  if (fd < 0) throw new Error(`socket(AF_PACKET): ${errnoName(koffi.errno())}`);
  try {
    // struct sockaddr_ll: family, protocol (network order), ifindex, then what sending ignores.
    const addr = Buffer.alloc(20);
    addr.writeUInt16LE(AF_PACKET, 0);
    addr.writeUInt16BE(frame[12]! * 256 + frame[13]!, 2);
    addr.writeInt32LE(ifindex, 4);
    const buf = Buffer.from(frame);
    const pause = new Int32Array(new SharedArrayBuffer(4));
    let full = 0;
    for (let i = 0; i < count; ) {
      if (Number(sendto(fd, buf, buf.length, 0, addr, addr.length)) >= 0) {
        i++;
        continue;
      }
      const errno = errnoName(koffi.errno());
      // ENOBUFS: the device's queue (a veth's ring to its peer) is full for now; wait a little.
      if (errno !== 'ENOBUFS' || ++full > 1000) throw new Error(`sendto(AF_PACKET, ifindex ${ifindex}): ${errno}`);
      Atomics.wait(pause, 0, 0, 1);
    }
  } finally {
    closeFd(fd);
  }
}
