"""Scale-out: embedding on a Ray cluster (``ray_embedder``) and several server processes (``workers``).

Nothing here imports Ray at module level: the package works without the ``ray`` extra installed.
"""
