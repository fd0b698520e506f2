'use strict';
/**
 * Routes under /_ for the test: play users (messages, callbacks, raw updates), read what the
 * bot sent, read the call log, set faults and chat members. Never reachable by the bot's
 * token routes. Answers {ok: true, result} or {ok: false, description} with status 400.
 */

const { nowSeconds } = require('./world');

const COMMAND = /(^|\s)(\/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?)(?=$|\s)/g;
const MESSAGE_KINDS = ['message', 'edited_message', 'channel_post', 'edited_channel_post'];

class ControlError extends Error {}
const need = (cond, msg) => {
  if (!cond) throw new ControlError(msg);
};

function commandEntities(text) {
  const out = [];
  for (const m of String(text || '').matchAll(COMMAND)) {
    out.push({ type: 'bot_command', offset: m.index + m[1].length, length: m[2].length });
  }
  return out;
}

/** Wait until check() is truthy, re-checking on `event`; false after `timeout` seconds. */
function waitFor(bus, event, check, timeout, onClose) {
  if (check() || !(timeout > 0)) return Promise.resolve(Boolean(check()));
  return new Promise((resolve) => {
    const done = (value) => {
      clearTimeout(timer);
      bus.off(event, listener);
      resolve(value);
    };
    const listener = () => check() && done(true);
    const timer = setTimeout(() => done(Boolean(check())), timeout * 1000);
    bus.on(event, listener);
    onClose(() => done(false));
  });
}

