"""Allow `python -m hustings`."""

import sys

from hustings.cli import main

sys.exit(main())
