"""The ``skmultimodal`` command line."""


def main(argv=None):
    raise SystemExit("skmultimodal: the command line is not available yet")
