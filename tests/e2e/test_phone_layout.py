"""Every page a person can reach, on a phone (390 × 844): nothing scrolls sideways and every
visible control is at least 24 × 24 px (WCAG 2.5.8; a link inside a sentence is exempt).

The pages come from a crawl of the demo company as each of its roles (CEO, workspace owner,
employee, administrator): from the home page on, every link and every GET form (sent as it
stands) that leads to a page of the product, each kind of page opened at most twice per role. The
URL conf is then checked against the crawl: a page that no crawl reached, and that is not named
below as something other than a page, fails the test, so a new page is covered as soon as it
exists. The menu is checked open too.
"""

from __future__ import annotations

from collections import Counter, deque
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

from tests.e2e.conftest import DEMO_PASSWORD, TIMEOUT_MS, login

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("browser")]

PHONE = {"width": 390, "height": 844}
MIN_TARGET = 24
VISITS_PER_KIND = 2
ROLES = ("ceo", "workspace_owner", "employee", "administrator")
# Paths the crawl does not follow: another look (the Django admin, the API's documents), files.
SKIPPED_PREFIXES = ("/admin/", "/api/", "/static/", "/attachments/", "/logout")

#: URL names that are not pages a person reads, and why.
NOT_PAGES: dict[str, str] = {
    "healthz": "a probe for load balancers (text)",
    "hello": "the benchmarks' baseline (text)",
    "people:logout": "a form's target (POST)",
    "people:create_token": "a form's target (POST)",
    "people:revoke_token": "a form's target (POST)",
    "workspaces:join": "a form's target (POST)",
    "workspaces:leave": "a form's target (POST)",
    "workspaces:archive": "a form's target (POST)",
    "workspaces:purpose": "a form's target (POST)",
    "workspaces:check_in": "a form's target (POST)",
    "conversation:reply": "a form's target (POST)",
    "conversation:react": "a form's target (POST)",
    "conversation:accept": "a form's target (POST)",
    "conversation:idea_status": "a form's target (POST)",
    "conversation:delete": "a form's target (POST)",
    "conversation:hide": "a form's target (POST)",
    "conversation:create_post": "a form's target (POST)",
    "conversation:follow": "a form's target (POST)",
    "conversation:attachment": "a file download",
    "conversation:thumbnail": "an image's thumbnail (an image)",
    "people:photo": "a person's photo (an image)",
    "people:change_photo": "a form's target (POST)",
    "conversation:suggest": "the composer's mention suggestions (an HTML fragment)",
    "conversation:new_posts": "the feed's 'new posts' notice (an HTML fragment)",
    "conversation:notifications:read": "a form's target (POST)",
    "conversation:notifications:mutes": "a form's target (POST)",
    "conversation:notifications:open": "marks read and redirects to what it is about",
    "conversation:notifications:digests": "a form's target (POST)",
    "workspace_health_refresh": "a form's target (POST)",
    "knowledge:restore": "a form's target (POST)",
    "knowledge:comment": "a form's target (POST)",
    "knowledge:save_answer": "a form's target (POST)",
    "workspace_health_chart": "a chart's static image",
    "org_measurement_delete": "a form's target (POST)",
    "org_measurement_report": "a file download (the report of lumoflow analyze)",
    "org_report": "a file download (the portfolio's report form)",
}

#: Pages no link or form leads to yet, and why; each leaves this list when one does.
NOT_LINKED_YET: dict[str, str] = {}

#: Pages only an e-mail leads to (the crawl follows the site's own links); each has its own
#: browser test at a phone's width.
ONLY_FROM_MAIL: dict[str, str] = {
    "conversation:notifications:unsubscribe": "a digest's signed unsubscribe link "
    "(tests/e2e/test_digests.py)",
}

#: Pages the demo company does not lead to yet, and why; each leaves this list when the demo
#: writes what it shows.
NOT_IN_THE_DEMO: dict[str, str] = {
    name: "the demo company has measured no export (tests/e2e/test_measure_export.py opens "
    "it at a phone's width)"
    for name in ("org_measurement", "org_measurement_load")
}

# Measures the page: its layout width against the viewport, and every visible control smaller
# than the minimum. Not rendered (size 0, a closed menu), off screen to the left (the skip link
# until focused) or clipped to a pixel for screen readers: not visible. A link inside a sentence
# (inline, with text beside it in its block) is exempt, as WCAG 2.5.8 exempts it; a checkbox or
# radio button counts by its label when the label holds it.
MEASURE = """(min) => {
  const doc = document.documentElement;
  const sel = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]';
  const hidden = (el) => {
    for (let a = el; a; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.visibility === 'hidden' || s.display === 'none') return true;
      if (s.position === 'absolute' && s.clip !== 'auto' && a.getBoundingClientRect().width <= 1)
        return true;
    }
    return false;
  };
  const inSentence = (el) => {
    if (getComputedStyle(el).display !== 'inline') return false;
    let block = el.parentElement;
    while (block && getComputedStyle(block).display === 'inline') block = block.parentElement;
    const own = el.textContent.trim().length;
    return block && block.textContent.replace(/\\s+/g, ' ').trim().length > own + 2;
  };
  const describe = (el, r) => {
    const text = (el.textContent || el.getAttribute('aria-label') || el.name || '').trim();
    return `<${el.tagName.toLowerCase()}${el.className ? '.' + el.className : ''}> "` +
      text.slice(0, 40) + `" ${Math.round(r.width)}×${Math.round(r.height)}`;
  };
  const small = [];
  for (const el of document.querySelectorAll(sel)) {
    let r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || r.right <= 0 || hidden(el)) continue;
    if (el.tagName === 'A' && inSentence(el)) continue;
    if ((el.type === 'checkbox' || el.type === 'radio') && el.closest('label'))
      r = el.closest('label').getBoundingClientRect();
    if (r.width < min - 0.5 || r.height < min - 0.5) small.push(describe(el, r));
  }
  // What sticks out: the innermost elements whose right edge passes the viewport's.
  const over = (el) => el.getBoundingClientRect().right > doc.clientWidth + 0.5 && !hidden(el);
  const wide = [...document.body.querySelectorAll('*')]
    .filter((el) => over(el) && ![...el.children].some(over))
    .slice(0, 3).map((el) => describe(el, el.getBoundingClientRect()));
  return {scrollWidth: doc.scrollWidth, width: doc.clientWidth, small, wide};
}"""

