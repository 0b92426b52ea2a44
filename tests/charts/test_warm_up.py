"""The chart renderer's runtime is started in the background when a process starts serving."""

from __future__ import annotations

from typing import Any

import pytest

from lumoflow.charts import render


def test_warm_up_starts_the_renderer_in_a_daemon_thread() -> None:
    # when
    thread = render.warm_up()
    # then it runs beside the caller, never holding up a shutdown, and draws
    assert thread.daemon and thread.name == "vl-convert-warm-up"
    thread.join(timeout=120)
    assert not thread.is_alive()
    assert "<svg" in render.to_svg(render._WARM_UP_SPEC)


@pytest.mark.parametrize("where", ["gunicorn", "worker"])
def test_web_and_task_workers_warm_up_at_start(
    where: str, monkeypatch: pytest.MonkeyPatch, transactional_db: Any
) -> None:
    # (a transactional test: the task worker closes its database connection, which on
    # PostgreSQL would end the transaction an ordinary test runs in)
    started: list[str] = []
    monkeypatch.setattr(render, "warm_up", lambda: started.append(where))
    if where == "gunicorn":
        from lumoflow.config import gunicorn

        monkeypatch.setattr(gunicorn.threading.Thread, "start", lambda self: None)
        gunicorn.post_worker_init(None)
    else:
        from django.core.management import call_command

        call_command("worker", batch=True)
    assert started == [where]
