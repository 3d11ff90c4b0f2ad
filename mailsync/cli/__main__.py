"""``python -m mailsync.cli``: the ``gracebox`` command."""

import sys

from . import main

sys.exit(main())
