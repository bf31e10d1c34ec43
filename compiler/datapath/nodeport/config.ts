// The north-south path's compile-time features (compiler/datapath-build/config.ts gives them):
// forwarding to remote backends by SNAT or DSR, the backend choice (random or Maglev), and
// hairpin mode, where a node has one device
// and its gateway routes pod CIDRs, so remote traffic goes back out where it came in, to the MAC
// it came from, and bpf_fib_lookup is compiled out (the talk: +1.5 Mpps).

export interface NodeportConfig {
  forwardingDsr: bool;
  hairpin: bool;
  /** algorithm: maglev: a new flow's backend comes from its service's Maglev table by flow hash. */
  algorithmMaglev: bool;
}

export const features = nodeConfig<NodeportConfig>();
