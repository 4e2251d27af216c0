// Where a process's CPU went, from `perf script` output of a `perf record
// -g` of it (with node --perf-basic-prof, so JIT frames have names): each
// sample goes to one bucket, the first rule that matches its stack.
//
//   V8 compiler, GC          a compiler thread or the collector
//   write/read/epoll syscall the kernel and libc under them; writes by who
//                            made them (undici, our driver, other)
//   by script                else the innermost JavaScript frame's script
//                            (V8 builtins and runtime count for the script
//                            that called them): undici, pako, our core /
//                            io / proxy, Node's streams, other Node code
//   llhttp (wasm)            undici's parser
//   native other             the rest: libuv, Node's C++, malloc, ...
//
// Unlike V8's sampling profiler, perf samples CPU time only, so a write
// that blocks or is preempted is not charged for the wait, and the kernel
// and the compiler threads are seen.

/** Buckets of `perfScript` (perf script's text): { samples, rows: [bucket, count] largest first }. */
export function perfBuckets(perfScript) {
  const counts = new Map();
  let samples = 0;
  for (const block of perfScript.split('\n\n')) {
    const frames = block
      .split('\n')
      .slice(1)
      .map((line) => line.trim().replace(/^[0-9a-f]+ /, ''))
      .filter((line) => line !== '');
    if (frames.length === 0) continue;
    samples++;
    const bucket = bucketOf(frames);
    counts.set(bucket, (counts.get(bucket) ?? 0) + 1);
  }
  return { samples, rows: [...counts].sort((a, b) => b[1] - a[1]) };
}

function bucketOf(frames) {
  const stack = frames.join('\n');
  if (/OptimizingCompileDispatcher|Compiler::Compile|Runtime_CompileOptimized|Maglev/.test(stack)) return 'V8 compiler';
  if (/Heap::|Scavenge|MarkCompact|ConcurrentMarking|MinorMS/.test(stack)) return 'GC';
  const js = frames.filter((frame) => frame.includes('JS:'));
  // The kernel's frames say which system call (libc's own frame is not always in the chain).
  if (/\b(ksys_write|do_writev|vfs_writev?|sock_write_iter|tcp_sendmsg)\+|(__GI___libc_write|writev)\+/.test(stack)) {
    const who = js.some((f) => f.includes('/undici/')) ? 'undici' : js.some((f) => f.includes('/dist/io/driver.js')) ? 'our driver' : 'other';
    return `write syscalls (${who})`;
  }
  const user = frames.filter((frame) => !frame.includes('[kernel'));
  if (/\b(ksys_read|vfs_read|sock_read_iter|tcp_recvmsg)\+/.test(stack) || (user.length > 0 && /^read\+/.test(user[0]))) return 'read syscalls';
  if (/\bdo_epoll_wait\+/.test(stack) || (user.length > 0 && /^epoll_pwait\+/.test(user[0]))) return 'epoll';
  const inner = js[0];
  if (inner === undefined) return /wasm/.test(stack) ? 'undici: llhttp (wasm)' : 'native other (libuv, Node C++, malloc)';
  if (inner.includes('wasm')) return 'undici: llhttp (wasm)';
  return scriptGroup(inner);
}

function scriptGroup(frame) {
  if (frame.includes('/node_modules/undici/')) return 'undici: JavaScript';
  if (frame.includes('/node_modules/pako/')) return 'pako (header deflate)';
  const ours = /\/dist\/(core|io|proxy)\//.exec(frame);
  if (ours !== null) return `ours: ${ours[1]}`;
  if (frame.includes('node:internal/streams/')) return 'Node: streams';
  const node = /node:([\w/]+)/.exec(frame);
  if (node !== null) return `Node: ${node[1].split('/').at(-1)}`;
  return 'other JavaScript';
}
