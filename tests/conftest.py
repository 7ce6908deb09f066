"""Shared fixtures.

Tests that need the public labelled data use the ``shared_data`` fixture: it points at
``../shared/data`` beside the project (or ``$PERCEPTION_SHARED_DATA``) and fails with a
clear message when the folder is missing, rather than skipping silently.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent

# No time limit on a generated example: the machine is shared, and the first example of a
# test may load the lexicon (about a second); speed is measured in benchmarks/, not here.
settings.register_profile("perception", deadline=None)
settings.load_profile("perception")

# The suite tests perception's own plugins: third-party plugins installed in the same
# environment must not change its results.  Tests of entry-point loading ask for it
# explicitly (``get_plugin_manager(load_entrypoints=True)``).
os.environ["PERCEPTION_DISABLE_PLUGIN_AUTOLOAD"] = "1"


def _shared_data_dir() -> Path:
    override = os.environ.get("PERCEPTION_SHARED_DATA")
    return Path(override) if override else ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder of public labelled data (``../shared/data``)."""
    folder = _shared_data_dir()
    if not folder.is_dir():
        pytest.fail(
            f"shared data not found at {folder}: clone the project with the 'shared' folder "
            "beside it, or set PERCEPTION_SHARED_DATA to its 'data' folder",
            pytrace=False,
        )
    return folder
