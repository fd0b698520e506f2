"""Test helpers shared by the end-to-end tests: the Bot API emulator and bot processes."""
