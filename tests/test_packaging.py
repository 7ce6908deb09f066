"""The built wheel: the distribution name on the package index, the command, the data."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-index",
            "--no-build-isolation",
            "--wheel-dir",
            str(target),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(f"could not build the wheel:\n{result.stderr}", pytrace=False)
    (found,) = target.glob("*.whl")
    return found


def test_the_distribution_is_customer_perception_imported_as_perception(wheel):
    assert wheel.name.startswith("customer_perception-")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        (metadata,) = [n for n in names if n.endswith(".dist-info/METADATA")]
        headers = Parser().parsestr(archive.read(metadata).decode("utf-8"))
        (entry_points,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
        scripts = archive.read(entry_points).decode("utf-8")
    assert headers["Name"] == "customer-perception"
    assert "perception/__init__.py" in names
    assert "perception/examples/data/portfolio.json" in names
    assert "perception/data/portfolio.js" in names  # the HTML report's table
    assert "perception = perception.cli:main" in scripts
    extras = headers.get_all("Provides-Extra") or []
    assert "pandas" in extras


def test_the_install_docs_explain_the_other_perception():
    tutorial = (ROOT / "docs" / "tutorial.md").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for text in (tutorial, readme):
        assert "customer-perception" in text  # the distribution's name, once published
        assert "not on the package index yet" in text  # so: from a checkout
        assert "pip install ." in text
        assert "unrelated" in text
