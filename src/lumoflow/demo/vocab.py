"""Words of the demo company: workspace themes with their objectives, and the text templates.

Each theme ties a workspace to objectives and key results, and lists the terms that on-topic
posts draw from; the same terms occur in the objective texts, so relevance scoring has something
to find. Off-topic chatter draws from a separate, generic vocabulary.
"""

from __future__ import annotations

from dataclasses import dataclass

COMPANY = "Borealis Robotics"
DOMAIN = "borealis.example"


@dataclass(frozen=True)
class KeyResultSpec:
    metric: str
    unit: str
    baseline: float
    target: float


@dataclass(frozen=True)
class ObjectiveSpec:
    title: str
    description: str
    key_results: tuple[KeyResultSpec, ...]


@dataclass(frozen=True)
class Theme:
    key: str
    name: str
    purpose: str
    home: tuple[str, ...]  # departments most members come from
    objectives: tuple[ObjectiveSpec, ...]
    terms: tuple[str, ...]
    visibility: str = "public"


def _kr(metric: str, unit: str, baseline: float, target: float) -> KeyResultSpec:
    return KeyResultSpec(metric, unit, baseline, target)


def _obj(title: str, description: str, *krs: KeyResultSpec) -> ObjectiveSpec:
    return ObjectiveSpec(title, description, krs)


NEWS = Theme(
    "news",
    "Company News",
    f"News and announcements from the leadership of {COMPANY}, for everyone.",
    (),
    (
        _obj(
            "Make Borealis a great place to work",
            "Raise employee engagement and keep the people we want to keep.",
            _kr("Employee engagement score", "points", 68, 75),
            _kr("Regretted attrition", "%", 9, 6),
        ),
    ),
    (
        "all-hands",
        "engagement survey",
        "town hall",
        "company strategy",
        "quarterly results",
        "benefits",
        "wellbeing",
        "company values",
        "attrition",
        "office move",
    ),
)

FADING = Theme(
    "atlas",
    "Atlas Launch",
    "Launch Atlas, our autonomous picking robot, with the first pilot customers.",
    ("Product & Design", "Engineering", "Marketing", "Sales"),
    (
        _obj(
            "Launch the Atlas picking robot to the first 50 customers",
            "Get Atlas live at pilot warehouses with a pick rate that beats manual picking.",
            _kr("Customers live on Atlas", "customers", 0, 50),
            _kr("Atlas pick rate per hour", "picks", 400, 650),
        ),
        _obj(
            "Make the Atlas launch a customer success",
            "Pilot customers recommend Atlas after go-live.",
            _kr("Atlas launch NPS", "points", 20, 45),
        ),
    ),
    (
        "Atlas",
        "picking robot",
        "launch plan",
        "pilot customers",
        "pick rate",
        "gripper",
        "Atlas firmware",
        "launch checklist",
        "beta units",
        "release notes",
        "launch NPS",
        "go-live",
        "demo units",
        "warehouse pilot",
    ),
)

GROWING = Theme(
    "onboarding",
    "Customer Onboarding",
    "Bring new customers from signed contract to robots picking in their warehouse, faster.",
    ("Customer Success", "Sales", "Engineering"),
    (
        _obj(
            "Cut customer onboarding time in half",
            "Shorter time from signature to go-live through a repeatable onboarding playbook.",
            _kr("Median days from contract to go-live", "days", 42, 21),
            _kr("Onboarding satisfaction (CSAT)", "%", 78, 90),
        ),
        _obj(
            "Scale onboarding to every region",
            "Every region runs onboarding with the same playbook and training.",
            _kr("Regions using the onboarding playbook", "regions", 1, 5),
        ),
    ),
    (
        "onboarding",
        "go-live",
        "implementation plan",
        "kickoff call",
        "site survey",
        "training session",
        "handover",
        "onboarding CSAT",
        "onboarding playbook",
        "integration",
        "contract to go-live",
        "regional rollout",
    ),
)

STEADY = Theme(
    "reliability",
    "Platform Reliability",
    "Keep the fleet cloud that runs every customer's robots fast and available.",
    ("Engineering",),
    (
        _obj(
            "Keep the fleet cloud reliable",
            "Customers never notice an outage of the fleet API.",
            _kr("Fleet API uptime", "%", 99.5, 99.95),
            _kr("Incidents per month", "incidents", 12, 4),
            _kr("Mean time to recovery", "minutes", 90, 30),
        ),
    ),
    (
        "uptime",
        "incident",
        "postmortem",
        "on-call rota",
        "latency",
        "fleet API",
        "deploy",
        "rollback",
        "SLO",
        "alerting",
        "runbook",
        "error budget",
        "recovery time",
    ),
)

