'use strict';
/** Small helpers for node:http: read a request body into params, answer JSON. */

const MAX_BODY = 20 * 1024 * 1024;

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(Object.assign(new Error('request body too large'), { status: 413 }));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Parse query string plus a JSON, urlencoded or multipart body into one flat object. */
async function readParams(req, url) {
  const params = Object.fromEntries(url.searchParams.entries());
  const body = await readBody(req);
  const type = (req.headers['content-type'] || '').toLowerCase();
  if (body.length === 0) return params;
  if (type.startsWith('application/json')) {
    const parsed = JSON.parse(body.toString('utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) Object.assign(params, parsed);
    else params._body = parsed;
  } else if (type.startsWith('application/x-www-form-urlencoded')) {
    for (const [k, v] of new URLSearchParams(body.toString('utf8'))) params[k] = v;
  } else if (type.startsWith('multipart/form-data')) {
    Object.assign(params, parseMultipart(body, type));
  }
  return params;
}

/** Minimal multipart reader: text fields only; file parts are replaced by a placeholder. */
function parseMultipart(body, type) {
  const match = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(type);
  if (!match) return {};
  const boundary = `--${match[1] || match[2]}`;
  const out = {};
  const text = body.toString('latin1');
  for (const part of text.split(boundary).slice(1)) {
    if (part.startsWith('--')) break;
    const sep = part.indexOf('\r\n\r\n');
    if (sep < 0) continue;
    const head = part.slice(0, sep);
    const name = /name="([^"]*)"/i.exec(head);
    if (!name) continue;
    const value = part.slice(sep + 4).replace(/\r\n$/, '');
    out[name[1]] = /filename=/i.test(head)
      ? { _file: true, size: value.length }
      : Buffer.from(value, 'latin1').toString('utf8');
  }
  return out;
}

function sendJson(res, status, payload) {
  if (res.writableEnded || res.destroyed) return;
  const data = JSON.stringify(payload);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(data),
  });
  res.end(data);
}

module.exports = { readParams, sendJson };
