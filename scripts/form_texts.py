"""The item-text tables of the bundled instruments, Vietnamese and English.

Full item text only for the instruments that may be shipped (PHQ-9, PHQ-A, GAD-7, SRQ-20 and the
QĐ 2254/QĐ-BYT warning signs): each table holds ``(key, Vietnamese, English)`` per item. For the
licensed instruments (M-CHAT-R/F, SDQ, EPDS) only the copyright notice is kept here; their items
get neutral placeholder labels (scripts/form_instruments.py). Also the shared instrument notes:
the safety alerts, the Pfizer credit and the adult PHQ/GAD stem and difficulty question.
"""

from __future__ import annotations

from form_rows import T

SAFETY_NOTE: T = (
    "CẢNH BÁO AN TOÀN: người được hỏi có ý nghĩ về cái chết hoặc tự làm hại bản thân. Nếu có nguy "
    "cơ ngay lập tức, không để người đó ở một mình. Báo ngay cho người giám sát và trạm y tế xã để "
    "được đánh giá trong ngày, dù tổng điểm thấp.",
    "SAFETY ALERT: the person reports thoughts of death or of self-harm. If there is immediate "
    "danger, do not leave them alone. Tell the supervisor and the commune health station at once "
    "so they are assessed the same day, whatever the total score.",
)
#: PHQ-A q12 = yes: a suicide attempt at some time in the past (not a thought now)
ATTEMPT_NOTE: T = (
    "CẢNH BÁO AN TOÀN: em cho biết đã từng cố tự tử. Báo ngay cho người giám sát và trạm y tế xã "
    "để em được đánh giá trong ngày, dù tổng điểm thấp.",
    "SAFETY ALERT: a past suicide attempt is reported. Tell the supervisor and the commune health "
    "station at once so the young person is assessed the same day, whatever the total score.",
)
PFIZER_CREDIT: T = (
    "Do các bác sĩ Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke và cộng sự xây dựng, với "
    "khoản tài trợ giáo dục của Pfizer Inc. Bản tiếng Việt: bản dịch của dự án sangloc, chờ thẩm "
    "định.",
    "Developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues, with "
    "an educational grant from Pfizer Inc. Vietnamese text: the sangloc project's own "
    "translation, pending review.",
)
TWO_WEEKS_ADULT: T = (
    "Trong 2 tuần qua, bao lâu một lần anh/chị bị phiền muộn vì từng vấn đề sau đây?",
    "Over the last 2 weeks, how often have you been bothered by any of the following problems?",
)
DIFFICULTY_ADULT: T = (
    "Nếu anh/chị có gặp bất kỳ vấn đề nào kể trên, những vấn đề đó đã gây khó khăn như thế nào "
    "cho anh/chị trong công việc, chăm lo việc nhà hoặc quan hệ với người khác?",
    "If you checked off any problems, how difficult have these problems made it for you to do "
    "your work, take care of things at home, or get along with other people?",
)

PHQ9_ITEMS = (
    ("q01", "Ít hứng thú hoặc ít thấy vui khi làm mọi việc",
     "Little interest or pleasure in doing things"),
    ("q02", "Cảm thấy buồn, chán nản hoặc tuyệt vọng", "Feeling down, depressed, or hopeless"),
    ("q03", "Khó đi vào giấc ngủ, khó ngủ liền giấc hoặc ngủ quá nhiều",
     "Trouble falling or staying asleep, or sleeping too much"),
    ("q04", "Cảm thấy mệt mỏi hoặc thiếu sức lực", "Feeling tired or having little energy"),
    ("q05", "Ăn không ngon miệng hoặc ăn quá nhiều", "Poor appetite or overeating"),
    ("q06", "Cảm thấy tồi tệ về bản thân — hoặc thấy mình là người thất bại, hoặc đã làm bản thân "
     "hay gia đình thất vọng",
     "Feeling bad about yourself — or that you are a failure or have let yourself or your family "
     "down"),
    ("q07", "Khó tập trung vào việc gì đó, chẳng hạn như đọc báo hoặc xem ti vi",
     "Trouble concentrating on things, such as reading the newspaper or watching television"),
    ("q08", "Đi lại hoặc nói năng chậm chạp đến mức người khác có thể nhận thấy? Hoặc ngược lại — "
     "bồn chồn, đứng ngồi không yên đến mức đi lại nhiều hơn bình thường",
     "Moving or speaking so slowly that other people could have noticed? Or the opposite — being "
     "so fidgety or restless that you have been moving around a lot more than usual"),
    ("q09", "Có ý nghĩ rằng mình chết đi thì tốt hơn, hoặc ý nghĩ tự làm hại bản thân theo cách "
     "nào đó",
     "Thoughts that you would be better off dead or of hurting yourself in some way"),
)  # fmt: skip

