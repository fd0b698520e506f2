'use strict';
/**
 * Fault rules the test sets over HTTP, matched against every bot API call.
 *
 * A rule: {method: "sendMessage" | ["a","b"] | "*", chat_id?: id | [ids], action, times?: K,
 * skip?: N, delay?: seconds, ...action fields}. The first rule that matches, has skipped its
 * first `skip` matching calls and has hits left (`times`, default unlimited) answers the call.
 * Actions:
 *   retry_after  429 with parameters.retry_after = `retry_after` (default 1)
 *   forbidden    403, `description` default "Forbidden: bot was blocked by the user";
 *                aliases blocked, kicked ("...kicked from the group chat"), deactivated
 *   migrate      400 "group chat was upgraded to a supergroup chat" + migrate_to_chat_id
 *   parse_error  400 "Bad Request: can't parse entities: ..."
 *   bad_request  400 with `description`
 *   server_error `status` (default 500) with `description`
 *   delay        wait `delay` (or `seconds`) then answer normally
 *   timeout      never answer (the client times out); nothing is stored
 *   reset        close the connection without an answer; nothing is stored
 *   drop_response  process the call normally (the message IS stored) but close the
 *                connection instead of answering: Telegram got it, the bot cannot know
 * Any rule may add `delay` seconds before its action.
 */

const { ApiError } = require('./errors');

const FORBIDDEN = {
  forbidden: 'Forbidden: bot was blocked by the user',
  blocked: 'Forbidden: bot was blocked by the user',
  kicked: 'Forbidden: bot was kicked from the group chat',
  deactivated: 'Forbidden: user is deactivated',
};
const ACTIONS = new Set([
  ...Object.keys(FORBIDDEN), 'retry_after', 'migrate', 'parse_error', 'bad_request',
  'server_error', 'delay', 'timeout', 'reset', 'drop_response',
]);

function asList(value) {
  if (value === undefined || value === null) return null;
  return (Array.isArray(value) ? value : [value]).map(String);
}

class Faults {
  constructor() {
    this.rules = [];
    this.nextId = 1;
  }

  /** Validate and install rules; throws Error with a readable message on a bad rule. */
  set(rules, append = false) {
    if (!Array.isArray(rules)) throw new Error('rules must be a list');
    const parsed = rules.map((rule) => this.parse(rule));
    this.rules = append ? this.rules.concat(parsed) : parsed;
    return this.list();
  }

  parse(rule) {
    if (!rule || typeof rule !== 'object') throw new Error('a rule must be an object');
    const action = rule.action || (rule.delay !== undefined ? 'delay' : undefined);
    if (!ACTIONS.has(action)) throw new Error(`unknown action ${JSON.stringify(rule.action)}; one of ${[...ACTIONS].join(', ')}`);
    if (action === 'migrate' && !Number.isInteger(rule.migrate_to_chat_id)) {
      throw new Error('migrate needs an integer migrate_to_chat_id');
    }
    if (rule.method === undefined) throw new Error('a rule needs a method ("*" for any)');
    return {
      ...rule,
      id: this.nextId++,
      action,
      methods: rule.method === '*' ? null : asList(rule.method),
      chats: asList(rule.chat_id),
      times: rule.times === undefined ? null : rule.times,
      skip: rule.skip || 0,
      delay: Number(rule.delay !== undefined ? rule.delay : (action === 'delay' ? rule.seconds || 0 : 0)),
      seen: 0,
      hits: 0,
    };
  }

  clear() {
    this.rules = [];
  }

  list() {
    return this.rules.map(({ methods, chats, ...rest }) => rest);
  }

  /** The rule that answers this call, counting the hit; null when the call passes. */
  match(method, chatId) {
    for (const rule of this.rules) {
      if (rule.methods && !rule.methods.includes(method)) continue;
      if (rule.chats && (chatId === undefined || !rule.chats.includes(String(chatId)))) continue;
      rule.seen += 1;
      if (rule.seen <= rule.skip) continue;
      if (rule.times !== null && rule.hits >= rule.times) continue;
      rule.hits += 1;
      return rule;
    }
    return null;
  }
}

/** The Bot API error a rule answers with, or null for delay/timeout/reset/drop_response. */
function faultError(rule) {
  switch (rule.action) {
    case 'retry_after': {
      const seconds = rule.retry_after === undefined ? 1 : rule.retry_after;
      return new ApiError(429, `Too Many Requests: retry after ${seconds}`, { retry_after: seconds });
    }
    case 'migrate':
      return new ApiError(400, 'Bad Request: group chat was upgraded to a supergroup chat',
        { migrate_to_chat_id: rule.migrate_to_chat_id });
    case 'parse_error':
      return new ApiError(400, rule.description
        || 'Bad Request: can\'t parse entities: Unsupported start tag "x" at byte offset 0');
    case 'bad_request':
      return new ApiError(400, rule.description || 'Bad Request: chat not found');
    case 'server_error':
      return new ApiError(rule.status || 500, rule.description || 'Internal Server Error');
    default:
      if (rule.action in FORBIDDEN) return new ApiError(403, rule.description || FORBIDDEN[rule.action]);
      return null;
  }
}

module.exports = { Faults, faultError };
