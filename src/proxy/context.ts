/** What both frontends share: the options, the backends, the logs. */
import type { AccessLogEntry } from './access-log.js';
import type { Backends } from './backends.js';
import type { ResolvedProxyOptions } from './options.js';

/** shrpx's -L levels, most verbose first. */
export type LogLevel = 'INFO' | 'WARNING' | 'ERROR' | 'FATAL';

export interface ProxyContext {
  readonly options: ResolvedProxyOptions;
  readonly backends: Backends;
  /** The name we add to Via; null with noVia. */
  readonly viaName: string | null;
  /** The frontend port, for the signature of error pages. */
  readonly port: number;
  /** True when somebody listens for access-log entries (so none is built for nobody). */
  readonly accessLogged: boolean;
  access(entry: AccessLogEntry): void;
  log(level: LogLevel, message: string): void;
}
