"""The words of the report, each explained in one or two plain sentences.

The HTML report shows a term's explanation when the pointer rests on it and lists every term it
used in a glossary at its end; texts and pages that reuse the figures reuse these explanations.
"""

from __future__ import annotations

#: key -> (the term as written, its explanation)
TERMS: dict[str, tuple[str, str]] = {
    "active": (
        "Active",
        "Did anything in the period or week: posted, replied, reacted, sent a message, read, "
        "joined. Engaged people posted, replied, reacted or sent a message.",
    ),
    "weekly_active_share": (
        "Weekly active share",
        "In an average week, the share of members who were active that week.",
    ),
    "stickiness": (
        "Stickiness",
        "People active in a week divided by people active in the four weeks ending then: how "
        "many of the month's people come back every week.",
    ),
    "lurkers": (
        "Lurkers",
        "Members who read or were addressed but contributed nothing in the period.",
    ),
    "gini": (
        "Gini",
        "How unevenly contributions are spread: 0 when everyone contributes the same, close to 1 "
        "when one person does everything.",
    ),
    "top10": (
        "Top-10% share",
        "The share of all contributions made by the most active tenth of members.",
    ),
    "absence_factor": (
        "Contributor absence factor",
        "The fewest people who together make half of all contributions: the number who could "
        "leave before half the activity goes with them (CHAOSS).",
    ),
    "newcomers": (
        "Newcomers",
        "People whose first activity ever falls in the period; the 30-day return is the share "
        "who came back on a later day within 30 days.",
    ),
    "first_reply": (
        "First reply",
        "Time from a post to the first reply by someone else. The median is the time within "
        "which half of the replied posts got their first reply.",
    ),
    "p90": (
        "P90",
        "The 90th percentile: nine in ten replied posts got their first reply within this time.",
    ),
    "unanswered": (
        "Unanswered after 48 h",
        "Questions with no reply from someone else within 48 hours, among the questions at "
        "least 48 hours old.",
    ),
    "on_topic": (
        "On topic",
        "A post is on topic when its wording is close enough to its workspace's objectives "
        "(TF-IDF similarity at or above a threshold calibrated on hand-labelled posts).",
    ),
    "auc": (
        "AUC",
        "Area under the ROC curve of the on-topic test on hand-labelled posts: 0.5 is a coin "
        "toss, 1 is always right.",
    ),
    "ei_index": (
        "E-I index",
        "Ties between departments minus ties within them, divided by all ties (Krackhardt): −1 "
        "when everyone talks only inside their department, +1 when only across.",
    ),
    "modularity": (
        "Modularity",
        "How much more the ties stay inside groups than chance would give: 0 is chance, values "
        "above 0.3 mean clear groups.",
    ),
    "leiden": (
        "Leiden communities",
        "Groups of people who talk mostly among themselves, found from the ties alone by the "
        "Leiden algorithm, whatever their department.",
    ),
    "nmi": (
        "NMI",
        "Normalised mutual information between the Leiden communities and the departments: 1 "
        "when they are the same groups, 0 when they have nothing in common.",
    ),
    "peripheral": (
        "Peripheral people",
        "People with at most one tie: on the edge of the network, easy to lose.",
    ),
    "isolated": (
        "Isolated people",
        "Listed people with no tie to anyone else in the period.",
    ),
    "reciprocity": (
        "Reciprocity",
        "The share of ties that go both ways (A wrote to B and B wrote to A).",
    ),
    "density": (
        "Density",
        "The share of all possible ties between two people that exist.",
    ),
    "clustering": (
        "Clustering",
        "How often two of a person's contacts are also in touch with each other (average over "
        "people).",
    ),
    "diameter": (
        "Diameter",
        "The longest of the shortest paths between two connected people, in steps.",
    ),
    "effective_diameter": (
        "Effective diameter",
        "The number of steps within which 90% of connected pairs of people reach each other.",
    ),
    "load": (
        "Load concentration",
        "The share of all ties held by the best-connected 5% of people.",
    ),
    "components": (
        "Components",
        "Separate parts of the network with no path between them.",
    ),
    "brokers": (
        "Brokers",
        "People on many of the shortest paths between others (betweenness), whose contacts "
        "rarely know each other (low constraint, Burt): they carry information between groups.",
    ),
    "verdict": (
        "Verdict",
        "Fading, growing, stable, inconclusive or too little data: the rule reads the weekly "
        "active contributors and says which tests found what.",
    ),
    "changepoint": (
        "Changepoint",
        "The week where the level of a weekly series shifted most, found by the PELT method.",
    ),
    "trend": (
        "Trend",
        "The straight line through the weekly figures fitted by Sen's slope (the median of "
        "the slopes between every pair of weeks), which a few odd weeks do not move.",
    ),
    "p_value": (
        "p-value",
        "How likely a change at least this large would be by chance alone; below 0.05 it is "
        "called significant.",
    ),
    "mann_kendall": (
        "Mann–Kendall",
        "A test of whether a series tends to rise or fall over time; the Hamed–Rao version "
        "allows for weeks that resemble their neighbours.",
    ),
    "gravity": (
        "Orbit gravity",
        "From the Orbit model: each member's level (exploring, participating, contributing, "
        "leading) weighs 1, 4, 7 or 10; gravity is the change in the squared weights per member "
        "between the two halves of the period. Below zero, the community lost pull.",
    ),
    "hidden": (
        "Hidden",
        "Figures about fewer people than the privacy threshold are not shown, so that no one "
        "can be singled out; where the others would let a hidden figure be worked out (from a "
        "total or shares that add up), the next smallest group is hidden too.",
    ),
    "hours_saved": (
        "Hours saved",
        "An estimate, not a measurement: answered questions and reused knowledge times the "
        "minutes each is assumed to save (low, base and high assumptions).",
    ),
    "knowledge_reuse": (
        "Knowledge reuse",
        "Reads of accepted answers, saved answers, wiki pages and articles by someone other "
        "than their author.",
    ),
}
