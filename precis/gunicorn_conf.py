"""gunicorn settings every Precis app server shares: ``gunicorn -c python:precis.gunicorn_conf
precis.wsgi --worker-class gthread …`` (docs/deploy.md). Flags on the command line
still apply; this file only adds hooks.
"""


def post_worker_init(worker):
    """Warm the new worker up before it accepts a connection (precis/warmup.py)."""
    import gc

    from precis.warmup import warm_up

    warm_up()
    # What warming up loaded (templates, URL patterns) lives as long as the worker:
    # out of the garbage collector's sight too (precis/wsgi.py).
    gc.freeze()
