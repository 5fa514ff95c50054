"""Entry point of the frozen app: the same command line as the `briefing-app` console script."""

import sys

from briefing_app.cli import main

sys.exit(main())
