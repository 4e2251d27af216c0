#!/usr/bin/env node
import { spdykube } from '../kube/cli/spdykube.js';

process.exitCode = await spdykube(process.argv.slice(2));
