"""API: the register of outgoing documents (sổ văn bản đi) and the issuing bodies with their signers.

Reads only, through the selectors the pages read (`chidao.core.register`): the same scope and filters."""

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from chidao.core import register
from chidao.core.errors import PermissionDenied
from chidao.core.http import AuthedRequest
from chidao.core.models import DocumentType, Issuer, OutgoingDocument

from .common import READ_ERRORS, Pager
from .inputs import Choice, Id, Text

router = Router(tags=["register"])

if TYPE_CHECKING:
    TypeCode = str
else:
    TypeCode = Choice(DocumentType.values)


class RegisterFiltersIn(Schema):
    """Filters of the register; "" or absent means all. `q` ignores diacritics (number, trích yếu, body, signer)."""

    q: Annotated[Text, Field(max_length=200)] = ""
    issuer: Id | None = None
    year: Annotated[int, Field(ge=1900, le=2200)] | None = None
    type_code: TypeCode = ""


class DocumentOut(Schema):
    id: int
    issuer_id: int
    issuer: str
    year: int
    type_code: str
    type_label: str
    number: int
    number_text: str
    title: str
    issued_on: dt.date
    signer_id: int | None
    signer: str
    object_type: str | None
    object_id: str

    @staticmethod
    def resolve_issuer(obj: OutgoingDocument) -> str:
        return obj.issuer.name

    @staticmethod
    def resolve_type_label(obj: OutgoingDocument) -> str:
        return str(obj.get_type_code_display())

    @staticmethod
    def resolve_signer(obj: OutgoingDocument) -> str:
        return obj.signer_text

    @staticmethod
    def resolve_object_type(obj: OutgoingDocument) -> str | None:
        ct = obj.content_type
        return f"{ct.app_label}.{ct.model}" if ct is not None else None


class SignerOut(Schema):
    id: int
    form: str
    body: str
    title: str
    deputy_title: str
    name: str
    active: bool
    order: int


class IssuerOut(Schema):
    id: int
    unit_id: int
    code: str
    name: str
    active: bool
    format: str
    signers: list[SignerOut]

    @staticmethod
    def resolve_format(obj: Issuer) -> str:
        return register.issuer_format(obj)

    @staticmethod
    def resolve_signers(obj: Issuer) -> list[Any]:
        return register.signers_of(obj)


@router.get("/documents", response={200: list[DocumentOut], **READ_ERRORS})
@paginate(Pager)
def documents(request: AuthedRequest, filters: Query[RegisterFiltersIn]) -> Any:
    """The register of outgoing documents, newest first. Administrators and the standing office read all of it;
    others the documents of the issuing bodies in their units' subtrees."""
    return register.document_list(user=request.user, filters=register.RegisterFilters(**filters.dict())) \
        .select_related("content_type")


@router.get("/issuers", response={200: list[IssuerOut], **READ_ERRORS})
@paginate(Pager)
def issuers(request: AuthedRequest) -> Any:
    """The issuing bodies with their signers (form T/M, K/T, T/L or none; titles; name). Administrators and the
    standing office."""
    if not register.can_manage_signers(request.user):
        raise PermissionDenied(_("Chỉ quản trị hệ thống hoặc cơ quan thường trực được xem người ký."))
    return register.issuers_visible(request.user).select_related("unit").order_by("name", "code")
