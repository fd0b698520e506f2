"""newsbot's Telegram side.

PTB 22.2+ deprecates time periods as ints (`RetryAfter.retry_after` and the like become
`datetime.timedelta` in PTB 23) and warns every time PTB builds one of them, a RetryAfter
for each 429 included. The bot opts in to the timedelta form now, as PTB recommends, so it
runs the PTB 23 behaviour without warnings; an explicit PTB_TIMEDELTA setting is respected.
Code that reads a period copes with both forms (see `bot.delivery.retry_after_seconds`).
"""

import os

os.environ.setdefault("PTB_TIMEDELTA", "true")
