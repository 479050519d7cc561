"""The one upload form of the Excel import pages: the workbook (the shared upload check, zip limits included) and
"only check" (a dry run)."""

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy

from ..uploads import upload_check


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Tệp Excel (.xlsx)"))
    dry_run = forms.BooleanField(label=gettext_lazy("Chỉ kiểm tra, chưa ghi"), required=False)

    def clean_file(self) -> UploadedFile:
        """The shared upload check: .xlsx, not empty, within CHIDAO_UPLOAD_MAX_BYTES, a real workbook within the
        unpacking limits."""
        file: UploadedFile = self.cleaned_data["file"]
        upload_check(file, extensions=[".xlsx"], field=None)
        return file
