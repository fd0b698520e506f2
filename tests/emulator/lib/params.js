'use strict';
/**
 * Turn Bot API request parameters into typed values.
 *
 * python-telegram-bot posts `application/x-www-form-urlencoded` (or multipart) where every
 * non-string value is JSON-encoded and strings are sent raw, so `text="123"` and `chat_id=123`
 * look alike on the wire. Fields that are always strings stay raw; everything else is decoded
 * as JSON when it parses.
 */

const STRING_FIELDS = new Set([
  'text', 'caption', 'parse_mode', 'callback_query_id', 'inline_message_id', 'url',
  'description', 'short_description', 'name', 'title', 'language_code', 'secret_token',
  'ip_address', 'action', 'emoji', 'custom_emoji_id', 'data', 'query_id', 'business_connection_id',
  'message_effect_id', 'sticker', 'photo', 'document', 'certificate', 'custom_title',
]);

function decodeValue(name, value) {
  if (typeof value !== 'string' || STRING_FIELDS.has(name)) return value;
  try {
    return JSON.parse(value);
  } catch (_err) {
    return value; // e.g. chat_id "@channelname"
  }
}

function decodeParams(raw) {
  const out = {};
  for (const [name, value] of Object.entries(raw)) out[name] = decodeValue(name, value);
  return out;
}

module.exports = { decodeParams };