GAD7_ITEMS = (
    ("q01", "Cảm thấy hồi hộp, lo âu hoặc căng thẳng", "Feeling nervous, anxious, or on edge"),
    ("q02", "Không thể ngừng lo lắng hoặc không kiểm soát được sự lo lắng",
     "Not being able to stop or control worrying"),
    ("q03", "Lo lắng quá nhiều về nhiều chuyện khác nhau",
     "Worrying too much about different things"),
    ("q04", "Khó thư giãn", "Trouble relaxing"),
    ("q05", "Bồn chồn đến mức khó ngồi yên", "Being so restless that it is hard to sit still"),
    ("q06", "Dễ bực mình hoặc cáu kỉnh", "Becoming easily annoyed or irritable"),
    ("q07", "Cảm thấy sợ hãi như thể sắp có điều gì khủng khiếp xảy ra",
     "Feeling afraid, as if something awful might happen"),
)  # fmt: skip

PHQA_ITEMS = (
    ("q01", "Cảm thấy buồn, chán nản, cáu kỉnh hoặc tuyệt vọng?",
     "Feeling down, depressed, irritable, or hopeless?"),
    ("q02", "Ít hứng thú hoặc ít thấy vui khi làm mọi việc?",
     "Little interest or pleasure in doing things?"),
    ("q03", "Khó đi vào giấc ngủ, khó ngủ liền giấc hoặc ngủ quá nhiều?",
     "Trouble falling asleep, staying asleep, or sleeping too much?"),
    ("q04", "Ăn không ngon miệng, sụt cân hoặc ăn quá nhiều?",
     "Poor appetite, weight loss, or overeating?"),
    ("q05", "Cảm thấy mệt mỏi hoặc thiếu sức lực?", "Feeling tired, or having little energy?"),
    ("q06", "Cảm thấy tồi tệ về bản thân — hoặc thấy mình là người thất bại, hoặc đã làm bản thân "
     "hay gia đình thất vọng?",
     "Feeling bad about yourself – or feeling that you are a failure, or that you have let "
     "yourself or your family down?"),
    ("q07", "Khó tập trung vào việc gì đó, như bài vở ở trường, đọc sách hoặc xem ti vi?",
     "Trouble concentrating on things like school work, reading, or watching TV?"),
    ("q08", "Đi lại hoặc nói năng chậm chạp đến mức người khác có thể nhận thấy? Hoặc ngược lại — "
     "bồn chồn, đứng ngồi không yên đến mức đi lại nhiều hơn bình thường?",
     "Moving or speaking so slowly that other people could have noticed? Or the opposite – being "
     "so fidgety or restless that you were moving around a lot more than usual?"),
    ("q09", "Có ý nghĩ rằng mình chết đi thì tốt hơn, hoặc ý nghĩ tự làm hại bản thân theo cách "
     "nào đó?",
     "Thoughts that you would be better off dead, or of hurting yourself in some way?"),
)  # fmt: skip
PHQA_YES_NO = (
    ("q10", "Trong năm qua, có phải hầu hết các ngày em đều cảm thấy chán nản hoặc buồn, dù đôi "
     "lúc em thấy bình thường?",
     "In the past year have you felt depressed or sad most days, even if you felt okay "
     "sometimes?"),
    ("q11", "Trong tháng qua, đã có lúc nào em nghĩ một cách nghiêm túc đến việc tự kết thúc cuộc "
     "sống của mình không?",
     "Has there been a time in the past month when you have had serious thoughts about ending "
     "your life?"),
    ("q12", "Trong CẢ CUỘC ĐỜI, em đã TỪNG cố tự tử hoặc có hành động tìm cách tự tử chưa?",
     "Have you EVER, in your WHOLE LIFE, tried to kill yourself or made a suicide attempt?"),
)  # fmt: skip

