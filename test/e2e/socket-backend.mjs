// A backend pod for the socket LB's end-to-end tests, in plain JavaScript so it starts in
// milliseconds: TCP servers that greet each connection with the pod's name and the addresses the
// server saw, then echo; UDP servers that answer every datagram with the pod's name.
// Usage: node socket-backend.mjs NAME TCP_PORTS UDP_PORTS   (ports comma-separated, or -)
import net from 'node:net';
import dgram from 'node:dgram';

const [name, tcp = '-', udp = '-'] = process.argv.slice(2);
const ports = (s) => (s === '-' ? [] : s.split(',').map(Number));
let pending = ports(tcp).length + ports(udp).length;
const ready = () => {
  if (--pending === 0) console.log('ready');
};

for (const port of ports(tcp)) {
  const server = net.createServer((s) => {
    s.on('error', () => {});
    s.write(`${name} ${s.localAddress} ${s.remoteAddress}:${s.remotePort}\n`);
    s.pipe(s);
  });
  server.listen({ port, host: '::', ipv6Only: false }, ready);
}
for (const port of ports(udp)) {
  const sock = dgram.createSocket({ type: 'udp6', ipv6Only: false });
  sock.on('message', (msg, rinfo) => sock.send(`${name} ${msg}`, rinfo.port, rinfo.address));
  sock.bind(port, '::', ready);
}
if (pending === 0) console.log('ready');
process.on('SIGTERM', () => process.exit(0));
