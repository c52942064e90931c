"""``pressroom cluster local``: a Dask cluster on this computer, to try ``build --cluster``."""

from __future__ import annotations

import signal
import time
from typing import Annotated

import typer

from pressroom.cli.common import console, fail, plural, shown

cluster_app = typer.Typer(help="Translate on a Dask cluster: try one on this computer.", no_args_is_help=True)


@cluster_app.command("local")
def local_command(
    workers: Annotated[int, typer.Option("--workers", help="Worker processes; each gets its share of the cores.")] = 2,
    port: Annotated[int, typer.Option("--port", help="Scheduler port on 127.0.0.1 (0: any free port).")] = 8786,
) -> None:
    """Start a Dask scheduler and worker processes on this computer, print the address for
    'pressroom build --cluster', and keep them running until Ctrl+C."""
    from pressroom.cluster.driver import ClusterError
    from pressroom.cluster.local import start_local_cluster

    try:
        cluster = start_local_cluster(workers, port)
    except ClusterError as exc:
        raise fail(str(exc)) from None
    address = cluster.scheduler_address
    console.print(f"Dask cluster with {plural(workers, 'worker')} at {shown(address)}", highlight=False)
    console.print(
        f"In another window: pressroom build --cluster {shown(address)}\nPress Ctrl+C to stop the cluster.",
        highlight=False,
    )
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # `kill` stops it as Ctrl+C does
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        cluster.close()
        console.print("Stopped the cluster.")