SRQ20_ITEMS = (
    ("q01", "Anh/chị có hay bị đau đầu không?", "Do you often have headaches?"),
    ("q02", "Anh/chị có ăn không ngon miệng không?", "Is your appetite poor?"),
    ("q03", "Anh/chị có ngủ không ngon giấc không?", "Do you sleep badly?"),
    ("q04", "Anh/chị có dễ bị giật mình hoặc sợ hãi không?", "Are you easily frightened?"),
    ("q05", "Tay anh/chị có bị run không?", "Do your hands shake?"),
    ("q06", "Anh/chị có cảm thấy hồi hộp, căng thẳng hoặc lo lắng không?",
     "Do you feel nervous, tense or worried?"),
    ("q07", "Anh/chị có bị tiêu hóa kém không?", "Is your digestion poor?"),
    ("q08", "Anh/chị có thấy khó suy nghĩ cho rõ ràng, mạch lạc không?",
     "Do you have trouble thinking clearly?"),
    ("q09", "Anh/chị có cảm thấy buồn bã không?", "Do you feel unhappy?"),
    ("q10", "Anh/chị có khóc nhiều hơn bình thường không?", "Do you cry more than usual?"),
    ("q11", "Anh/chị có thấy khó vui với các hoạt động hằng ngày của mình không?",
     "Do you find it difficult to enjoy your daily activities?"),
    ("q12", "Anh/chị có thấy khó đưa ra quyết định không?",
     "Do you find it difficult to make decisions?"),
    ("q13", "Công việc hằng ngày của anh/chị có bị sa sút không?", "Is your daily work suffering?"),
    ("q14", "Có phải anh/chị thấy mình chẳng làm được việc gì có ích trong cuộc sống?",
     "Are you unable to play a useful part in life?"),
    ("q15", "Anh/chị có mất hứng thú với mọi việc không?", "Have you lost interest in things?"),
    ("q16", "Anh/chị có cảm thấy mình là người vô dụng không?",
     "Do you feel that you are a worthless person?"),
    ("q17", "Trong 30 ngày qua, anh/chị có nghĩ đến việc tự kết thúc cuộc sống của mình không?",
     "Has the thought of ending your life been on your mind?"),
    ("q18", "Có phải anh/chị lúc nào cũng cảm thấy mệt mỏi?", "Do you feel tired all the time?"),
    ("q19", "Anh/chị có cảm giác khó chịu ở bụng không?",
     "Do you have uncomfortable feelings in your stomach?"),
    ("q20", "Anh/chị có dễ bị mệt không?", "Are you easily tired?"),
)  # fmt: skip

# QĐ 2254/QĐ-BYT step 1 warning signs (vietnam.md §1): item key, asked from age (months), and
# the questions asking it: (field name, vi, en). A compound sign (q03, q05) is asked one part
# per question and is present when any part is (screening_tools.moh_asd, composite items).
MOH_SIGNS = (
    ("q01", 6, (("q01", "Chưa cười, ít vui thích khi được trò chuyện",
                 "No smiling or joyful response"),)),
    ("q02", 9, (("q02", "Không đáp lại bằng âm thanh, nụ cười, nét mặt",
                 "No back-and-forth sounds, smiles or expressions"),)),
    ("q03", 12, (("q03a", "Chưa bập bẹ", "No babbling"),
                 ("q03b", "Không chỉ tay, không với tay, không vẫy tay",
                  "No pointing, reaching or waving"))),
    ("q04", 16, (("q04", "Chưa nói được từ đơn", "No single words"),)),
    ("q05", 24, (("q05a", "Chưa tự nói được câu hai từ có nghĩa",
                  "No meaningful two-word phrases of the child's own"),
                 ("q05b", "Chỉ nhại lại câu của người khác, chưa tự nói câu hai từ (nhại lời "
                  "mà vẫn tự nói được câu hai từ thì không phải dấu hiệu này)",
                  "Only echoes other people's phrases, no two-word phrase of its own (echoing "
                  "alongside phrases of its own is not this sign)"))),
    ("q06", 0, (("q06", "Mất kỹ năng nói hoặc giao tiếp đã có",
                 "Loss of language or social skills, any age"),)),
)  # fmt: skip

# Copyright notices of the licensed instruments (their item text is not shipped).
MCHAT_OWNER: T = ("© 2009 Robins, Fein, & Barton. Cần giấy phép bằng văn bản của tác giả cho mọi "
                  "hình thức điện tử.",
                  "© 2009 Robins, Fein, & Barton. Any electronic format needs the authors' written "
                  "licence.")  # fmt: skip
SDQ_OWNER: T = ("© Robert Goodman / youthinmind (sdqinfo.org). Cần sự cho phép bằng văn bản của "
                "youthinmind để thu thập bằng phương tiện điện tử.",
                "© Robert Goodman / youthinmind (sdqinfo.org). Electronic collection needs "
                "youthinmind's written authorisation.")  # fmt: skip
EPDS_OWNER: T = ("© 1987 The Royal College of Psychiatrists (Cox, Holden & Sagovsky 1987). Cần sự "
                 "cho phép bằng văn bản của RCPsych để phân phối điện tử. Nạp các lựa chọn đúng "
                 "thứ tự in, từ trên xuống.",
                 "© 1987 The Royal College of Psychiatrists (Cox, Holden & Sagovsky 1987). "
                 "Electronic distribution needs RCPsych's written permission. Load each item's "
                 "options in printed order, top to bottom.")  # fmt: skip
