#!/usr/bin/env node
import { spdycat } from '../io/cli/spdycat.js';

process.exitCode = await spdycat(process.argv.slice(2));
