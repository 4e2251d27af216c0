/**
 * What kubectl speaks to run commands in pods and forward ports: HTTP/1.1
 * upgraded to SPDY/3.1 without flow control (Kubernetes' spdystream),
 * exec/attach channels and port-forward channel pairs, client and server.
 */
export { upgradeToSpdy } from './connection.js';
export type { KubeConnectOptions, UpgradeOptions, SpdyConnection } from './connection.js';
export { acceptSpdyUpgrade } from './accept.js';
export type { KubeSessionOptions } from './accept.js';
export { exec, attach, execUrl, exitStatus, RemoteProcess } from './exec.js';
export type { ExecOptions, ExitStatus } from './exec.js';
export { portForward, parsePortSpec, PortForwarder } from './port-forward.js';
export type { PortForwardOptions, PortSpec, ForwardedPort, ForwardContext } from './port-forward.js';
export { createKubeSpdyHandler } from './handler.js';
export type { KubeSpdyHandler, KubeSpdyHandlerOptions } from './handler.js';
export { ExecRequest, execParams } from './exec-server.js';
export type { ExecHandler, ExecParams } from './exec-server.js';
export { forwardToHost } from './port-forward-server.js';
export type { ForwardRequest, PortForwardHandler } from './port-forward-server.js';
export { KubeError } from './errors.js';
export type { KubeErrorCode } from './errors.js';
export type { KubeStatus, KubeStatusCause } from './status.js';
export {
  EXEC_PROTOCOLS,
  PORT_FORWARD_PROTOCOL,
  negotiateProtocol,
} from './protocol.js';
export type { ExecProtocol } from './protocol.js';
