"""Background exports (issue 12): files of records and of dashboard tables, made by a job.

``filters`` reads and freezes what was asked for (period, province, commune, instrument, sex,
age band) and narrows a scope with it; ``sources`` are the record exports (screenings, actions,
referrals), read page by page, scoped like every read; ``tables`` is the registry of dashboard
tables, every count cell through small-cell suppression; ``files`` writes CSV or XLSX a page at
a time; ``requests`` asks for an export, lists a user's, and hands one out for download
(audited); ``work`` is what the worker does (claim one export, count, page, progress, finish or
fail, expire old files). The worker's transactions are opened by ``server/jobs/export_runs.py``:
like every service these flush and never commit.
"""
