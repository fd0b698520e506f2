"""What the bot says. Kept out of the handlers so wording lives in one place."""

from __future__ import annotations

HELP = (
    "<b>newsbot</b> sends you short summaries of news stories that carry the tags you follow.\n\n"
    "/subscribe <i>tag</i> [<i>tag</i> …] – follow tags, "
    "e.g. <code>/subscribe USA Afghanistan</code>\n"
    "/unsubscribe <i>tag</i> [<i>tag</i> …] – stop following tags\n"
    "/list – the tags this chat follows\n"
    "/help – this message\n\n"
    "Tags ignore case and a leading #; write a tag with spaces in quotes "
    '(<code>/subscribe "Ilham Aliyev"</code>) or with underscores (<code>Ilham_Aliyev</code>). '
    "You may follow a tag before any story carries it."
)

WELCOME = "Welcome! " + HELP

SUBSCRIBE_USAGE = (
    "Tell me which tags to follow, e.g. <code>/subscribe USA Afghanistan</code> "
    'or <code>/subscribe "Ilham Aliyev"</code>.'
)
UNSUBSCRIBE_USAGE = "Tell me which tags to stop following, e.g. <code>/unsubscribe USA</code>."
NO_SUBSCRIPTIONS = "This chat follows no tags yet. Try <code>/subscribe USA</code>."
UNKNOWN_COMMAND = "I don't know that command. /help lists what I can do."
INTERNAL_ERROR = "Sorry, something went wrong on my side. Please try again in a moment."
