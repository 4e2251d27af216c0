// The three stacks measured over sockets, in the order the table prints
// them. Each module gives listen({ tls, cert }) -> { port, close() } and
// connectClient({ port, tls, cert }) -> { protocol, get(path, done), close() }.
// Loaded on demand, so a process holds only the stack it measures.
const LOADERS = {
  ours: () => import('./ours.mjs'),
  spdy: () => import('./spdy.mjs'),
  http2: () => import('./http2.mjs'),
};

export const STACK_NAMES = Object.keys(LOADERS);

/** How the table names each stack. */
export const STACK_LABELS = { ours: 'ours', spdy: 'spdy', http2: 'node:http2' };

export async function loadStack(name) {
  const load = LOADERS[name];
  if (load === undefined) throw new Error(`unknown stack ${name} (have: ${STACK_NAMES.join(', ')})`);
  return load();
}
