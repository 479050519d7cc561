"""gunicorn settings used by scripts/prod-web.sh (the command line there gives bind, workers and timeout).

With PROMETHEUS_MULTIPROC_DIR set (prod-web.sh sets it), each gunicorn worker writes its metrics to files there
(chidao.core.metrics); when a worker exits its live gauges are dropped, as prometheus_client's multiprocess mode
requires.
"""

import os


def child_exit(server, worker):  # noqa: ARG001 (gunicorn's hook signature)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def post_worker_init(worker):  # noqa: ARG001
    """Move everything loaded at start (Django, the app, the templates' modules) out of the garbage collector's
    reach: a full collection then walks only what requests create, instead of pausing a request for the whole
    heap (a known tail-latency cost of CPython under gunicorn)."""
    import gc

    gc.freeze()
