// A client for the socket LB's end-to-end tests, in plain JavaScript so that it starts in
// milliseconds inside a node's cgroup: one JSON command in argv, one JSON result on stdout.
//   {"op":"tcp","host":H,"port":P,"count":N}        N connects: the greeting's backend, getpeername
//   {"op":"udp","host":H,"port":P,"sockets":S,"count":N}  S sockets × N request/response
//   {"op":"udpconnected","host":H,"port":P,"sockets":S,"count":N}  S connected sockets × N request/response,
//                                                  each answer with getpeername's
//   {"op":"udpmany","targets":[[H,P],...],"count":N}  one unconnected socket, N rounds over the targets
//   {"op":"bind","host":H,"port":P,"proto":"tcp"|"udp"}  the bind error, or null
//   {"op":"loop","host":H,"port":P,"ms":T,"count":N}  connects for T ms (no ms: until SIGTERM) or until N made:
//                                                  backends, errors and connects slower than 1 s (a SYN
//                                                  retransmitted) counted
//   {"op":"hold","host":H,"port":P,"ms":T,"every":E}   one connection, an echo every E ms for T ms
import net from 'node:net';
import dgram from 'node:dgram';

const cmd = JSON.parse(process.argv[2]);
const done = (result) => {
  process.stdout.write(JSON.stringify(result) + '\n');
  process.exit(0);
};

/** One TCP connect: the backend's greeting, getpeername's answer, and how long it took. */
function connectOnce(host, port) {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    let buf = '';
    const finish = (r) => {
      s.destroy();
      resolve({ ms: performance.now() - t0, ...r });
    };
    s.setTimeout(5000, () => finish({ error: 'TIMEOUT' }));
    s.on('error', (e) => finish({ error: e.code }));
    s.on('data', (d) => {
      buf += d;
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      const [backend, local] = buf.slice(0, nl).split(' ');
      finish({ backend, serverSaw: local, peer: `${s.remoteAddress}:${s.remotePort}` });
    });
  });
}

async function udpSocket(host, port, count, family) {
  const sock = dgram.createSocket(family === 6 ? 'udp6' : 'udp4');
  const out = [];
  for (let i = 0; i < count; i++) out.push(await ask(sock, (cb) => sock.send(`ping ${i}`, port, host, cb)));
  sock.close();
  return out;
}

/** One datagram on `sock` and its answer: the backend that answered and where it seemed to come from. */
function ask(sock, send) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ error: 'TIMEOUT' }), 3000);
    sock.once('message', (msg, rinfo) => {
      clearTimeout(timer);
      resolve({ backend: String(msg).split(' ')[0], from: `${rinfo.address}:${rinfo.port}` });
    });
    send((e) => {
      if (e) {
        clearTimeout(timer);
        resolve({ error: e.code });
      }
    });
  });
}

/** A connected UDP socket: send() without an address, replies through recvmsg, getpeername. */
async function udpConnected(host, port, count, family) {
  const sock = dgram.createSocket(family === 6 ? 'udp6' : 'udp4');
  await new Promise((resolve) => sock.connect(port, host, resolve));
  const out = [];
  for (let i = 0; i < count; i++) {
    const r = await ask(sock, (cb) => sock.send(`ping ${i}`, cb));
    const p = sock.remoteAddress();
    out.push({ ...r, peer: `${p.address}:${p.port}` });
  }
  sock.close();
  return out;
}

switch (cmd.op) {
  case 'tcp': {
    const out = [];
    for (let i = 0; i < cmd.count; i++) out.push(await connectOnce(cmd.host, cmd.port));
    done(out);
    break;
  }
  case 'udp': {
    const family = net.isIPv6(cmd.host) ? 6 : 4;
    const out = [];
    for (let s = 0; s < (cmd.sockets ?? 1); s++) out.push(await udpSocket(cmd.host, cmd.port, cmd.count, family));
    done(out);
    break;
  }
  case 'udpconnected': {
    const family = net.isIPv6(cmd.host) ? 6 : 4;
    const out = [];
    for (let s = 0; s < (cmd.sockets ?? 1); s++) out.push(await udpConnected(cmd.host, cmd.port, cmd.count, family));
    done(out);
    break;
  }
  case 'udpmany': {
    const family = net.isIPv6(cmd.targets[0][0]) ? 6 : 4;
    const sock = dgram.createSocket(family === 6 ? 'udp6' : 'udp4');
    const out = [];
    for (let i = 0; i < cmd.count; i++) {
      for (const [host, port] of cmd.targets) out.push({ to: `${host}:${port}`, ...(await ask(sock, (cb) => sock.send(`ping ${i}`, port, host, cb))) });
    }
    sock.close();
    done(out);
    break;
  }
  case 'bind': {
    const family = net.isIPv6(cmd.host) ? 6 : 4;
    if (cmd.proto === 'udp') {
      const sock = dgram.createSocket(family === 6 ? 'udp6' : 'udp4');
      sock.on('error', (e) => done({ error: e.code }));
      sock.bind(cmd.port, cmd.host, () => done({ error: null }));
    } else {
      const server = net.createServer();
      server.on('error', (e) => done({ error: e.code }));
      server.listen({ port: cmd.port, host: cmd.host, exclusive: true }, () => done({ error: null }));
    }
    break;
  }
  case 'loop': {
    const backends = {};
    const errors = {};
    let n = 0;
    let end = performance.now() + (cmd.ms ?? Infinity);
    // The connect under way finishes and counts; then the result is printed. Without ms, a
    // first line says the loop (and its SIGTERM handler) is running.
    process.on('SIGTERM', () => (end = 0));
    if (cmd.ms === undefined) process.stdout.write('looping\n');
    let slow = 0;
    let maxMs = 0;
    const count = cmd.count ?? Infinity;
    while (performance.now() < end && n < count) {
      const r = await connectOnce(cmd.host, cmd.port);
      n++;
      if (r.error) errors[r.error] = (errors[r.error] ?? 0) + 1;
      else backends[r.backend] = (backends[r.backend] ?? 0) + 1;
      if (r.ms >= 1000) slow++;
      maxMs = Math.max(maxMs, r.ms);
    }
    done({ connects: n, backends, errors, slow, maxMs: Math.round(maxMs) });
    break;
  }
  case 'hold': {
    const s = net.connect({ host: cmd.host, port: cmd.port });
    let received = '';
    let sent = 0;
    let error = null;
    s.on('error', (e) => (error = e.code));
    s.on('data', (d) => (received += d));
    const timer = setInterval(() => {
      if (!s.destroyed) (s.write('ping'), sent++);
    }, cmd.every ?? 50);
    setTimeout(() => {
      clearInterval(timer);
      // The last echoes are still on their way: give them a moment.
      setTimeout(() => {
        const nl = received.indexOf('\n');
        const echoed = nl < 0 ? 0 : (received.length - nl - 1) / 'ping'.length;
        done({ backend: received.slice(0, nl).split(' ')[0], sent, echoed, error, open: !s.destroyed });
      }, 300);
    }, cmd.ms);
    break;
  }
  default:
    done({ error: `unknown op ${cmd.op}` });
}
