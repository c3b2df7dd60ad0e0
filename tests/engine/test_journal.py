"""The journal of started attempts: what a kill -9 leaves for the next start's recovery."""

from __future__ import annotations

from pathlib import Path

from mockserver.engine import journal as journal_module
from mockserver.engine.journal import StartedJournal, remove_journals, started_before
from mockserver.engine.store import Store
from tests.engine.test_store import item


def test_started_attempts_survive_and_finished_ones_are_compacted_away(tmp_path: Path) -> None:
    journal = StartedJournal(str(tmp_path))
    keys = [(n, 1, 1.5 + n / 3) for n in range(20_000)]
    for key in keys:
        assert journal.started(key)
        journal.finished([key])
    journal.started((7, 2, 0.1))  # still on the wire
    assert journal.path.stat().st_size <= journal_module.COMPACT_AT + 64  # bounded
    assert (7, 2, 0.1) in started_before(str(tmp_path))
    assert journal.unfinished == 1


def test_a_journal_names_exactly_what_started_and_is_not_finished(tmp_path: Path) -> None:
    journal = StartedJournal(str(tmp_path))
    journal.started((1, 1, 10.25))
    journal.started((2, 3, 1 / 3))
    # no close: as after a kill -9 (the writes are in the file already)
    other = tmp_path / "started-999999.journal"
    other.write_text("5 1 2.0\nnot a line\n6 x 1\n")
    assert started_before(str(tmp_path)) == {(1, 1, 10.25), (2, 3, 1 / 3), (5, 1, 2.0)}
    remove_journals(str(tmp_path))
    assert not list(tmp_path.iterdir())


def test_close_removes_a_finished_journal_and_keeps_an_unfinished_one(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    done = StartedJournal(str(tmp_path / "a"))
    done.started((1, 1, 1.0))
    done.finished([(1, 1, 1.0)])
    done.close()
    assert not done.path.exists()
    assert not done.started((2, 1, 1.0))  # closed: the attempt must not be made

    busy = StartedJournal(str(tmp_path / "b"))  # a drain that timed out
    busy.started((3, 1, 1.0))
    busy.started((4, 1, 1.0))
    busy.finished([(4, 1, 1.0)])
    busy.close()
    assert started_before(str(tmp_path / "b")) == {(3, 1, 1.0)}


def test_recovery_marks_only_rows_whose_attempt_started() -> None:
    store = Store()
    try:
        ids = store.insert_postbacks([item(1, "A"), item(1, "B"), item(1, "C"), item(1, "D")], 0)
        store.set_state(ids[:3], "sending", now=1)
        store.set_state([ids[3]], "queued", now=1)
        started = {(ids[0], 1, 1.0), (ids[1], 2, 1.0)}  # B: an earlier attempt number
        assert store.recover(now=2, started=started) == (1, 3)
        rows = store.execute("SELECT id, state, possible_duplicate FROM postbacks ORDER BY id")
        assert [(r["state"], r["possible_duplicate"]) for r in rows] == [
            ("scheduled", True),
            ("scheduled", False),
            ("scheduled", False),
            ("scheduled", False),
        ]
    finally:
        store.close()
