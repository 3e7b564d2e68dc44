"""XForm validation with JavaRosa through the ODK Validate jar shipped inside the pyxform wheel.

``validate_xform`` writes the XForm to a private temporary file and runs
``java -Djava.awt.headless=true -jar ODK_Validate.jar file.xml`` (exit 0 = valid, 1 = invalid;
openrosa.md d.1), then turns JavaRosa's output into a short message without Java stack traces.
It must not decide policy (whether Java is required is the caller's parameter), must not read
the environment beyond finding ``java`` on PATH, and never prints.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from importlib.util import find_spec
from pathlib import Path

from forms.errors import FormError

TIMEOUT_SECONDS = 60
_JAR_PARTS = ("validators", "odk_validate", "bin", "ODK_Validate.jar")

# Lines of ODK Validate's output that carry no information about the form.
_NOISE = re.compile(
    r"^(Validating: .*|The following files failed validation:|Result: Invalid"
    r"|>> .*|\.\.\. \d+ more|at [\w$.<>/]+\(.*\))$"
)
# "org.javarosa.xform.parse.XFormParseException: text" -> "text" (also "...Exception; text").
# JavaRosa names the offending node as "node [/data/x]" or 'bind attached to "/data/x"'.
_NODE = re.compile(r'node \[(/[^\]\s]+)\]|attached to "(/[^"\s]+)"')
_JAVA_CLASS = re.compile(r"^(?:Caused by: )?(?:[a-z_][\w$]*\.)+[A-Z][\w$]*(?:[:;]\s*|$)")


def java_path() -> str | None:
    """The ``java`` executable on PATH, or None."""
    return shutil.which("java")


def validate_xform(xml: bytes, *, required: bool) -> bool:
    """Check ``xml`` with JavaRosa; True when validated.

    Returns False (nothing checked) when Java is absent and ``required`` is False. Raises
    ``FormError`` with ``java_missing`` (absent and required), ``javarosa_invalid`` (JavaRosa
    rejected the form) or ``javarosa_failed`` (the validator could not run to a verdict).
    """
    java = java_path()
    if java is None:
        if required:
            raise FormError(
                "java_missing",
                "Java 17 is needed to validate XForms with JavaRosa but 'java' is not on PATH.",
            )
        return False
    jar = _jar_path()
    with tempfile.TemporaryDirectory(prefix="sangloc-validate-") as tmp:
        form_path = Path(tmp) / "form.xml"
        form_path.write_bytes(xml)
        completed = _run_validator(java, jar, form_path)
    if completed.returncode == 0:
        return True
    output = completed.stderr or completed.stdout
    if completed.returncode == 1:
        text = clean_javarosa_output(output, form_path=str(form_path))
        node = _NODE.search(text)
        raise FormError(
            "javarosa_invalid",
            f"JavaRosa rejected the form: {text}",
            field=(node.group(1) or node.group(2)) if node else None,
        )
    raise FormError(
        "javarosa_failed",
        f"ODK Validate ended with exit code {completed.returncode}: "
        f"{clean_javarosa_output(output, form_path=str(form_path))}",
    )


def _jar_path() -> Path:
    # find_spec locates the installed package without importing it (pyxform is slow to import).
    spec = find_spec("pyxform")
    locations = list(spec.submodule_search_locations or []) if spec else []
    jar = Path(locations[0] if locations else ".").joinpath(*_JAR_PARTS)
    if not locations or not jar.is_file():
        raise FormError("javarosa_failed", f"ODK Validate jar not found at {jar}.")
    return jar


def _run_validator(java: str, jar: Path, form_path: Path) -> subprocess.CompletedProcess[str]:
    command = [java, "-Djava.awt.headless=true", "-jar", str(jar), str(form_path)]
    try:
        # Fixed argument list, no shell; the only variable part is our own temporary file.
        return subprocess.run(  # noqa: S603
            command,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise FormError(
            "javarosa_failed", f"ODK Validate did not finish within {TIMEOUT_SECONDS} s."
        ) from exc
    except OSError as exc:
        raise FormError("javarosa_failed", f"ODK Validate could not be started: {exc}") from exc


def clean_javarosa_output(output: str, *, form_path: str = "") -> str:
    """The useful lines of ODK Validate's output: no stack frames, class names or file paths."""
    lines: list[str] = []
    for raw in output.splitlines():
        line = raw.replace(form_path, "form.xml").strip() if form_path else raw.strip()
        if not line or line == "form.xml" or _NOISE.match(line):
            continue
        line = _JAVA_CLASS.sub("", line).strip()
        if line and line not in lines:
            lines.append(line)
    return "\n".join(lines) if lines else "no details given"
