"""The texts of the problem catalogue: each code with its Vietnamese and English template.

Data only: the named constructors that fill these templates are in ``server/problems.py`` and
nothing else creates a problem. A code is ``<HTTP status>.<n>`` (ODK Central's style); codes are
a contract with clients and tests: add, never renumber or reuse. Each text says what the person
can do next, and holds no personal data (no names, dates of birth or answers: only ids, form
ids, file names, codes). ``DETAIL_LABELS`` names the structured detail a surface may append
(the sheet and row of an XLSForm error, the missing blobs of a backup).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    code: str
    vi: str
    en: str

    @property
    def status(self) -> int:
        return int(self.code.split(".", 1)[0])


_ENTRIES = (
    # --- 400: a request or an argument that cannot be used as it is -----------------------
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
    Entry("400.10", "Không có vai trò '{role}'. Hãy chọn một trong: {allowed}.",
          "There is no role '{role}'. Choose one of: {allowed}."),
    Entry("400.11", "Người dùng cần ít nhất một địa bàn. Hãy ghi mã tỉnh (2 chữ số) hoặc mã "
          "xã/phường (5 chữ số).", "A user needs at least one area. Give a province (2-digit) "
          "or commune (5-digit) code."),
    Entry("400.12", "'{code}' là mã tỉnh; ở đây cần mã xã/phường (5 chữ số). Hãy ghi mã của "
          "một xã/phường.", "'{code}' is a province; a commune is needed here. Give a "
          "commune's 5-digit code."),
    Entry("400.13", "Cần ghi lý do. Hãy ghi lý do cho thay đổi này.",
          "A reason is required. Give the reason for this change."),
    Entry("400.14", "Không thể gộp một hồ sơ với chính nó. Hãy chọn hai hồ sơ khác nhau.",
          "A record cannot be merged with itself. Choose two different records."),
    Entry("400.15", "Không có trạng thái ca '{state}'. Hãy chọn một trong: {allowed}.",
          "There is no case state '{state}'. Choose one of: {allowed}."),
    Entry("400.16", "Không có bước quản lý ca '{step}'. Hãy chọn một trong: {allowed}.",
          "There is no case-management step '{step}'. Choose one of: {allowed}."),
    Entry("400.17", "Không có trạng thái biểu mẫu '{state}'. Hãy chọn một trong: {allowed}.",
          "There is no form state '{state}'. Choose one of: {allowed}."),
    Entry("400.18", "Không có định dạng xuất '{format}'. Hãy chọn một trong: {allowed}.",
          "There is no export format '{format}'. Choose one of: {allowed}."),
    Entry("400.19", "Không có kết quả '{outcome}'. Hãy chọn một trong: {allowed}.",
          "There is no outcome '{outcome}'. Choose one of: {allowed}."),
    Entry("400.20", "'{email}' không phải địa chỉ thư điện tử. Hãy ghi dạng ten@vi-du.vn.",
          "'{email}' is not an e-mail address. Write it as name@example.vn."),
    Entry("400.21", "Biểu mẫu này đã hết hạn hoặc không được gửi từ trang này. Hãy quay lại, tải "
          "lại trang và gửi lại.", "This form has expired or did not come from this site. Go "
          "back, reload the page and send it again."),
    Entry("400.22", "Mật khẩu mới cần ít nhất {minimum} ký tự.",
          "The new password needs at least {minimum} characters."),
    Entry("400.23", "Hai lần nhập mật khẩu mới không giống nhau. Hãy nhập lại.",
          "The two new passwords differ. Type them again."),
    Entry("400.24", "Cần ghi nơi chuyển gửi đến (cơ sở y tế hoặc đơn vị).",
          "Say where the person was referred to (the facility or service)."),
    Entry("400.25", "Không có kết quả chuyển gửi '{result}'. Hãy chọn một trong: {allowed}.",
          "There is no referral result '{result}'. Choose one of: {allowed}."),
    Entry("400.26", "Không đọc được ngày ở ô {field}. Hãy ghi theo dạng dd/mm/yyyy, ví dụ "
          "05/03/2026.", "The date in {field} cannot be read. Write it dd/mm/yyyy, for example "
          "05/03/2026."),
    Entry("400.27", "Mật khẩu hiện tại không đúng. Hãy nhập lại.",
          "The current password is not right. Type it again."),
    Entry("400.28", "Không đọc được lựa chọn ở ô {field}. Hãy chọn lại trong danh sách.",
          "The choice in {field} cannot be read. Choose again from the list."),
    Entry("400.40", "Người được chọn không làm việc ở xã/phường của người này (hoặc không nhận "
          "được việc này). Hãy chọn một người trong danh sách.", "The person chosen does not "
          "work in this person's commune (or cannot take this work). Choose one from the "
          "list."),
    Entry("400.41", "Nội dung trống. Hãy ghi điều cần nói.",
          "The text is empty. Write what you want to say."),
    Entry("400.42", "Không có kênh tiếp nhận '{channel}'. Hãy chọn một trong: {allowed}.",
          "There is no intake channel '{channel}'. Choose one of: {allowed}."),
    Entry("400.43", "Không có loại việc '{kind}' cho một ca tiếp nhận. Hãy chọn một trong: "
          "{allowed}.", "An intake cannot open work of kind '{kind}'. Choose one of: "
          "{allowed}."),
    Entry("400.44", "Xã/phường '{code}' không thuộc địa bàn của bạn. Hãy chọn một xã/phường "
          "trong danh sách.", "The commune '{code}' is not in your area. Choose one from the "
          "list."),
    Entry("400.50", "Cơ sở cần có tên. Hãy ghi tên cơ sở.",
          "The facility needs a name. Give its name."),
    Entry("400.51", "Không có loại cơ sở '{kind}'. Hãy chọn một trong: {allowed}.",
          "There is no kind of facility '{kind}'. Choose one of: {allowed}."),
    Entry("400.60", "Không dùng được '{name}' làm tên. Hãy dùng 2 đến 80 ký tự: chữ không dấu "
          "(a-z), chữ số, dấu chấm, gạch ngang hoặc gạch dưới, ví dụ ctv-ba-dinh.",
          "'{name}' cannot be used as a name. Use 2 to 80 characters: letters without accents "
          "(a-z), digits, dots, dashes or underscores, e.g. ctv-ba-dinh."),
    Entry("400.61", "Hãy chọn cộng tác viên sẽ dùng thiết bị này.",
          "Choose the collaborator who will use this device."),
    # population denominators and the audit view (issue 12)
    Entry("400.70", "Không đọc được năm '{year}'. Hãy ghi năm bằng 4 chữ số, từ 2000 đến 2100.",
          "The year '{year}' cannot be read. Write it with 4 digits, from 2000 to 2100."),
    Entry("400.71", "Không đọc được số {group} của xã/phường {code}. Hãy ghi một số nguyên từ 0 "
          "đến 9.999.999, chỉ gồm chữ số (có thể tách hàng nghìn bằng dấu chấm, ví dụ 1.234).",
          "The number of {group} for commune {code} cannot be read. Write a whole number from "
          "0 to 9,999,999, digits only (thousands may be separated by a dot, e.g. 1.234)."),
    Entry("400.72", "Hãy chọn một tệp CSV hoặc XLSX để nhập.",
          "Choose a CSV or XLSX file to import."),
    Entry("400.73", "Không đọc được bộ lọc {field}. Mã hồ sơ gồm chữ, chữ số và gạch ngang; thao "
          "tác gồm chữ thường không dấu, dấu chấm và gạch dưới (ví dụ person.read).",
          "The filter {field} cannot be read. A record id has letters, digits and dashes; an "
          "action has lowercase letters, dots and underscores (e.g. person.read)."),
    # --- 401, 403: who is asking ---------------------------------------------------------
    Entry("401.1", "Mã truy cập của thiết bị không hợp lệ. Hãy quét lại mã QR do điều phối "
          "viên cung cấp.", "This device's access key is not valid. Scan the QR code from "
          "your coordinator again."),
    Entry("401.2", "Cần mã truy cập API hợp lệ (Authorization: Bearer ...).",
          "A valid API token is required (Authorization: Bearer ...)."),
    Entry("401.3", "Tên đăng nhập hoặc mật khẩu không đúng. Hãy thử lại.",
          "The username or password is not right. Try again."),
    Entry("403.1", "Mã truy cập của thiết bị đã bị thu hồi. Hãy liên hệ điều phối viên.",
          "This device's access key has been revoked. Contact your coordinator."),
    Entry("403.2", "Thiết bị này không được dùng biểu mẫu '{form_id}'.",
          "This device may not use the form '{form_id}'."),
    Entry("403.3", "Vai trò '{role}' không được đóng việc cần làm; người giám sát của địa bàn "
          "sẽ đóng việc này.", "The role '{role}' may not close an action; a supervisor of "
          "the area closes it."),
    Entry("403.4", "Chỉ quản trị viên mới được xem trang này hoặc làm việc này (như trao vai "
          "trò quản trị viên, hay thay đổi tài khoản của một quản trị viên).", "Only an "
          "administrator may see this page or do this (such as giving the administrator role, "
          "or changing an administrator's account)."),
    Entry("403.50", "Trang này chỉ dành cho điều phối viên và quản trị viên.",
          "This page is for coordinators and administrators."),
    Entry("403.60", "Bạn không thể tự đổi vai trò, địa bàn hay khóa tài khoản của chính mình. "
          "Hãy nhờ một điều phối viên khác hoặc quản trị viên.", "You cannot change your own "
          "role or areas, or deactivate yourself. Ask another coordinator or an "
          "administrator."),
    # --- 404: something named that does not exist ----------------------------------------
    Entry("404.1", "Không tìm thấy biểu mẫu '{form_id}' trên máy chủ.",
          "The form '{form_id}' does not exist on this server."),
    Entry("404.2", "Phiên bản '{version}' của biểu mẫu '{form_id}' chưa được công bố. Hãy tải "
          "lại biểu mẫu mới nhất.", "Version '{version}' of the form '{form_id}' is not "
          "published. Download the latest form."),
    Entry("404.3", "Không tìm thấy phiếu gốc {deprecated_id} cần sửa.",
          "The submission {deprecated_id} that this edit replaces does not exist."),
    Entry("404.4", "Không tìm thấy địa chỉ này.", "Not found."),
    Entry("404.5", "Không tìm thấy hồ sơ {person_id}.", "No record {person_id}."),
    Entry("404.6", "Không có người dùng '{username}'. Hãy kiểm tra lại tên đăng nhập.",
          "There is no user '{username}'. Check the username."),
    Entry("404.7", "Không có thiết bị (app user) '{name}'. Hãy kiểm tra lại tên.",
          "There is no app user '{name}'. Check the name."),
    Entry("404.8", "Không có địa bàn mã '{code}'. Hãy dùng mã tỉnh (2 chữ số) hoặc mã xã/phường "
          "(5 chữ số) trong danh mục (sangloc areas list).", "There is no area with code "
          "'{code}'. Give a province (2-digit) or commune (5-digit) code from the catalogue "
          "(sangloc areas list)."),
    Entry("404.9", "Không có mã truy cập API số {token_id}. Xem danh sách bằng sangloc "
          "api-tokens list.", "There is no API token {token_id}. See sangloc api-tokens list."),
    Entry("404.10", "Không có ca {case_id}. Hãy kiểm tra lại mã ca.",
          "There is no case {case_id}. Check the case number."),
    Entry("404.11", "Biểu mẫu '{form_id}' không có phiên bản '{version}'. Hãy kiểm tra lại số "
          "phiên bản.", "The form '{form_id}' has no version '{version}'. Check the version."),
    Entry("404.12", "Không có việc định kỳ '{name}'. Các việc có: {known}.",
          "There is no job '{name}'. Known jobs: {known}."),
    Entry("404.13", "Không có tệp sao lưu ở {path}. Hãy kiểm tra lại đường dẫn.",
          "There is no backup file at {path}. Check the path."),
    Entry("404.14", "Không có việc cần làm số {action_id} trong địa bàn của bạn.",
          "There is no action {action_id} in your area."),
    Entry("404.15", "Trang này không có hoặc không thuộc địa bàn của bạn.",
          "This page does not exist or is not in your area."),
    Entry("404.16", "Không có lần chuyển gửi số {referral_id} trong ca này.",
          "There is no referral {referral_id} in this case."),
    Entry("404.40", "Không có khác biệt đăng ký số {conflict_id} chờ xử lý trong ca này.",
          "There is no open registration difference {conflict_id} in this case."),
    Entry("404.41", "Hồ sơ này không được đánh dấu là có thể trùng với người của ca này.",
          "That record is not marked as a possible duplicate of this case's person."),
    Entry("404.50", "Không có cơ sở số {facility_id} trong địa bàn của bạn.",
          "There is no facility {facility_id} in your area."),
    Entry("404.60", "Không có người dùng số {user_id} trong địa bàn của bạn.",
          "There is no user {user_id} in your area."),
    Entry("404.61", "Không có thiết bị số {device_id} trong địa bàn của bạn.",
          "There is no device {device_id} in your area."),
    Entry("404.70", "Bản xem trước này không còn hoặc không phải của bạn. Hãy tải tệp lên lại.",
          "This preview is gone or is not yours. Upload the file again."),
    # --- 405, 408: how the request came ------------------------------------------------------
    Entry("405.1", "Phương thức không được hỗ trợ ở địa chỉ này.",
          "This method is not allowed here."),
    Entry("408.1", "Gửi dữ liệu quá chậm, kết nối đã bị đóng. Hãy gửi lại khi mạng tốt hơn.",
          "The request was sent too slowly and the connection was closed. Send it again when "
          "the network is better."),
    # --- 409: conflicts with what is already there ------------------------------------------
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
    Entry("409.6", "Đã có người dùng '{username}'. Hãy chọn tên khác.",
          "The user '{username}' already exists. Choose another name."),
    Entry("409.7", "Đã có thiết bị (app user) '{name}'. Hãy chọn tên khác.",
          "The app user '{name}' already exists. Choose another name."),
    Entry("409.8", "Cộng tác viên '{username}' không làm việc ở xã/phường {commune}. Hãy chọn "
          "một xã/phường trong địa bàn của họ, hoặc một cộng tác viên khác.",
          "The collaborator '{username}' does not work in commune {commune}. Choose a commune "
          "in their area, or another collaborator."),
    Entry("409.9", "Người dùng '{username}' có vai trò {role}, không phải cộng tác viên; thiết bị "
          "chỉ gắn với cộng tác viên. Hãy chọn một cộng tác viên.",
          "The user '{username}' is a {role}, not a collaborator; devices belong to "
          "collaborators. Choose a collaborator."),
    Entry("409.10", "Chỉ gộp được các hồ sơ đang dùng (chưa khóa, chưa gộp vào hồ sơ khác). "
          "Hãy kiểm tra lại hai hồ sơ.", "Only active records (not locked, not merged into "
          "another) can be merged. Check both records."),
    Entry("409.11", "Biểu mẫu '{form_id}' đã có phiên bản '{version}'; phiên bản đã công bố "
          "không bao giờ thay đổi. Hãy đặt số phiên bản mới (trang settings, cột version).",
          "The form '{form_id}' already has a published version '{version}'; published "
          "versions never change, so give the new form a new version (settings sheet, column "
          "'version')."),
    Entry("409.12", "Phiên bản '{version}' không đứng sau phiên bản hiện tại '{current}' của "
          "biểu mẫu '{form_id}'. Hãy đặt số phiên bản lớn hơn (ví dụ ngày dạng 2026113001), "
          "hoặc thêm --allow-older nếu thật sự muốn dùng phiên bản này.",
          "Version '{version}' does not come after '{current}', the current version of the "
          "form '{form_id}'. Give a higher version (e.g. a date such as 2026113001), or add "
          "--allow-older if this version is really meant to become current."),
    Entry("409.13", "Trường {field} của biểu mẫu '{form_id}' có kiểu '{before}' ở phiên bản "
          "'{version}' nhưng nay là '{after}'; một trường không được đổi kiểu giữa các phiên "
          "bản. Hãy đặt tên mới cho trường mới.", "The field {field} of the form '{form_id}' "
          "was '{before}' in version '{version}' and is '{after}' now; a field may not change "
          "type between versions. Give the new field a new name."),
    Entry("409.14", "Việc cần làm số {action_id} đã đóng ({state}); không thể đóng lại lần nữa.",
          "Action {action_id} is already closed ({state}); it cannot be closed again."),
    Entry("409.60", "Thiết bị '{name}' đã bị thu hồi; không thể làm mã mới cho nó. Hãy tạo một "
          "thiết bị mới.", "The device '{name}' is revoked; no new code can be made for it. "
          "Create a new device."),
    Entry("409.61", "Mã này không còn là mã của thiết bị '{name}' (đã có mã mới). Hãy in mã "
          "mới nhất, hoặc làm một mã mới.", "This is no longer the code of the device '{name}': "
          "a newer one was made. Print the newest code, or make a new one."),
    Entry("409.62", "'{username}' còn thiết bị đang dùng ở {communes}: người này phải vẫn là "
          "cộng tác viên của các xã/phường đó. Hãy thu hồi các thiết bị đó trước.",
          "'{username}' has devices in use in {communes}: they must stay a collaborator of "
          "those communes. Revoke those devices first."),
    Entry("409.70", "Từ lúc xem trước, xã/phường {code} không còn thuộc địa bàn của bạn; chưa "
          "ghi gì. Hãy tải tệp lên lại.", "Since the preview, the commune {code} is no longer "
          "in your area; nothing was written. Upload the file again."),
    # --- 413, 429: too much --------------------------------------------------------------
    Entry("413.1", "Yêu cầu quá lớn (tối đa {limit} byte).",
          "The request is too large (at most {limit} bytes)."),
    Entry("413.70", "Tệp quá lớn (tối đa {limit} byte). Hãy chia tệp theo tỉnh.",
          "The file is too large (at most {limit} bytes). Split it by province."),
    Entry("429.1", "Quá nhiều lần dùng mã truy cập sai từ địa chỉ này. Hãy thử lại sau {seconds} "
          "giây.", "Too many wrong access keys from this address. Try again in {seconds} "
          "seconds."),
    Entry("429.2", "Đăng nhập sai quá nhiều lần. Hãy thử lại sau {seconds} giây.",
          "Too many failed sign-ins. Try again in {seconds} seconds."),
    # --- 422: a file whose content cannot be used ---------------------------------------------
    Entry("422.1", "Không chuyển được XLSForm thành biểu mẫu; hãy sửa tệp rồi công bố lại: "
          "{detail}", "The XLSForm cannot be converted; correct the file and publish it "
          "again: {detail}"),
    Entry("422.2", "Tệp không phải biểu mẫu XForm dùng được; hãy công bố một tệp XLSForm "
          "(.xlsx) hoặc XForm (.xml) hợp lệ: {detail}", "The file is not a usable XForm; "
          "publish a valid XLSForm (.xlsx) or XForm (.xml): {detail}"),
    Entry("422.3", "Biểu mẫu sẽ không chạy được trên ODK Collect; hãy sửa theo lỗi sau rồi công "
          "bố lại: {detail}", "The form would not work in ODK Collect; correct what follows "
          "and publish it again: {detail}"),
    Entry("422.4", "Các thuộc tính sangloc: của biểu mẫu không mô tả đúng công cụ sàng lọc; "
          "hãy sửa các cột bind::sangloc: theo lỗi sau: {detail}", "The form's sangloc: "
          "attributes do not describe its instrument correctly; correct its bind::sangloc: "
          "columns as follows: {detail}"),
    Entry("422.5", "Biểu mẫu '{form_id}' không có số phiên bản. Hãy ghi phiên bản (trang "
          "settings, cột version), ví dụ ngày dạng 2026113001.", "The form '{form_id}' has "
          "no version. Give it one (settings sheet, column 'version'), e.g. a date such as "
          "2026113001."),
    Entry("422.6", "Phiên bản '{version}' của biểu mẫu '{form_id}' không dùng tệp nào tên "
          "'{filename}' (tệp được dùng: {used}). Hãy kiểm tra lại tên tệp.",
          "Version '{version}' of the form '{form_id}' does not use a file named '{filename}' "
          "(it uses: {used}). Check the file name."),
    Entry("422.7", "{name} không phải bản sao lưu {backend} (cần tệp {suffix}). Hãy chọn bản "
          "sao lưu của cơ sở dữ liệu này.", "{name} is not a {backend} backup (expected a "
          "{suffix} file). Choose a backup of this database."),
    Entry("422.8", "Không đọc được {name}: {reason}. Hãy dùng một bản sao lưu khác.",
          "{name} cannot be read: {reason}. Use another backup."),
    Entry("422.9", "Chưa khôi phục gì: {name} cần {count} tệp không có trong {pool} lẫn kho "
          "tệp. Hãy mang thư mục blobs của bản sao lưu theo cùng.", "Nothing was restored: "
          "{name} references {count} file(s) found neither in {pool} nor in the blob store. "
          "Bring the backup's blobs folder along with it."),
    Entry("422.10", "Chưa khôi phục gì: trong {pool}, {count} tệp không đọc được hoặc không "
          "khớp mã băm (đã hỏng). Hãy lấy lại thư mục blobs từ một bản sao khác.",
          "Nothing was restored: in {pool}, {count} file(s) cannot be read or do not match "
          "their hash (damaged). Take the blobs folder from another copy."),
    # a population file: per-row problems of a preview (with the row), and whole-file refusals
    Entry("422.70", "Không có xã/phường mã '{code}' trong danh mục. Hãy ghi mã xã/phường 5 chữ số "
          "như trong tệp mẫu.", "There is no commune with code '{code}' in the catalogue. "
          "Write the commune's 5-digit code, as in the template."),
    Entry("422.71", "Xã/phường '{code}' không thuộc địa bàn của bạn; bạn không nhập được số của "
          "nơi này.", "The commune '{code}' is not in your area; you cannot import its "
          "numbers."),
    Entry("422.72", "Ô {column} ghi '{value}': cần một số nguyên từ 0 đến 9.999.999 (không âm, "
          "không có phần lẻ).", "The cell {column} says '{value}': a whole number from 0 to "
          "9,999,999 is needed (not negative, no fraction)."),
    Entry("422.73", "Không có cột '{column}'. Các cột dùng được: {allowed}.",
          "There is no column '{column}'. The columns are: {allowed}."),
    Entry("422.74", "Xã/phường {code}, năm {year} đã có ở dòng {first}; mỗi xã/phường chỉ ghi "
          "một dòng cho mỗi năm.", "Commune {code}, year {year} is already on row {first}; "
          "give each commune one row per year."),
    Entry("422.75", "Không đọc được năm '{value}'. Hãy ghi năm bằng 4 chữ số, từ 2000 đến 2100.",
          "The year '{value}' cannot be read. Write it with 4 digits, from 2000 to 2100."),
    Entry("422.76", "Dòng đầu của tệp thiếu cột {column}. Hãy dùng dòng đầu của tệp mẫu.",
          "The file's first row lacks the column {column}. Use the template's first row."),
    Entry("422.77", "Không đọc được tệp. Hãy tải lên tệp CSV (lưu dạng 'CSV UTF-8') hoặc XLSX, "
          "theo tệp mẫu.", "The file cannot be read. Upload a CSV (saved as 'CSV UTF-8') or "
          "XLSX file, like the template."),
    Entry("422.78", "Tệp không có dòng số liệu nào dưới dòng tiêu đề.",
          "The file has no rows of numbers under its header."),
    Entry("422.79", "Tệp có hơn {limit} dòng. Hãy chia tệp theo tỉnh hoặc theo năm.",
          "The file has more than {limit} rows. Split it by province or by year."),
    # --- 500, 503: the server could not do it ------------------------------------------------
    Entry("500.1", "Lỗi máy chủ. Phiếu chưa được lưu; hãy gửi lại sau.",
          "Server error. The submission was not saved; send it again later."),
    Entry("500.2", "Việc '{name}' thất bại (lần chạy {run_id}): {error}. Xem nhật ký máy chủ.",
          "The job '{name}' failed (run {run_id}): {error}. See the server log."),
    Entry("500.3", "Đã ghi {name}, nhưng kho tệp thiếu {count} tệp mà bản sao lưu này cần, nên "
          "sẽ không khôi phục được từ nó. Hãy tìm lại các tệp đó trong kho tệp.",
          "{name} was written, but the blob store lacks {count} file(s) it references, so its "
          "restore will refuse. Bring those files back into the blob store."),
    Entry("500.4", "Đã khôi phục cơ sở dữ liệu từ {name}, nhưng kho tệp thiếu {count} tệp mà nó "
          "cần. Hãy chép các tệp đó vào kho tệp.", "The database was restored from {name}, but "
          "the blob store lacks {count} file(s) that it references. Copy them into the blob "
          "store."),
    Entry("500.5", "{tool} thất bại (mã thoát {exit_code}): {reason}",
          "{tool} failed (exit {exit_code}): {reason}"),
    Entry("500.6", "Không sao lưu được cơ sở dữ liệu {backend}; chỉ hỗ trợ SQLite và "
          "PostgreSQL.", "A {backend} database cannot be backed up (SQLite or PostgreSQL "
          "only)."),
    Entry("500.7", "Không có tệp cơ sở dữ liệu SQLite ở {path}; chỉ sao lưu và khôi phục được "
          "một tệp SQLite.", "There is no SQLite database file at {path}; only a SQLite "
          "database file can be backed up or restored."),
    Entry("500.8", "Có lỗi trên máy chủ. Những gì bạn đã gửi trước đó không bị mất; hãy thử lại "
          "sau ít phút.", "Something went wrong on the server. Nothing sent before was lost; try "
          "again in a moment."),
    Entry("503.1", "Tệp {filename} hiện không có trên máy chủ này. Hãy thử lại sau hoặc báo "
          "điều phối viên.", "The file {filename} is not available on this server right now. "
          "Try again later or tell your coordinator."),
    Entry("503.2", "Máy chủ này không kiểm tra được biểu mẫu bằng ODK Validate; hãy cài Java 17 "
          "hoặc báo quản trị viên: {detail}", "This server cannot check the form with ODK "
          "Validate; install Java 17 or tell the administrator: {detail}"),
    Entry("503.4", "Máy chủ tạm thời không lưu được tệp đính kèm. Phiếu chưa được nhận; hãy gửi "
          "lại sau ít phút.", "The server cannot store attachments right now. The form was not "
          "received; send it again in a few minutes."),
    Entry("503.3", "Không tìm thấy {tool}. Hãy cài công cụ dòng lệnh của PostgreSQL (Debian: "
          "postgresql-client) hoặc thêm chúng vào PATH.", "{tool} not found. Install the "
          "PostgreSQL client tools (Debian: postgresql-client) or put them on PATH."),
    # --- issue 12: form drafts, publishing and managing forms on the pages
    Entry("400.80", "Hãy chọn một tệp biểu mẫu (XLSForm .xlsx, .xls, .csv, .md hoặc XForm "
          ".xml) để tải lên.", "Choose a form file (XLSForm .xlsx, .xls, .csv, .md or XForm "
          ".xml) to upload."),
    Entry("403.80", "Biểu mẫu '{form_id}' được dùng cả ở ngoài địa bàn của bạn (hoặc ở mọi "
          "nơi), nên chỉ quản trị viên mới được công bố, đổi trạng thái, giao địa bàn hay sửa "
          "bản nháp của nó. Hãy nhờ quản trị viên.", "The form '{form_id}' is used outside "
          "your area too (or everywhere), so only an administrator may publish it, change its "
          "state or areas, or change its draft. Ask an administrator."),
    Entry("403.81", "Chỉ quản trị viên mới được cho một biểu mẫu dùng ở mọi nơi. Hãy chọn ít "
          "nhất một tỉnh hoặc xã/phường trong địa bàn của bạn.", "Only an administrator may "
          "offer a form everywhere. Choose at least one province or commune of your area."),
    Entry("404.80", "Không có bản nháp số {draft_id}: có thể nó đã được công bố, bị bỏ hoặc "
          "bị thay bằng tệp tải lên sau. Hãy mở lại danh sách biểu mẫu.", "There is no draft "
          "number {draft_id}: it may have been published, discarded or replaced by a later "
          "upload. Open the list of forms again."),
    Entry("413.80", "Tệp lớn quá {limit} byte. Hãy giảm kích thước tệp (ví dụ nén ảnh) rồi tải "
          "lên lại.", "The file is larger than {limit} bytes. Make it smaller (e.g. compress "
          "the image) and upload it again."),
    Entry("422.80", "Không dùng được tệp '{filename}': biểu mẫu phải là XLSForm (.xlsx, .xlsm, "
          ".xls, .csv, .md) hoặc XForm (.xml).", "The file '{filename}' cannot be used: a "
          "form is an XLSForm (.xlsx, .xlsm, .xls, .csv, .md) or an XForm (.xml)."),
    Entry("422.81", "Biểu thức gọi hàm '{name}', nhưng ODK Collect không có hàm này. Hãy kiểm "
          "tra tên hàm (chữ hoa, chữ thường, dấu gạch) trong ô được chỉ ra.", "An expression "
          "calls the function '{name}', which ODK Collect does not have. Check the function's "
          "name (case, dashes) in the cell shown."),
    Entry("422.82", "Biểu thức trong ô được chỉ ra viết sai cú pháp (ví dụ thiếu dấu ngoặc, "
          "dấu nháy hoặc phép so sánh sai). Hãy sửa biểu thức.", "The expression in the cell "
          "shown is not written correctly (e.g. a missing bracket or quote, or a wrong "
          "comparison). Correct the expression."),
    Entry("422.83", "Biểu thức nhắc tới ${{{name}}}, nhưng trang survey không có câu hỏi nào tên "
          "'{name}'. Hãy sửa tên hoặc thêm câu hỏi đó.", "An expression refers to ${{{name}}}, "
          "but the survey sheet has no question named '{name}'. Correct the name or add the "
          "question."),
    Entry("422.84", "Tên '{name}' bị trùng: mỗi câu hỏi, nhóm hay nhóm lặp cần một tên riêng "
          "trong cùng nhóm. Hãy đổi một trong hai tên.", "The name '{name}' is used twice: "
          "each question, group or repeat needs its own name within its group. Rename one of "
          "them."),
    Entry("422.85", "Không có loại câu hỏi '{name}'. Hãy kiểm tra chính tả trong cột type "
          "(ví dụ text, integer, select_one ten_danh_sach).", "There is no question type "
          "'{name}'. Check the spelling in the type column (e.g. text, integer, select_one "
          "list_name)."),
    Entry("422.86", "Tệp '{filename}' không phải là bảng tính đọc được. Hãy mở tệp bằng Excel "
          "hoặc LibreOffice và lưu lại dạng .xlsx.", "The file '{filename}' is not a readable "
          "spreadsheet. Open it in Excel or LibreOffice and save it as .xlsx."),
    Entry("422.87", "Không chuyển được XLSForm thành biểu mẫu. Hãy sửa ô được chỉ ra (lời "
          "giải thích của pyxform ở dưới) rồi tải lên lại.", "The XLSForm cannot be converted. "
          "Correct the cell shown (pyxform's explanation is below) and upload it again."),
    Entry("422.88", "Biểu mẫu sẽ không chạy được trên ODK Collect (JavaRosa từ chối). Hãy sửa ô "
          "được chỉ ra (lời giải thích của JavaRosa ở dưới) rồi tải lên lại.", "The form "
          "would not work in ODK Collect (JavaRosa refused it). Correct the cell shown "
          "(JavaRosa's explanation is below) and upload it again."),
    # --- issue 12: test-filling a form in the browser (nothing is stored) ----------------------
    Entry("422.90", "Phiếu thử thuộc biểu mẫu '{form_id}' phiên bản '{version}', không phải "
          "biểu mẫu đang thử. Hãy tải lại trang rồi điền lại.", "The test submission belongs "
          "to form '{form_id}' version '{version}', not to the form being tried. Reload the "
          "page and fill it again."),
    Entry("422.91", "Phiếu thử này sẽ không đưa được vào hồ sơ: giá trị của trường {field} "
          "không hợp lệ (ngày không đúng dạng hoặc quá dài). Hãy sửa biểu mẫu.", "This test "
          "submission could not be added to the records: the value of {field} is not valid (a "
          "date that cannot be read, or too long). Fix the form."),
    # --- issue 12: licensed instrument texts (server/services/forms/licensed_text.py) -----
    Entry("400.100", "Biểu mẫu không có ngôn ngữ '{language}'. Hãy chọn một ngôn ngữ trong danh "
          "sách của trang.", "The form has no language '{language}'. Choose one of the page's "
          "languages."),
    Entry("403.100", "Biểu mẫu '{form_id}' được dùng cả ngoài địa bàn của bạn; chỉ quản trị viên "
          "nạp được nội dung cho biểu mẫu này.", "The form '{form_id}' is used outside your area "
          "too; only an administrator can load its texts."),
    Entry("404.100", "Biểu mẫu '{form_id}' không phải công cụ có bản quyền (M-CHAT-R/F, SDQ, "
          "EPDS), nên không có trang nạp nội dung.", "The form '{form_id}' is not a licensed "
          "instrument (M-CHAT-R/F, SDQ, EPDS), so it has no page for loading texts."),
    Entry("409.100", "Từ lúc xem trước, biểu mẫu '{form_id}' đã có phiên bản {current} (bản xem "
          "trước dựa trên {version}); chưa có gì thay đổi. Hãy tải tệp lên lại.",
          "Since the preview, the form '{form_id}' has a new version {current} (the preview was "
          "of {version}); nothing was changed. Upload the file again."),
    Entry("413.100", "Tệp quá lớn (tối đa {limit} byte). Tệp nội dung chỉ cần một dòng cho mỗi "
          "câu và mỗi lựa chọn.", "The file is too large (at most {limit} bytes). A text file "
          "needs only one row per item and per answer option."),
    Entry("422.100", "Dòng {row}: ghi {found}, nhưng ở vị trí này cần {expected}. Hãy giữ đúng thứ "
          "tự câu và lựa chọn của tệp mẫu.", "Row {row}: it has {found}, but {expected} belongs "
          "here. Keep the template's order of items and options."),
    Entry("422.101", "Dòng {row}: '{found}' không phải một câu của biểu mẫu này. Các câu: {keys}.",
          "Row {row}: '{found}' is not an item of this form. The items: {keys}."),
    Entry("422.102", "Dòng {row}: câu {item} không có giá trị trả lời '{found}'. Các giá trị của "
          "câu này, theo thứ tự in từ trên xuống: {expected}; dòng của câu hỏi để trống cột "
          "value.", "Row {row}: item {item} has no answer value '{found}'. This item's values, "
          "in printed order from the top: {expected}; the question's own row leaves the value "
          "column empty."),
    Entry("422.103", "Dòng {row}: {slot} đã có ở dòng {first}; mỗi câu và mỗi lựa chọn chỉ ghi "
          "một dòng.", "Row {row}: {slot} is already on row {first}; give each item and each "
          "option one row."),
    Entry("422.104", "Tệp thiếu dòng cho {slot} (dòng {row} của tệp mẫu).",
          "The file has no row for {slot} (row {row} of the template)."),
    Entry("422.105", "Dòng {row}: {slot} chưa có nội dung.", "Row {row}: {slot} has no text."),
    Entry("422.106", "Dòng {row}: nội dung của {slot} dài quá {limit} ký tự.",
          "Row {row}: the text of {slot} is longer than {limit} characters."),
    Entry("422.107", "Dòng {row}: nội dung của {slot} chứa ký tự điều khiển (như xuống dòng) "
          "hoặc định dạng (<, >, liên kết, tiêu đề #, ${{...}}). Hãy ghi chữ thường trên một "
          "dòng.", "Row {row}: the text of {slot} contains a control character (such as a line "
          "break) or markup (<, >, a link, a # heading, ${{...}}). Write plain text on one "
          "line."),
    Entry("422.108", "Dòng {row}: {slot} dùng chung danh sách lựa chọn với một câu trước đó; một "
          "lựa chọn dùng chung phải có cùng nội dung ở mọi câu.", "Row {row}: {slot} shares its "
          "list of options with an earlier item; a shared option must have the same text for "
          "every item."),
    # --- issue 12: programme settings per province (server/services/programme/settings.py) --
    Entry("400.110", "Thời hạn '{period}' phải là số ngày nguyên từ {low} đến {high} (đã ghi "
          "'{value}'). Để trống để dùng giá trị mặc định của máy chủ.", "The period '{period}' "
          "must be a whole number of days from {low} to {high} (it was '{value}'). Leave it "
          "empty for the server's default."),
    Entry("400.111", "Không có bảng ngưỡng '{table}'. Hãy chọn một trong: {tables}.",
          "There is no threshold table '{table}'. Choose one of: {tables}."),
    Entry("409.112", "Từ lúc xem trước, bảng ngưỡng của tỉnh {province} đã được người khác thay "
          "đổi; chưa có gì được lưu. Hãy xem trước lại.", "Since the preview, someone else "
          "changed the threshold table of province {province}; nothing was saved. Preview "
          "again."),
    # --- issue 12: dashboards ---------------------------------------------------------------
    Entry("400.130", "Không đọc được khoảng thời gian '{text}'. Hãy chọn một năm, một quý hoặc "
          "một tháng trong danh sách.", "The period '{text}' cannot be read. Choose a year, a "
          "quarter or a month from the list."),
    Entry("400.131", "Không có giới tính '{text}'. Hãy chọn trong danh sách hoặc để trống.",
          "There is no sex '{text}'. Choose one from the list or leave it empty."),
    Entry("400.132", "Không có nhóm tuổi '{text}'. Hãy chọn trong danh sách hoặc để trống.",
          "There is no age band '{text}'. Choose one from the list or leave it empty."),
    Entry("400.133", "Xã '{code}' không thuộc tỉnh đã chọn. Hãy chọn lại xã sau khi đổi tỉnh.",
          "The commune '{code}' is not in the chosen province. Choose the commune again after "
          "changing the province."),
    # --- issue 12: background exports --------------------------------------------------------
    Entry("400.140", "Không có loại dữ liệu xuất '{kind}'. Hãy chọn trong danh sách trên trang.",
          "There is no export of '{kind}'. Choose one from the list on the page."),
    Entry("400.141", "Không dùng được bộ lọc '{field}'. Hãy sửa lại rồi gửi lại.",
          "The filter '{field}' cannot be used. Correct it and send again."),
    Entry("409.142", "Tệp xuất này chưa làm xong. Hãy chờ thanh tiến độ đầy rồi tải về.",
          "This export is not ready yet. Wait until the progress bar is full, then download it."),
    Entry("410.143", "Tệp xuất này đã hết hạn và đã bị xóa ({days} ngày sau khi làm xong). "
          "Hãy yêu cầu xuất lại.", "This export has expired and was deleted ({days} days after "
          "it was made). Ask for the export again."),
    Entry("500.144", "Không làm được tệp xuất do lỗi trên máy chủ. Hãy yêu cầu xuất lại; nếu "
          "vẫn lỗi, hãy báo quản trị viên.", "The export could not be made because of a server "
          "error. Ask for it again; if it fails again, tell the administrator."),
    Entry("429.145", "Bạn đang có {limit} tệp xuất chờ làm. Hãy chờ các tệp đó xong rồi yêu cầu "
          "thêm.", "You already have {limit} exports waiting. Wait until they are done before "
          "asking for more."),
    Entry("413.146", "Tệp XLSX chỉ chứa được {limit} dòng. Hãy chọn CSV hoặc thu hẹp bộ lọc "
          "(thời gian, xã).", "An XLSX file holds at most {limit} rows. Choose CSV or narrow the "
          "filters (period, commune)."),
    # --- issue 13: the mobile web app (/m/) and its waiting-forms file ------------------------
    Entry("403.150", "Ứng dụng sàng lọc trên điện thoại chỉ dành cho cộng tác viên. Hãy dùng "
          "trang web sangloc để làm việc với vai trò của bạn.", "The mobile screening app is for "
          "collaborators only. Use the sangloc web pages for your role."),
    Entry("400.150", "Hãy chọn tệp phiếu chờ gửi (.json) đã xuất từ điện thoại.",
          "Choose the waiting-forms file (.json) exported from the phone."),
    Entry("400.151", "Không đọc được tệp này: đây không phải tệp JSON. Hãy chọn đúng tệp "
          "sangloc-cho-gui-....json đã xuất từ ứng dụng.", "This file cannot be read: it is not "
          "JSON. Choose the sangloc-cho-gui-....json file exported from the app."),
    Entry("400.152", "Tệp này không phải tệp phiếu chờ gửi của sangloc (định dạng "
          "sangloc-outbox, phiên bản 1). Hãy xuất lại tệp từ ứng dụng.", "This file is not a "
          "sangloc waiting-forms file (format sangloc-outbox, version 1). Export the file from "
          "the app again."),
    Entry("400.153", "Tệp không có phiếu nào chờ gửi.", "The file holds no waiting forms."),
    Entry("400.154", "Phiếu thứ {number} trong tệp thiếu hoặc sai trường '{field}'. Không phiếu "
          "nào được nhận; hãy xuất lại tệp từ ứng dụng.", "Form {number} of the file lacks a "
          "valid '{field}'. No form was taken in; export the file from the app again."),
    Entry("413.150", "Tệp lớn quá {limit} MB. Hãy gửi bớt phiếu từ điện thoại rồi xuất lại.",
          "The file is larger than {limit} MB. Send some forms from the phone, then export "
          "again."),
)

CATALOGUE: dict[str, Entry] = {entry.code: entry for entry in _ENTRIES}

#: structured detail a surface appends to a text, in this order, with its label
DETAIL_LABELS: dict[str, dict[str, str]] = {
    "vi": {"sheet": "trang tính", "row": "dòng", "field": "trường", "missing": "thiếu",
           "damaged": "hỏng"},
    "en": {"sheet": "sheet", "row": "row", "field": "field", "missing": "missing",
           "damaged": "damaged"},
}
#: how many items of a listed detail (e.g. missing blobs) a one-line text shows
LISTED = 10
MORE = {"vi": "và {count} tệp khác", "en": "and {count} more"}
