"""The wheel, installed into a fresh venv outside the checkout, runs and finds its templates and demo data."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import time
import venv
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A fresh venv with the gracebox wheel installed (dependencies borrowed from the test venv, read-only)."""
    d = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(d / "dist"), str(ROOT)],
                   check=True, capture_output=True)
    wheel = next((d / "dist").glob("gracebox-*.whl"))
    env_dir = d / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    py = env_dir / "bin" / "python"
    site = Path(subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    # Dependencies come from the test venv's site-packages (a plain path line: its .pth files, including the
    # editable gracebox, are NOT processed), so the only gracebox on the path is the wheel's.
    (site / "zz_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps", "-q", str(wheel)],
                   check=True, capture_output=True)
    yield env_dir


def run(env_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), cwd="/", capture_output=True, text=True, check=False,
                          env={"PATH": f"{env_dir / 'bin'}:/usr/bin:/bin", "HOME": str(env_dir)})


def test_wheel_has_templates_and_demo_data(installed: Path) -> None:
    code = (
        "import mailsync, sys; from mailsync.mail.templates import templates_dir; "
        "from pathlib import Path; t = templates_dir(); "
        "print(mailsync.__file__); print(sorted(p.name for p in t.glob('*.j2'))); "
        "print(len(list((Path(mailsync.__file__).parent / 'demo_data').rglob('*.eml'))))"
    )
    out = run(installed, str(installed / "bin" / "python"), "-c", code)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith(str(installed)), lines[0]
    assert {"scenario1.txt.j2", "scenario2.txt.j2", "accept.txt.j2"} <= set(eval(lines[1]))  # noqa: S307
    assert int(lines[2]) >= 10


def test_console_script_runs(installed: Path) -> None:
    out = run(installed, str(installed / "bin" / "gracebox"), "--help")
    assert out.returncode == 0
    assert "demo" in out.stdout and "sync" in out.stdout
    missing = run(installed, str(installed / "bin" / "gracebox"), "--config", "/nonexistent.toml", "sync")
    assert missing.returncode == 78
    assert "/nonexistent.toml" in missing.stderr


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux not installed: apt-get install -y tmux")
def test_demo_opens_in_a_terminal(installed: Path) -> None:
    session = f"gbwheel{int(time.time() * 1000) % 100000}"
    cmd = f"env HOME={installed} TERM=xterm-256color {installed / 'bin' / 'gracebox'} demo"
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "120", "-y", "40", cmd], check=True)
    try:
        screen = ""
        for _ in range(100):
            time.sleep(0.2)
            screen = subprocess.run(["tmux", "capture-pane", "-p", "-t", session], capture_output=True,
                                    text=True, check=False).stdout
            if "RF" in screen and "accepted" in screen:
                break
        assert "accepted" in screen, screen
        assert "RF" in screen, screen
        subprocess.run(["tmux", "send-keys", "-t", session, "q"], check=True)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True, check=False)
