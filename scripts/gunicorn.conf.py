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
