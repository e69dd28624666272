"""What keeps a serving worker's memory flat: few distinct SQL texts, no training libraries.

Every SQL text a connection runs is prepared and kept (SQLite's statement
cache, per connection): an ``IN (…)`` list of each length is another text,
so reading pages of 1 to 30 top-level comments used to leave 30 prepared
copies of the replies query in every connection, and a worker grew by tens
of MB over minutes of traffic (docs/performance.md, soak).
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event

from causerie.store.database import padded

URI = "/memoire"


def test_padded_lists_have_power_of_two_lengths_and_the_same_members() -> None:
    assert padded([]) == []
    assert padded([7]) == [7]
    assert padded([1, 2, 3]) == [1, 2, 3, 3]
    for n in range(1, 70):
        values = list(range(n))
        out = padded(values)
        assert len(out) & (len(out) - 1) == 0 and n <= len(out) < 2 * n
        assert out[:n] == values and set(out) == set(values)


def test_reading_pages_of_every_size_prepares_few_statements(client: TestClient) -> None:
    runtime = client.app.state.runtime  # type: ignore[attr-defined]
    roots = []
    for i in range(30):
        body = {"uri": URI, "author": f"Lecteur {i}", "text": f"Avis numéro {i} sur le tram."}
        answer = client.post("/api/comments", json=body)
        assert answer.status_code == 201, answer.text
        roots.append(answer.json()["id"])
    for i, parent in enumerate(roots[:10]):
        body = {"uri": URI, "author": f"Voisin {i}", "text": "Réponse.", "parent": parent}
        assert client.post("/api/comments", json=body).status_code == 201
    seen: Counter[str] = Counter()

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen[statement] += 1

    event.listen(runtime.engine, "before_cursor_execute", count)
    try:
        for limit in range(1, 31):
            page = client.get("/api/comments", params={"uri": URI, "limit": limit})
            assert page.status_code == 200
            shown = page.json()["comments"]
            assert len(shown) == limit
            # Each reply shown once, below its parent, however the list was padded.
            for comment in shown:
                replies = comment.get("replies", [])
                expected = 1 if comment["id"] in roots[:10] else 0
                assert len(replies) == expected
    finally:
        event.remove(runtime.engine, "before_cursor_execute", count)
    replies_texts = [s for s in seen if "root_id IN" in s]
    # 1, 2, 4, 8, 16, 32 placeholders: six texts, not one per page size.
    assert 1 <= len(replies_texts) <= 6


def test_a_serving_process_does_not_load_scipy() -> None:
    code = (
        "import sys, causerie.app, causerie.spam.filter, causerie.toxicity.sites\n"
        "from causerie.spam.filter import Filter\n"
        "Filter.load()\n"
        "print('scipy' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_the_models_keep_their_weights_as_the_file_holds_them_with_the_same_logits() -> None:
    import numpy as np

    from causerie.spam.features import hash_text
    from causerie.spam.filter import Filter
    from causerie.spam.text import normalize
    from causerie.toxicity.sites import SiteToxicity

    texts = [
        "Super article, merci pour ces précisions sur le tramway !",
        "BUY CHEAP WATCHES NOW http://spam.example click here best price",
        "تعليق رائع شكرا على المقال",
        "You are an idiot and your article is garbage.",
    ]
    for model in (Filter.load().model, SiteToxicity.load().model.weights):
        # float16 as in the file: 2 MB per model and worker instead of 4.
        assert model.text_weights.dtype == np.float16
        as_float32 = model.text_weights.astype(np.float32)
        for text in texts:
            hashed = hash_text(normalize(text))
            expected = float(as_float32[hashed.indices] @ hashed.values)
            assert model.text_logit(hashed) == expected
