"""``python -m compatlint``: the same command line as the ``compatlint`` script."""

from compatlint.cli import run

if __name__ == "__main__":
    run()
