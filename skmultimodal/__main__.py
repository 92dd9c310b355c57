"""``python -m skmultimodal``: the command line."""

import sys

from skmultimodal.cli import main

if __name__ == "__main__":
    sys.exit(main())
