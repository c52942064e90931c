"""``python -m pressroom``: the same command as the ``pressroom`` script, without the venv's bin/ on PATH."""

from pressroom.cli.app import main

main()
