"""Threshold tables: named, versioned band limits and cut-offs, kept as data.

Two tables exist, ``international@2`` and ``vietnam@2`` (instruments.md §11.4). Each maps an
instrument id to a :class:`ThresholdEntry`: for every scale the lowest score of each band, in
ascending order, plus (where the instrument has one) a screen-positive cut-off with what a
positive result means. The bands are the instruments' own published severity bands and are the
same in both tables; what a table changes is its cut-offs (a Vietnamese validation gives a
cut-off for screening, not new severity bands). Every result reports its band, the cut-off of
the table in force (``screen_positive``) and every table's cut-off result side by side
(``cutoffs``, built in ``context.make_result``). Where no Vietnamese cut-off was found, the
Vietnamese table holds an explicit copy of the international entry with
``fallback_from="international@2"``, so every result can say whose numbers it used. Version 2:
the Vietnamese SRQ-20 and EPDS cut-offs no longer move the bands (version 1 did, and labelled an
EPDS total of 4 "possible depression").

:func:`check_tables` runs at import: every instrument with bands has an entry in every table,
each entry covers the whole score range with exactly the instrument's band ids, and cut-offs sit
where they must. A broken table stops the import (``thresholds_incomplete``).

This module holds numbers and sources only. It must not read answers, compute totals or raise
flags; the instrument modules do that.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType

from screening_tools.errors import ScoringError

#: ((lowest score of the band, band id), ...) in ascending order of score
Bands = tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class ThresholdEntry:
    """Band limits per scale (``"total"``, SDQ subscales, ``"impact"``) and an optional cut-off."""

    bands: Mapping[str, Bands]
    cutoff: int | None
    source: str
    fallback_from: str | None = None
    cutoff_meaning: str = ""  # what a result at or above the cut-off means
    cutoff_of: str = "total"  # the score the cut-off applies to (M-CHAT-R/F: the Follow-Up)


@dataclass(frozen=True)
class ThresholdTable:
    """A named, versioned set of entries, one per instrument id."""

    name: str
    version: int
    entries: Mapping[str, ThresholdEntry]

    @property
    def label(self) -> str:
        """``name@version``, as results report it."""
        return f"{self.name}@{self.version}"


# --- what each instrument's entry must look like: scale -> (maximum score, band ids) ---------
MCHAT_BANDS = ("low", "medium", "high")
SDQ_BANDS = ("normal", "borderline", "abnormal")
PHQ_BANDS = ("none_minimal", "mild", "moderate", "moderately_severe", "severe")
GAD_BANDS = ("minimal", "mild", "moderate", "severe")
SRQ_BANDS = ("below_cutoff", "above_cutoff")
EPDS_BANDS = ("low", "possible_depression", "probable_depression")
MOH_BANDS = ("step1_negative", "step1_positive")

_SDQ_SCALES = {
    "total": (40, SDQ_BANDS),
    "emotional": (10, SDQ_BANDS),
    "conduct": (10, SDQ_BANDS),
    "hyperactivity": (10, SDQ_BANDS),
    "peer": (10, SDQ_BANDS),
    "prosocial": (10, SDQ_BANDS),
}

SHAPES: dict[str, dict[str, tuple[int, tuple[str, ...]]]] = {
    "mchat_r": {"total": (20, MCHAT_BANDS)},
    "mchat_rf": {"total": (20, MCHAT_BANDS)},
    "sdq_p4_17": {**_SDQ_SCALES, "impact": (10, SDQ_BANDS)},
    "sdq_p2_4": dict(_SDQ_SCALES),  # no 2-4 impact band was found (instruments.md §3)
    "phq9": {"total": (27, PHQ_BANDS)},
    "phqa": {"total": (27, PHQ_BANDS)},
    "gad7": {"total": (21, GAD_BANDS)},
    "srq20": {"total": (20, SRQ_BANDS)},
    "epds": {"total": (30, EPDS_BANDS)},
    "moh_asd_signs": {"total": (6, MOH_BANDS)},
}

#: instruments whose entry must carry a cut-off (and say what a positive result means)
NEEDS_CUTOFF = frozenset({"mchat_rf", "phq9", "gad7", "srq20", "epds"})

# --- international@2 -------------------------------------------------------------------------
_MCHAT = ((0, "low"), (3, "medium"), (8, "high"))
_PHQ = (
    (0, "none_minimal"),
    (5, "mild"),
    (10, "moderate"),
    (15, "moderately_severe"),
    (20, "severe"),
)


def _sdq(
    total: tuple[int, int], emo: int, con: int, hyp: int, peer: int, pro: int
) -> dict[str, Bands]:
    """SDQ 3-band limits: ``total`` = (first borderline, first abnormal); for each subscale the
    one borderline score (the next score starts abnormal; for prosocial, normal)."""
    return {
        "total": ((0, "normal"), (total[0], "borderline"), (total[1], "abnormal")),
        "emotional": ((0, "normal"), (emo, "borderline"), (emo + 1, "abnormal")),
        "conduct": ((0, "normal"), (con, "borderline"), (con + 1, "abnormal")),
        "hyperactivity": ((0, "normal"), (hyp, "borderline"), (hyp + 1, "abnormal")),
        "peer": ((0, "normal"), (peer, "borderline"), (peer + 1, "abnormal")),
        "prosocial": ((0, "abnormal"), (pro, "borderline"), (pro + 1, "normal")),
    }


_SRQ = ((0, "below_cutoff"), (8, "above_cutoff"))
_EPDS = ((0, "low"), (10, "possible_depression"), (13, "probable_depression"))

_MOH_ENTRY = ThresholdEntry(
    bands={"total": ((0, "step1_negative"), (1, "step1_positive"))},
    cutoff=None,
    source="QĐ 2254/QĐ-BYT (07/05/2021) Bước 1: any warning sign present -> refer to step 2. "
    "A national rule with no international counterpart: the same entry in every table.",
)

_INTERNATIONAL = {
    "mchat_r": ThresholdEntry(
        bands={"total": _MCHAT},
        cutoff=None,
        source="Low 0-2 / Medium 3-7 / High 8-20: https://mchatscreen.com/mchat-rf/scoring",
    ),
    "mchat_rf": ThresholdEntry(
        bands={"total": _MCHAT},
        cutoff=2,
        source="initial bands as mchat_r; Follow-Up >= 2 items FAIL = screen positive "
        "(mchatscreen.com scoring page; Robins et al. 2014)",
        cutoff_meaning="screen positive after the Follow-Up: refer for diagnostic evaluation",
        cutoff_of="followup_score",
    ),
    "sdq_p4_17": ThresholdEntry(
        bands={
            **_sdq((14, 17), 4, 3, 6, 3, 5),
            "impact": ((0, "normal"), (1, "borderline"), (2, "abnormal")),
        },
        cutoff=None,
        source="original 3-band parent table: Aoki et al. 2021 BMC Psychiatry 21:218 Table 2 "
        "(UK); prosocial 6-10/5/0-4 BMC Pediatrics 2023 Table 2; impact 0/1/2-10 public "
        "scoring tables (instruments.md §3)",
    ),
    "sdq_p2_4": ThresholdEntry(
        bands=_sdq((13, 16), 3, 4, 6, 3, 6),
        cutoff=None,
        source="provisional 2-4 bands: BMC Pediatrics 2023 Table 2 (instruments.md §3)",
    ),
    "phq9": ThresholdEntry(
        bands={"total": _PHQ},
        cutoff=10,
        source="severity 0-4/5-9/10-14/15-19/20-27 and >= 10 screen positive for major "
        "depression: camcops phq9.py / phq9.rst (Kroenke 2001)",
        cutoff_meaning="screen positive for major depression",
    ),
    "phqa": ThresholdEntry(
        bands={"total": _PHQ},
        cutoff=None,
        source="same bands as PHQ-9: GLAD-PC 'Scoring the PHQ-9 Modified for Teens'",
    ),
    "gad7": ThresholdEntry(
        bands={"total": ((0, "minimal"), (5, "mild"), (10, "moderate"), (15, "severe"))},
        cutoff=10,
        source="0-4/5-9/10-14/15-21 and >= 10 refer for further evaluation: camcops gad7.py "
        "(Spitzer 2006; Kroenke 2010)",
        cutoff_meaning="further evaluation for an anxiety disorder",
    ),
    "srq20": ThresholdEntry(
        bands={"total": _SRQ},
        cutoff=8,
        source="7/8 (>= 8 probable case), the widely used cut-off of the WHO user's guide "
        "(WHO/MNH/PSF/94.8)",
        cutoff_meaning="probable common mental disorder (a clinical assessment follows)",
    ),
    "epds": ThresholdEntry(
        bands={"total": _EPDS},
        cutoff=13,
        source=">= 10 possible, >= 13 probable depression: camcops epds.py (Cox et al. 1987)",
        cutoff_meaning="probable depression",
    ),
    "moh_asd_signs": _MOH_ENTRY,
}

INTERNATIONAL = ThresholdTable("international", 2, MappingProxyType(_INTERNATIONAL))


# --- vietnam@2 ---------------------------------------------------------------------------------
def _fallback(instrument_id: str, reason: str) -> ThresholdEntry:
    """The international entry, explicitly marked as borrowed, with the reason why."""
    return replace(
        _INTERNATIONAL[instrument_id],
        source=f"no Vietnamese cut-off: {reason}",
        fallback_from=INTERNATIONAL.label,
    )


_VIETNAM = {
    "mchat_r": _fallback("mchat_r", "Cà Mau 2022 used the international cut-offs"),
    "mchat_rf": _fallback("mchat_rf", "Cà Mau 2022 used the international cut-offs"),
    "sdq_p4_17": _fallback("sdq_p4_17", "no Vietnamese norms (Dang, Nguyen & Weiss 2017)"),
    "sdq_p2_4": _fallback("sdq_p2_4", "no Vietnamese norms for the 2-4 version"),
    "phq9": ThresholdEntry(
        bands={"total": _PHQ},
        cutoff=4,
        source="cut-off 4 (read as >= 4, UNVERIFIED) vs SCID-5, n=506 primary care, East Asian "
        "Arch Psychiatry 2023 (PMID 37400228); no Vietnamese severity bands, so the "
        "international severity bands are reused unchanged",
        cutoff_meaning="screen positive for depression (Vietnamese primary-care cut-off)",
    ),
    "phqa": _fallback("phqa", "no Vietnamese PHQ-A validation found"),
    "gad7": _fallback("gad7", "no Vietnamese criterion validation found"),
    "srq20": ThresholdEntry(
        bands={"total": _SRQ},
        cutoff=7,
        source="6/7 (>= 7), community sample n=485, Giang, Allebeck, Kullgren & Tuan 2006 Int J "
        "Soc Psychiatry 52(2):175-184; used by the 2019 national survey (choice UNVERIFIED: "
        "Tuan 2004 found 7/8 in 66 rural women); the band stays the WHO guide's 7/8",
        cutoff_meaning="probable common mental disorder (Vietnamese community cut-off)",
    ),
    "epds": ThresholdEntry(
        bands={"total": _EPDS},
        cutoff=4,
        source="EPDS-V >= 4 for common perinatal mental disorders (Tran et al. 2011 J Affect "
        "Disord 133:281-293; targets depression AND anxiety); the bands stay Cox et al.'s "
        "(>= 13 probable depression, also used in Huế 2015, PMC4590693)",
        cutoff_meaning="possible common perinatal mental disorder (depression or anxiety); an "
        "assessment, not a diagnosis",
    ),
    "moh_asd_signs": _MOH_ENTRY,
}

VIETNAM = ThresholdTable("vietnam", 2, MappingProxyType(_VIETNAM))

#: table name -> table; ``score(..., thresholds=NAME)`` picks one
THRESHOLD_TABLES: Mapping[str, ThresholdTable] = MappingProxyType(
    {table.name: table for table in (INTERNATIONAL, VIETNAM)}
)

#: SRQ-20 totals always reported side by side, whatever table is chosen (instruments.md §7):
#: (extra key, lowest positive total, source)
SRQ20_REPORTED_CUTOFFS: tuple[tuple[str, int, str], ...] = (
    ("ge8", 8, "7/8: WHO user's guide; Tuan, Harpham & Huong 2004; Richardson et al. 2010"),
    ("ge7", 7, "6/7: Giang et al. 2006, community sample"),
    ("ge6", 6, "5/6: Giang et al. 2006, district-hospital sample"),
)


def get_table(name: str) -> ThresholdTable:
    """The table called ``name`` or ``name@version``; else ``unknown_thresholds``."""
    if isinstance(name, str):
        base, _, version = name.partition("@")
        table = THRESHOLD_TABLES.get(base)
        if table is not None and version in ("", str(table.version)):
            return table
    raise ScoringError("unknown_thresholds", message=f"unknown threshold table {name!r}")


def band_for(bands: Bands, score: int | None) -> str | None:
    """The band holding ``score`` (``None`` for a missing score)."""
    if score is None:
        return None
    found = None
    for lowest, band in bands:
        if score >= lowest:
            found = band
    return found


def check_tables(tables: Mapping[str, ThresholdTable] = THRESHOLD_TABLES) -> None:
    """Refuse (``thresholds_incomplete``) any table that does not fit :data:`SHAPES`."""
    for table in tables.values():
        if set(table.entries) != set(SHAPES):
            missing = sorted(set(SHAPES) ^ set(table.entries))
            _broken(table, f"entries differ from the instruments: {missing}")
        for instrument_id, entry in table.entries.items():
            _check_entry(table, instrument_id, entry)


def _check_entry(table: ThresholdTable, instrument_id: str, entry: ThresholdEntry) -> None:
    shape = SHAPES[instrument_id]
    where = f"{table.label}:{instrument_id}"
    if set(entry.bands) != set(shape):
        _broken(table, f"{where} scales {sorted(entry.bands)} != {sorted(shape)}")
    for scale, (maximum, band_ids) in shape.items():
        _check_bands(table, f"{where}.{scale}", entry.bands[scale], maximum, band_ids)
    has_cutoff = entry.cutoff is not None
    if has_cutoff != (instrument_id in NEEDS_CUTOFF):
        _broken(table, f"{where} cut-off present={has_cutoff} is wrong")
    if has_cutoff and not 0 < entry.cutoff <= shape["total"][0]:
        _broken(table, f"{where} cut-off {entry.cutoff} out of range")
    if has_cutoff and not entry.cutoff_meaning:
        _broken(table, f"{where} does not say what its cut-off means")
    if not entry.source:
        _broken(table, f"{where} has no source")


def _check_bands(
    table: ThresholdTable, where: str, bands: Bands, maximum: int, band_ids: tuple[str, ...]
) -> None:
    lows = [lowest for lowest, _ in bands]
    if not lows or lows[0] != 0 or lows != sorted(set(lows)) or lows[-1] > maximum:
        _broken(table, f"{where} limits {lows} do not cover 0-{maximum} in ascending order")
    if sorted(band for _, band in bands) != sorted(band_ids):
        _broken(table, f"{where} band ids are not exactly {band_ids}")


def _broken(table: ThresholdTable, detail: str) -> None:
    raise ScoringError("thresholds_incomplete", message=f"{table.label}: {detail}")


check_tables()
