"""`python -m selftape_check`: the same command line as `selftape-check`."""

from .cli import run

if __name__ == "__main__":
    run()
