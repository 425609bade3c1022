"""``python -m render``: see :mod:`render.cli`."""

import sys

from render.cli import main

sys.exit(main())
