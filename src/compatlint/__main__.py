"""``python -m compatlint``: the same command line as the ``compatlint`` script."""

from compatlint.cli import main

if __name__ == "__main__":
    main(prog_name="compatlint")