SILO = Theme(
    "plant",
    "Plant Operations",
    "Run the Pune plant: build every robot right first time, safely and on schedule.",
    ("Manufacturing",),
    (
        _obj(
            "Build robots with fewer defects, on time",
            "Raise first-pass yield on the assembly line and ship to plan.",
            _kr("First-pass yield", "%", 91, 97),
            _kr("Robots shipped per week", "units", 40, 60),
            _kr("Safety incidents per quarter", "incidents", 3, 0),
        ),
    ),
    (
        "assembly line",
        "first-pass yield",
        "defects",
        "shift handover",
        "torque check",
        "calibration",
        "supplier parts",
        "quality inspection",
        "safety walk",
        "work order",
        "line stoppage",
        "spare parts",
    ),
)

GENERIC: tuple[Theme, ...] = (
    Theme(
        "close",
        "Quarter Close",
        "Close the books quickly and correctly every month and quarter.",
        ("Finance & Legal",),
        (
            _obj(
                "Close the books in five days",
                "Fewer manual steps in the month-end close.",
                _kr("Days to close", "days", 9, 5),
                _kr("Manual journal entries", "entries", 300, 120),
            ),
        ),
        (
            "month-end close",
            "reconciliation",
            "accruals",
            "journal entries",
            "invoices",
            "audit",
            "forecast",
            "revenue recognition",
            "ledger",
            "budget",
        ),
        "private",
    ),
    Theme(
        "sales",
        "Sales Playbook",
        "Share what wins warehouse automation deals, and win more of them.",
        ("Sales", "Marketing"),
        (
            _obj(
                "Win more warehouse deals",
                "A sharper sales playbook raises the win rate and the pipeline.",
                _kr("Win rate", "%", 18, 25),
                _kr("Pipeline coverage", "x", 2.5, 3.5),
            ),
        ),
        (
            "pipeline",
            "win rate",
            "discovery call",
            "proposal",
            "ROI calculator",
            "objection handling",
            "champion",
            "procurement",
            "renewal",
            "deal desk",
        ),
    ),
    Theme(
        "brand",
        "Brand Refresh",
        "Refresh the Borealis brand and turn the website into our best salesperson.",
        ("Marketing", "Product & Design"),
        (
            _obj(
                "Relaunch the brand and website",
                "A clear brand story that brings in demo requests.",
                _kr("Website demo requests per month", "requests", 120, 250),
                _kr("Aided brand awareness", "%", 12, 20),
            ),
        ),
        (
            "brand",
            "website",
            "campaign",
            "logo",
            "messaging",
            "trade show",
            "case study",
            "webinar",
            "landing page",
            "demo requests",
        ),
    ),
    Theme(
        "security",
        "Security & Compliance",
        "Earn ISO 27001 certification and keep customer data safe.",
        ("Engineering", "People & IT", "Finance & Legal"),
        (
            _obj(
                "Get ISO 27001 certified",
                "Implement the controls and pass the certification audit.",
                _kr("ISO 27001 controls implemented", "controls", 40, 114),
                _kr("Open critical vulnerabilities", "findings", 25, 0),
            ),
        ),
        (
            "ISO 27001",
            "access review",
            "phishing drill",
            "vulnerability",
            "patching",
            "audit evidence",
            "security policy",
            "encryption",
            "single sign-on",
            "risk register",
        ),
    ),
    Theme(
        "hiring",
        "Hiring & Onboarding",
        "Hire great people quickly and give every new colleague a good first month.",
        ("People & IT",),
        (
            _obj(
                "Hire faster without lowering the bar",
                "Shorter hiring loops and happier new hires.",
                _kr("Days to hire", "days", 55, 35),
                _kr("New-hire satisfaction after 90 days", "%", 70, 85),
            ),
        ),
        (
            "hiring",
            "interview loop",
            "job description",
            "offer",
            "onboarding buddy",
            "referrals",
            "candidate",
            "recruiter",
            "first week",
            "scorecard",
        ),
    ),
    Theme(
        "data",
        "Data Platform",
        "One trustworthy data warehouse for robot telemetry and business metrics.",
        ("Engineering", "Product & Design"),
        (
            _obj(
                "Move reporting to the new data warehouse",
                "Every team's dashboards run on the warehouse, with fewer pipeline failures.",
                _kr("Dashboards on the new warehouse", "dashboards", 10, 60),
                _kr("Nightly pipeline failures per month", "failures", 20, 2),
            ),
        ),
        (
            "data warehouse",
            "pipeline",
            "dbt model",
            "dashboard",
            "schema",
            "data quality",
            "robot telemetry",
            "ingestion",
            "metrics layer",
            "backfill",
        ),
    ),
    Theme(
        "mobile",
        "Fleet Manager App",
        "Ship the mobile app warehouse operators use to manage their robots.",
        ("Engineering", "Product & Design"),
        (
            _obj(
                "Ship a fleet manager app operators love",
                "Stable, fast releases of the mobile app with growing use.",
                _kr("App store rating", "stars", 3.6, 4.5),
                _kr("Weekly active operators", "operators", 300, 1200),
            ),
        ),
        (
            "mobile app",
            "app release",
            "crash rate",
            "push notifications",
            "offline mode",
            "operators",
            "beta testers",
            "app design",
            "accessibility",
            "app store",
        ),
    ),
    Theme(
        "support",
        "Support Excellence",
        "Answer every customer quickly and fix the causes of repeat tickets.",
        ("Customer Success", "Engineering"),
        (
            _obj(
                "Answer customers faster",
                "Shorter first response and a smaller ticket backlog.",
                _kr("First response time", "hours", 6, 2),
                _kr("Open ticket backlog", "tickets", 400, 150),
            ),
        ),
        (
            "support tickets",
            "first response",
            "escalation",
            "knowledge base",
            "macros",
            "SLA",
            "ticket backlog",
            "support rota",
            "root cause",
            "repeat tickets",
        ),
    ),
    Theme(
        "sustainability",
        "Sustainability",
        "Cut the footprint of every robot we build and ship.",
        ("Product & Design", "Finance & Legal", "Engineering"),
        (
            _obj(
                "Build greener robots",
                "More recycled material and less energy per robot.",
                _kr("Recycled aluminium share", "%", 20, 50),
                _kr("Energy per robot built", "kWh", 800, 600),
            ),
        ),
        (
            "carbon footprint",
            "recycled aluminium",
            "energy use",
            "packaging",
            "battery recycling",
            "emissions report",
            "supplier audit",
            "solar panels",
            "circular design",
        ),
    ),
    Theme(
        "pricing",
        "Pricing Council",
        "Set prices and discounts that customers accept and that keep our margins healthy.",
        ("Sales", "Finance & Legal", "Product & Design"),
        (
            _obj(
                "Protect gross margin",
                "Less discounting and better bundles.",
                _kr("Average discount", "%", 22, 15),
                _kr("Gross margin", "%", 38, 45),
            ),
        ),
        (
            "price list",
            "discount",
            "gross margin",
            "bundles",
            "subscription",
            "leasing",
            "deal approval",
            "price increase",
            "quote",
        ),
    ),
    Theme(
        "devex",
        "Developer Experience",
        "Make building and shipping software at Borealis fast and pleasant.",
        ("Engineering",),
        (
            _obj(
                "Ship code faster",
                "Shorter builds and more frequent deploys.",
                _kr("CI build time", "minutes", 25, 10),
                _kr("Deploys per week", "deploys", 15, 40),
            ),
        ),
        (
            "CI pipeline",
            "build time",
            "developer tooling",
            "code review",
            "monorepo",
            "flaky tests",
            "deploys",
            "local environment",
            "developer docs",
        ),
    ),
    Theme(
        "partners",
        "Partner Program",
        "Grow a network of certified integrators who sell and install Borealis robots.",
        ("Sales", "Customer Success", "Marketing"),
        (
            _obj(
                "Grow the partner channel",
                "More certified integrators bringing in revenue.",
                _kr("Certified integrators", "partners", 5, 20),
                _kr("Partner-sourced revenue share", "%", 8, 18),
            ),
        ),
        (
            "partners",
            "integrators",
            "certification",
            "referral fee",
            "co-marketing",
            "partner portal",
            "reseller",
            "partner enablement",
        ),
    ),
)

