"""Use cases: load models -> call pure code -> write models -> audit -> flush (never commit).

The web views, the CLI and the jobs all call these functions; the commit happens at the
boundary (``server/boundary.py``).
"""