function makeControl({ world, faults, calls }) {
  const noteChats = (update) => {
    for (const kind of MESSAGE_KINDS.concat(['my_chat_member', 'chat_member', 'chat_join_request'])) {
      const obj = update[kind];
      if (!obj || !obj.chat) continue;
      world.registerChat(obj.chat);
      if (obj.from) world.noteMember(obj.chat.id, obj.from);
      for (const key of ['old_chat_member', 'new_chat_member']) if (obj[key]) world.registerUser(obj[key].user);
      const member = obj.new_chat_member;
      if (member && member.user) {
        const { status, user, ...extra } = member;
        world.setMember(obj.chat.id, user, status, extra);
      }
    }
  };

  const buildMessage = (kind, input) => {
    need(input && input.chat && input.chat.id !== undefined, 'message.chat with an id is required');
    const message = { ...input };
    if (kind.startsWith('edited_')) {
      need(Number.isInteger(message.message_id), `${kind} needs the message_id of the original message`);
      message.edit_date = message.edit_date || nowSeconds();
    } else {
      message.message_id = world.nextMessageId();
    }
    message.date = message.date || nowSeconds();
    if (message.text !== undefined && message.entities === undefined) {
      const entities = commandEntities(message.text);
      if (entities.length) message.entities = entities;
    }
    if (message.message_thread_id !== undefined && message.chat.is_forum) message.is_topic_message = true;
    if (message.reply_to_message_id !== undefined) {
      const bot = world.findBotMessage(message.chat.id, message.reply_to_message_id);
      const user = bot ? null : world.findUserMessage(message.chat.id, message.reply_to_message_id);
      if (bot) message.reply_to_message = world.messageObject(bot);
      else if (user) message.reply_to_message = user.update.message || user.update.channel_post;
      delete message.reply_to_message_id;
    }
    return message;
  };

  const routes = {
    'GET /_health': () => ({ token: world.token, bot: world.botUser }),

    'POST /_updates/message': (p) => {
      const kind = p.kind || 'message';
      need(MESSAGE_KINDS.includes(kind), `kind must be one of ${MESSAGE_KINDS.join(', ')}`);
      const message = buildMessage(kind, p.message);
      const update = { [kind]: message };
      noteChats(update);
      const record = world.addUserUpdate(update);
      return { update_id: record.updateId, message_id: message.message_id, message };
    },

    'POST /_updates/callback': (p) => {
      need(p.from && p.from.id !== undefined, 'from with an id is required');
      need(typeof p.data === 'string', 'data (string) is required');
      const record = world.findBotMessage(p.chat_id, p.message_id);
      need(record, `the bot has no message ${p.message_id} in chat ${p.chat_id} (or it was deleted)`);
      const buttons = (record.message.reply_markup && record.message.reply_markup.inline_keyboard) || [];
      const pressable = buttons.flat().some((b) => b.callback_data === p.data);
      need(pressable || p.force, `message ${p.message_id} has no button with callback_data ${JSON.stringify(p.data)}; pass force=true to send it anyway`);
      world.registerUser(p.from);
      world.noteMember(p.chat_id, p.from);
      const id = String(4000000000000 + world.tg.callbackId);
      world.tg.callbackId += 1;
      const query = {
        id, from: p.from, message: world.messageObject(record),
        chat_instance: String(-7000000000000000000n - BigInt(Math.abs(Number(p.chat_id)))), data: p.data,
      };
      world.callbacks.set(id, { chat_id: Number(p.chat_id), message_id: Number(p.message_id), data: p.data, answer: null });
      const update = world.addUserUpdate({ callback_query: query });
      return { update_id: update.updateId, callback_query_id: id };
    },

    'POST /_updates/raw': (p) => {
      need(p.update && typeof p.update === 'object', 'update (object) is required');
      const update = { ...p.update };
      delete update.update_id;
      const kinds = Object.keys(update);
      need(kinds.length === 1, 'an update has exactly one field besides update_id');
      const [kind] = kinds;
      if (MESSAGE_KINDS.includes(kind)) update[kind] = buildMessage(kind, update[kind]);
      else if (update[kind] && typeof update[kind] === 'object' && update[kind].chat && !update[kind].date) {
        update[kind] = { ...update[kind], date: nowSeconds() };
      }
      noteChats(update);
      const record = world.addUserUpdate(update);
      return { update_id: record.updateId };
    },

    'GET /_updates/pending': () => world.unconfirmed().map((r) => ({ update_id: r.updateId, ...r.update })),

    'GET /_callbacks': () => [...world.callbacks.entries()].map(([id, q]) => ({ id, ...q })),

    'GET /_messages': async (p, ctx) => {
      const query = { chatId: p.chat_id === undefined ? undefined : p.chat_id, includeDeleted: p.include_deleted === '1' };
      const min = Number(p.min_count || 0);
      const timedOut = !(await waitFor(world.bus, 'bot_message',
        () => world.botMessages(query).length >= min, Number(p.timeout || 0), ctx.onClose));
      return { timed_out: timedOut && min > 0, messages: world.botMessages(query) };
    },

    'GET /_calls': async (p, ctx) => {
      const query = { method: p.method, since: Number(p.since || 0) };
      const min = Number(p.min_count || 0);
      const counted = (c) => p.pending === '1' || c.outcome !== 'pending';
      const done = () => calls.select(query).filter(counted).length >= min;
      const timedOut = !(await waitFor(world.bus, 'call', done, Number(p.timeout || 0), ctx.onClose));
      return { timed_out: timedOut && min > 0, last_seq: calls.seq, calls: calls.select(query) };
    },
    'DELETE /_calls': () => {
      calls.clear();
      return true;
    },

    'GET /_faults': () => faults.list(),
    'POST /_faults': (p) => {
      try {
        return faults.set(p.rules, Boolean(p.append));
      } catch (err) {
        throw new ControlError(err.message);
      }
    },
    'DELETE /_faults': () => {
      faults.clear();
      return true;
    },

    'POST /_chats': (p) => {
      need(p.chat && p.chat.id !== undefined && p.chat.type, 'chat with id and type is required');
      world.registerChat(p.chat);
      for (const m of p.members || []) {
        need(m.user && m.user.id !== undefined && m.status, 'each member needs user (with id) and status');
        const { user, status, ...extra } = m;
        world.setMember(p.chat.id, user, status, extra);
      }
      if (p.bot_status) world.setMember(p.chat.id, world.botUser, p.bot_status);
      return world.chatObject(p.chat.id);
    },

    'GET /_state': () => ({
      webhook: world.webhook,
      commands: world.commands,
      bot_texts: world.botTexts,
      allowed_updates: world.allowedUpdates ? [...world.allowedUpdates] : null,
      pending_updates: world.unconfirmed().length,
    }),

    'POST /_reset': () => {
      world.reset();
      faults.clear();
      calls.clear();
      return true;
    },
  };

  return async (method, path, params, ctx) => {
    const route = routes[`${method} ${path}`];
    if (!route) return { status: 404, body: { ok: false, description: `no control route ${method} ${path}` } };
    try {
      return { status: 200, body: { ok: true, result: await route(params, ctx) } };
    } catch (err) {
      if (err instanceof ControlError) return { status: 400, body: { ok: false, description: err.message } };
      throw err;
    }
  };
}

module.exports = { makeControl, commandEntities };
