"""One submission from upload to merged record.

``receive`` opens the units of work (the only place that does for a submission) and calls
``store`` (the raw submission, idempotently), then ``merge`` (screening and case), which asks
``register`` which person it is (registration conflicts, consent);
``retry`` records why a merge failed and merges again later. ``batch`` receives a batch item
by item (the sync API, the waiting-forms import) and ``waiting_file`` reads and takes in a
phone's waiting-forms file.
"""
