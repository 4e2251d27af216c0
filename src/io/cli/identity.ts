/**
 * How the tools name themselves on the wire, after spdylay's: spdycat's
 * `user-agent: spdylay/VERSION` and spdyd's `server: spdyd spdylay/VERSION`,
 * with this package's version (a test keeps it equal to package.json's).
 */
export const PACKAGE_VERSION = '0.1.0';

/** spdycat's user-agent header value. */
export const USER_AGENT = `spdylay/${PACKAGE_VERSION}`;

/** spdyd's server header value. */
export const SPDYD_SERVER = `spdyd spdylay/${PACKAGE_VERSION}`;
