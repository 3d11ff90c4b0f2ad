"""What the TUI and the CLI call: functions that take plain values (a store, settings, ids, text) and
return plain frozen dataclasses, each opening its own session. ``inbox`` (list, detail, reply, user
actions), ``introductions``, ``demo`` and ``feedback``."""
