"""``python -m skmultimodal`` and the ``skmultimodal`` command: the command
line, loaded by :func:`run`."""

import sys


def run():
    """Load the command line and run it; return the exit status.

    Loading it (scikit-learn and the commands) takes a second or two: a
    Ctrl-C then, or before the command's own handling starts, ends with the
    one line and status 130 a Ctrl-C gives later, not a traceback.
    """
    try:
        from skmultimodal.cli import main

        return main()
    except KeyboardInterrupt:
        print("skmultimodal: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(run())
