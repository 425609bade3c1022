"""``python -m render.figures``: see :mod:`render.figures.cli`."""

import sys

from render.figures import cli
from render.pipeline import unwind_on_termination

unwind_on_termination()  # a killed build leaves no temporary file
sys.exit(cli.main())
