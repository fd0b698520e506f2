'use strict';
/**
 * Bot API methods as a PTB 22 bot needs them: correct result types (Message, True, User,
 * ChatFullInfo, ...), dates in seconds, Telegram's validation and error descriptions.
 * Methods the emulator does not model answer a clear 400 instead of a 500.
 */

const { ApiError, badRequest } = require('./errors');
const { checkText, checkReplyMarkup } = require('./validate');
const { nowSeconds } = require('./world');

const NOT_MODIFIED = 'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message';
const NO_RIGHTS = {
  is_anonymous: false, can_manage_chat: false, can_delete_messages: false,
  can_manage_video_chats: false, can_restrict_members: false, can_promote_members: false,
  can_change_info: false, can_invite_users: false, can_post_stories: false,
  can_edit_stories: false, can_delete_stories: false,
};
// Setters and actions whose Bot API result is plain True.
const TRUE_METHODS = /^(set|delete|pin|unpin|ban|unban|restrict|promote|approve|decline|close|reopen|hide|unhide|answer|log|leave|verify|remove|refund|toggle|readBusiness)/;

const inlineMarkup = (markup) => (markup && markup.inline_keyboard ? markup : null);
const same = (a, b) => JSON.stringify(a || null) === JSON.stringify(b || null);

function commandsKey(params) {
  const scope = params.scope || { type: 'default' };
  return `${JSON.stringify(scope)}|${params.language_code || ''}`;
}

function checkCommands(commands) {
  if (!Array.isArray(commands) || commands.length > 100) throw badRequest('BOT_COMMANDS_TOO_MUCH');
  for (const c of commands) {
    if (!c || !/^[a-z0-9_]{1,32}$/.test(String(c.command))) throw badRequest('BOT_COMMAND_INVALID');
    const size = String(c.description || '').length;
    if (size < 1 || size > 256) throw badRequest('BOT_COMMAND_DESCRIPTION_INVALID');
  }
}

