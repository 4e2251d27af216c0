// Starting and watching the proxy benchmark's processes: servers that say
// where they listen, the CPU time a process has used (from /proc), free
// ports, and waiting for a port to accept.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import net from 'node:net';

/**
 * Starts `command args`; resolves with the process and the port once a line
 * of its stdout matches `ready` (its first group is the port). Rejects if
 * it exits first or takes longer than 15 s.
 */
export function startServer(command, args, ready) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => fail(new Error(`${command} did not start within 15 s: ${err}`)), 15_000);
    const fail = (error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    child.stderr.on('data', (chunk) => (err = (err + chunk).slice(-4096)));
    child.stdout.on('data', (chunk) => {
      if (out.length > 4096) return;
      out += chunk;
      const match = ready.exec(out);
      if (match !== null) {
        clearTimeout(timer);
        resolve({ child, port: Number(match[1]) });
      }
    });
    child.once('exit', (code) => fail(new Error(`${command} exited with ${code}: ${err}`)));
  });
}

/** Ends a server started by startServer and waits for it to go. */
export async function stopServer(server) {
  const child = server?.child;
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  // Its exit is expected now: no longer a failure to start.
  child.removeAllListeners('exit');
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await gone;
}

let clockTicks = null;

/** /proc/PID/stat's fields after the command name; null when the process is gone. */
function statFields(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/**
 * Seconds of CPU (user + system) process `pid` and the processes it
 * started have used (nghttpx serves from a worker process its master
 * forks); null where /proc is not there.
 */
export function cpuSeconds(pid) {
  if (statFields(pid) === null) return null;
  clockTicks ??= Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
  const children = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(entry);
    if (fields === null) continue;
    const parent = fields[1];
    if (!children.has(parent)) children.set(parent, []);
    children.get(parent).push(entry);
  }
  let ticks = 0;
  const pending = [String(pid)];
  while (pending.length > 0) {
    const current = pending.pop();
    const fields = statFields(current);
    if (fields !== null) ticks += Number(fields[11]) + Number(fields[12]);
    pending.push(...(children.get(current) ?? []));
  }
  return ticks / clockTicks;
}

/** Seconds of user and of system CPU process `pid` (alone, not its children) has used; null when it is gone. */
export function cpuSplit(pid) {
  const fields = statFields(pid);
  if (fields === null) return null;
  clockTicks ??= Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
  return { user: Number(fields[11]) / clockTicks, system: Number(fields[12]) / clockTicks };
}

/** A port free on 127.0.0.1 just now (for a server that cannot pick its own). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once 127.0.0.1:`port` accepts a connection (polled for up to 15 s). */
export async function waitForPort(port) {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const ok = await new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nothing accepted connections on port ${port} within 15 s`);
}

/**
 * Runs `command args` to its end; resolves with { status, stdout, stderr }.
 * Asynchronous, so this process goes on reading its servers' output while
 * the load runs (a server blocked on a full stderr pipe would stall it).
 */
export function runProcess(command, args, timeoutMs) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr });
    });
  });
}

/** True when `command` is on the PATH. */
export function installed(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).status === 0;
}