ON_TOPIC: dict[str, tuple[str, ...]] = {
    "update": (
        "Update on {t1}: we finished the {t2} work this week and {m} is now at {v}.",
        "Progress on {t1}: the {t2} review is done, next up is {t3}.",
        "Short status on {t1}: on track, though {t2} slipped a few days because of {t3}.",
        "We shipped the first part of {t1} today. Thanks {p} for the help with {t2}!",
        "Notes from today's {t1} sync: we agreed to finish {t2} before starting on {t3}.",
        "Weekly {t1} numbers: {m} at {v}, and the {t2} backlog is shrinking.",
    ),
    "question": (
        "Does anyone know who owns {t1}? We need an answer on {t2} before {d}.",
        "How do we usually handle {t1} when {t2} is delayed?",
        "Quick question on {t1}: is the {t2} sheet still the source of truth for {m}?",
        "Has anyone measured {m} since the {t1} change? Looking for numbers on {t2}.",
        "Where can I find the latest {t1} document? I need it for the {t2} review.",
    ),
    "idea": (
        "Idea: what if we automate {t1} so that {m} improves without extra {t2} work?",
        "Proposal: a small pilot of {t1} with {t2} to test the effect on {m}.",
        "Idea: one shared checklist for {t1} and {t2} would save everyone time.",
        "What if we paired {t1} with {t2}? I think it would move {m} quickly.",
    ),
    "decision": (
        "Decision: from {d} we use the new {t1} process for {t2}. Owner: {p}.",
        "Decision recorded: we pause {t2} and put the team on {t1} until {m} recovers.",
        "Decision: {t1} gets priority over {t2} this quarter, to reach the {m} target.",
    ),
    "announcement": (
        "Heads up: {t1} review on {d}. Please bring your numbers on {m}.",
        "Announcement: the new {t1} guide is live, covering {t2} and {t3}.",
        "Reminder: the {t1} review moves to {d}. Questions about {t2} to {p}, please.",
    ),
    "reply": (
        "I can help with {t1}; shall we sync on {d}?",
        "We saw the same with {t1} last quarter. The fix was in {t2}.",
        "Good point. {t1} depends on {t2}, so let's check with {p}.",
        "The latest {t1} numbers are in the {t2} dashboard: {m} is at {v}.",
        "Agreed, this should help {m}. Happy to review the {t1} draft.",
        "Thanks! I'll update the {t1} notes and link the {t2} plan here.",
        "Try the {t1} runbook first; if {t2} still fails, ping {p}.",
    ),
}

