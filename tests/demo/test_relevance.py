"""The relevance scorer separates the demo's planted on-topic and off-topic posts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytestmark = pytest.mark.django_db


def test_relevance_scores_separate_planted_off_topic_posts(
    small_demo: dict[str, Any], tmp_path: Path
) -> None:
    from django.core.management import call_command

    from lumoflow.analytics import read_log
    from lumoflow.analytics.relevance import DEFAULT_THRESHOLD, calibrate, score_texts

    # given the demo's log, exported as an administrator would, and its planted labels
    call_command("export_log", str(tmp_path / "log"))
    log = read_log(tmp_path / "log")
    events = log.events.to_pandas()
    posts = events[(events["verb"] == "post") & (events["text"] != "")]
    workspaces = log.workspaces.to_pandas()
    objectives = dict(zip(workspaces["workspace"], workspaces["objectives"], strict=True))
    posts = posts[posts["workspace"].map(lambda w: bool(objectives.get(w)))]
    off_topic = {str(i) for i in small_demo["planted"]["off_topic_post_ids"]}
    labels = (~posts["object_id"].isin(off_topic)).to_numpy().astype(int)
    assert 0 < labels.sum() < len(labels)
    # when every post is scored against its workspace's objectives
    scores = score_texts(posts["text"].tolist(), posts["workspace"].to_numpy(), objectives)
    auc, _ = calibrate(scores, labels)
    # then the scorer ranks on-topic posts above chatter, and the default threshold separates
    assert auc >= 0.85, f"ROC AUC {auc:.3f} on {len(labels)} demo posts"
    predicted = scores >= DEFAULT_THRESHOLD
    assert float(np.mean(predicted == labels.astype(bool))) >= 0.75
