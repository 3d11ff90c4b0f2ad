"""Validate writer folders of the Gracebox corpus (format and labelling rules: corpus/WRITING.md).

Usage: ``python3 corpus/validate.py [DIR ...]`` where each DIR is ``corpus/writers/wNN`` (default: every writer).
Prints one line per problem (``file:line: what``) and a summary; exits 1 when any problem was found.
Standard library only, so writers can run it before the project is installed.
"""

from __future__ import annotations

import contextlib
import json
import sys
import tomllib
from collections import Counter
from pathlib import Path

FAVOURS = {"call", "referral", "introduction", "cv", "advice", "review", "mentoring", "endorsement", "job",
           "material", "other"}
LABELS = {"offer", "reader", "ask", "unethical", "question"}
FORMATS = {"plain", "html", "relay"}
FLAGS = ("RF1", "RF2", "RF3", "RF4", "RF7")


def pattern_matches(pattern: str, address: str) -> bool:
    """True when ``address`` matches a list pattern: a full address, or ``*@domain`` (exact domain)."""
    pattern, address = pattern.strip().lower(), address.strip().lower()
    if pattern.startswith("*@"):
        return address.rpartition("@")[2] == pattern[2:]
    return address == pattern


def expected_flags(rec: dict, prof: dict) -> tuple[list[str], str]:
    """The flags and suggested reply that the labelling rules give for one request."""
    address = (rec.get("from") or {}).get("address", "").lower()
    contacts = {c["address"].lower(): c for c in prof.get("contacts", [])}
    sent = prof.get("sent", [])
    relay = rec.get("format") == "relay"
    if relay:
        person = ((rec.get("relay_person") or {}).get("name") or "").strip().lower()
        names = {c["name"].strip().lower(): c for c in prof.get("contacts", [])}
        contact = names.get(person)
        known = (contact is not None and contact.get("experience") in ("positive", "neutral")) or any(
            (s.get("to_name") or "").strip().lower() == person for s in sent)
        negative = contact is not None and contact.get("experience") == "negative"
        watch = warned = False
    else:
        contact = contacts.get(address)
        known = (
            any(s["to"].lower() == address for s in sent)
            or (contact is not None and contact.get("experience") in ("positive", "neutral"))
            or (rec.get("in_reply_to") is not None and any(s["message_id"] == rec["in_reply_to"] for s in sent))
        )
        negative = contact is not None and contact.get("experience") == "negative"
        watch = any(pattern_matches(e["pattern"], address) for e in prof.get("reputation_watch", []))
        warned = any(pattern_matches(e["pattern"], address) for e in prof.get("network_warnings", []))
    j = rec["judgments"]
    flags = []
    if j["selling"]:
        flags.append("RF1")
    if watch or j["unethical"]:
        flags.append("RF2")
    if j["favour"] and not known:
        flags.append("RF3")
    if warned or negative:
        flags.append("RF4")
    if j["question_topic"] and j["off_expertise"]:
        flags.append("RF7")
    suggested = "scenario2" if set(flags) & {"RF1", "RF2", "RF3", "RF4"} else "scenario1" if flags else "accept"
    return flags, suggested


def check_profile(path: Path) -> list[str]:
    """Problems in one profile file."""
    errs: list[str] = []
    try:
        prof = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        return [f"{path}: not valid TOML: {exc}"]
    for key in ("name", "email", "role", "expertise"):
        if not prof.get(key):
            errs.append(f"{path}: missing {key}")
    for c in prof.get("contacts", []):
        if c.get("experience") not in ("positive", "neutral", "negative"):
            errs.append(f"{path}: contact {c.get('address')}: experience must be positive, neutral or negative")
    for s in prof.get("sent", []):
        for key in ("to", "subject", "message_id"):
            if not s.get(key):
                errs.append(f"{path}: a [[sent]] entry lacks {key}")
    return errs