function makeMethods(world) {
  const editable = (params) => {
    const chatId = world.resolveChatId(params.chat_id);
    const record = world.findBotMessage(chatId, params.message_id);
    if (!record) throw badRequest('message to edit not found');
    return record;
  };
  const touch = (record) => {
    record.view.editDate = nowSeconds();
    record.view.edits += 1;
    world.bus.emit('bot_message');
    return world.messageObject(record);
  };

  return {
    getMe: () => ({
      ...world.botUser, can_join_groups: true, can_read_all_group_messages: false,
      supports_inline_queries: false, can_connect_to_business: false, has_main_web_app: false,
    }),

    getUpdates: (params, ctx) => world.getUpdates(params, ctx.onClose),

    setWebhook: (params) => {
      world.webhook = params.url ? String(params.url) : null;
      if (params.drop_pending_updates) world.dropPendingUpdates();
      return true;
    },

    deleteWebhook: (params) => {
      world.webhook = null;
      if (params.drop_pending_updates) world.dropPendingUpdates();
      return true;
    },

    getWebhookInfo: () => ({
      url: world.webhook || '', has_custom_certificate: false,
      pending_update_count: world.unconfirmed().length,
    }),

    sendMessage: (params) => {
      const chatId = world.resolveChatId(params.chat_id);
      const view = checkText(params);
      checkReplyMarkup(params.reply_markup);
      return world.messageObject(world.addBotMessage(params, chatId, view));
    },

    editMessageText: (params) => {
      if (params.inline_message_id) return true;
      const record = editable(params);
      const view = checkText(params);
      checkReplyMarkup(params.reply_markup);
      const markup = inlineMarkup(params.reply_markup);
      if (view.text === record.view.text && same(view.entities, record.view.entities)
          && same(markup, inlineMarkup(record.message.reply_markup))) {
        throw badRequest(NOT_MODIFIED);
      }
      const message = { ...record.message, text: params.text, parse_mode: params.parse_mode, entities: params.entities };
      if (params.link_preview_options) message.link_preview_options = params.link_preview_options;
      if (markup) message.reply_markup = markup;
      else delete message.reply_markup; // Telegram drops the keyboard when the edit has none
      Object.keys(message).forEach((k) => message[k] === undefined && delete message[k]);
      record.message = message;
      record.view.text = view.text;
      record.view.entities = view.entities;
      return touch(record);
    },

    editMessageReplyMarkup: (params) => {
      if (params.inline_message_id) return true;
      const record = editable(params);
      checkReplyMarkup(params.reply_markup);
      const markup = inlineMarkup(params.reply_markup);
      if (same(markup, inlineMarkup(record.message.reply_markup))) throw badRequest(NOT_MODIFIED);
      record.message = { ...record.message };
      if (markup) record.message.reply_markup = markup;
      else delete record.message.reply_markup;
      return touch(record);
    },

    editMessageCaption: (params) => {
      editable(params);
      throw badRequest('there is no caption in the message to edit');
    },

    editMessageMedia: (params) => {
      editable(params);
      throw badRequest('there is no media in the message to edit');
    },

    deleteMessage: (params) => {
      const chatId = world.resolveChatId(params.chat_id);
      const bot = world.findBotMessage(chatId, params.message_id);
      const user = bot ? null : world.findUserMessage(chatId, params.message_id);
      if (!bot && !user) throw badRequest('message to delete not found');
      if (bot) {
        bot.view.deleted = true;
        world.bus.emit('bot_message');
      } else {
        user.deleted = true;
      }
      return true;
    },

    deleteMessages: (params) => {
      const chatId = world.resolveChatId(params.chat_id);
      for (const id of params.message_ids || []) {
        const bot = world.findBotMessage(chatId, id);
        if (bot) bot.view.deleted = true;
      }
      world.bus.emit('bot_message');
      return true;
    },

    answerCallbackQuery: (params) => {
      const query = world.callbacks.get(String(params.callback_query_id));
      if (!query || query.answer) {
        throw badRequest('query is too old and response timeout expired or query ID is invalid');
      }
      query.answer = {
        text: params.text === undefined ? null : params.text,
        show_alert: Boolean(params.show_alert),
        url: params.url === undefined ? null : params.url,
      };
      return true;
    },

    setMyCommands: (params) => {
      checkCommands(params.commands);
      world.commands[commandsKey(params)] = params.commands;
      return true;
    },
    getMyCommands: (params) => world.commands[commandsKey(params)] || [],
    deleteMyCommands: (params) => {
      delete world.commands[commandsKey(params)];
      return true;
    },

    setMyDescription: (params) => {
      world.botTexts.description = params.description || '';
      return true;
    },
    getMyDescription: () => ({ description: world.botTexts.description }),
    setMyShortDescription: (params) => {
      world.botTexts.short_description = params.short_description || '';
      return true;
    },
    getMyShortDescription: () => ({ short_description: world.botTexts.short_description }),
    setMyName: (params) => {
      world.botTexts.name = params.name || world.botUser.first_name;
      return true;
    },
    getMyName: () => ({ name: world.botTexts.name }),
    getChatMenuButton: () => ({ type: 'commands' }),
    getMyDefaultAdministratorRights: () => ({ ...NO_RIGHTS }),

    sendChatAction: (params) => {
      world.resolveChatId(params.chat_id);
      return true;
    },

    getChat: (params) => ({
      ...world.chatObject(world.requireChat(params.chat_id)),
      accent_color_id: 0,
      max_reaction_count: 11,
      accepted_gift_types: {
        unlimited_gifts: false, limited_gifts: false, unique_gifts: false,
        premium_subscription: false, gifts_from_channels: false,
      },
    }),

    getChatMember: (params) => {
      const chatId = world.requireChat(params.chat_id);
      if (params.user_id === undefined) throw badRequest('user_id is empty');
      return world.chatMember(chatId, params.user_id);
    },

    getChatAdministrators: (params) => {
      const chatId = world.requireChat(params.chat_id);
      if (world.chatType(chatId) === 'private') throw badRequest('there are no administrators in the private chat');
      return world.administrators(chatId);
    },

    getChatMemberCount: (params) => {
      const chatId = world.requireChat(params.chat_id);
      if (world.chatType(chatId) === 'private') return 2;
      const members = world.members.get(String(chatId)) || new Map();
      return [...members.values()].filter((m) => !['left', 'kicked'].includes(m.status)).length;
    },

    leaveChat: (params) => {
      const chatId = world.requireChat(params.chat_id);
      world.setMember(chatId, world.botUser, 'left');
      return true;
    },
  };
}

/** Dispatch a bot API call; resolves to the `result` value or throws ApiError. */
function makeDispatcher(world, log) {
  const methods = makeMethods(world);
  return async (method, params, ctx) => {
    const handler = Object.prototype.hasOwnProperty.call(methods, method) ? methods[method] : null;
    if (handler) return handler(params, ctx);
    if (TRUE_METHODS.test(method)) return true;
    log(`unsupported Bot API method ${method}`);
    throw new ApiError(400, `Bad Request: method ${method} is not supported by the test emulator`);
  };
}

module.exports = { makeDispatcher };
