"""The worked example in jobs.py's docstring runs and shows what it says."""

from __future__ import annotations

import doctest

from bucket_sync import jobs


def test_the_docstring_example_of_run_jobs_holds():
    result = doctest.testmod(jobs, raise_on_error=False)
    assert result.attempted >= 5 and result.failed == 0
