"""Architecture contracts: mailsync never imports Textual; `gracebox sync` stays free of the TUI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_import_linter_contract_holds() -> None:
    exe = Path(sys.executable).with_name("lint-imports")
    out = subprocess.run([str(exe)], cwd=ROOT, capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "5 kept, 0 broken" in out.stdout


def test_no_textual_import_text_in_mailsync() -> None:
    offenders = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "mailsync").rglob("*.py")
        if any(
            line.strip().startswith(("import textual", "from textual"))
            for line in p.read_text(encoding="utf-8").splitlines()
        )
    ]
    assert offenders == []


def test_sync_command_does_not_load_textual() -> None:
    code = (
        "import sys; from mailsync import cli, checker; from mailsync.sync import run; "
        "from mailsync.outbox import flush; from mailsync.store import ingest; from mailsync.mail import parse; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'tui')))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_readme_test_command_is_what_ci_runs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = readme.split("```sh\n")
    commands = [b.split("\n```")[0].strip() for b in blocks[1:3]]
    assert len(commands) == 2
    assert "gracebox demo" in commands[0]
    assert "pytest" in commands[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert commands[1] in ci
    assert not any("sudo" in c for c in commands)


def test_mypy_is_clean_on_mailsync_and_tui() -> None:
    exe = Path(sys.executable).with_name("mypy")
    out = subprocess.run([str(exe), "mailsync", "tui"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stdout[-3000:]
    assert out.stdout.startswith("Success: no issues found")


def test_one_job_per_file_none_over_400_lines() -> None:
    """ARCHITECTURE.md: no module of mailsync or tui over 400 lines (the checker and its rule tables aside)."""
    exempt = {"mailsync/checker.py", "mailsync/rules.py"}
    long = {str(p.relative_to(ROOT)): n for pkg in ("mailsync", "tui") for p in (ROOT / pkg).rglob("*.py")
            if str(p.relative_to(ROOT)) not in exempt and "checker/" not in str(p.relative_to(ROOT))
            and (n := len(p.read_text(encoding="utf-8").splitlines())) > 400}
    assert long == {}


def test_tests_live_in_marked_folders() -> None:
    """Every test module is in tests/unit, tests/integration, tests/tui or tests/soak (the conftest marks
    tests by folder), and those markers are registered in pyproject.toml."""
    import tomllib

    stray = [str(p.relative_to(ROOT)) for p in (ROOT / "tests").rglob("test_*.py")
             if p.parent.name not in ("unit", "integration", "tui", "soak")]
    assert stray == []
    markers = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"]["ini_options"][
        "markers"]
    assert {m.split(":")[0] for m in markers} == {"unit", "integration", "tui", "soak"}
