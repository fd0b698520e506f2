'use strict';
/**
 * The emulated Telegram: telegram-test-api's TelegramServer keeps the message store and the
 * global update_id/message_id counters; this adds what Telegram has and it lacks: chats and
 * members, update acknowledgement by offset, long polling, webhooks state, callback queries.
 *
 * TelegramServer is used in-process and never listens: its express routes have the quirks
 * this layer exists to fix (and can crash the process), so only its storage API is used.
 */

const { EventEmitter } = require('events');
const TelegramServer = require('telegram-test-api');
const { ApiError, badRequest } = require('./errors');

const DEFAULT_EXCLUDED_UPDATES = new Set(['chat_member', 'message_reaction', 'message_reaction_count']);
const nowSeconds = () => Math.floor(Date.now() / 1000);

class World {
  constructor({ token, storeTimeout }) {
    this.token = token;
    this.botId = Number(token.split(':')[0]);
    this.botUser = {
      id: this.botId, is_bot: true, first_name: 'Test Name Bot', username: 'TestNameBot',
    };
    this.tg = new TelegramServer({ host: '127.0.0.1', storeTimeout });
    this.bus = new EventEmitter();
    this.bus.setMaxListeners(0);
    this.cleanupTimer = setInterval(() => this.tg.cleanUp(), Math.min(storeTimeout * 1000, 2 ** 31 - 1));
    this.cleanupTimer.unref();
    this.reset();
  }

  /** Forget chats, messages and updates; id counters keep increasing so ids stay unique. */
  reset() {
    if (this.poller) this.poller.cancel();
    this.tg.storage = { userMessages: [], botMessages: [] };
    this.chats = new Map();
    this.users = new Map();
    this.members = new Map(); // chat id -> Map(user id -> {status, extra})
    this.callbacks = new Map();
    this.webhook = null;
    this.allowedUpdates = null;
    this.commands = {};
    this.botTexts = { description: '', short_description: '', name: this.botUser.first_name };
    this.bus.emit('user_update');
    this.bus.emit('bot_message');
  }

  // ---- chats and users -------------------------------------------------------------------

  registerUser(user) {
    if (!user || user.id === undefined) return;
    this.users.set(String(user.id), { ...this.users.get(String(user.id)), ...user });
  }

  registerChat(chat) {
    if (!chat || chat.id === undefined) return;
    this.chats.set(String(chat.id), { ...this.chats.get(String(chat.id)), ...chat });
  }

  setMember(chatId, user, status, extra = {}) {
    this.registerUser(user);
    const key = String(chatId);
    if (!this.members.has(key)) this.members.set(key, new Map());
    this.members.get(key).set(String(user.id), { status, extra });
  }

  /** Note a user seen in a chat as a member unless a status was set for them. */
  noteMember(chatId, user) {
    if (!user || user.is_bot) return;
    const members = this.members.get(String(chatId));
    if (members && members.has(String(user.id))) {
      this.registerUser(user);
      return;
    }
    this.setMember(chatId, user, 'member');
  }

  userObject(userId) {
    if (String(userId) === String(this.botId)) return this.botUser;
    return this.users.get(String(userId)) || { id: Number(userId), is_bot: false, first_name: `User ${userId}` };
  }

  chatType(chatId) {
    const known = this.chats.get(String(chatId));
    if (known) return known.type;
    if (Number(chatId) > 0) return 'private';
    return String(chatId).startsWith('-100') ? 'supergroup' : 'group';
  }

  /** The Chat object the Bot API embeds in messages. */
  chatObject(chatId) {
    const known = this.chats.get(String(chatId));
    if (known) return { ...known };
    const type = this.chatType(chatId);
    if (type === 'private') return { id: Number(chatId), type, first_name: this.userObject(chatId).first_name };
    return { id: Number(chatId), type, title: `Chat ${chatId}` };
  }

  /** Resolve a chat_id parameter (number or "@username") or answer like Telegram. */
  resolveChatId(raw) {
    if (raw === undefined || raw === null || raw === '') throw badRequest('chat_id is empty');
    if (typeof raw === 'string' && raw.startsWith('@')) {
      for (const chat of this.chats.values()) {
        if (chat.username && `@${chat.username}`.toLowerCase() === raw.toLowerCase()) return chat.id;
      }
      throw badRequest('chat not found');
    }
    const id = Number(raw);
    if (!Number.isSafeInteger(id) || id === 0) throw badRequest('chat not found');
    return id;
  }

