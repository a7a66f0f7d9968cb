"""`python -m stir` is the `stir` command."""

import sys

from stir.cli import main

sys.exit(main())
