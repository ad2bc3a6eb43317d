"""`python -m planner` is the `mineral-planner` command."""

import sys

from planner.cli import main

sys.exit(main())
