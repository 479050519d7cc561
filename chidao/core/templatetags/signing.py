"""`{% pdf_signing_notice %}`: whether the PDFs Chidao issues are digitally signed (chidao.core.signing)."""

from django import template

from chidao.core.signing import signing_notice

register = template.Library()


@register.simple_tag
def pdf_signing_notice() -> str:
    return signing_notice()
