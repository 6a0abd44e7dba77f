#!/usr/bin/env node
// Throwaway OCI registry (Debian's `docker-registry`, CNCF distribution 2.8) on a free
// 127.0.0.1 port with its own data dir and deletion enabled. Used by the test setup, the
// benchmarks and the demo; people can use it too:
//   node tools/registry.js start [--dir DIR] [--htpasswd FILE]   prints host:port, dir and pid
// (from code, startRegistry also takes token auth and TLS settings: see configYaml)
//   node tools/registry.js stop DIR                              stops the instance of DIR
'use strict';
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const http = require('node:http');
const https = require('node:https');

const BINARY = 'docker-registry';

function ensureInstalled() {
  if (hasCommand(BINARY)) return;
  if (process.getuid && process.getuid() !== 0) {
    throw new Error(`${BINARY} is not installed; install it with: sudo apt-get install -y docker-registry`);
  }
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-qq', 'docker-registry'], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

function hasCommand(name) {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * distribution's config. Auth is htpasswd (a bcrypt file) or token (`{ realm, service, issuer,
 * rootCertBundle }`: JWTs signed by a key whose certificate is in the bundle); `tls` is
 * `{ certificate, key }` (PEM files), so the registry speaks HTTPS only.
 */
function configYaml(dataDir, port, { htpasswd, token, tls }) {
  const auth = htpasswd
    ? `auth:\n  htpasswd:\n    realm: modelos-test\n    path: ${htpasswd}\n`
    : token
      ? `auth:\n  token:\n    realm: ${token.realm}\n    service: ${token.service}\n    issuer: ${token.issuer}\n    rootcertbundle: ${token.rootCertBundle}\n`
      : '';
  return [
    'version: 0.1',
    'log:',
    '  level: warn',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${path.join(dataDir, 'data')}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    ...(tls ? ['  tls:', `    certificate: ${tls.certificate}`, `    key: ${tls.key}`] : []),
    auth,
  ].join('\n');
}

function probe(port, tls) {
  return new Promise((resolve) => {
    // Readiness only: the certificate is checked by the tests, not here.
    const get = tls ? (options, cb) => https.get({ ...options, rejectUnauthorized: false }, cb) : http.get;
    const req = get({ host: '127.0.0.1', port, path: '/v2/', timeout: 500 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200 || res.statusCode === 401);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
  });
}

async function waitReady(port, child, timeoutMs, tls) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${BINARY} exited early with code ${child.exitCode}`);
    if (await probe(port, tls)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${BINARY} did not answer on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

/**
 * Starts a registry and resolves once `GET /v2/` answers. The caller owns the instance and
 * must call `stop()`; the process is detached so that it can outlive a CLI invocation.
 */
async function startRegistry({ dataDir, htpasswd, token, tls, detached = false } = {}) {
  ensureInstalled();
  const dir = dataDir || fs.mkdtempSync(path.join(os.tmpdir(), 'modelos-registry-'));
  fs.mkdirSync(dir, { recursive: true });
  // A port can be taken between probing and binding; retry a few times on early exit.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const configFile = path.join(dir, 'config.yml');
    fs.writeFileSync(configFile, configYaml(dir, port, { htpasswd, token, tls }));
    const log = fs.openSync(path.join(dir, 'registry.log'), 'a');
    const child = spawn(BINARY, ['serve', configFile], {
      stdio: ['ignore', log, log],
      detached,
    });
    fs.closeSync(log);
    try {
      await waitReady(port, child, 15000, !!tls);
    } catch (err) {
      child.kill('SIGKILL');
      if (attempt < 3) continue;
      throw err;
    }
    if (detached) child.unref();
    const instance = {
      host: `127.0.0.1:${port}`,
      port,
      dataDir: dir,
      pid: child.pid,
      stop: () => stopPid(child.pid),
    };
    fs.writeFileSync(path.join(dir, 'registry.json'), JSON.stringify({ host: instance.host, pid: child.pid }));
    return instance;
  }
}

function stopPid(pid) {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // already gone
  }
  return new Promise((resolve) => {
    const deadline = Date.now() + 5000;
    const tick = () => {
      let alive = true;
      try {
        process.kill(pid, 0);
      } catch {
        alive = false;
      }
      if (!alive) return resolve();
      if (Date.now() > deadline) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* gone */
        }
        return resolve();
      }
      setTimeout(tick, 50);
    };
    tick();
  });
}

async function stopRegistry(dataDir) {
  const stateFile = path.join(dataDir, 'registry.json');
  if (!fs.existsSync(stateFile)) throw new Error(`no registry state in ${dataDir}`);
  const { pid } = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
  await stopPid(pid);
  fs.rmSync(stateFile);
}

async function main(argv) {
  const [command, ...rest] = argv;
  const flag = (name) => {
    const i = rest.indexOf(name);
    return i >= 0 ? rest[i + 1] : undefined;
  };
  if (command === 'start') {
    const instance = await startRegistry({ dataDir: flag('--dir'), htpasswd: flag('--htpasswd'), detached: true });
    process.stdout.write(`${instance.host}\n${instance.dataDir}\n${instance.pid}\n`);
  } else if (command === 'stop' && rest[0]) {
    await stopRegistry(rest[0]);
  } else {
    process.stderr.write('usage: registry.js start [--dir DIR] [--htpasswd FILE] | stop DIR\n');
    process.exitCode = 2;
  }
}

module.exports = { startRegistry, stopRegistry };

if (require.main === module) {
  main(process.argv.slice(2)).catch((err) => {
    process.stderr.write(`registry: ${err.message}\n`);
    process.exitCode = 1;
  });
}
