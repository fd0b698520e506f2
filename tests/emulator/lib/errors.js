'use strict';
/** An error answered the way the Bot API answers: HTTP status = error_code, plus description. */

class ApiError extends Error {
  constructor(status, description, parameters) {
    super(description);
    this.status = status;
    this.description = description;
    this.parameters = parameters;
  }

  toJSON() {
    const body = { ok: false, error_code: this.status, description: this.description };
    if (this.parameters) body.parameters = this.parameters;
    return body;
  }
}

const badRequest = (what, parameters) => new ApiError(400, `Bad Request: ${what}`, parameters);

module.exports = { ApiError, badRequest };
