/**
 * What the exec error channel's content means in each protocol version,
 * including content a server should not send: each is a clear result or
 * a clear error, never a guess.
 */
import { describe, expect, it } from 'vitest';
import { exitStatus } from '../../src/index.js';

const status = (body: object) => JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, ...body });

describe('the exec error channel', () => {
  it('v1-v3: empty is success, any text is the failure', () => {
    for (const version of [1, 2, 3]) {
      expect(exitStatus(version, '')).toEqual({ code: 0, message: '' });
      expect(() => exitStatus(version, 'boom')).toThrow(/error executing remote command: boom/);
    }
  });

  it('v4/v5: Success, NonZeroExitCode with its ExitCode cause, any other failure', () => {
    for (const version of [4, 5]) {
      expect(exitStatus(version, status({ status: 'Success' })).code).toBe(0);
      const exited = exitStatus(version, status({ status: 'Failure', reason: 'NonZeroExitCode', message: 'exit 2', details: { causes: [{ reason: 'ExitCode', message: '2' }] } }));
      expect(exited).toMatchObject({ code: 2, message: 'exit 2' });
      expect(() => exitStatus(version, status({ status: 'Failure', reason: 'InternalError', message: 'no such container' }))).toThrow(
        expect.objectContaining({ code: 'ERR_KUBE_EXEC_FAILED', message: 'no such container' }),
      );
    }
  });

  it.each([
    ['empty', ''],
    ['not JSON', 'plain words'],
    ['JSON that is not a Status', '[1,2]'],
    ['a status that is neither Success nor Failure', status({ status: 'Pending' })],
    ['NonZeroExitCode without a cause', status({ status: 'Failure', reason: 'NonZeroExitCode' })],
    ['an exit code out of range', status({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '300' }] } })],
    ['an exit code that is not a number', status({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '-1' }] } })],
  ])('v4: %s is ERR_KUBE_PROTOCOL', (_, body) => {
    expect(() => exitStatus(4, body)).toThrow(expect.objectContaining({ code: 'ERR_KUBE_PROTOCOL' }));
  });
});
