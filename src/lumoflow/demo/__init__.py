"""The demo company: a deterministic year in the life of Borealis Robotics.

``lumoflow demo [--people 300] [--months 12] [--seed 7] [--until DATE]`` plans the year with one
seeded ``numpy.random.default_rng(seed)`` (same seed and options → same rows, same ids in the
same order) and writes it only through the actions layer: ``people.actions.bulk_create_people``,
``workspaces.actions.create_workspace / bulk_add_members / create_objective /
bulk_record_check_ins``, ``conversation.actions.bulk_create_posts / bulk_add_reactions /
bulk_accept_answers / bulk_set_idea_status / follow`` and ``demo.actions.bulk_record_views``.
Time runs up to ``--until`` (default today), so the demo never looks stale; every event falls in
``[until − months, until]``: the company rolled LumoFlow out at the start of the period.

Planted shapes (each checked by ``tests/demo`` from the database; ids and names are in the summary
the command writes to ``$LUMOFLOW_DATA_DIR/demo.json`` under ``planted``):

Organisation
    About 8 departments with teams under them (``Engineering/Platform``…), an executive team,
    heads, team leads and members with managers; five locations in five time zones (Oslo, London,
    New York, San Francisco, Pune). People work 08:00–18:30 local time on weekdays and not on
    their location's public holidays (Easter, 17 May, 4 July, Diwali…) or around Christmas;
    posting dips in July and the Christmas weeks. About 12% are hired during the year, and about
    as many stop taking part (attrition), so ordinary workspaces hold steady.
Heavy tail (90-9-1)
    Propensity to write is Pareto(1.1); about 40% of the staff only ever read (views, a rare
    reaction). The top 10% of writers make well over half of all posts and replies.
Workspaces
    ``6 + people // 50`` of them (12 at 300, 206 at 10,000), each with a purpose, objectives with
    key results and fortnightly check-ins. ``Company News`` (everyone; announcements);
    ``Atlas Launch`` — **fading**: created 26 weeks before ``--until`` with a launch burst, then
    fewer posters (members drop out), slower first replies (median about 1 h → 30 h), more
    unanswered questions (8% → 50%) and more off-topic chatter (8% → 63%); its first objective is
    **off track** (pace 0.25). ``Customer Onboarding`` — **growing**: members join through the
    year and the weekly rate rises about fourfold. ``Platform Reliability`` — **steady** and
    healthy (median first reply about an hour, few unanswered). One ordinary workspace has an
    objective at risk; ``Quarter Close`` is private.
Silo
    ``Manufacturing`` (12% of the company, at least 20 people, all in Pune) talks in its own
    ``Plant Operations`` workspace(s) and barely anywhere else: its share of replies that cross a
    department boundary is a small fraction of the company's.
Brokers
    ``max(3, people // 100)`` active people from different departments, members of many
    workspaces, who reply across departments.
Questions, ideas, decisions
    First-reply delays are log-normal per workspace; some questions are never answered; askers
    accept an answer about two times in three; about 30% of ideas are adopted (10% in the fading
    workspace), others under review or declined; decisions are ``decision`` posts.
Who to ask
    In Quarter Close, Sales Playbook, Security & Compliance and Data Platform (those the size
    holds), two members answer every question on one narrow topic through the year (SAML
    certificate rotation, multi-site discounts…), some answers accepted, and a third asks about it
    again five days before the end, still unanswered (``demo.questions``). The workspace's
    unanswered queue should name those two first: ``planted.answerer_questions`` gives each open
    question's id, the answered ones and the experts' usernames.
Relevance
    On-topic posts fill templates with the terms of their workspace's objectives (and may link
    the objective); off-topic posts are generic chatter. The ids of the off-topic root posts are
    listed in the summary (``planted.off_topic_post_ids``) as labels.

Entry points: :func:`lumoflow.demo.generate.generate` (plan and write) and the management command
``demo``. This package is also a Django app, so nothing is imported here.
"""
