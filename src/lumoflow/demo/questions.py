"""Planted questions with known answerers: a ground truth for "who to ask".

In a few ordinary workspaces (by theme), two members are the people who know one narrow topic:
through the year they answer every question on it (some answers accepted), and near the end a
third person asks about it again and nobody has answered yet. The suggested answerers of that
open question should be those two. The topics use words the templated conversation never uses,
so the similarity has something real to find.

Drawn with a generator of its own (seeded from the demo's seed), after the rest of the year is
planned: the rest of the plan is the same with or without them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .activity import Activity
from .clock import DAY, HOUR, Clock
from .company import People
from .workspaces import WorkspacePlan

EXPERTS = 2


@dataclass(frozen=True)
class Topic:
    theme: str  # the key of the theme whose (first) workspace holds it
    key: str
    answered: tuple[str, ...]  # questions the experts answered through the year
    answers: tuple[str, ...]  # their replies, in turn
    open: str  # the question still waiting at the end


TOPICS = (
    Topic(
        "close",
        "intercompany-revaluation",
        (
            "The intercompany balance with the Pune subsidiary is off after the rupee "
            "revaluation. Who has reconciled it before?",
            "Which exchange rate do we use for the rupee revaluation of intercompany loans?",
            "Does the intercompany revaluation for the Pune subsidiary post before or after the "
            "elimination entries?",
            "Where is the template for the intercompany rupee revaluation memo?",
            "Why does the Pune subsidiary's intercompany account show a revaluation difference "
            "every month?",
        ),
        (
            "Revalue the intercompany loan at the month-end rupee rate first, then run the "
            "eliminations.",
            "The revaluation difference comes from booking the Pune invoices at the daily rate; "
            "I reconcile it with the treasury sheet.",
            "The intercompany revaluation memo template sits in the close folder.",
        ),
        "The Pune subsidiary's intercompany balance moved again after the rupee revaluation. How "
        "do we reconcile it before the close?",
    ),
    Topic(
        "security",
        "saml-certificate",
        (
            "The SAML signing certificate on the VPN gateway expired overnight. Who rotated it "
            "last time?",
            "After the SAML certificate rotation the VPN gateway rejects logins from Pune. Any "
            "idea why?",
            "Which SAML certificate does the VPN gateway trust once the signing key is rotated?",
            "Is there a checklist for rotating the SAML signing certificate without a VPN outage?",
            "Do we rotate the SAML certificate on the VPN gateway and the identity provider on "
            "the same day?",
        ),
        (
            "Upload the new SAML certificate to the VPN gateway first, then switch the identity "
            "provider's signing key.",
            "The gateway caches the old SAML certificate for an hour; restart the VPN service "
            "after the rotation.",
            "I keep the SAML rotation checklist in the security runbook, step by step.",
        ),
        "The SAML signing certificate on the VPN gateway expires next month. How do we rotate "
        "it without locking everyone out?",
    ),
    Topic(
        "sales",
        "multi-site-discount",
        (
            "How do I get a multi-site discount approved in the pricing calculator for a "
            "three-warehouse customer?",
            "The pricing calculator caps the multi-site discount at 12%. Who can approve more?",
            "Does the multi-site discount apply to the maintenance contract or only to the robots?",
            "Can a multi-site discount be stacked with the pilot rebate in the pricing calculator?",
            "Which approval form do I need for a multi-site discount above the calculator's cap?",
        ),
        (
            "Multi-site discounts above the cap go to the regional director with the pricing "
            "calculator export attached.",
            "Only the robots: the maintenance contract keeps list price even with a multi-site "
            "discount.",
            "The rebate and the multi-site discount do not stack; pick the larger one.",
        ),
        "A customer with five warehouses asks for a multi-site discount beyond what the pricing "
        "calculator allows. Who approves it?",
    ),
    Topic(
        "data",
        "parquet-partition",
        (
            "Why does the telemetry Parquet export write one partition per robot instead of per "
            "day?",
            "The nightly Parquet compaction job times out on the telemetry bucket. Who knows it?",
            "How do I repartition the telemetry Parquet files by day without losing rows?",
            "Is the Parquet schema of the telemetry export versioned anywhere?",
            "What partition size should the telemetry Parquet compaction aim for?",
        ),
        (
            "Set the partition column to the event day in the export job; the compaction merges "
            "the Parquet files afterwards.",
            "The compaction needs more memory on the telemetry bucket; I raised it last time.",
            "Aim for Parquet files of about 256 MB per partition after compaction.",
        ),
        "The telemetry Parquet compaction failed again and the partitions are tiny. How do we "
        "fix the partition size?",
    ),
)


@dataclass(frozen=True)
class PlantedQuestion:
    workspace: int  # workspace index in the plan
    topic: str
    open: int  # post index of the open question
    answered: tuple[int, ...]  # post indices of the answered questions
    experts: tuple[int, ...]  # person indices


def _reply(act: Activity, ws: int, who: int, parent: int, when: int, body: str) -> int:
    return act.add(
        ws=ws, author=who, ts=when, kind="", parent=parent, depth=1,
        on_topic=True, objective=-1, body=body,
    )  # fmt: skip


def _question(act: Activity, ws: int, who: int, when: int, body: str) -> int:
    return act.add(
        ws=ws, author=who, ts=when, kind="question", parent=-1, depth=0,
        on_topic=True, objective=-1, body=body,
    )  # fmt: skip


def plant_questions(
    rng: np.random.Generator, act: Activity, wss: list[WorkspacePlan], people: People, clock: Clock
) -> list[PlantedQuestion]:
    """Add each topic's answered questions and its open one to `act` (see the module)."""
    out = []
    for topic in TOPICS:
        ws = next((w for w in wss if w.theme.key == topic.theme), None)
        if ws is None:
            continue
        # writers who stay engaged to the end, the owner left out (the owner sees the queue)
        stays = (ws.write > 0) & (ws.engaged_until >= clock.weeks) & (ws.members != ws.owner)
        pool = np.flatnonzero(stays)
        if len(pool) < EXPERTS + 2:
            continue
        chosen = rng.choice(pool, size=EXPERTS + 2, replace=False)
        experts, askers = ws.members[chosen[:EXPERTS]], ws.members[chosen[EXPERTS:]]
        start = max(ws.created, int(ws.joined[chosen].max())) + DAY
        stop = clock.end_ts - 21 * DAY
        if stop - start < 30 * DAY:
            continue
        times = np.linspace(start, stop, len(topic.answered)).astype(np.int64)
        answered = []
        for k, (text, t) in enumerate(zip(topic.answered, times.tolist(), strict=True)):
            asker = int(askers[k % len(askers)])
            when = clock.snap1(t, int(people.loc[asker]), float(rng.random()))
            root = _question(act, ws.index, asker, when, text)
            first = int(experts[k % EXPERTS])
            at = clock.snap1(when + 3 * HOUR, int(people.loc[first]), float(rng.random()))
            reply = _reply(act, ws.index, first, root, at, topic.answers[k % len(topic.answers)])
            if k % 2 == 0:  # the other expert adds to every other thread
                other = int(experts[(k + 1) % EXPERTS])
                at2 = clock.snap1(at + 2 * HOUR, int(people.loc[other]), float(rng.random()))
                _reply(act, ws.index, other, root, at2, topic.answers[(k + 1) % len(topic.answers)])
            if rng.random() < 0.6:
                act.accepts.append(
                    (root, reply, clock.snap1(at + DAY, int(people.loc[asker]), 0.5))
                )
            answered.append(root)
        asker = int(askers[-1])
        when = clock.snap1(clock.end_ts - 5 * DAY, int(people.loc[asker]), float(rng.random()))
        if when >= clock.end_ts:
            continue
        open_q = _question(act, ws.index, asker, when, topic.open)
        out.append(
            PlantedQuestion(
                ws.index, topic.key, open_q, tuple(answered), tuple(int(e) for e in experts)
            )
        )
    return out
