'use strict';
/**
 * Telegram's rules for message text and inline keyboards, which telegram-test-api does not check.
 *
 * Lengths are counted in UTF-16 code units after entity parsing and trimming (the unit of
 * Telegram's entity offsets; equal to characters outside the astral planes), so a bot that
 * passes here stays within Telegram's 4096 limit.
 */

const { badRequest } = require('./errors');
const { parseHtml, EntityParseError } = require('./html');

const MAX_TEXT = 4096;
const BUTTON_KINDS = [
  'url', 'callback_data', 'web_app', 'login_url', 'switch_inline_query',
  'switch_inline_query_current_chat', 'switch_inline_query_chosen_chat', 'copy_text',
  'callback_game', 'pay',
];

function trimEntities(text, entities) {
  const lead = text.length - text.trimStart().length;
  const trimmed = text.trim();
  const out = [];
  for (const e of entities) {
    const start = Math.max(0, e.offset - lead);
    const end = Math.min(trimmed.length, e.offset + e.length - lead);
    if (end > start) out.push({ ...e, offset: start, length: end - start });
  }
  return { text: trimmed, entities: out };
}

/** Check message text like Telegram; returns what the bot would see: {text, entities}. */
function checkText(params) {
  const raw = params.text;
  if (raw === undefined || raw === null || String(raw) === '') throw badRequest('message text is empty');
  const mode = String(params.parse_mode || '').toLowerCase();
  let parsed;
  if (mode === 'html') {
    try {
      parsed = parseHtml(String(raw));
    } catch (err) {
      if (err instanceof EntityParseError) throw badRequest(`can't parse entities: ${err.message}`);
      throw err;
    }
  } else {
    parsed = { text: String(raw), entities: Array.isArray(params.entities) ? params.entities : [] };
  }
  const result = trimEntities(parsed.text, parsed.entities);
  if (result.text.length === 0) throw badRequest('message text is empty');
  if (result.text.length > MAX_TEXT) throw badRequest('message is too long');
  return result;
}

function looksLikeUrl(url) {
  if (typeof url !== 'string' || !url || /\s/.test(url)) return false;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url);
  if (scheme) return ['http', 'https', 'tg', 'ton'].includes(scheme[1].toLowerCase());
  return url.includes('.');
}

function checkButton(button) {
  if (!button || typeof button !== 'object' || typeof button.text !== 'string') {
    throw badRequest("can't parse inline keyboard button: Field \"text\" must be of type String");
  }
  if (!button.text.trim()) throw badRequest('BUTTON_TEXT_EMPTY');
  const kinds = BUTTON_KINDS.filter((k) => button[k] !== undefined && button[k] !== null);
  if (kinds.length === 0) {
    throw badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
  }
  if (button.callback_data !== undefined) {
    const size = Buffer.byteLength(String(button.callback_data), 'utf8');
    if (typeof button.callback_data !== 'string' || size < 1 || size > 64) throw badRequest('BUTTON_DATA_INVALID');
  }
  if (button.url !== undefined && !looksLikeUrl(button.url)) {
    throw badRequest(`inline keyboard button URL '${button.url}' is invalid: Wrong HTTP URL`);
  }
}

/** Check reply_markup like Telegram (inline keyboards in detail, other markups by shape). */
function checkReplyMarkup(markup) {
  if (markup === undefined || markup === null || markup === '') return;
  if (typeof markup !== 'object' || Array.isArray(markup)) {
    throw badRequest("can't parse reply keyboard markup JSON object");
  }
  if (markup.inline_keyboard === undefined) return;
  const rows = markup.inline_keyboard;
  if (!Array.isArray(rows) || rows.some((row) => !Array.isArray(row))) {
    throw badRequest('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays');
  }
  rows.forEach((row) => row.forEach(checkButton));
}

module.exports = { checkText, checkReplyMarkup, MAX_TEXT };
