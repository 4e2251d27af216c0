#!/usr/bin/env node
import { spdyd } from '../io/cli/spdyd.js';

process.exitCode = await spdyd(process.argv.slice(2));
