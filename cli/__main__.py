"""``python -m refcheck.cli``."""

from refcheck.cli import main

main()
