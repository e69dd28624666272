"""comment-check adds ``X-Causerie-Toxicity``; the PyPI ``akismet`` client's answers are unchanged.

The client reads only the body (and Akismet's own headers); the score rides
along in an extra header that a site may read. Read here with an httpx
response hook on the client's own HTTP session.
"""

from __future__ import annotations

import asyncio

import httpx
from fastapi import FastAPI

import akismet
from causerie.api.akismet import TOXICITY_HEADER
from causerie.store.learning import SqlLearningLog
from causerie.toxicity.classifier import ToxicityModel, ToxicityVerdict
from causerie.toxicity.sites import SiteToxicity
from tests.akismet.conftest import BLOG, new_key

INSULT = "Espèce de sale con, ferme ta gueule, t'es qu'un abruti."
CLEAN = "Merci pour cet article très clair sur le tramway."


def _checks(
    app: FastAPI, key: str, texts: list[str]
) -> list[tuple[akismet.CheckResponse, str | None]]:
    """Each text through the real client: its answer and the toxicity header it came with."""
    seen: list[str | None] = []

    async def keep(response: httpx.Response) -> None:
        if response.request.url.path.endswith("/comment-check"):
            seen.append(response.headers.get(TOXICITY_HEADER))

    async def scenario() -> list[akismet.CheckResponse]:
        transport = httpx.ASGITransport(app=app, client=("198.51.100.9", 4000))
        async with httpx.AsyncClient(transport=transport, event_hooks={"response": [keep]}) as http:
            client = akismet.AsyncClient(akismet.Config(key=key, url=BLOG), http_client=http)
            return [
                await client.comment_check("198.51.100.7", comment_content=text, blog_lang="fr_FR")
                for text in texts
            ]

    answers = asyncio.run(scenario())
    return list(zip(answers, seen, strict=True))


def test_the_score_rides_in_a_header_and_the_answers_do_not_change(akismet_app: FastAPI) -> None:
    key = new_key(akismet_app)
    without = _checks(akismet_app, key, [INSULT, CLEAN])
    assert without == [(akismet.CheckResponse.HAM, None), (akismet.CheckResponse.HAM, None)]
    runtime = akismet_app.state.runtime
    judge = SiteToxicity.load(log=SqlLearningLog(runtime.engine, model="toxicity"))
    runtime.toxicity = judge
    (insult, insult_score), (clean, clean_score) = _checks(akismet_app, key, [INSULT, CLEAN])
    assert (insult, clean) == (akismet.CheckResponse.HAM, akismet.CheckResponse.HAM)
    assert insult_score is not None and clean_score is not None
    assert float(insult_score) >= judge.hold_threshold > float(clean_score)
    assert float(insult_score) == round(judge.judge(INSULT, "fr", BLOG).score, 4)


class CountingJudge(SiteToxicity):
    """The real site toxicity model, counting how often a comment is scored."""

    calls = 0

    def judge(self, text: str, lang: str, site: str) -> ToxicityVerdict:
        """Score as usual, and count."""
        self.calls += 1
        return super().judge(text, lang, site)


def test_no_score_is_computed_when_the_sites_policy_is_off(akismet_app: FastAPI) -> None:
    key = new_key(akismet_app)
    runtime = akismet_app.state.runtime
    judge = CountingJudge(ToxicityModel.load(), SqlLearningLog(runtime.engine, model="toxicity"))
    runtime.toxicity = judge
    assert _checks(akismet_app, key, [INSULT])[0][1] is not None and judge.calls == 1
    site = runtime.api_keys.lookup(key).site_name
    runtime.comments.store.update_site_settings(site, {"toxicity_policy": "off"})
    assert _checks(akismet_app, key, [INSULT, CLEAN]) == [
        (akismet.CheckResponse.HAM, None),
        (akismet.CheckResponse.HAM, None),
    ]
    assert judge.calls == 1
