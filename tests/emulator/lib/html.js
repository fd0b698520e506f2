'use strict';
/**
 * Telegram's HTML parse mode, re-implemented closely enough to reject what Telegram rejects.
 *
 * Follows TDLib's parse_html: only `<` and `&` are special; tag and attribute names are
 * case-insensitive; only &lt; &gt; &amp; &quot; and numeric entities are decoded (any other
 * `&` stays literal); unquoted attribute values must be name tokens; errors name the UTF-8
 * byte offset like Telegram's "can't parse entities" descriptions. Returns the plain text and
 * the entities (UTF-16 offsets) Telegram would derive.
 */

const TAG_ENTITY = {
  b: 'bold', strong: 'bold', i: 'italic', em: 'italic', u: 'underline', ins: 'underline',
  s: 'strikethrough', strike: 'strikethrough', del: 'strikethrough', 'tg-spoiler': 'spoiler',
  span: 'spoiler', a: 'text_link', code: 'code', pre: 'pre', blockquote: 'blockquote',
  'tg-emoji': 'custom_emoji',
};
const NAMED = { lt: '<', gt: '>', amp: '&', quot: '"' };

class EntityParseError extends Error {}

const isSpace = (ch) => ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r';
const byteOffset = (text, index) => Buffer.byteLength(text.slice(0, index), 'utf8');

