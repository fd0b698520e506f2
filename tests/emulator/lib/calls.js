'use strict';
/** Record of every bot API call, for tests that assert counts, order and pacing. */

class CallLog {
  constructor(bus) {
    this.bus = bus;
    this.records = [];
    this.seq = 0;
  }

  start(method, params, chatId) {
    this.seq += 1;
    const call = {
      seq: this.seq, method, chat_id: chatId === undefined ? null : chatId, params,
      time: Date.now() / 1000, finished_at: null, status: null, ok: null, description: null,
      fault: null, outcome: 'pending', message_id: null,
    };
    this.records.push(call);
    this.bus.emit('call');
    return call;
  }

  finish(call, fields) {
    Object.assign(call, fields, { finished_at: Date.now() / 1000 });
    this.bus.emit('call');
  }

  select({ method, since }) {
    return this.records.filter((c) => (!method || c.method === method) && c.seq > (since || 0));
  }

  clear() {
    this.records = [];
    this.bus.emit('call');
  }
}

module.exports = { CallLog };
