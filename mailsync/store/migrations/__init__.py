"""Schema migrations (Alembic): ``env.py`` runs them on the connection ``store.migrate`` hands over;
``versions/`` holds one revision per schema change, the first (``0001``) being the schema of Gracebox 0.1.

Add a revision after changing ``store/models.py``:
``.venv/bin/python -m mailsync.store.migrate revision "add message.foo"`` writes a new file in
``versions/`` from a comparison of the models with a database at head; review it before committing.
"""
