"""E-mailed digests: weekly to workspace owners, monthly to executives (README, "Digests by
e-mail"). `schedule` says when, `content` what, `mail` how it reads, `actions` claims, plans and
sends through the outbox."""
