import sys

from stir.generate.cli import main

sys.exit(main())
