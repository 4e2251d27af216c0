// What every stack's client sends besides the method, path, scheme and
// authority its library adds: W1's three regular request headers.
import { smallRequest } from '../../workloads/headers.mjs';

export const CLIENT_HEADERS = Object.freeze({ ...smallRequest(0).headers });
