"""``python -m kagglekit.cli``: the ``kagglekit`` command."""

import sys

from kagglekit.cli import main

sys.exit(main())
