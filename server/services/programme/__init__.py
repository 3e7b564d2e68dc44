"""What a coordinator keeps about their area for the programme's indicators.

``population``: the denominators per commune, year and group, read and typed on a page;
``population_import``: the same numbers from a CSV or XLSX file, previewed, then confirmed.
Services here flush, never commit; who may call them is the surface's decision.
"""
