"""Telling people: urgent and review work is announced to the supervisors of the area.

``outbox`` decides who is told what when an action opens, and writes outbox rows in the same
unit of work; ``delivery`` sends them (e-mail over SMTP, a signed JSON webhook for an SMS or
Zalo gateway), from the scheduler, with retries. A message carries no personal data: the
commune, the kind of work, its due date and a link to the case.
"""
