// Classic pcap files (the libpcap format, not pcapng): either byte order, micro- or nanosecond
// timestamps, Ethernet link type only, as `tcpdump -w` writes them. The writer is for tests and
// for `switchyard trace` users who want a capture to start from.

export interface PcapRecord {
  /** Seconds and the fraction as nanoseconds. */
  seconds: number;
  nanos: number;
  frame: Uint8Array;
  /** The length on the wire (the frame may have been cut to the snap length). */
  wireLength: number;
}

const MAGIC_US = 0xa1b2c3d4;
const MAGIC_NS = 0xa1b23c4d;
const LINKTYPE_ETHERNET = 1;

export class PcapError extends Error {
  constructor(source: string, message: string) {
    super(`${source}: ${message}`);
    this.name = 'PcapError';
  }
}

export function readPcap(bytes: Uint8Array, source = 'pcap'): PcapRecord[] {
  if (bytes.length < 24) throw new PcapError(source, `${bytes.length} bytes is too short for a pcap file header (24)`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let little: boolean;
  const le = dv.getUint32(0, true);
  const be = dv.getUint32(0, false);
  if (le === MAGIC_US || le === MAGIC_NS) little = true;
  else if (be === MAGIC_US || be === MAGIC_NS) little = false;
  else if (be === 0x0a0d0d0a) throw new PcapError(source, 'this is pcapng; convert it with `editcap -F pcap IN OUT` (Debian package wireshark-common)');
  else throw new PcapError(source, `not a pcap file (magic 0x${be.toString(16).padStart(8, '0')})`);
  const nanos = dv.getUint32(0, little) === MAGIC_NS;
  const link = dv.getUint32(20, little) & 0x0fffffff;
  if (link !== LINKTYPE_ETHERNET) throw new PcapError(source, `link type ${link}; only Ethernet (1) captures can be traced (capture on the device, not 'any')`);
  const out: PcapRecord[] = [];
  for (let at = 24; at < bytes.length; ) {
    if (at + 16 > bytes.length) throw new PcapError(source, `record ${out.length + 1} at byte ${at}: truncated record header`);
    const caplen = dv.getUint32(at + 8, little);
    if (at + 16 + caplen > bytes.length) throw new PcapError(source, `record ${out.length + 1} at byte ${at}: ${caplen} bytes captured, the file ends first`);
    const frac = dv.getUint32(at + 4, little);
    out.push({ seconds: dv.getUint32(at, little), nanos: nanos ? frac : frac * 1000, wireLength: dv.getUint32(at + 12, little), frame: bytes.slice(at + 16, at + 16 + caplen) });
    at += 16 + caplen;
  }
  return out;
}

/** A little-endian, microsecond pcap file of `frames`, one a second from t=0. */
export function writePcap(frames: readonly Uint8Array[]): Uint8Array {
  const size = 24 + frames.reduce((n, f) => n + 16 + f.length, 0);
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, MAGIC_US, true);
  dv.setUint16(4, 2, true);
  dv.setUint16(6, 4, true);
  dv.setUint32(16, 65535, true);
  dv.setUint32(20, LINKTYPE_ETHERNET, true);
  let at = 24;
  frames.forEach((f, i) => {
    dv.setUint32(at, i, true);
    dv.setUint32(at + 8, f.length, true);
    dv.setUint32(at + 12, f.length, true);
    out.set(f, at + 16);
    at += 16 + f.length;
  });
  return out;
}
