"""``python -m tokvec.cli``: the same command line as ``tokvec``."""

from . import run

if __name__ == "__main__":
    run()