/** Decode the HTML entity at text[i] ('&'); null when Telegram would keep the '&' literally. */
function decodeEntity(text, i) {
  const m = /^&(?:#[xX]([0-9a-fA-F]{1,6})|#([0-9]{1,7})|([a-zA-Z]{1,10}));/.exec(text.slice(i, i + 16));
  if (!m) return null;
  if (m[3] !== undefined) {
    const ch = NAMED[m[3]];
    return ch === undefined ? null : { ch, next: i + m[0].length };
  }
  const cp = m[1] !== undefined ? parseInt(m[1], 16) : parseInt(m[2], 10);
  if (cp === 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return null;
  return { ch: String.fromCodePoint(cp), next: i + m[0].length };
}

function decodeEntities(value) {
  let out = '';
  for (let i = 0; i < value.length;) {
    const d = value[i] === '&' ? decodeEntity(value, i) : null;
    if (d) {
      out += d.ch;
      i = d.next;
    } else {
      out += value[i];
      i += 1;
    }
  }
  return out;
}

function fail(msg) {
  throw new EntityParseError(msg);
}

/** Parse a start tag at text[start] === '<'; returns {name, attrs, next}. */
function parseStartTag(text, start) {
  const n = text.length;
  const at = byteOffset(text, start);
  let i = start + 1;
  while (i < n && !isSpace(text[i]) && text[i] !== '>') i += 1;
  if (i >= n) fail(`Unclosed start tag at byte offset ${at}`);
  const name = text.slice(start + 1, i).toLowerCase();
  if (!(name in TAG_ENTITY)) fail(`Unsupported start tag "${name}" at byte offset ${at}`);
  const attrs = {};
  for (;;) {
    while (i < n && isSpace(text[i])) i += 1;
    if (i >= n) fail(`Unclosed start tag at byte offset ${at}`);
    if (text[i] === '>') break;
    const attrStart = i;
    while (i < n && !isSpace(text[i]) && text[i] !== '=' && text[i] !== '>') i += 1;
    const attr = text.slice(attrStart, i).toLowerCase();
    if (!attr) fail(`Empty attribute name in the tag "${name}" at byte offset ${byteOffset(text, attrStart)}`);
    while (i < n && isSpace(text[i])) i += 1;
    if (text[i] !== '=') {
      if (name === 'blockquote' && attr === 'expandable') {
        attrs[attr] = '';
        continue;
      }
      fail(`Expected equal sign in declaration of an attribute of the tag "${name}" at byte offset ${at}`);
    }
    i += 1;
    while (i < n && isSpace(text[i])) i += 1;
    if (i >= n) fail(`Unclosed start tag at byte offset ${at}`);
    let value;
    if (text[i] === '"' || text[i] === "'") {
      const quote = text[i];
      const valueStart = i + 1;
      i = valueStart;
      while (i < n && text[i] !== quote) i += 1;
      if (i >= n) fail(`Unclosed start tag at byte offset ${at}`);
      value = decodeEntities(text.slice(valueStart, i));
      i += 1;
    } else {
      const tokenStart = i;
      while (i < n && /[A-Za-z0-9.-]/.test(text[i])) i += 1;
      value = text.slice(tokenStart, i).toLowerCase();
      if (i < n && !isSpace(text[i]) && text[i] !== '>') {
        fail(`Unexpected end of name token at byte offset ${byteOffset(text, tokenStart)}`);
      }
    }
    attrs[attr] = value;
  }
  if (name === 'span' && attrs.class !== 'tg-spoiler') {
    fail(`Tag "span" must have class "tg-spoiler" at byte offset ${at}`);
  }
  if (name === 'tg-emoji' && !/^[0-9]+$/.test(attrs['emoji-id'] || '')) {
    fail(`Custom emoji entity must contain a tg://emoji URL at byte offset ${at}`);
  }
  return { name, attrs, next: i + 1 };
}

function makeEntity(open, end) {
  const entity = { type: TAG_ENTITY[open.name], offset: open.offset, length: end - open.offset };
  if (open.name === 'a') {
    const href = open.attrs.href || '';
    const mention = /^tg:(?:\/\/)?user\?id=(\d+)$/i.exec(href);
    if (mention) return { type: 'text_mention', offset: entity.offset, length: entity.length, user: { id: Number(mention[1]), is_bot: false, first_name: '' } };
    if (!href) return null;
    entity.url = href;
  } else if (open.name === 'blockquote' && 'expandable' in open.attrs) {
    entity.type = 'expandable_blockquote';
  } else if (open.name === 'tg-emoji') {
    entity.custom_emoji_id = open.attrs['emoji-id'];
  } else if (open.name === 'code' && (open.attrs.class || '').startsWith('language-')) {
    entity.language = open.attrs.class.slice('language-'.length);
  }
  return entity;
}

/** Parse Telegram HTML; returns {text, entities} or throws EntityParseError. */
function parseHtml(text) {
  let plain = '';
  const stack = [];
  const entities = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const ch = text[i];
    if (ch === '&') {
      const d = decodeEntity(text, i);
      plain += d ? d.ch : '&';
      i = d ? d.next : i + 1;
    } else if (ch !== '<') {
      plain += ch;
      i += 1;
    } else if (text[i + 1] === '/') {
      const at = byteOffset(text, i);
      if (stack.length === 0) fail(`Unexpected end tag at byte offset ${at}`);
      let j = i + 2;
      while (j < n && !isSpace(text[j]) && text[j] !== '>') j += 1;
      const name = text.slice(i + 2, j).toLowerCase();
      while (j < n && isSpace(text[j])) j += 1;
      if (text[j] !== '>') fail(`Unclosed end tag at byte offset ${at}`);
      const open = stack.pop();
      if (name && name !== open.name) {
        fail(`Unmatched end tag at byte offset ${at}, expected "</${open.name}>", found "</${name}>"`);
      }
      if (plain.length > open.offset) {
        const entity = makeEntity(open, plain.length);
        if (entity) entities.push(entity);
      }
      i = j + 1;
    } else {
      const tag = parseStartTag(text, i);
      stack.push({ name: tag.name, attrs: tag.attrs, offset: plain.length });
      i = tag.next;
    }
  }
  if (stack.length) fail(`Can't find end tag corresponding to start tag "${stack[stack.length - 1].name}"`);
  // Code inside pre carries the pre's language, as Telegram merges them.
  for (const e of entities) {
    if (e.type !== 'code' || e.language === undefined) continue;
    const pre = entities.find((p) => p.type === 'pre' && p.offset === e.offset && p.length === e.length);
    if (pre) pre.language = e.language;
  }
  const merged = entities.filter((e) => !(e.type === 'code' && entities.some(
    (p) => p.type === 'pre' && p.offset === e.offset && p.length === e.length)));
  merged.forEach((e) => { if (e.type === 'code') delete e.language; });
  merged.sort((a, b) => a.offset - b.offset || b.length - a.length);
  return { text: plain, entities: merged };
}

module.exports = { parseHtml, EntityParseError };
