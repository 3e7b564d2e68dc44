"""Fill an XForm with the real JavaRosa engine, the way ODK Collect does, from Python tests.

The engine is the JavaRosa (org.getodk:javarosa 5.1.0) bundled in the ODK Validate jar that ships
inside the pyxform wheel, so no download is needed, only a JDK (``java`` and ``javac``, 17+).
``tests/javarosa/FillForm.java`` drives it: it loads the form, initialises a new instance like
Collect's form loader (``meta/instanceID`` uid, ``start`` timestamp, ``deviceid`` property, ...),
walks the form with ``FormEntryController`` answering the relevant questions named in the
answers, validates required questions and constraints as Collect does on "Finalize", runs
``finalizeFormEntry()`` (``end`` timestamp) and prints the main instance serialised by
``XFormSerializingVisitor``: the bytes Collect writes to the instance file and submits.

    xml = fill_form(form_bytes, {"/data/name": "Nguyễn Văn An", "/data/sex": "male"})

Answer keys are absolute references (``/data/q01``, ``/data/grp/q01``); a key without positions
applies to every instance of a question in a repeat, ``/data/rep[2]/q`` only to the second one.
A repeat's own reference with an integer value (``{"/data/rep": "3"}``) adds instances at
Collect's "Add another?" prompt until there are that many. Values are converted by the
question's type: a choice value for select one, space-separated values for select multiple,
``yyyy-MM-dd`` for dates, plain numbers, text otherwise; ``""`` leaves the question blank.

Every failure raises :class:`JavaRosaFillError` (a ``RuntimeError``) carrying JavaRosa's message:
no ``java``/``javac``, a form JavaRosa cannot parse, an answer that matches no relevant question
(unless ``allow_unused=True``), a value that is not a valid choice or of the wrong type, a
violated constraint or an empty required question (``returncode == 2``). Nothing is skipped
silently.

Edits are not simulated: Collect gives an edited instance a new ``meta/instanceID`` and puts the
old one in ``meta/deprecatedID``; tests build such a submission by text substitution on the
bytes returned here.

The Java class is compiled once per process into ``tests/javarosa/build/<hash>/`` (the hash
covers the Java source and the jar, so a changed source or a new pyxform recompiles).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Mapping
from pathlib import Path

JAVA_DIR = Path(__file__).resolve().parent.parent / "javarosa"
JAVA_SOURCE = JAVA_DIR / "FillForm.java"
BUILD_DIR = JAVA_DIR / "build"
MAIN_CLASS = "FillForm"

#: Exit status of FillForm when a constraint or a required question fails.
EXIT_INVALID = 2
#: Exit status of FillForm when the answers do not fit the form.
EXIT_BAD_INPUT = 3

DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
COMPILE_TIMEOUT_S = 300
FILL_TIMEOUT_S = 120

_compile_lock = threading.Lock()
_compiled: dict[str, Path] = {}


class JavaRosaFillError(RuntimeError):
    """Compiling or running FillForm failed; ``returncode`` and ``stderr`` tell why."""

    def __init__(self, message: str, *, returncode: int | None = None, stderr: str = "") -> None:
        detail = f"{message}\n{stderr.strip()}" if stderr.strip() else message
        super().__init__(detail)
        self.returncode = returncode
        self.stderr = stderr


def validate_jar() -> Path:
    """Return the ODK Validate jar shipped in the installed pyxform package."""
    import pyxform

    jar = Path(pyxform.__file__).resolve().parent / "validators" / "odk_validate" / "bin"
    jar /= "ODK_Validate.jar"
    if not jar.is_file():
        raise JavaRosaFillError(f"ODK_Validate.jar not found in the pyxform package: {jar}")
    return jar


def _jdk_tool(name: str) -> str:
    """Find ``java`` or ``javac``: under $JAVA_HOME/bin first, then on PATH."""
    java_home = os.environ.get("JAVA_HOME")
    if java_home:
        candidate = Path(java_home) / "bin" / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise JavaRosaFillError(
            f"`{name}` not found (neither in $JAVA_HOME/bin nor on PATH); the JavaRosa fill "
            "needs a JDK 17 or newer"
        )
    return found


def _build_key(jar: Path) -> str:
    digest = hashlib.sha256()
    digest.update(JAVA_SOURCE.read_bytes())
    with jar.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:16]


def compiled_classes() -> Path:
    """Compile FillForm.java against the jar (once per process and source) and return the dir."""
    jar = validate_jar()
    key = _build_key(jar)
    with _compile_lock:
        cached = _compiled.get(key)
        if cached is not None and (cached / f"{MAIN_CLASS}.class").is_file():
            return cached
        target = BUILD_DIR / key
        if not (target / f"{MAIN_CLASS}.class").is_file():
            _compile_into(target, jar)
        _compiled[key] = target
        return target


def _compile_into(target: Path, jar: Path) -> None:
    """Compile into a scratch dir, then rename it into place (safe if processes race)."""
    javac = _jdk_tool("javac")
    BUILD_DIR.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="tmp-", dir=BUILD_DIR))
    try:
        cmd = [javac, "-encoding", "UTF-8", "-cp", str(jar), "-d", str(scratch), str(JAVA_SOURCE)]
        result = subprocess.run(
            cmd, capture_output=True, text=True, timeout=COMPILE_TIMEOUT_S, check=False
        )
        if result.returncode != 0:
            raise JavaRosaFillError(
                f"javac failed on {JAVA_SOURCE}",
                returncode=result.returncode,
                stderr=result.stderr + result.stdout,
            )
        try:
            scratch.rename(target)
        except OSError:
            # Another process finished first; its classes come from the same source and jar.
            if not (target / f"{MAIN_CLASS}.class").is_file():
                raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _escape(value: str) -> str:
    return (
        value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    )


def answers_tsv(answers: Mapping[str, str]) -> bytes:
    """Encode answers in FillForm's ``PATH<TAB>VALUE`` format (UTF-8, escaped values)."""
    lines = []
    for path, value in answers.items():
        if not path.startswith("/") or any(c in path for c in "\t\r\n"):
            raise ValueError(f"answer path must be an absolute reference: {path!r}")
        if not isinstance(value, str):
            raise TypeError(f"answer for {path} must be a str, got {type(value).__name__}")
        lines.append(f"{path}\t{_escape(value)}\n")
    return "".join(lines).encode("utf-8")


