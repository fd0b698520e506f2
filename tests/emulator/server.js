#!/usr/bin/env node
'use strict';
/**
 * Bot API emulator for newsbot's end-to-end tests.
 *
 * telegram-test-api (in-process, its storage and id counters) behind a layer that makes it
 * answer like Telegram for python-telegram-bot 22: bot routes `/bot{token}/{method}`, control
 * routes under `/_` for the test (see lib/control.js), fault injection (lib/faults.js).
 *
 * Usage: node server.js --token 123:ABC [--port 0] [--host 127.0.0.1] [--store-timeout 86400]
 *        [--exit-with-stdin]
 * Prints one JSON line {"event": "listening", "port": N, "url": ...} on stdout when ready;
 * logs go to stderr.
 */

const http = require('http');
const { readParams, sendJson } = require('./lib/http');
const { decodeParams } = require('./lib/params');
const { ApiError } = require('./lib/errors');
const { World } = require('./lib/world');
const { Faults, faultError } = require('./lib/faults');
const { CallLog } = require('./lib/calls');
const { makeDispatcher } = require('./lib/botApi');
const { makeControl } = require('./lib/control');

function parseArgs(argv) {
  const opts = { port: 0, host: '127.0.0.1', storeTimeout: 86400, token: null, exitWithStdin: false };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--port') opts.port = Number(argv[++i]);
    else if (arg === '--host') opts.host = argv[++i];
    else if (arg === '--token') opts.token = argv[++i];
    else if (arg === '--store-timeout') opts.storeTimeout = Number(argv[++i]);
    else if (arg === '--exit-with-stdin') opts.exitWithStdin = true;
    else throw new Error(`unknown argument ${arg}`);
  }
  if (!opts.token || !/^\d+:[A-Za-z0-9_-]+$/.test(opts.token)) throw new Error('--token 123456:ABC... is required');
  return opts;
}

const log = (msg) => process.stderr.write(`[emulator ${new Date().toISOString()}] ${msg}\n`);

/** Sleep `ms`, or less if the client goes away first (a killed bot must not leave a delivery). */
const sleepUnlessGone = (ms, client) => new Promise((resolve) => {
  const timer = setTimeout(resolve, ms);
  client.onClose(() => {
    clearTimeout(timer);
    resolve();
  });
});

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const world = new World({ token: opts.token, storeTimeout: opts.storeTimeout });
  const faults = new Faults();
  const calls = new CallLog(world.bus);
  const dispatch = makeDispatcher(world, log);
  const control = makeControl({ world, faults, calls });

  /** Track the client going away (killed bot, cancelled long poll) for one request. */
  function watchClose(res) {
    const state = { gone: false, closers: [] };
    res.on('close', () => {
      if (res.writableFinished) return;
      state.gone = true;
      state.closers.splice(0).forEach((fn) => fn());
    });
    state.onClose = (fn) => (state.gone ? fn() : state.closers.push(fn));
    return state;
  }

  function chatKey(params) {
    if (params.chat_id === undefined) return undefined;
    try {
      return world.resolveChatId(params.chat_id);
    } catch (_err) {
      return params.chat_id;
    }
  }

  async function botCall(req, res, url, token, method) {
    const client = watchClose(res);
    const params = decodeParams(await readParams(req, url));
    const call = calls.start(method, params, chatKey(params));
    const answer = (status, body, fields) => {
      sendJson(res, status, body);
      calls.finish(call, { status, ok: body.ok, description: body.description || null, ...fields });
    };
    if (!/^\d+:[A-Za-z0-9_-]+$/.test(token)) {
      answer(404, { ok: false, error_code: 404, description: 'Not Found' }, { outcome: 'error' });
      return;
    }
    if (token !== world.token) {
      answer(401, { ok: false, error_code: 401, description: 'Unauthorized' }, { outcome: 'error' });
      return;
    }
    const rule = faults.match(method, call.chat_id === null ? undefined : call.chat_id);
    if (rule) call.fault = rule.action;
    if (rule && rule.delay > 0) {
      await sleepUnlessGone(rule.delay * 1000, client);
      if (client.gone) {
        calls.finish(call, { outcome: 'client_gone' });
        return;
      }
    }
    if (rule && (rule.action === 'timeout' || rule.action === 'reset')) {
      if (rule.action === 'reset') req.socket.destroy();
      calls.finish(call, { outcome: rule.action });
      return;
    }
    const injected = rule ? faultError(rule) : null;
    if (injected) {
      answer(injected.status, injected.toJSON(), { outcome: 'fault' });
      return;
    }
    try {
      const result = await dispatch(method, params, client);
      const messageId = result && typeof result === 'object' && result.message_id ? result.message_id : null;
      if (rule && rule.action === 'drop_response') {
        req.socket.destroy();
        calls.finish(call, { status: 200, ok: true, outcome: 'drop_response', message_id: messageId });
      } else if (client.gone) {
        calls.finish(call, { outcome: 'client_gone', message_id: messageId });
      } else {
        answer(200, { ok: true, result }, { outcome: rule ? 'fault' : 'ok', message_id: messageId });
      }
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      answer(err.status, err.toJSON(), { outcome: 'error' });
    }
  }

  async function route(req, res) {
    const url = new URL(req.url, 'http://emulator');
    const bot = /^\/bot([^/]*)\/([A-Za-z0-9_]+)$/.exec(url.pathname);
    if (bot) {
      if (req.method !== 'GET' && req.method !== 'POST') {
        sendJson(res, 405, { ok: false, error_code: 405, description: 'Method Not Allowed' });
        return;
      }
      await botCall(req, res, url, bot[1], bot[2]);
      return;
    }
    if (url.pathname.startsWith('/_')) {
      const client = watchClose(res);
      const params = await readParams(req, url);
      const { status, body } = await control(req.method, url.pathname, params, client);
      sendJson(res, status, body);
      return;
    }
    sendJson(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
  }

  const server = http.createServer((req, res) => {
    route(req, res).catch((err) => {
      log(`error on ${req.method} ${req.url}: ${err.stack || err}`);
      sendJson(res, 500, { ok: false, error_code: 500, description: `Internal Server Error: ${err.message}` });
    });
  });
  // Telegram keeps idle connections open; Node's 5 s default races with httpx's pool reuse.
  server.keepAliveTimeout = 120000;
  server.headersTimeout = 125000;
  server.requestTimeout = 0;

  const shutdown = (why) => {
    log(`shutting down (${why})`);
    server.close(() => process.exit(0));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 1000).unref();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  if (opts.exitWithStdin) {
    // The test process holds our stdin: when it dies, stdin closes and we go too.
    process.stdin.on('end', () => shutdown('stdin closed'));
    process.stdin.on('error', () => shutdown('stdin error'));
    process.stdin.resume();
  }

  server.listen(opts.port, opts.host, () => {
    const { port } = server.address();
    const url = `http://${opts.host}:${port}`;
    log(`listening on ${url}`);
    process.stdout.write(`${JSON.stringify({ event: 'listening', port, url })}\n`);
  });
}

main();
