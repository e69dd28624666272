"""Concurrent writers on one database: no lost comment, no error, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time

from causerie.store.comments import SqlCommentStore
from causerie.store.database import create_database_engine
from causerie.store.records import NewComment
from causerie.store.schema import CommentState


def new_comment(text: str) -> NewComment:
    return NewComment(
        parent_id=None,
        state=CommentState.APPROVED,
        author="A",
        text=text,
        html=f"<p>{text}</p>",
        created=time.time(),
    )


def test_first_comments_racing_on_a_new_thread_all_land(database_url: str) -> None:
    engine = create_database_engine(database_url, sqlite_synchronous="NORMAL")
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def first_comment(n: int) -> None:
        # A store per thread, as in separate processes: no shared cache of the thread.
        store = SqlCommentStore(engine)
        site = store.ensure_site("default")
        barrier.wait()
        try:
            store.insert_comment(site.id, "/tout-neuf", "Neuf", new_comment(f"c{n}"))
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    try:
        workers = [threading.Thread(target=first_comment, args=(n,)) for n in range(8)]
        for w in workers:
            w.start()
        for w in workers:
            w.join(30)
        assert not errors, errors
        store = SqlCommentStore(engine)
        thread = store.thread(store.ensure_site("default").id, "/tout-neuf")
        assert thread is not None
        assert store.count_approved(thread.id) == 8
    finally:
        engine.dispose()