LINKS = """() => {
  const out = [];
  for (const a of document.querySelectorAll('a[href]:not([download])')) out.push(a.href);
  for (const f of document.querySelectorAll('form')) {
    if ((f.getAttribute('method') || 'get').toLowerCase() !== 'get') continue;
    const url = new URL(f.action || location.href);
    const data = new FormData(f);
    // a search box is sent with a word a person would type (empty, it is refused)
    for (const box of f.querySelectorAll('input[type=search]'))
      if (!box.value && box.name) data.set(box.name, 'launch');
    url.search = new URLSearchParams(data).toString();
    out.push(url.href);
  }
  return out;
}"""


def _page_names() -> set[str]:
    """Every named URL of the product's own pages (the admin and the API have their own look)."""
    names: set[str] = set()

    def walk(patterns: list[Any], namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace in {"admin"} or str(p.pattern).startswith("api/"):
                    continue
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                walk(p.url_patterns, ns)
            elif isinstance(p, URLPattern) and p.name:
                names.add(namespace + p.name)

    walk(get_resolver().url_patterns, "")
    return names


def _name(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def _check(tab: Any, where: str, problems: list[str]) -> None:
    found = tab.evaluate(MEASURE, MIN_TARGET)
    if found["scrollWidth"] > found["width"]:
        problems.append(
            f"{where}: lays out {found['scrollWidth']} px wide in {found['width']} px "
            f"({', '.join(found['wide'])})"
        )
    for control in found["small"]:
        problems.append(f"{where}: {control}")


def _crawl(tab: Any, base: str, role: str, problems: list[str]) -> set[str]:
    """Open every page reachable from the home page (each kind at most twice); return their
    URL names."""
    seen_urls: set[str] = set()
    per_kind: Counter[str] = Counter()
    names: set[str] = set()
    queue: deque[str] = deque([f"{base}/"])
    while queue:
        url = queue.popleft()
        if url in seen_urls:
            continue
        seen_urls.add(url)
        parts = urlsplit(url)
        name = _name(parts.path)
        if name is None or name in NOT_PAGES and name != "conversation:notifications:open":
            continue
        if per_kind[name] >= VISITS_PER_KIND:
            continue
        per_kind[name] += 1
        response = tab.goto(url)
        tab.wait_for_load_state("load")
        landed = urlsplit(tab.url)
        if landed.netloc != parts.netloc or response is None or response.status >= 400:
            continue
        landed_name = _name(landed.path)
        if landed_name is None:
            continue
        names.add(landed_name)
        _check(tab, f"{role} {landed.path}{'?' + landed.query if landed.query else ''}", problems)
        for href in tab.evaluate(LINKS):
            link = urlsplit(href)
            if link.netloc != parts.netloc or link.path.startswith(SKIPPED_PREFIXES):
                continue
            queue.append(link._replace(fragment="").geturl())
    return names


def test_every_page_fits_a_phone_for_every_role(
    browser: Any, live_server: Any, demo: dict[str, Any]
) -> None:
    # given the demo company and a phone-sized browser
    problems: list[str] = []
    reached: set[str] = set()
    context = browser.new_context(viewport=PHONE, locale="en-GB", has_touch=True)
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    try:
        # when the sign-in page is opened
        tab.goto(f"{live_server.url}/login")
        reached.add("people:login")
        _check(tab, "anonymous /login", problems)
        for role in ROLES:
            # and each role signs in and follows every link and form from the home page
            context.clear_cookies()
            login(tab, live_server, demo["logins"][role]["username"], DEMO_PASSWORD)
            reached |= _crawl(tab, live_server.url, role, problems)
            # and opens the menu
            tab.goto(f"{live_server.url}/")
            tab.get_by_text("Menu", exact=True).click()
            assert tab.get_by_role("navigation", name="Main").is_visible(), role
            _check(tab, f"{role} / with the menu open", problems)
    finally:
        context.close()

    # then no page scrolls sideways and no control is too small
    assert problems == [], "\n".join(problems)
    # and every page of the URL conf was reached
    stale = (
        set(NOT_PAGES) | set(NOT_IN_THE_DEMO) | set(NOT_LINKED_YET) | set(ONLY_FROM_MAIL)
    ) - _page_names()
    assert stale == set(), f"named as not pages but gone from the URL conf: {sorted(stale)}"
    missed = (
        _page_names()
        - set(NOT_PAGES)
        - set(NOT_IN_THE_DEMO)
        - set(NOT_LINKED_YET)
        - set(ONLY_FROM_MAIL)
        - reached
    )
    assert missed == set(), (
        f"pages no crawl reached (link them, or name them in NOT_PAGES): {missed}"
    )
