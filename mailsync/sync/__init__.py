"""One sync: the run (``run.run_sync``) as named passes (``sent``, ``select``, ``expunge``, ``flags``,
``fetch``, ``recheck``, ``outbox``) over one shared state (``base.RunBase``), and the quick path
(``quick``) that answers "nothing changed" before the heavy imports. This package imports nothing by
itself."""