CHATTER = (
    "Anyone up for lunch at {place} on {d}?",
    "Happy birthday, {first}! Hope you have a great day.",
    "The coffee machine on floor {n} is broken again. Does anyone know who to call?",
    "Great weekend: went {activity} with the family. What did everyone else get up to?",
    "Did anyone watch {show} last night? No spoilers please!",
    "Who left a {item} in meeting room {room}?",
    "Reminder: the {club} club meets on {d} after work, everyone welcome.",
    "Traffic was terrible this morning, it took me {n}0 minutes to get in.",
    "Any recommendations for a good {genre} podcast for the commute?",
    "Cake in the kitchen on floor {n}, help yourselves!",
)

CHATTER_REPLIES = (
    "Count me in!",
    "Ha, same here.",
    "I'll bring snacks.",
    "Thanks for sharing!",
    "Sounds fun, next time for sure.",
    "Not me, sorry!",
    "Enjoy the weekend!",
    "Happy birthday from me too!",
)

FILL = {
    "place": ("the noodle bar", "the canteen", "Luigi's", "the food trucks", "the sushi place"),
    "activity": ("hiking", "skiing", "sailing", "to the beach", "cycling", "camping"),
    "show": ("the football", "the cooking show", "the new crime series", "the finale"),
    "item": ("blue umbrella", "water bottle", "laptop charger", "scarf", "lunch box"),
    "room": ("Fjord", "Aurora", "Glacier", "Tundra", "Delta"),
    "club": ("running", "board game", "chess", "book", "climbing"),
    "genre": ("history", "comedy", "science", "true crime", "football"),
    "d": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"),
}

REACTIONS_BY_KIND = {
    "update": ("👍", "🎉", "❤️", "👀"),
    "question": ("👀", "👍", "✅"),
    "idea": ("💡", "👍", "❤️"),
    "decision": ("✅", "👍"),
    "announcement": ("🎉", "❤️", "👍"),
    "": ("👍", "❤️", "✅", "💡"),
}

IDEA_NOTES = {
    "adopted": "Adopted: we are doing this next sprint. Thanks for the idea!",
    "under_review": "Looking into it with the team; back with an answer soon.",
    "declined": "Not now: it does not fit this quarter's priorities.",
}
