"""The repository's pre-commit hooks, run by pre-commit on a sample repository.

The hook repository is a fresh git repository holding this project's
``.pre-commit-hooks.yaml``; the sample repository uses its ``perception-check-system``
hook, which runs the ``perception`` installed with the tests, so that pre-commit installs
nothing and needs no network.  (The ``perception-check`` hook differs only in its
``language: python``: pre-commit would install perception from the hook repository.)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
HOOKS = ROOT / ".pre-commit-hooks.yaml"
CLEAN = "Hi Dana,\n\nThe fix is live and the export works again.\n\nBest regards,\nSam\n"
BLAMING = "Hi Dana,\n\nYou failed to attach the logs.\n\nBest regards,\nSam\n"


def _git(folder: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


@pytest.fixture
def environment(tmp_path):
    if shutil.which("git") is None:
        pytest.fail("git is needed to test the pre-commit hooks", pytrace=False)
    try:
        import pre_commit  # noqa: F401, PLC0415  # installed with the test extra
    except ImportError:
        pytest.fail("pre-commit is missing: install customer-perception[test]", pytrace=False)
    env = dict(os.environ)
    env["PRE_COMMIT_HOME"] = str(tmp_path / "cache")
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env.pop("PERCEPTION_LEDGER", None)
    return env


@pytest.fixture
def hook_repo(tmp_path):
    repo = tmp_path / "hooks"
    repo.mkdir()
    shutil.copy(HOOKS, repo / ".pre-commit-hooks.yaml")
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "hooks")
    return repo, _git(repo, "rev-parse", "HEAD")


def test_the_hooks_file_names_both_hooks():
    hooks = {h["id"]: h for h in yaml.safe_load(HOOKS.read_text(encoding="utf-8"))}
    assert set(hooks) == {"perception-check", "perception-check-system"}
    assert {h["entry"] for h in hooks.values()} == {"perception check"}
    assert hooks["perception-check"]["language"] == "python"
    assert hooks["perception-check-system"]["language"] == "system"


def _sample(tmp_path, hook_repo, files):
    repo_path, rev = hook_repo
    sample = tmp_path / "sample"
    sample.mkdir()
    _git(sample, "init", "-q")
    config = {
        "repos": [
            {"repo": str(repo_path), "rev": rev, "hooks": [{"id": "perception-check-system"}]}
        ]
    }
    (sample / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    for name, text in files.items():
        (sample / name).parent.mkdir(parents=True, exist_ok=True)
        (sample / name).write_text(text, encoding="utf-8")
    _git(sample, "add", ".")
    return sample


def _pre_commit(sample, env):
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files", "--color", "never"],
        cwd=sample,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_hook_passes_on_clean_drafts(tmp_path, hook_repo, environment):
    sample = _sample(
        tmp_path, hook_repo, {"drafts/a.md": CLEAN, "drafts/b.txt": CLEAN, "code.py": "x = 1\n"}
    )
    result = _pre_commit(sample, environment)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "perception check (installed)" in result.stdout
    assert "Passed" in result.stdout


def test_the_hook_fails_on_a_bad_draft_among_several(tmp_path, hook_repo, environment):
    sample = _sample(
        tmp_path,
        hook_repo,
        {"drafts/a.md": CLEAN, "drafts/b.txt": BLAMING, "drafts/c.md": CLEAN},
    )
    result = _pre_commit(sample, environment)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Failed" in result.stdout
    assert "drafts/b.txt:3:1: warning [negative-language]" in result.stdout