  requireChat(raw) {
    const id = this.resolveChatId(raw);
    if (!this.chats.has(String(id)) && !(id > 0 && this.users.has(String(id)))) throw badRequest('chat not found');
    return id;
  }

  memberStatus(chatId, userId) {
    if (this.chatType(chatId) === 'private') {
      return { status: String(userId) === String(chatId) || String(userId) === String(this.botId) ? 'member' : 'left', extra: {} };
    }
    const members = this.members.get(String(chatId));
    const found = members && members.get(String(userId));
    if (found) return found;
    return { status: String(userId) === String(this.botId) ? 'member' : 'left', extra: {} };
  }

  /** ChatMember object for getChatMember / getChatAdministrators. */
  chatMember(chatId, userId) {
    const { status, extra } = this.memberStatus(chatId, userId);
    const user = this.userObject(userId);
    if (status === 'creator') return { status, user, is_anonymous: false, ...extra };
    if (status === 'administrator') {
      const channel = this.chatType(chatId) === 'channel';
      return {
        status, user, can_be_edited: false, is_anonymous: false, can_manage_chat: true,
        can_delete_messages: true, can_manage_video_chats: true, can_restrict_members: true,
        can_promote_members: false, can_change_info: true, can_invite_users: true,
        can_post_stories: false, can_edit_stories: false, can_delete_stories: false,
        can_pin_messages: !channel, ...(channel ? { can_post_messages: true, can_edit_messages: true } : {}),
        ...extra,
      };
    }
    if (status === 'kicked') return { status, user, until_date: 0, ...extra };
    return { status, user, ...extra };
  }

  administrators(chatId) {
    const members = this.members.get(String(chatId)) || new Map();
    return [...members.entries()]
      .filter(([, m]) => m.status === 'creator' || m.status === 'administrator')
      .map(([userId]) => this.chatMember(chatId, userId));
  }

  // ---- user updates, acknowledgement and long polling -------------------------------------

  /** Queue an update from a user; fills ids and dates; returns {update_id, message_id?}. */
  addUserUpdate(update) {
    const fields = this.tg.getCommonFields(this.token);
    const record = { ...fields, update };
    this.tg.addUserUpdate(record); // synchronous without a webhook; bumps updateId
    this.bus.emit('user_update');
    return record;
  }

  nextMessageId() {
    const id = this.tg.messageId;
    this.tg.messageId += 1;
    return id;
  }

  unconfirmed() {
    return this.tg.storage.userMessages.filter((r) => r.botToken === this.token && !r.isRead);
  }

  /** Confirm updates the way getUpdates' offset does (negative: keep the last -offset). */
  acknowledge(offset) {
    if (!offset) return;
    if (offset > 0) {
      for (const r of this.unconfirmed()) if (r.updateId < offset) r.isRead = true;
    } else {
      const pending = this.unconfirmed();
      pending.slice(0, Math.max(0, pending.length + offset)).forEach((r) => { r.isRead = true; });
    }
  }

  setAllowedUpdates(allowed) {
    if (Array.isArray(allowed)) this.allowedUpdates = allowed.length ? new Set(allowed) : null;
  }

  isAllowed(update) {
    const type = Object.keys(update).find((k) => k !== 'update_id');
    return this.allowedUpdates ? this.allowedUpdates.has(type) : !DEFAULT_EXCLUDED_UPDATES.has(type);
  }

  /** Unconfirmed, allowed updates (others are dropped as Telegram would never send them). */
  deliverable(limit) {
    const out = [];
    for (const r of this.unconfirmed()) {
      if (!this.isAllowed(r.update)) {
        r.isRead = true;
        continue;
      }
      if (out.length < limit) out.push({ update_id: r.updateId, ...r.update });
    }
    return out;
  }

  dropPendingUpdates() {
    for (const r of this.unconfirmed()) r.isRead = true;
  }

