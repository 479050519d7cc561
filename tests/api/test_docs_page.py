"""The API's browsable docs work on an offline network under the content security policy."""

import re

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_the_docs_load_swagger_ui_from_this_server_with_no_inline_script(client, users):
    # Given a logged-in user, when the docs page is opened
    client.force_login(users["office"])
    page = client.get("/api/v1/docs")
    html = page.content.decode()
    # Then every script is a file served here, none inline, none from another host
    assert page.status_code == 200
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    sources = [re.search(r'src="([^"]+)"', attrs).group(1) for attrs, _body in scripts if "src=" in attrs]
    assert sources == ["/static/ninja/swagger-ui-bundle.js", "/static/ninja/swagger-ui-init.js"]
    inline = [body.strip() for attrs, body in scripts if "src=" not in attrs and "application/json" not in attrs]
    assert inline == []
    assert "cdn" not in html.lower()
    assert "script-src 'self'" in page["Content-Security-Policy"]
    # And the files are this server's static files (collected with the rest by collectstatic)
    for src in sources:
        assert finders.find(src.removeprefix("/static/")) is not None
