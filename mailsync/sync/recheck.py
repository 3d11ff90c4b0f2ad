"""Pass 6, re-check: stored requests whose check context key or checker version is stale are checked again
from their raw bytes."""

from __future__ import annotations

from ..imap.types import chunks
from ..store import ingest
from ..types import FlagHit, ParsedMessage
from . import limits, pool
from .base import RunBase, _from_row
from .pool import _Preparer, _Result


class RecheckPass(RunBase):
    """The re-check pass (mixed into the run)."""

    # --- 3. re-check -----------------------------------------------------------------------------------
    def recheck(self) -> None:
        """Re-check stored requests whose context key or checker version is stale, from their raw bytes:
        limits.RECHECK_BATCH per transaction, parsed and checked like new mail (``_Preparer``: a process pool from
        limits.POOL_MIN requests, the next batch read and handed over before this one is written), written in bulk
        (``ingest.apply_checks``)."""
        from sqlmodel import col, or_, select

        from .. import checker
        from ..store.models import Message

        assert self.ctx is not None
        with self.store.session() as s:
            ids = [i for i in s.exec(select(Message.id).where(or_(
                Message.context_key != self.ckey, Message.checker_version != checker.CHECKER_VERSION,
            )).order_by(col(Message.id))).all() if i is not None]
        if not ids:
            return
        done = 0

        def finish(job: tuple[list[tuple[int, int | None, str]], _Result]) -> None:
            nonlocal done
            rows, result = job
            preps = result()
            out: list[ingest.CheckResult] = []
            odd: list[int] = []
            for (pk, _uid, ident), p in zip(rows, preps, strict=True):
                if not p.parsed_ok:
                    odd.append(pk)  # the parser raised: check the stored fields instead (below)
                    continue
                self.report.warnings.extend(p.warnings)
                out.append(ingest.CheckResult(pk, ident, p.hits, p.checked))
            with self.store.session() as s:
                ingest.apply_checks(s, out, self.ckey)
                for m in s.exec(select(Message).where(col(Message.id).in_(odd)).order_by(col(Message.id))).all():
                    hits, ok = self._check("re-check", m.uid, _from_row(m))
                    ingest.apply_check(s, m, hits, self.ckey)
                    if not ok:
                        m.checker_version = 0
                    s.add(m)
            self.report.rechecked += len(rows)
            done += len(rows)
            self.progress("recheck", done, len(ids))

        with _Preparer("re-check", self.ctx, pool.pool_size(len(ids))) as prep:
            pending: tuple[list[tuple[int, int | None, str]], _Result] | None = None
            for part in chunks(ids, limits.RECHECK_BATCH):
                with self.store.session() as s:
                    got = s.exec(select(Message.id, Message.uid, Message.identity, Message.raw).where(
                        col(Message.id).in_(part)).order_by(col(Message.id))).all()
                rows = [(int(pk), uid, ident) for pk, uid, ident, _raw in got if pk is not None]
                job = (rows, prep.submit([(uid, bytes(raw)) for pk, uid, _ident, raw in got if pk is not None]))
                if pending is not None:
                    finish(pending)
                pending = job
                if not prep.parallel:
                    finish(pending)
                    pending = None
            if pending is not None:
                finish(pending)



    def _check(self, folder: str, uid: int | None, parsed: ParsedMessage) -> tuple[list[FlagHit], bool]:
        from .. import checker

        assert self.ctx is not None
        try:
            return list(checker.check(parsed, self.ctx)), True
        except Exception as exc:  # noqa: BLE001 - a checker bug on one message must not stop the sync
            where = f"{folder} UID {uid}" if uid is not None else folder
            self.warn(f"{where}: checker failed ({type(exc).__name__}); stored without flags")
            return [], False

