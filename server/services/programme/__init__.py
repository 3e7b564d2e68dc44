"""What a coordinator keeps about their area for the programme's indicators.

``population``: the denominators per commune, year and group, read and typed on a page;
``population_import``: the same numbers from a CSV or XLSX file, previewed, then confirmed.
The dashboard (issue 12): ``indicators`` computes an area's 15 indicators per commune and in
total from the aggregates (``measures`` says what each counts), with ``indicator_specs`` (the
definitions as data), ``indicator_queries`` (the few grouped reads), ``indicator_sums`` (those
added up once; exact medians), ``indicator_tables`` (one table per indicator), ``periods``
(whole months) and ``suppression`` (counts 1-4 shown "<5"). The aggregates it reads are kept
by ``aggregates`` (marks, recompute, refresh, rebuild), ``aggregate_marks`` (what a flush
changed), ``aggregate_queries`` (one commune-year counted) and ``aggregate_terms`` (month, age
band, sex). ``settings``: a province's threshold table and due periods; ``threshold_preview``:
what a change of table would do to the open results, computed without writing.
Services here flush, never commit; who may call them is the surface's decision.
"""
