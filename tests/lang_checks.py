"""Checks that a Chinese text is Chinese: no English words left but the abbreviations clinicians use as is.

Used by every test that renders something in Chinese (plan, questions, reminders, course, errors), so a
sentence that escaped the catalogs shows up wherever it is said.
"""

from __future__ import annotations

import re

KEPT = {
    # scores, stages, criteria and their parts
    "TACE",
    "cTACE",
    "DEB",
    "HCC",
    "ICC",
    "PVTT",
    "Vp",
    "Child",
    "Pugh",
    "ALBI",
    "mALBI",
    "MELD",
    "Na",
    "BCLC",
    "CNLC",
    "ECOG",
    "mRECIST",
    "RECIST",
    "CR",
    "PR",
    "SD",
    "PD",
    "ART",
    "HAP",
    "AFP",
    "AST",
    "INR",
    "JSH",
    "EASL",
    "AASLD",
    "NCCN",
    "ESMO",
    "HAIC",
    "CT",
    "MRI",
    "DSA",
    "CBCT",
    "MDT",
    "UCSF",
    "up",
    "to",
    "seven",
    "Milan",
    "eGFR",
    "CKD",
    "EPI",
    "Cockcroft",
    "Gault",
    "CrCl",
    "SIR",
    "CTCAE",
    "TIPS",
    "SBRT",
    "RFA",
    "MWA",
    "ICI",
    "IIIa",
    "IIIb",
    "Ia",
    "Ib",
    "IIa",
    "IIb",
    "IV",
    "A",
    "B",
    "C",
    "D",
    "P",
    "BSC",
    "BMI",
    "WBC",
    "PLT",
    "ALT",
    "MELD-Na",
    "Sieghart",
    "Kudo",
    "Ogasawara",
    # drugs
    "doxorubicin",
    "epirubicin",
    "idarubicin",
    "cisplatin",
    "mitomycin",
    "oxaliplatin",
    "lipiodol",
    "Lipiodol",
    "lenvatinib",
    "sorafenib",
    "regorafenib",
    "cabozantinib",
    "ramucirumab",
    "donafenib",
    "apatinib",
    "atezolizumab",
    "bevacizumab",
    "durvalumab",
    "tremelimumab",
    "nivolumab",
    "ipilimumab",
    "pembrolizumab",
    "camrelizumab",
    "sintilimab",
    "tislelizumab",
    "rivoceranib",
    "FOLFOX",
    # units
    "umol",
    "µmol",
    "mg",
    "dL",
    "g",
    "L",
    "U",
    "mL",
    "min",
    "cm",
    "mm",
    "ng",
    "kg",
    "mmol",
    "µmol/L",
    # the names of the two languages on the language buttons
    "English",
}
"""Latin-letter words a Chinese sentence may contain (docs/glossary.md: kept as clinicians write them)."""

CITED = {
    # authors, journals and trials a citation names, and abbreviations written as they are
    "Am", "J", "Transplant", "Brown", "CheckMate", "Hepatology", "JCO", "JVIR", "LEGACY", "Lancet",
    "Mazzaferro", "Merion", "Salem", "Sangro", "Yao", "Li", "Lyu", "EMERALD", "LEAP", "Harrison",
    "Pugh", "TARE", "LVEF", "HBV", "HBsAg", "LCSGJ", "SI", "x",
}  # fmt: skip
"""Latin words a Chinese plan may hold besides the kept abbreviations: what its citations name."""

_WORD = re.compile(r"(?<![/\w=])[A-Za-z][A-Za-z'-]*[A-Za-z]|(?<![/\w=])[A-Za-z](?![\w=])")
_SKIP = re.compile(
    r"/[a-z_]+"  # commands: /quick, /done
    r"|\b[a-z_]+=[\x21-\x7e]*"  # quick-check keys: ast=48, on=2026-11-01 (ASCII only: Chinese
    # has no spaces, so a Chinese word glued after a value is still checked)
    r"|<[^>]+>"  # HTML tags of the Telegram rendering
    r"|https?://\S+"
    r"|[\x21-\x7e]*\d[\x21-\x7e]*"  # anything ASCII with a digit: values, dates, bed7, P9
)


def english_words(text: str, allowed: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """The English words in `text` that are neither kept abbreviations nor in `allowed` (labels, say)."""
    stripped = _SKIP.sub(" ", text)
    found = []
    for word in _WORD.findall(stripped):
        parts = [p for p in re.split(r"[-']", word) if p]
        if word in KEPT or word in allowed or all(p in KEPT or p in allowed for p in parts):
            continue
        found.append(word)
    return found


def assert_chinese(text: str, allowed: set[str] | frozenset[str] = frozenset()) -> None:
    """Fail with the English words and their line when a Chinese text still has any."""
    lines = [
        f"{words} in: {line}"
        for line in text.splitlines()
        if (words := english_words(line, allowed))
    ]
    assert not lines, "English left in a Chinese text:\n" + "\n".join(lines)
