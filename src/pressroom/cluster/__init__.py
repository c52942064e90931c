"""Translation on a Dask cluster (``pressroom build --cluster tcp://HOST:8786``).

:mod:`pressroom.cluster.driver` runs in the build; :mod:`pressroom.cluster.workers` on the
workers; :mod:`pressroom.cluster.local` starts a cluster on this machine for trying it. All of
them need the ``cluster`` extra (``pip install 'pressroom[cluster]'``), and only they import it.
"""
