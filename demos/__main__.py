"""Entry point: ``python -m demos``."""

import sys

from .cli import main

sys.exit(main())
