#!/usr/bin/env node
import { spdyproxy } from '../proxy/cli/spdyproxy.js';

process.exitCode = await spdyproxy(process.argv.slice(2));
