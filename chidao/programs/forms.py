"""Forms parse and type the input; the rules live in services."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from chidao.core.forms import DATE_WIDGET, filter_choices
from chidao.core.models import Unit
from chidao.core.uploads import upload_check
from chidao.core.widgets import ChoicePicker, ChoicesPicker, UnitPicker, UnitsPicker

from .models import Deliverable, Kind, Meeting, MeetingPoint, Note, Status
from .selectors import DeliverableFilters


def _filter_choices(name: str) -> list[tuple[str, Any]]:
    """"All", then the choices `DeliverableFilters` gives the field."""
    return [("", _("Tất cả")), *filter_choices(DeliverableFilters, name)]


class DeliverableFilterForm(forms.Form):
    """The list page's side of `DeliverableFilters` (the API's is `api.programs.ListFilters`)."""

    q = forms.CharField(label=_("Tìm kiếm"), required=False)
    status = forms.ChoiceField(label=_("Trạng thái"), required=False, choices=_filter_choices("status"))
    unit = forms.ModelChoiceField(label=_("Đơn vị chủ trì"), required=False, queryset=Unit.objects.none(),
                                  empty_label=_("Tất cả"), widget=UnitPicker())
    kind = forms.ChoiceField(label=_("Loại"), required=False, choices=_filter_choices("kind"))
    deadline_class = forms.ChoiceField(
        label=_("Tiến độ so với thời hạn"), required=False, choices=_filter_choices("deadline_class")
    )

    def __init__(self, *args, units=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units  # type: ignore[attr-defined]

    def filters(self) -> DeliverableFilters:
        """The filters chosen (none when the form is not valid)."""
        if not self.is_valid():
            return DeliverableFilters()
        data = self.cleaned_data
        return DeliverableFilters(status=data["status"], unit=data["unit"].pk if data["unit"] else None,
                                  kind=data["kind"], deadline_class=data["deadline_class"], q=data["q"])


class ProgramForm(forms.Form):
    number = forms.CharField(label=_("Số hiệu"), max_length=64, help_text=_("Ví dụ: 01-CTr/TU"))
    title = forms.CharField(label=_("Tên chương trình"), widget=forms.Textarea(attrs={"rows": 3}))
    issuing_body = forms.ModelChoiceField(label=_("Cơ quan ban hành"), queryset=Unit.objects.current(),
                                          widget=UnitPicker())
    issued_on = forms.DateField(label=_("Ngày ban hành"), widget=DATE_WIDGET)
    term = forms.CharField(label=_("Nhiệm kỳ, khóa"), max_length=32, required=False)
    period_start = forms.IntegerField(label=_("Từ năm"), min_value=1945, max_value=2100)
    period_end = forms.IntegerField(label=_("Đến năm"), min_value=1945, max_value=2100)
    steering_unit = forms.ModelChoiceField(label=_("Cơ quan thường trực"), queryset=Unit.objects.current(),
                                           required=False, widget=UnitPicker())


class AsOfForm(forms.Form):
    as_of = forms.DateField(label=_("Tính đến ngày"), required=False, widget=DATE_WIDGET)


class DeliverableForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    code = forms.CharField(label=_("Số thứ tự"), max_length=16)
    kind = forms.ChoiceField(label=_("Loại"), choices=Kind.choices)
    title = forms.CharField(label=_("Tên nội dung"), widget=forms.Textarea(attrs={"rows": 2}))
    description = forms.CharField(label=_("Mô tả"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    lead_unit = forms.ModelChoiceField(label=_("Đơn vị chủ trì"), queryset=Unit.objects.none(), widget=UnitPicker())
    coordinating_units = forms.ModelMultipleChoiceField(
        label=_("Đơn vị phối hợp"), queryset=Unit.objects.none(), required=False, widget=UnitsPicker(),
    )
    responsible_leader = forms.CharField(label=_("Lãnh đạo phụ trách"), required=False, max_length=150)
    original_deadline = forms.DateField(label=_("Thời hạn ban đầu"), widget=DATE_WIDGET)
    reason = forms.CharField(label=_("Lý do thay đổi"), required=False, max_length=500)

    def __init__(self, *args, units=None, editable=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        qs = units if units is not None else Unit.objects.current()
        self.fields["lead_unit"].queryset = qs  # type: ignore[attr-defined]
        self.fields["coordinating_units"].queryset = qs  # type: ignore[attr-defined]
        if editable is not None:
            for name in list(self.fields):
                if name not in editable and name not in {"version", "reason"}:
                    del self.fields[name]


class TransitionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)  # as read: a step changes the deliverable
    to_status = forms.ChoiceField(label=_("Chuyển sang"), choices=Status.choices)
    reason = forms.CharField(label=_("Lý do / ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    # Shown only for the step to "completed", and only to who may take it (the choices): see __init__.
    doc_number = forms.CharField(label=_("Số văn bản phê duyệt"), required=False, max_length=64,
                                 widget=forms.TextInput(attrs={"data-show-when": f"to_status={Status.COMPLETED}"}))
    doc_date = forms.DateField(label=_("Ngày văn bản phê duyệt"), required=False, widget=forms.DateInput(
        attrs={**DATE_WIDGET.attrs, "data-show-when": f"to_status={Status.COMPLETED}"}, format=DATE_WIDGET.format))
    file = forms.FileField(label=_("Tệp đính kèm"), required=False)

    def __init__(self, *args, choices=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if choices is not None:
            self.fields["to_status"].choices = [(s, Status(s).label) for s in choices]  # type: ignore[attr-defined]
            if Status.COMPLETED not in choices:  # who may not approve is not asked for the approving document
                del self.fields["doc_number"], self.fields["doc_date"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data.setdefault("doc_number", "")
        data.setdefault("doc_date", None)
        return data


class ExtensionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)  # as read: an extension changes the deliverable
    new_deadline = forms.DateField(label=_("Thời hạn mới"), widget=DATE_WIDGET)
    approved_by = forms.CharField(label=_("Người phê duyệt"), max_length=150)
    approved_on = forms.DateField(label=_("Ngày phê duyệt"), widget=DATE_WIDGET)
    reason = forms.CharField(label=_("Lý do gia hạn"), widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại"), choices=Note.Kind.choices)
    text = forms.CharField(label=_("Nội dung"), widget=forms.Textarea(attrs={"rows": 3}))
    # A percentage belongs to a progress update, a due date to a directive: each shows with its kind only.
    percent = forms.IntegerField(label=_("Tiến độ (%)"), required=False, min_value=0, max_value=100,
                                 widget=forms.NumberInput(attrs={"data-show-when": f"kind={Note.Kind.PROGRESS}"}))
    due_on = forms.DateField(label=_("Hạn thực hiện chỉ đạo"), required=False, widget=forms.DateInput(
        attrs={**DATE_WIDGET.attrs, "data-show-when": f"kind={Note.Kind.DIRECTIVE}"}, format=DATE_WIDGET.format))
    attachment = forms.FileField(label=_("Tệp đính kèm"), required=False)

    def __init__(self, *args, kinds=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if kinds is not None:
            self.fields["kind"].choices = [(k, Note.Kind(k).label) for k in kinds]  # type: ignore[attr-defined]
            if Note.Kind.PROGRESS not in kinds:
                del self.fields["percent"]
            if Note.Kind.DIRECTIVE not in kinds:
                del self.fields["due_on"]

    def clean(self) -> dict[str, Any]:
        """A percentage only with a progress update, a due date only with a directive (whatever the page showed)."""
        data = super().clean() or {}
        kind = data.get("kind")
        if data.get("percent") is not None and kind != Note.Kind.PROGRESS:
            self.add_error("percent", _("Chỉ ghi tiến độ (%) khi cập nhật tiến độ."))
        if data.get("due_on") is not None and kind != Note.Kind.DIRECTIVE:
            self.add_error("due_on", _("Chỉ ghi hạn thực hiện khi ra chỉ đạo."))
        data.setdefault("percent", None)
        data.setdefault("due_on", None)
        return data


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp Excel (.xlsx)"))

    def clean_file(self) -> Any:
        """The shared upload check: .xlsx, not empty, within CHIDAO_UPLOAD_MAX_BYTES, a real workbook."""
        upload_check(self.cleaned_data["file"], extensions=[".xlsx"], field=None)
        return self.cleaned_data["file"]


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại cuộc họp"), choices=Meeting.Kind.choices)
    title = forms.CharField(label=_("Tên hội nghị, cuộc họp"), widget=forms.Textarea(attrs={"rows": 2}))
    held_on = forms.DateField(label=_("Ngày họp"), widget=DATE_WIDGET)
    location = forms.CharField(label=_("Địa điểm"), max_length=255, required=False)
    chair = forms.CharField(label=_("Chủ trì"), max_length=150)
    attendees = forms.CharField(label=_("Thành phần dự họp (mỗi dòng một người hoặc đơn vị)"), required=False,
                                widget=forms.Textarea(attrs={"rows": 3}))
    minutes = forms.CharField(label=_("Biên bản, tóm tắt"), required=False, widget=forms.Textarea(attrs={"rows": 4}))


class AgendaItemForm(forms.Form):
    title = forms.CharField(label=_("Nội dung họp"), widget=forms.Textarea(attrs={"rows": 2}))
    deliverables = forms.ModelMultipleChoiceField(
        label=_("Nội dung liên quan"), queryset=Deliverable.objects.none(), required=False,
        widget=ChoicesPicker(),
    )
    units = forms.ModelMultipleChoiceField(
        label=_("Đơn vị báo cáo"), queryset=Unit.objects.none(), required=False, widget=UnitsPicker(),
    )
    notes = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, deliverables=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if deliverables is not None:
            self.fields["deliverables"].queryset = deliverables  # type: ignore[attr-defined]
        self.fields["units"].queryset = Unit.objects.current()  # type: ignore[attr-defined]


class MeetingPointForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại ý kiến"), choices=MeetingPoint.Kind.choices)
    text = forms.CharField(label=_("Nội dung"), widget=forms.Textarea(attrs={"rows": 3}))
    speaker = forms.CharField(label=_("Người phát biểu"), max_length=150, required=False)


class ConclusionForm(forms.Form):
    TRACK_CHOICES = [
        ("deliverable", _("Giao thành nội dung mới của chương trình")),
        ("directive", _("Chỉ đạo trên nội dung có sẵn của đơn vị chủ trì")),
    ]
    text = forms.CharField(label=_("Nội dung kết luận"), widget=forms.Textarea(attrs={"rows": 3}))
    lead_unit = forms.ModelChoiceField(label=_("Đơn vị chủ trì"), queryset=Unit.objects.none(), widget=UnitPicker())
    deadline = forms.DateField(label=_("Thời hạn"), widget=DATE_WIDGET)
    track_as = forms.ChoiceField(label=_("Theo dõi"), choices=TRACK_CHOICES, initial="deliverable",
                                 widget=forms.RadioSelect)
    kind = forms.ChoiceField(label=_("Loại nội dung (khi giao nội dung mới)"), choices=Kind.choices,
                             initial=Kind.TASK)
    code = forms.CharField(label=_("Số thứ tự (để trống: KL<năm>.<số>)"), max_length=16, required=False)
    deliverable = forms.ModelChoiceField(
        label=_("Nội dung có sẵn (khi giao chỉ đạo)"), queryset=Deliverable.objects.none(), required=False,
        widget=ChoicePicker(),
    )

    def __init__(self, *args, deliverables=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if deliverables is not None:
            self.fields["deliverable"].queryset = deliverables  # type: ignore[attr-defined]
        self.fields["lead_unit"].queryset = Unit.objects.current()  # type: ignore[attr-defined]
