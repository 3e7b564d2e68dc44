// i18n.js — the app's own words in Vietnamese (the default) and English, and the language
// switch. Every string the app shows comes from here; t(key, {name: value}) fills {name}.
// The chosen language is kept in localStorage ("sangloc.lang"); <html lang> follows it.
// Exports: LANGUAGES, language(), setLanguage(code), t(key, values?), formatDateTime(iso|Date)

export const LANGUAGES = ["vi", "en"];
const KEY = "sangloc.lang";

const STRINGS = {
  vi: {
    app_name: "Sàng lọc",
    other_language: "EN",
    other_language_name: "English",
    loading: "Đang tải…",
    online: "Có mạng",
    offline: "Không có mạng",
    // sign-in
    signin_title: "Đăng nhập",
    signin_intro: "Dành cho cộng tác viên. Đăng nhập một lần khi có mạng; sau đó ứng dụng dùng được khi không có mạng.",
    username: "Tên đăng nhập",
    password: "Mật khẩu",
    signin: "Đăng nhập",
    signin_wrong: "Sai tên đăng nhập hoặc mật khẩu.",
    signin_offline: "Cần có mạng để đăng nhập lần đầu.",
    signin_failed: "Không đăng nhập được. Hãy thử lại.",
    signin_again_title: "Đăng nhập lại",
    signin_again_intro: "Phiên đăng nhập của {name} đã hết hạn hoặc bị thu hồi. Hãy đăng nhập lại để tiếp tục: biểu mẫu chờ gửi, bản nháp, danh sách người dân và kết quả vẫn được giữ trên máy.",
    signin_again_other: "Máy này đang giữ dữ liệu của {name}. Hãy đăng nhập bằng tài khoản {name}, hoặc đăng xuất trước (biểu mẫu chờ gửi vẫn được giữ).",
    signin_again_signout: "Đăng xuất",
    device_link: "Đang kết nối thiết bị…",
    device_failed: "Liên kết thiết bị không dùng được (có thể đã bị thu hồi). Hãy hỏi điều phối viên một liên kết mới, hoặc đăng nhập.",
    // tabs
    tab_home: "Trang chủ",
    tab_people: "Người dân",
    tab_forms: "Biểu mẫu",
    tab_drafts: "Nháp",
    tab_outbox: "Chờ gửi",
    tab_results: "Kết quả",
    // home
    hello: "Xin chào, {name}",
    commune: "Xã: {name}",
    waiting_forms: "Biểu mẫu chờ gửi",
    drafts_count: "Bản nháp",
    sync_now: "Đồng bộ ngay",
    sync_idle: "Sẵn sàng",
    sync_syncing: "Đang đồng bộ…",
    sync_offline: "Không có mạng — sẽ gửi khi có mạng",
    sync_error: "Đồng bộ lỗi — sẽ thử lại",
    sync_done: "Đã đồng bộ: {sent} đã gửi, {rejected} bị từ chối",
    last_sync: "Lần đồng bộ cuối: {when}",
    never_synced: "Chưa đồng bộ lần nào",
    persist_granted: "Dữ liệu được giữ an toàn trên máy (trình duyệt sẽ không tự xoá).",
    persist_denied: "Trình duyệt chưa cho giữ dữ liệu lâu dài: hãy gửi hoặc xuất biểu mẫu chờ gửi thường xuyên.",
    persist_unknown: "Không biết trình duyệt có giữ dữ liệu lâu dài không.",
    export_waiting: "Xuất biểu mẫu chờ gửi ra tệp",
    export_none: "Không có biểu mẫu nào chờ gửi.",
    export_done: "Đã xuất {count} biểu mẫu vào tệp {file}.",
    import_waiting: "Nhập tệp biểu mẫu chờ gửi (từ máy khác)",
    import_done: "Đã nhập {added} biểu mẫu; bỏ qua {skipped}; không hợp lệ {invalid}.",
    import_failed: "Không đọc được tệp: {reason}",
    rejected_forms: "Bị máy chủ từ chối",
    filled_by: "Do {name} điền",
    rejected_open: "Xem lý do trong Chờ gửi",
    others_waiting: "{count} phiếu của {name} đang chờ",
    others_note: "Các phiếu này do {name} điền; ứng dụng không tự gửi chúng bằng tài khoản của bạn.",
    others_send: "Gửi bằng tài khoản của tôi",
    others_export: "Xuất ra tệp",
    others_confirm_title: "Gửi phiếu của {name}?",
    others_confirm_text: "Máy chủ sẽ ghi nhận bạn ({me}) là người gửi {count} phiếu do {name} điền.",
    others_confirm_yes: "Gửi bằng tài khoản của tôi",
    signout: "Đăng xuất",
    signout_title: "Còn dữ liệu chưa gửi",
    signout_text: "Còn {waiting} biểu mẫu chờ gửi và {drafts} bản nháp trên máy này. Đăng xuất sẽ xoá bản nháp và danh sách người dân; biểu mẫu chờ gửi vẫn được giữ lại trên máy cho lần đăng nhập sau. Nên xuất biểu mẫu chờ gửi ra tệp trước.",
    signout_export: "Xuất ra tệp trước",
    signout_anyway: "Vẫn đăng xuất",
    cancel: "Huỷ",
    new_version: "Có phiên bản mới của ứng dụng.",
    reload: "Tải lại",
    // forms
    forms_title: "Biểu mẫu",
    forms_none: "Chưa có biểu mẫu. Hãy đồng bộ khi có mạng.",
    forms_for: "Biểu mẫu cho: {name}",
    new_person_form: "Chọn biểu mẫu (người mới)",
    version: "phiên bản {version}",
    // people
    people_title: "Người dân",
    people_search: "Tìm theo tên",
    people_none: "Không tìm thấy ai.",
    people_due: "Cần làm trước",
    people_all: "Tất cả",
    people_more: "Còn {count} người nữa — hãy gõ tên để tìm.",
    born: "Sinh {date}",
    due_on: "hạn {date}",
    overdue: "quá hạn",
    urgent: "khẩn",
    mine: "giao cho tôi",
    start_form: "Làm biểu mẫu",
    back: "Quay lại",
    // drafts
    drafts_title: "Bản nháp",
    drafts_none: "Không có bản nháp.",
    continue: "Làm tiếp",
    discard: "Xoá",
    discard_draft_confirm: "Xoá bản nháp này? Không lấy lại được.",
    saved_at: "Lưu lúc {when}",
    // outbox
    outbox_title: "Chờ gửi",
    outbox_none: "Không có biểu mẫu nào chờ gửi.",
    waiting: "Chờ gửi",
    rejected: "Bị từ chối",
    reason: "Lý do: {reason}",
    attempts: "Đã thử {count} lần",
    retry: "Gửi lại",
    discard_outbox_confirm: "Xoá biểu mẫu này khỏi hàng chờ? Nó sẽ không bao giờ được gửi và không lấy lại được.",
    // results
    results_title: "Kết quả đã gửi",
    results_none: "Chưa có kết quả.",
    accepted: "Đã nhận",
    duplicate: "Đã có (gửi trùng)",
    // form screen
    form_finish: "Hoàn thành",
    form_save_exit: "Lưu nháp và thoát",
    form_loading: "Đang mở biểu mẫu…",
    form_failed: "Không mở được biểu mẫu: {reason}",
    form_queued: "Đã lưu vào hàng chờ gửi.",
    form_invalid: "Biểu mẫu còn câu trả lời thiếu hoặc sai (đánh dấu đỏ).",
    draft_saved: "Đã lưu nháp.",
    person_label: "Người được sàng lọc: {name}",
    unknown: "không rõ",
  },
  en: {
    app_name: "Screening",
    other_language: "VI",
    other_language_name: "Tiếng Việt",
    loading: "Loading…",
    online: "Online",
    offline: "Offline",
    signin_title: "Sign in",
    signin_intro: "For collaborators. Sign in once while online; the app then works with no network.",
    username: "Username",
    password: "Password",
    signin: "Sign in",
    signin_wrong: "Wrong username or password.",
    signin_offline: "The first sign-in needs a network.",
    signin_failed: "Could not sign in. Try again.",
    signin_again_title: "Sign in again",
    signin_again_intro: "The sign-in of {name} has expired or was revoked. Sign in again to go on: the waiting forms, drafts, people list and results are kept on this phone.",
    signin_again_other: "This phone holds the data of {name}. Sign in as {name}, or sign out first (the waiting forms are kept).",
    signin_again_signout: "Sign out",
    device_link: "Linking this device…",
    device_failed: "The device link does not work (it may have been revoked). Ask the coordinator for a new link, or sign in.",
    tab_home: "Home",
    tab_people: "People",
    tab_forms: "Forms",
    tab_drafts: "Drafts",
    tab_outbox: "Waiting",
    tab_results: "Results",
    hello: "Hello, {name}",
    commune: "Commune: {name}",
    waiting_forms: "Forms waiting to be sent",
    drafts_count: "Drafts",
    sync_now: "Sync now",
    sync_idle: "Ready",
    sync_syncing: "Syncing…",
    sync_offline: "Offline — forms go when the network returns",
    sync_error: "Sync failed — will retry",
    sync_done: "Synced: {sent} sent, {rejected} rejected",
    last_sync: "Last sync: {when}",
    never_synced: "Never synced",
    persist_granted: "Data is kept safe on this phone (the browser will not clear it by itself).",
    persist_denied: "The browser has not agreed to keep the data: send or export waiting forms often.",
    persist_unknown: "Unknown whether the browser keeps the data.",
    export_waiting: "Export waiting forms to a file",
    export_none: "No forms are waiting.",
    export_done: "Exported {count} forms to {file}.",
    import_waiting: "Import a file of waiting forms (from another phone)",
    import_done: "Imported {added} forms; skipped {skipped}; invalid {invalid}.",
    import_failed: "Could not read the file: {reason}",
    rejected_forms: "Refused by the server",
    filled_by: "Filled by {name}",
    rejected_open: "See why in Waiting",
    others_waiting: "{count} forms of {name} waiting",
    others_note: "These forms were filled by {name}; the app does not send them under your account by itself.",
    others_send: "Send under my account",
    others_export: "Export to a file",
    others_confirm_title: "Send the forms of {name}?",
    others_confirm_text: "The server will record you ({me}) as the sender of {count} forms filled by {name}.",
    others_confirm_yes: "Send under my account",
    signout: "Sign out",
    signout_title: "Unsent data",
    signout_text: "{waiting} forms are waiting to be sent and {drafts} drafts are on this phone. Signing out deletes the drafts and the people list; the waiting forms stay on this phone for the next sign-in. Export the waiting forms to a file first.",
    signout_export: "Export to a file first",
    signout_anyway: "Sign out anyway",
    cancel: "Cancel",
    new_version: "A new version of the app is available.",
    reload: "Reload",
    forms_title: "Forms",
    forms_none: "No forms yet. Sync while online.",
    forms_for: "Forms for: {name}",
    new_person_form: "Choose a form (new person)",
    version: "version {version}",
    people_title: "People",
    people_search: "Search by name",
    people_none: "Nobody found.",
    people_due: "Due first",
    people_all: "Everyone",
    people_more: "{count} more — type a name to search.",
    born: "Born {date}",
    due_on: "due {date}",
    overdue: "overdue",
    urgent: "urgent",
    mine: "assigned to me",
    start_form: "Fill a form",
    back: "Back",
    drafts_title: "Drafts",
    drafts_none: "No drafts.",
    continue: "Continue",
    discard: "Discard",
    discard_draft_confirm: "Discard this draft? It cannot be recovered.",
    saved_at: "Saved {when}",
    outbox_title: "Waiting",
    outbox_none: "No forms are waiting.",
    waiting: "Waiting",
    rejected: "Rejected",
    reason: "Reason: {reason}",
    attempts: "Tried {count} times",
    retry: "Send again",
    discard_outbox_confirm: "Remove this form from the queue? It will never be sent and cannot be recovered.",
    results_title: "Results sent",
    results_none: "No results yet.",
    accepted: "Received",
    duplicate: "Already received (duplicate)",
    form_finish: "Finish",
    form_save_exit: "Save draft and exit",
    form_loading: "Opening the form…",
    form_failed: "The form could not be opened: {reason}",
    form_queued: "Queued to be sent.",
    form_invalid: "Some answers are missing or wrong (marked red).",
    draft_saved: "Draft saved.",
    person_label: "Person screened: {name}",
    unknown: "unknown",
  },
};

let current = readChoice();

function readChoice() {
  try {
    const chosen = localStorage.getItem(KEY);
    return LANGUAGES.includes(chosen) ? chosen : "vi";
  } catch (error) {
    return "vi";
  }
}

export function language() {
  return current;
}

export function setLanguage(code) {
  current = LANGUAGES.includes(code) ? code : "vi";
  try {
    localStorage.setItem(KEY, current);
  } catch (error) { /* private mode: the choice lasts this visit */ }
  document.documentElement.lang = current;
}

export function t(key, values) {
  const text = STRINGS[current][key] ?? STRINGS.vi[key] ?? key;
  return values ? text.replace(/\{(\w+)\}/g, (whole, name) =>
    (values[name] === undefined ? whole : String(values[name]))) : text;
}

function two(n) {
  return String(n).padStart(2, "0");
}

/** dd/mm/yyyy hh:mm in the phone's time zone. */
export function formatDateTime(value) {
  if (!value) return "";
  const when = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(when.getTime())) return "";
  return `${two(when.getDate())}/${two(when.getMonth() + 1)}/${when.getFullYear()} `
    + `${two(when.getHours())}:${two(when.getMinutes())}`;
}
