"""The problem catalogue: every error a client can get, with its code, status and texts.

A ``Problem`` is raised by services and views; only the per-wire-format error writers
(``server/openrosa/responses.py``, the JSON API) turn it into a response. Codes follow ODK
Central's ``<status>.<n>`` style; texts exist in Vietnamese (default) and English and name what
the collaborator can do next. Texts never contain answers or personal data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Entry:
    code: str
    vi: str
    en: str

    @property
    def status(self) -> int:
        return int(self.code.split(".", 1)[0])


CATALOGUE: dict[str, Entry] = {e.code: e for e in (
    Entry("400.1", "Thiếu tiêu đề X-OpenRosa-Version: 1.0.",
          "The X-OpenRosa-Version: 1.0 header is required."),
    Entry("400.2", "Yêu cầu không có tệp phiếu (xml_submission_file).",
          "The request has no xml_submission_file part."),
    Entry("400.3", "Tệp phiếu không phải XML hợp lệ: {detail}",
          "The submission is not well-formed XML: {detail}"),
    Entry("400.4", "Phiếu chứa khai báo DOCTYPE hoặc thực thể XML, không được chấp nhận.",
          "The submission contains a DOCTYPE or entity declaration, which is not accepted."),
    Entry("400.5", "Phiếu không có mã phiếu (meta/instanceID).",
          "The submission has no meta/instanceID."),
    Entry("400.6", "Phiếu không cho biết mã biểu mẫu (thuộc tính id).",
          "The submission does not name its form (id attribute)."),
    Entry("400.7", "Yêu cầu không hợp lệ: {detail}", "Bad request: {detail}"),
    Entry("400.8", "Giá trị của {field} dài quá {limit} ký tự.",
          "The value of {field} is longer than {limit} characters."),
    Entry("400.9", "Giá trị của {field} chứa ký tự điều khiển (như NUL), không được chấp nhận.",
          "The value of {field} contains a control character (such as NUL), which is not "
          "accepted."),
    Entry("401.1", "Mã truy cập của thiết bị không hợp lệ. Hãy quét lại mã QR do điều phối "
          "viên cung cấp.", "This device's access key is not valid. Scan the QR code from "
          "your coordinator again."),
    Entry("401.2", "Cần mã truy cập API hợp lệ (Authorization: Bearer ...).",
          "A valid API token is required (Authorization: Bearer ...)."),
    Entry("403.1", "Mã truy cập của thiết bị đã bị thu hồi. Hãy liên hệ điều phối viên.",
          "This device's access key has been revoked. Contact your coordinator."),
    Entry("403.2", "Thiết bị này không được dùng biểu mẫu '{form_id}'.",
          "This device may not use the form '{form_id}'."),
    Entry("404.1", "Không tìm thấy biểu mẫu '{form_id}' trên máy chủ.",
          "The form '{form_id}' does not exist on this server."),
    Entry("404.2", "Phiên bản '{version}' của biểu mẫu '{form_id}' chưa được công bố. Hãy tải "
          "lại biểu mẫu mới nhất.", "Version '{version}' of the form '{form_id}' is not "
          "published. Download the latest form."),
    Entry("404.3", "Không tìm thấy phiếu gốc {deprecated_id} cần sửa.",
          "The submission {deprecated_id} that this edit replaces does not exist."),
    Entry("404.4", "Không tìm thấy địa chỉ này.", "Not found."),
    Entry("404.5", "Không tìm thấy hồ sơ {person_id}.", "No record {person_id}."),
    Entry("405.1", "Phương thức không được hỗ trợ ở địa chỉ này.",
          "This method is not allowed here."),
    Entry("408.1", "Gửi dữ liệu quá chậm, kết nối đã bị đóng. Hãy gửi lại khi mạng tốt hơn.",
          "The request was sent too slowly and the connection was closed. Send it again when "
          "the network is better."),
    Entry("409.1", "Đã có phiếu với mã {instance_id} nhưng nội dung khác. Nội dung mới đã được "
          "lưu để người giám sát xem xét; muốn sửa phiếu hãy dùng chức năng sửa phiếu.",
          "A submission with ID {instance_id} already exists with different content. The new "
          "content was kept for a supervisor to review; to change a form, edit it instead."),
    Entry("409.2", "Biểu mẫu '{form_id}' đã đóng, không nhận phiếu mới.",
          "The form '{form_id}' is closed and no longer accepts submissions."),
    Entry("409.3", "Phiếu {instance_id} đã bị xóa và không thể gửi lại.",
          "The submission {instance_id} was deleted and cannot be sent again."),
    Entry("409.4", "Phiếu {deprecated_id} đã được sửa trước đó. Hãy sửa từ bản mới nhất.",
          "The submission {deprecated_id} has already been edited. Edit its latest version."),
    Entry("409.5", "Mã phiếu {instance_id} của bản sửa đã được dùng.",
          "The edit's instance ID {instance_id} is already in use."),
    Entry("413.1", "Yêu cầu quá lớn (tối đa {limit} byte).",
          "The request is too large (at most {limit} bytes)."),
    Entry("423.1", "Phiếu này đang được xử lý, hãy gửi lại sau ít phút.",
          "This submission is being processed; send it again in a few minutes."),
    Entry("429.1", "Quá nhiều lần dùng mã truy cập sai từ địa chỉ này. Hãy thử lại sau {seconds} "
          "giây.", "Too many wrong access keys from this address. Try again in {seconds} "
          "seconds."),
    Entry("500.1", "Lỗi máy chủ. Phiếu chưa được lưu; hãy gửi lại sau.",
          "Server error. The submission was not saved; send it again later."),
    Entry("503.1", "Tệp {filename} hiện không có trên máy chủ này. Hãy thử lại sau hoặc báo "
          "điều phối viên.", "The file {filename} is not available on this server right now. "
          "Try again later or tell your coordinator."),
)}


class Problem(Exception):
    """An error with a catalogue code; ``params`` fill the message templates.

    ``keep=True`` asks the boundary to commit what the request wrote before failing (e.g. a
    conflicting body kept for review); by default a Problem rolls everything back.
    """

    def __init__(self, code: str, *, keep: bool = False, **params: Any):
        if code not in CATALOGUE:
            raise KeyError(f"unknown problem code {code}")
        super().__init__(code)
        self.code = code
        self.keep = keep
        self.params = params

    @property
    def status(self) -> int:
        return CATALOGUE[self.code].status

    def message(self, language: str = "vi") -> str:
        entry = CATALOGUE[self.code]
        template = entry.en if language == "en" else entry.vi
        return template.format(**self.params)
