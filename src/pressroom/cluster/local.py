"""A Dask cluster on this computer, for trying cluster builds before there is a real one."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from pressroom.cluster.driver import INSTALL_HINT, ClusterError

if TYPE_CHECKING:
    from distributed import LocalCluster


def start_local_cluster(workers: int, port: int = 8786, host: str = "127.0.0.1") -> LocalCluster:
    """A scheduler on ``host:port`` (0: any free port) and ``workers`` worker processes, each
    with its share of this computer's cores and a nanny that restarts it when it dies, as
    ``dask worker`` does on a real cluster."""
    try:
        from distributed import LocalCluster
    except ImportError:
        raise ClusterError(INSTALL_HINT) from None
    if workers < 1:
        raise ClusterError(f"--workers must be 1 or more, not {workers}")
    try:
        return LocalCluster(
            n_workers=workers,
            threads_per_worker=max(1, (os.cpu_count() or 1) // workers),
            processes=True,
            host=host,
            scheduler_port=port,
            dashboard_address=f"{host}:0",  # any free port: never in the way of another cluster
        )
    except (OSError, RuntimeError) as exc:  # RuntimeError: Dask's "Cluster failed to start: <why>"
        raise ClusterError(f"Cannot start a Dask cluster on {host}:{port}: {exc}") from None
