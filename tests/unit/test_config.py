"""Config loading: validation errors are one line naming file and key; exit code 78 through the CLI."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mailsync.cli import main
from mailsync.config import load_config, settings_from_dict
from mailsync.errors import ConfigError

GOOD = """
[imap]
host = "127.0.0.1"
port = 1143
security = "plain"
username = "alice"
password_command = ["printf", "s3cret"]

[identity]
email = "alice@example.org"
name = "Alice Example"

[profile]
expertise = ["team leadership"]
monthly_capacity = 3
"""


def write(tmp_path: Path, text: str, name: str = "config.toml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    p.chmod(0o600)
    return p


def test_good_config_loads_and_password_comes_from_command(tmp_path: Path) -> None:
    s = load_config(write(tmp_path, GOOD))
    assert s.imap is not None
    assert s.imap.effective_port() == 1143
    assert s.imap.password_value("imap") == "s3cret"
    assert s.profile.monthly_capacity == 3
    assert s.my_email() == "alice@example.org"
    with_pw = settings_from_dict({"imap": {"host": "h", "password": "hunter2"}})
    assert "hunter2" not in repr(with_pw)


@pytest.mark.parametrize(
    ("edit", "needle"),
    [
        (GOOD.replace('username = "alice"', 'username = "alice"\nbogus = 1'), "[imap] bogus: unknown key"),
        (GOOD.replace("port = 1143", 'port = "x"'), "[imap] port:"),
        (GOOD.replace('host = "127.0.0.1"', 'host = "mail.example.org"'), "[imap] security: plain is only allowed"),
        (GOOD.replace('email = "alice@example.org"', ""), "[identity] email: required key is missing"),
        (GOOD.replace("monthly_capacity = 3", 'monthly_capacity = "many"'), "[profile] monthly_capacity:"),
        (GOOD.replace('host = "127.0.0.1"\n', ""), "[imap] host: required key is missing"),
        ("[imap\nhost=1", "not valid TOML"),
    ],
)
def test_bad_config_is_one_line_naming_file_and_key(tmp_path: Path, edit: str, needle: str) -> None:
    p = write(tmp_path, edit)
    with pytest.raises(ConfigError) as ei:
        load_config(p)
    msg = str(ei.value)
    assert needle in msg
    assert str(p) in msg
    assert "\n" not in msg


def test_failing_password_command_names_key_not_output(tmp_path: Path) -> None:
    p = write(tmp_path, GOOD.replace('["printf", "s3cret"]', '["sh", "-c", "echo leaked; exit 3"]'))
    s = load_config(p)
    assert s.imap is not None
    with pytest.raises(ConfigError) as ei:
        s.imap.password_value("imap")
    assert "[imap] password_command" in str(ei.value)
    assert "status 3" in str(ei.value)
    assert "leaked" not in str(ei.value)


def test_missing_password_command_binary(tmp_path: Path) -> None:
    p = write(tmp_path, GOOD.replace('["printf", "s3cret"]', '"/nonexistent/pass show x"'))
    s = load_config(p)
    assert s.imap is not None
    assert s.imap.argv() == ["/nonexistent/pass", "show", "x"]
    with pytest.raises(ConfigError, match=r"\[imap\] password_command: cannot run"):
        s.imap.password_value("imap")


def test_profile_file_merges_and_duplicate_key_is_error(tmp_path: Path) -> None:
    prof = write(tmp_path, 'expertise = ["pottery"]\nrole = "potter"\n', "profile.toml")
    cfg = GOOD.replace('[profile]\nexpertise = ["team leadership"]\n', f'[profile]\nfile = "{prof}"\n')
    s = load_config(write(tmp_path, cfg))
    assert s.profile.expertise == ["pottery"]
    assert s.profile.role == "potter"
    assert s.profile.monthly_capacity == 3
    dup = GOOD.replace("[profile]\n", f'[profile]\nfile = "{prof}"\n')
    with pytest.raises(ConfigError, match=r"\[profile\] expertise: set both here and in"):
        load_config(write(tmp_path, dup, "dup.toml"))


def test_password_in_readable_file_warns(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = write(tmp_path, GOOD.replace('password_command = ["printf", "s3cret"]', 'password = "hunter2"'))
    p.chmod(0o644)
    load_config(p)
    err = capsys.readouterr().err
    assert "readable by others" in err
    assert "hunter2" not in err


def test_defaults_and_tilde_expansion() -> None:
    s = settings_from_dict(
        {"imap": {"host": "h", "security": "starttls"}, "smtp": {"host": "h", "security": "starttls"},
         "storage": {"database_url": "sqlite:///~/x/g.db"}}
    )
    assert s.imap is not None and s.smtp is not None
    assert s.imap.effective_port() == 143
    assert s.smtp.effective_port() == 587
    assert s.imap.requests_folder == "INBOX"
    assert s.database_url() == f"sqlite:///{os.path.expanduser('~')}/x/g.db"


def test_cli_exit_78_on_bad_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = write(tmp_path, GOOD.replace("port = 1143", "port = -"))
    assert main(["--config", str(p), "sync"]) == 78
    err = capsys.readouterr().err.strip()
    assert err.startswith("gracebox: ")
    assert str(p) in err
    assert len(err.splitlines()) == 1


def test_example_config_is_valid() -> None:
    import tomllib

    root = Path(__file__).resolve().parents[2]
    data = tomllib.loads((root / "config.example.toml").read_text(encoding="utf-8"))
    s = settings_from_dict(data, "config.example.toml")
    assert s.imap is not None and s.imap.requests_folder == "Networking"
    assert s.profile.referrals[0].topics == ["kubernetes", "platform engineering"]


def test_init_writes_0600(tmp_path: Path) -> None:
    target = tmp_path / "cfg" / "config.toml"
    assert main(["--config", str(target), "init"]) == 0
    assert target.stat().st_mode & 0o777 == 0o600
    assert "[imap]" in target.read_text(encoding="utf-8")
    assert main(["--config", str(target), "init"]) == 78


def test_unedited_starter_config_names_the_example_values(tmp_path: Path) -> None:
    target = tmp_path / "config.toml"
    assert main(["--config", str(target), "init"]) == 0
    with pytest.raises(ConfigError, match=r"\[imap\] host: still the example value 'imap.example.com'"):
        load_config(target)


def test_missing_explicit_config_says_how_to_fix(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as ei:
        load_config(tmp_path / "nope.toml")
    assert str(ei.value) == f"{tmp_path / 'nope.toml'}: config file not found; run `gracebox init` to write one, " \
        "or fix the path"


def test_password_command_output_is_kept_only_when_asked() -> None:
    """The quick path keeps the password for the full path after it; the TUI asks the command every time."""
    import sys

    from mailsync.config import secrets

    argv = [sys.executable, "-c", "print('s3cret-for-this-test')"]
    assert secrets.run_password_command(argv, "imap") == "s3cret-for-this-test"
    assert secrets.cached(argv) is None
    assert secrets.run_password_command(argv, "imap", remember=True) == "s3cret-for-this-test"
    assert secrets.cached(argv) == "s3cret-for-this-test"
