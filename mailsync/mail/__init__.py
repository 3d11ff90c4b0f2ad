"""Mail as data: parsing raw bytes (``parse`` with ``decode``, ``addresses``, ``bodies``), notification relays
(``notify``), text safe to show (``safe_text``), reply text (``templates``) and reply messages (``compose``).
No I/O."""
