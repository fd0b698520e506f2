"""Errors that carry a message meant for people, not a traceback."""


class InputError(ValueError):
    """Bad input (article, command argument, feed); the message is shown to the user as is."""
