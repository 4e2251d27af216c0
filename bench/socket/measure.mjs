// One socket measurement, the client side: `node --expose-gc
// bench/socket/measure.mjs <S1|S2> <ours|spdy|http2> <tls|tcp> <scale>
// <warm-up ms> [profile dir] [cpu|alloc]`. Forks the server
// (server-process.mjs) on 127.0.0.1, connects the workload's clients, warms
// both processes up with short runs on those connections, then times one
// run at `scale` while the server process counts its CPU time, and prints
// one JSON line: { value (the rate), serverCpu and clientCpu (µs per
// request or per MB, user + system), serverSystemCpu and clientSystemCpu
// (their system part), protocol, units (the requests or MB timed) }.
// Connecting (TCP and TLS handshakes) is outside the timed part. With a
// profile directory, both processes also CPU-profile the timed part into
// server.cpuprofile and client.cpuprofile there, or with `alloc` sample
// what they allocate into server.heapprofile and client.heapprofile
// (bench/socket/profile.mjs).
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { selfSignedCertificate } from '../../dist/index.js';
import { warmUp } from '../warmup.mjs';
import { startProfiler } from './profiler.mjs';
import { loadStack } from './stacks/index.mjs';
import { SOCKET_WORKLOADS } from './workloads.mjs';

const SERVER = fileURLToPath(new URL('./server-process.mjs', import.meta.url));
/** A server process that does not answer within this long has hung. */
const REPLY_TIMEOUT_MS = 30_000;
const CLOSE_TIMEOUT_MS = 3_000;

/** The server process and a request/reply call over its IPC channel. */
async function startServer(stack, tls, cert) {
  const child = fork(SERVER, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = once(child, 'exit');
  const call = (message, replyType) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`server process: no ${replyType} within ${REPLY_TIMEOUT_MS} ms`));
      }, REPLY_TIMEOUT_MS);
      const onMessage = (reply) => {
        if (reply.type !== replyType) return;
        cleanup();
        resolve(reply);
      };
      const onExit = (code) => {
        cleanup();
        reject(new Error(`server process exited (${code}) before ${replyType}`));
      };
      const cleanup = () => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      child.on('message', onMessage);
      child.on('exit', onExit);
      child.send(message);
    });
  const { port } = await call({ type: 'listen', stack, tls, cert }, 'listening');
  return {
    port,
    cpuStart: (profile, kind) => call({ type: 'cpu-start', profile, kind }, 'cpu-started'),
    /** µs of CPU since cpuStart: { user, system }. */
    cpuStop: () => call({ type: 'cpu-stop' }, 'cpu'),
    async close() {
      if (child.exitCode !== null) return;
      child.send({ type: 'close' });
      const timer = setTimeout(() => child.kill(), CLOSE_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function main() {
  const [name, stackName, transport, scaleArg, warmArg = '1000', profileDir, profileKind = 'cpu'] = process.argv.slice(2);
  const workload = SOCKET_WORKLOADS.find((w) => w.name === name);
  if (workload === undefined) throw new Error(`unknown socket workload ${name}`);
  if (transport !== 'tls' && transport !== 'tcp') throw new Error(`transport must be tls or tcp, got ${transport}`);
  const scale = Number(scaleArg);
  if (!(scale > 0)) throw new Error(`bad scale ${scaleArg}`);
  const tls = transport === 'tls';
  const stack = await loadStack(stackName);
  const cert = await selfSignedCertificate();
  const server = await startServer(stackName, tls, cert);
  try {
    const clients = [];
    for (let i = 0; i < workload.connections; i++) clients.push(await stack.connectClient({ port: server.port, tls, cert }));
    await warmUp(() => workload.run(clients, scale / 20), Number(warmArg));
    const suffix = profileKind === 'alloc' ? 'heapprofile' : 'cpuprofile';
    await server.cpuStart(profileDir === undefined ? undefined : join(profileDir, `server.${suffix}`), profileKind);
    const stopProfile = profileDir === undefined ? null : startProfiler(profileKind);
    const clientStart = process.cpuUsage();
    const t = performance.now();
    const amount = await workload.run(clients, scale);
    const seconds = (performance.now() - t) / 1000;
    const clientUsed = process.cpuUsage(clientStart);
    stopProfile?.(join(profileDir, `client.${suffix}`));
    const serverCpu = await server.cpuStop();
    const result = {
      value: amount / seconds,
      serverCpu: (serverCpu.user + serverCpu.system) / amount,
      clientCpu: (clientUsed.user + clientUsed.system) / amount,
      // The kernel's part (system time: TCP on loopback, syscalls), for reading the profiles.
      serverSystemCpu: serverCpu.system / amount,
      clientSystemCpu: clientUsed.system / amount,
      protocol: clients[0].protocol,
      /** The work timed: requests, or MB. */
      units: amount,
    };
    await Promise.race([Promise.all(clients.map((c) => c.close())), new Promise((r) => setTimeout(r, CLOSE_TIMEOUT_MS))]);
    process.stdout.write(JSON.stringify(result) + '\n');
  } finally {
    await server.close();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
    process.exit(1);
  },
);
