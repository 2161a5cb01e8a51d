"""`python -m bot` is the `liverbot` command, for environments without the console script."""

from bot.cli import main

main()