def check_record(rec: dict, where: str, profiles: dict[str, dict]) -> list[str]:
    """Problems in one request record."""
    errs: list[str] = []
    for key in ("id", "recipient", "from", "subject", "format", "body", "spans", "judgments", "flags", "suggested"):
        if key not in rec:
            errs.append(f"{where}: missing key {key!r}")
    if errs:
        return errs
    if rec["recipient"] not in profiles:
        return [f"{where}: recipient {rec['recipient']!r} has no profile file"]
    if rec["format"] not in FORMATS:
        errs.append(f"{where}: format must be one of {sorted(FORMATS)}")
    if rec["format"] == "relay" and not (rec.get("relay_person") or {}).get("name"):
        errs.append(f"{where}: a relay needs relay_person.name")
    if "@" not in (rec["from"] or {}).get("address", ""):
        errs.append(f"{where}: from.address is not an address")
    for span in rec["spans"]:
        if span.get("label") not in LABELS:
            errs.append(f"{where}: span label {span.get('label')!r} not in {sorted(LABELS)}")
        if span.get("text", "") not in rec["body"] or not span.get("text", "").strip():
            errs.append(f"{where}: span text is not an exact substring of body: {span.get('text', '')[:60]!r}")
        if span.get("label") == "ask" and span.get("kind") not in FAVOURS:
            errs.append(f"{where}: ask span kind {span.get('kind')!r} not in {sorted(FAVOURS)}")
    j = rec["judgments"]
    for key in ("selling", "favour", "unethical", "question_topic", "off_expertise"):
        if key not in j:
            errs.append(f"{where}: judgments lacks {key!r}")
    if errs:
        return errs
    if j["favour"] is not None and j["favour"] not in FAVOURS:
        errs.append(f"{where}: judgments.favour {j['favour']!r} not in {sorted(FAVOURS)} or null")
    if j["off_expertise"] and not j["question_topic"]:
        errs.append(f"{where}: off_expertise without a question_topic")
    labels = {s["label"] for s in rec["spans"]}
    if j["selling"] and "offer" not in labels:
        errs.append(f"{where}: selling but no 'offer' span")
    if j["unethical"] and "unethical" not in labels:
        errs.append(f"{where}: unethical but no 'unethical' span")
    if j["favour"] and "ask" not in labels:
        errs.append(f"{where}: a favour but no 'ask' span")
    if j["question_topic"] and "question" not in labels:
        errs.append(f"{where}: a question_topic but no 'question' span")
    flags, suggested = expected_flags(rec, profiles[rec["recipient"]])
    if sorted(rec["flags"]) != flags:
        errs.append(f"{where}: flags {sorted(rec['flags'])} but the rules give {flags}")
    if rec["suggested"] != suggested:
        errs.append(f"{where}: suggested {rec['suggested']!r} but the rules give {suggested!r}")
    return errs


def validate(folder: Path) -> tuple[list[str], Counter[str], int]:
    """Problems, flag counts and the number of requests of one writer folder."""
    errs: list[str] = []
    profiles: dict[str, dict] = {}
    for p in sorted((folder / "profiles").glob("*.toml")):
        errs += check_profile(p)
        with contextlib.suppress(tomllib.TOMLDecodeError, UnicodeDecodeError):
            profiles[p.stem] = tomllib.loads(p.read_text(encoding="utf-8"))
    counts: Counter[str] = Counter()
    n = 0
    seen: set[str] = set()
    req = folder / "requests.jsonl"
    if not req.exists():
        return errs + [f"{req}: missing"], counts, 0
    for i, line in enumerate(req.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        where = f"{req}:{i}"
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            errs.append(f"{where}: not JSON: {exc}")
            continue
        if rec.get("id") in seen:
            errs.append(f"{where}: duplicate id {rec.get('id')}")
        seen.add(rec.get("id"))
        e = check_record(rec, where, profiles)
        errs += e
        n += 1
        counts.update(rec.get("flags", []))
        counts[rec.get("suggested", "?")] += 1
    return errs, counts, n


def main(argv: list[str]) -> int:
    """Validate the given writer folders (or all) and print a summary; 0 when clean, 1 otherwise."""
    root = Path(__file__).resolve().parent / "writers"
    folders = [Path(a) for a in argv] or sorted(p for p in root.iterdir() if p.is_dir())
    total_errs = 0
    total = 0
    for folder in folders:
        errs, counts, n = validate(folder)
        for e in errs:
            print(e)
        total_errs += len(errs)
        total += n
        shown = " ".join(f"{k}={counts[k]}" for k in (*FLAGS, "scenario1", "scenario2", "accept"))
        print(f"{folder.name}: {n} requests, {len(errs)} problems; {shown}")
    print(f"total: {total} requests in {len(folders)} folders, {total_errs} problems")
    return 1 if total_errs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
