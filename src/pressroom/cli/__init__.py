"""The ``pressroom`` command line: one module per group of commands, assembled in :mod:`pressroom.cli.app`."""
