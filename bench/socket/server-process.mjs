// The server side of a socket measurement, in its own process so that its
// CPU time is its own: `fork()`ed by bench/socket/measure.mjs and driven
// over the IPC channel.
//
//   parent -> { type: 'listen', stack, tls, cert }   child -> { type: 'listening', port }
//   parent -> { type: 'cpu-start', profile?, kind? }  child -> { type: 'cpu-started' }
//   parent -> { type: 'cpu-stop' }                   child -> { type: 'cpu', user, system } (µs)
//   parent -> { type: 'close' }                      child closes and exits
//
// process.cpuUsage() counts every thread of the process (the peer's zlib
// runs on libuv's pool), so the figure is fair across stacks. The process
// exits when its parent goes away (the IPC channel closes), whatever state
// it is in. With `profile` (a file name), the timed part is also profiled
// (profiler.mjs; `kind` 'cpu', the default, or 'alloc') into that file.
import { startProfiler } from './profiler.mjs';
import { loadStack } from './stacks/index.mjs';

let server = null;
let cpuStart = null;
let profile = null;

function send(message) {
  process.send(message);
}

async function onMessage(message) {
  switch (message.type) {
    case 'listen': {
      const stack = await loadStack(message.stack);
      server = await stack.listen({ tls: message.tls, cert: message.cert });
      send({ type: 'listening', port: server.port });
      return;
    }
    case 'cpu-start':
      if (message.profile !== undefined) {
        const stop = startProfiler(message.kind);
        profile = () => stop(message.profile);
      }
      cpuStart = process.cpuUsage();
      send({ type: 'cpu-started' });
      return;
    case 'cpu-stop': {
      const used = process.cpuUsage(cpuStart);
      profile?.();
      profile = null;
      send({ type: 'cpu', user: used.user, system: used.system });
      return;
    }
    case 'close':
      await server?.close();
      process.exit(0);
      return;
    default:
      throw new Error(`unknown message ${JSON.stringify(message)}`);
  }
}

process.on('message', (message) => {
  onMessage(message).catch((error) => {
    process.stderr.write(`server process: ${error && error.stack ? error.stack : error}\n`);
    process.exit(1);
  });
});
process.on('disconnect', () => process.exit(0));
