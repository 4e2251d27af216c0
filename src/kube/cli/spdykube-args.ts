/**
 * `spdykube`'s command line, kubectl's words for its two streaming
 * commands, with the pod given as its API URL instead of a kubeconfig:
 *
 *   spdykube exec [-i] [-t] [-c CONTAINER] [AUTH] POD_URL -- COMMAND [ARG...]
 *   spdykube attach [-i] [-t] [-c CONTAINER] [AUTH] POD_URL
 *   spdykube port-forward [--address ADDR] [AUTH] POD_URL [LOCAL:]REMOTE...
 *
 * AUTH: --token TOKEN, --cacert FILE, --cert FILE --key FILE, -k/--insecure.
 * Pure: reads words into options; the caller reads the files.
 */
import { CliUsageError, scanArgv } from '../../io/cli/argv.js';
import type { OptionSpec } from '../../io/cli/argv.js';
import { parsePortSpec } from '../port-forward.js';
import { KubeError } from '../errors.js';

export interface AuthArgs {
  readonly token: string | null;
  readonly cacert: string | null;
  readonly cert: string | null;
  readonly key: string | null;
  readonly insecure: boolean;
}

export type SpdykubeArgs =
  | { readonly command: 'help'; readonly text: string }
  | ({ readonly command: 'exec' | 'attach'; readonly podUrl: URL; readonly argv: string[]; readonly stdin: boolean; readonly tty: boolean; readonly container: string | null } & AuthArgs)
  | ({ readonly command: 'port-forward'; readonly podUrl: URL; readonly ports: Array<{ local: number; remote: number }>; readonly address: string } & AuthArgs);

const AUTH: readonly OptionSpec[] = [
  { key: 'token', long: 'token', takesValue: true },
  { key: 'cacert', long: 'cacert', takesValue: true },
  { key: 'cert', long: 'cert', takesValue: true },
  { key: 'key', long: 'key', takesValue: true },
  { key: 'insecure', short: 'k', long: 'insecure', takesValue: false },
  { key: 'help', short: 'h', long: 'help', takesValue: false },
];

const EXEC: readonly OptionSpec[] = [
  ...AUTH,
  { key: 'stdin', short: 'i', long: 'stdin', takesValue: false },
  { key: 'tty', short: 't', long: 'tty', takesValue: false },
  { key: 'container', short: 'c', long: 'container', takesValue: true },
];

const FORWARD: readonly OptionSpec[] = [...AUTH, { key: 'address', long: 'address', takesValue: true }];

export function spdykubeUsage(): string {
  return [
    'Usage: spdykube exec [-i] [-t] [-c CONTAINER] [AUTH] POD_URL -- COMMAND [ARG...]',
    '       spdykube attach [-i] [-t] [-c CONTAINER] [AUTH] POD_URL',
    '       spdykube port-forward [--address ADDR] [AUTH] POD_URL [LOCAL:]REMOTE...',
    '',
  ].join('\n');
}

export function spdykubeHelp(): string {
  return `${spdykubeUsage()}
Runs a command in a pod, or forwards local ports to it, as kubectl does:
HTTP/1.1 upgraded to SPDY/3.1 (Kubernetes' spdystream protocol).

POD_URL is the pod's API URL, https://HOST:PORT/api/v1/namespaces/NS/pods/POD
(http:// for a plain test server).

exec, attach:
  -i, --stdin              pass standard input to the command (EOF ends it)
  -t, --tty                allocate a terminal (stderr is then part of stdout)
  -c, --container NAME     the container, when the pod has several
  The exit status is the remote command's.

port-forward:
  [LOCAL:]REMOTE           forward 127.0.0.1:LOCAL to the pod's port REMOTE;
                           LOCAL 0 (or ":REMOTE") picks a free port
  --address ADDR           listen on ADDR instead of 127.0.0.1
  Prints "Forwarding from 127.0.0.1:LOCAL -> REMOTE" per port and runs until
  interrupted (SIGINT, SIGTERM) or the connection ends.

AUTH:
  --token TOKEN            send "Authorization: Bearer TOKEN"
  --cacert FILE            trust the certificate authorities in FILE (PEM)
  --cert FILE --key FILE   authenticate with this client certificate and key
  -k, --insecure           do not verify the server's certificate
  -h, --help               this help
`;
}

/** Reads `argv` (without the program name). Throws CliUsageError for a mistake. */
export function parseSpdykubeArgs(argv: readonly string[]): SpdykubeArgs {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') return { command: 'help', text: spdykubeHelp() };
  if (command !== 'exec' && command !== 'attach' && command !== 'port-forward') {
    throw new CliUsageError(`unknown command '${command}' (exec, attach or port-forward)`);
  }
  const values = new Map<string, string>();
  const flags = new Set<string>();
  const operands: string[] = [];
  for (const item of scanArgv(rest, command === 'port-forward' ? FORWARD : EXEC)) {
    if (item.kind === 'operand') operands.push(item.value);
    else if (item.key === 'help') return { command: 'help', text: spdykubeHelp() };
    else if (item.value === undefined) flags.add(item.key);
    else values.set(item.key, item.value);
  }
  const auth: AuthArgs = {
    token: values.get('token') ?? null,
    cacert: values.get('cacert') ?? null,
    cert: values.get('cert') ?? null,
    key: values.get('key') ?? null,
    insecure: flags.has('insecure'),
  };
  if ((auth.cert === null) !== (auth.key === null)) throw new CliUsageError('--cert and --key go together');
  const [podText, ...more] = operands;
  if (podText === undefined) throw new CliUsageError('POD_URL is missing');
  let podUrl: URL;
  try {
    podUrl = new URL(podText);
  } catch {
    throw new CliUsageError(`'${podText}' is not a URL (https://HOST:PORT/api/v1/namespaces/NS/pods/POD)`);
  }
  if (podUrl.protocol !== 'https:' && podUrl.protocol !== 'http:') throw new CliUsageError(`POD_URL must be https: or http:, not ${podUrl.protocol}`);
  if (command === 'port-forward') {
    if (more.length === 0) throw new CliUsageError('port-forward needs at least one [LOCAL:]REMOTE port');
    const ports = more.map((spec) => {
      try {
        return parsePortSpec(spec);
      } catch (error) {
        if (error instanceof KubeError) throw new CliUsageError(error.message);
        throw error;
      }
    });
    return { command, podUrl, ports, address: values.get('address') ?? '127.0.0.1', ...auth };
  }
  if (command === 'exec' && more.length === 0) throw new CliUsageError('exec needs a command after POD_URL (spdykube exec POD_URL -- COMMAND [ARG...])');
  if (command === 'attach' && more.length > 0) throw new CliUsageError('attach takes no command');
  return { command, podUrl, argv: more, stdin: flags.has('stdin'), tty: flags.has('tty'), container: values.get('container') ?? null, ...auth };
}
