"""Images and faces in a real browser: a photo uploaded on the profile shows on the person's
posts and page, an image attached in the composer shows as a thumbnail opening the full image,
and people without a photo show their initials. Saves screenshots of the home feed, a thread and
a person page at 1366 and 390 px, light and dark (var/screenshots/faces-*.png)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.conftest import TIMEOUT_MS, login, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("browser")]


def _picture(width: int, height: int, colours: tuple[str, str]) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), colours[0])
    draw = ImageDraw.Draw(image)
    draw.ellipse((width * 0.2, height * 0.15, width * 0.8, height * 0.95), fill=colours[1])
    out = io.BytesIO()
    image.save(out, "JPEG")
    return out.getvalue()


def _tab(browser: Any, width: int = 1366, height: int = 900, scheme: str = "light") -> Any:
    context = browser.new_context(
        viewport={"width": width, "height": height}, locale="en-GB", color_scheme=scheme
    )
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


def test_photo_and_image_upload_and_display(browser: Any, live_server: Any, org: Any) -> None:
    from lumoflow.conversation import actions

    actions.follow(org.fred, workspace_id=org.launch.pk)
    q = actions.create_post(
        org.mia, org.launch.pk, kind="question", body="Which stand design do we take to the fair?"
    )
    actions.create_reply(org.fred, q.pk, body="The blue one reads better from a distance.")

    # Olivia uploads a photo on her profile
    page = _tab(browser)
    login(page, live_server, "olivia", PASSWORD)
    page.goto(f"{live_server.url}/profile")
    page.get_by_label("Choose a photo").set_input_files(
        {
            "name": "olivia.jpg",
            "mimeType": "image/jpeg",
            "buffer": _picture(800, 600, ("#e9d8c4", "#6b4f3a")),
        }
    )
    page.get_by_role("button", name="Upload photo").click()
    expect(page.get_by_text("Photo saved.")).to_be_visible()
    preview = page.locator(".face-preview img.avatar")
    expect(preview).to_be_visible()
    assert preview.evaluate("img => img.naturalWidth") == 256
    screenshot(page, "faces-profile-1366-light")

    # ... posts an image in place, with a PDF beside it
    page.goto(f"{live_server.url}/workspaces/{org.launch.pk}")
    page.get_by_role("textbox", name="Message").fill("The blue stand, as built for the fair.")
    page.get_by_label("Attach files").set_input_files(
        [
            {
                "name": "stand.jpg",
                "mimeType": "image/jpeg",
                "buffer": _picture(1600, 1200, ("#cfe0f7", "#1f5fbf")),
            },
            {"name": "plan.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"},
        ]
    )
    page.get_by_role("button", name="Post", exact=True).click()
    first = page.locator("#feed article.post").first
    expect(first).to_contain_text("The blue stand")
    thumb = first.locator(".post-image img")
    expect(thumb).to_be_visible()
    page.wait_for_function("() => document.querySelector('#feed .post-image img').complete")
    assert thumb.evaluate("img => img.naturalWidth") == 640
    expect(first.locator(".attachments")).to_contain_text("plan.pdf")
    expect(first.locator(".attachments")).to_contain_text("PDF · ")
    href = first.locator(".post-image").get_attribute("href")
    full = page.request.get(f"{live_server.url}{href}")
    assert full.status == 200 and full.headers["content-type"] == "image/jpeg"
    # ... and replies to the question
    page.goto(f"{live_server.url}/posts/{q.pk}")
    page.get_by_label("Your reply").fill("Agreed: blue. I will order it today.")
    page.get_by_role("button", name="Reply", exact=True).click()
    expect(page.locator("#thread img.avatar").first).to_be_visible()
    page.context.close()

    # Fred sees her face on her reply, his initials on his, and the same on her page
    for width, height in ((1366, 900), (390, 844)):
        for scheme in ("light", "dark"):
            tab = _tab(browser, width, height, scheme)
            login(tab, live_server, "fred", PASSWORD)
            tab.goto(f"{live_server.url}/")
            expect(tab.locator("article.post img.avatar").first).to_be_visible()
            screenshot(tab, f"faces-home-{width}-{scheme}")
            tab.goto(f"{live_server.url}/posts/{q.pk}")
            expect(tab.locator("#thread span.avatar").first).to_have_text("M")
            tab.wait_for_function(
                "() => [...document.querySelectorAll('img')].every(i => i.complete)"
            )
            screenshot(tab, f"faces-thread-{width}-{scheme}")
            tab.goto(f"{live_server.url}/people/olivia")
            expect(tab.locator("h1 img.avatar")).to_be_visible()
            screenshot(tab, f"faces-person-{width}-{scheme}")
            tab.context.close()
