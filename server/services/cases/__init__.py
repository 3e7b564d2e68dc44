"""Persons and their cases: the register, case work, reads, re-scoring, exports, the case list
sent to devices and the sync feed. Every read is scoped to the caller's communes."""
