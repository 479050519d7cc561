"""Word templates rendered in Jinja2's sandbox, in the upload check and in every build.

docxtpl renders with a plain Jinja2 environment by default, where a template can reach Python's internals
(`{{ lipsum.__globals__['os'].popen('id').read() }}` runs a shell command as the web user). Templates are
uploaded by administrators and rendered by the worker, so they are untrusted code: the sandbox refuses any
attribute outside the context's plain data, and the refusal names the expression that tried.
"""

import re
from typing import Any

import jinja2
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from docxtpl import DocxTemplate
from jinja2.sandbox import SandboxedEnvironment

_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)
_QUOTED = re.compile(r"'([^']+)'")


def docx_environment(*, sample: bool = False) -> SandboxedEnvironment:
    """The sandbox; for a sample render (no figures yet) every missing name is an empty value that may be
    followed, looped over or printed."""
    return SandboxedEnvironment(autoescape=True, undefined=jinja2.ChainableUndefined if sample else jinja2.Undefined)


def _offending_expression(tpl: DocxTemplate, exc: jinja2.exceptions.SecurityError) -> str:
    """The template tag that the sandbox refused, found by the attribute its message names."""
    names = _QUOTED.findall(str(exc))
    try:
        text = tpl.patch_xml(tpl.get_xml())
    except Exception:  # noqa: BLE001 - only used to word the message
        return str(exc)
    for tag in _TAG.findall(re.sub(r"<[^>]+>", "", text)):
        if any(name in tag for name in names):
            return tag
    return str(exc)


def docx_render(tpl: DocxTemplate, context: dict[str, Any], *, sample: bool = False) -> None:
    """Render `tpl` in place in the sandbox. A template that reaches outside its context raises a
    ValidationError on "file" naming the expression."""
    try:
        tpl.render(context, jinja_env=docx_environment(sample=sample), autoescape=True)
    except jinja2.exceptions.SecurityError as exc:
        raise ValidationError({"file": _("Mẫu có biểu thức không được phép (truy cập ra ngoài dữ liệu của báo cáo): "
                                         "%(expr)s") % {"expr": _offending_expression(tpl, exc)}}) from exc
