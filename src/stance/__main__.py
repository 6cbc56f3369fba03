"""``python -m stance``: the same command line as the ``stance`` console script."""

import sys

from stance.cli import main

if __name__ == "__main__":
    sys.exit(main())