  /**
   * Answer getUpdates: confirm below `offset`, then return at most `limit` updates, waiting up
   * to `timeout` seconds for one. A second poll terminates the first with 409 like Telegram.
   */
  async getUpdates({ offset, limit, timeout, allowed_updates: allowed }, onClose) {
    if (this.webhook) {
      throw new ApiError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
    }
    if (this.poller) this.poller.conflict();
    this.acknowledge(Number(offset) || 0);
    this.setAllowedUpdates(allowed);
    const max = Math.min(Math.max(Number(limit) || 100, 1), 100);
    const now = this.deliverable(max);
    const wait = Math.min(Math.max(Number(timeout) || 0, 0), 60);
    if (now.length || wait === 0) return now;
    return new Promise((resolve, reject) => {
      const poller = {};
      const finish = () => {
        clearTimeout(timer);
        this.bus.off('user_update', onUpdate);
        if (this.poller === poller) this.poller = null;
      };
      const onUpdate = () => {
        const updates = this.deliverable(max);
        if (updates.length) {
          finish();
          resolve(updates);
        }
      };
      const timer = setTimeout(() => {
        finish();
        resolve([]);
      }, wait * 1000);
      poller.cancel = () => {
        finish();
        resolve([]);
      };
      poller.conflict = () => {
        finish();
        reject(new ApiError(409, 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running'));
      };
      this.poller = poller;
      this.bus.on('user_update', onUpdate);
      onClose(() => {
        finish();
        resolve([]);
      });
    });
  }

  // ---- bot messages ----------------------------------------------------------------------

  /** Store a message the bot sent; `view` is {text, entities} as Telegram parsed them. */
  addBotMessage(params, chatId, view) {
    const message = { ...params, chat_id: chatId };
    this.tg.addBotMessage(message, this.token);
    const record = this.tg.storage.botMessages[this.tg.storage.botMessages.length - 1];
    record.view = { ...view, date: Math.floor(record.time / 1000), editDate: null, deleted: false, edits: 0 };
    this.bus.emit('bot_message');
    return record;
  }

  findBotMessage(chatId, messageId) {
    return this.tg.storage.botMessages.find((r) => r.botToken === this.token
      && String(r.message.chat_id) === String(chatId) && String(r.messageId) === String(messageId)
      && !r.view.deleted);
  }

  findUserMessage(chatId, messageId) {
    return this.tg.storage.userMessages.find((r) => {
      const m = r.update.message || r.update.channel_post;
      return m && String(m.chat.id) === String(chatId) && String(m.message_id) === String(messageId) && !r.deleted;
    });
  }

  /** The Message object the Bot API returns for a stored bot message. */
  messageObject(record) {
    const { message, view } = record;
    const chat = this.chatObject(message.chat_id);
    const out = {
      message_id: record.messageId,
      from: this.botUser,
      chat,
      date: view.date,
      text: view.text,
    };
    if (chat.type === 'channel') {
      delete out.from;
      out.sender_chat = chat;
    }
    if (view.entities && view.entities.length) out.entities = view.entities;
    if (view.editDate) out.edit_date = view.editDate;
    if (message.message_thread_id !== undefined) {
      out.message_thread_id = Number(message.message_thread_id);
      if (chat.is_forum) out.is_topic_message = true;
    }
    if (message.link_preview_options) out.link_preview_options = message.link_preview_options;
    if (message.reply_markup && message.reply_markup.inline_keyboard) out.reply_markup = message.reply_markup;
    return out;
  }

  /** What the test reads: everything the bot sent, in message_id order. */
  botMessages({ chatId, includeDeleted }) {
    return this.tg.storage.botMessages
      .filter((r) => r.botToken === this.token)
      .filter((r) => chatId === undefined || String(r.message.chat_id) === String(chatId))
      .filter((r) => includeDeleted || !r.view.deleted)
      .sort((a, b) => a.messageId - b.messageId)
      .map((r) => ({
        message_id: r.messageId,
        chat_id: r.message.chat_id,
        text: r.message.text,
        parse_mode: r.message.parse_mode === undefined ? null : r.message.parse_mode,
        plain_text: r.view.text,
        entities: r.view.entities,
        reply_markup: r.message.reply_markup === undefined ? null : r.message.reply_markup,
        message_thread_id: r.message.message_thread_id === undefined ? null : r.message.message_thread_id,
        date: r.view.date,
        edit_date: r.view.editDate,
        edits: r.view.edits,
        deleted: r.view.deleted,
        params: r.message,
      }));
  }
}

module.exports = { World, nowSeconds };
