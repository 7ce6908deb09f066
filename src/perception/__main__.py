"""``python -m perception``: the command line."""

from perception.cli import main

if __name__ == "__main__":
    main(prog_name="perception")