def fill_form(
    xform_xml: bytes,
    answers: Mapping[str, str],
    *,
    workdir: Path | None = None,
    properties: Mapping[str, str] | None = None,
    allow_unused: bool = False,
    timezone: str = DEFAULT_TIMEZONE,
    location: str | None = None,
) -> bytes:
    """Fill ``xform_xml`` with ``answers`` in JavaRosa and return the instance XML bytes.

    ``workdir`` keeps ``form.xml`` and ``answers.tsv`` there (for debugging) instead of in a
    temporary directory. ``properties`` sets ``jr:preload="property"`` values (``deviceid``
    defaults to ``collect:FillFormTest0000``). ``allow_unused`` accepts answers that match no
    relevant question (for instance one made non-relevant by an earlier answer). ``timezone`` is
    the device time zone used for ``start``/``end``/dateTime values. ``location``
    (``"lat lon alt accuracy"``) is the fix ``start-geopoint`` (odk:setgeopoint) records; without
    it that field stays blank, as on a device without a fix.
    """
    if not isinstance(xform_xml, bytes):
        raise TypeError("xform_xml must be bytes")
    cmd = [
        _jdk_tool("java"),
        "-Djava.awt.headless=true",
        f"-Duser.timezone={timezone}",
        "-cp",
        f"{validate_jar()}{os.pathsep}{compiled_classes()}",
        MAIN_CLASS,
    ]
    for name, value in (properties or {}).items():
        cmd += ["--property", f"{name}={value}"]
    if allow_unused:
        cmd.append("--allow-unused")
    if location is not None:
        cmd += ["--location", location]
    if workdir is not None:
        workdir.mkdir(parents=True, exist_ok=True)
        return _run(cmd, workdir, xform_xml, answers)
    with tempfile.TemporaryDirectory(prefix="javarosa-fill-") as tmp:
        return _run(cmd, Path(tmp), xform_xml, answers)


def _run(cmd: list[str], workdir: Path, xform_xml: bytes, answers: Mapping[str, str]) -> bytes:
    form_path = workdir / "form.xml"
    answers_path = workdir / "answers.tsv"
    form_path.write_bytes(xform_xml)
    answers_path.write_bytes(answers_tsv(answers))
    try:
        result = subprocess.run(
            [*cmd, str(form_path), str(answers_path)],
            capture_output=True,
            timeout=FILL_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise JavaRosaFillError(f"FillForm did not finish within {FILL_TIMEOUT_S} s") from exc
    stderr = result.stderr.decode("utf-8", errors="replace")
    if result.returncode != 0:
        raise JavaRosaFillError(
            f"JavaRosa fill failed (exit {result.returncode})",
            returncode=result.returncode,
            stderr=stderr,
        )
    if not result.stdout:
        raise JavaRosaFillError("JavaRosa fill produced no instance", returncode=0, stderr=stderr)
    return result.stdout


def inline_csv(xform: bytes, files: Mapping[str, bytes]) -> bytes:
    """The XForm with its ``jr://file-csv/<name>`` instances filled from CSV files, as Collect
    loads them on the phone (FillForm cannot read external files). Every column becomes a child
    element of ``<item>``."""
    import csv
    import io
    from xml.sax.saxutils import escape

    xml = xform.decode("utf-8")
    for filename, data in files.items():
        name = filename.removesuffix(".csv")
        external = f'<instance id="{name}" src="jr://file-csv/{filename}"/>'
        if external not in xml:
            raise ValueError(f"the form has no external instance {filename}")
        rows = csv.DictReader(io.StringIO(data.decode("utf-8")))
        items = "".join(
            "<item>" + "".join(f"<{k}>{escape(v)}</{k}>" for k, v in row.items()
                               if not k.startswith("__")) + "</item>" for row in rows)
        xml = xml.replace(external, f'<instance id="{name}"><root>{items}</root></instance>')
    return xml.encode("utf-8")
