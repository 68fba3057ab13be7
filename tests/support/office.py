"""LibreOffice, headless, to open the files the app writes as an office program would.

A conversion (``soffice --convert-to``) that succeeds means LibreOffice read the file without
giving up; the converted file (CSV of a spreadsheet, PDF of a Word document) shows what it read.
Each conversion runs with a profile of its own (conversions may run side by side) in a process
group of its own, killed whole when it takes too long.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from tests.support.ci import unavailable

TIMEOUT = 120.0


def soffice(package: str) -> str:
    """The path of ``soffice``; without it the test is skipped (failed in CI), naming the Debian
    ``package`` that provides what the test needs ("libreoffice-writer-nogui", ...)."""
    path = shutil.which("soffice")
    if path is None:
        unavailable(
            f"LibreOffice is not installed (apt-get install {package})", "; .ci/run installs it"
        )
    return path


def _kill_group(process: subprocess.Popen[str]) -> None:
    """Kill ``process`` and every process it started (its process group)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def convert(
    source: Path, target: str, outdir: Path, package: str, timeout: float = TIMEOUT
) -> Path:
    """Convert ``source`` with LibreOffice to ``target`` ("pdf", or a filter such as
    "csv:Text - txt - csv (StarCalc):44,34,76") into ``outdir``; the converted file's path.

    Fails the test (AssertionError) when LibreOffice fails, writes nothing or takes longer than
    ``timeout`` seconds (then its whole process group is killed)."""
    program = soffice(package)
    outdir.mkdir(parents=True, exist_ok=True)
    profile = Path(tempfile.mkdtemp(prefix="soffice-profile-"))
    try:
        process = subprocess.Popen(
            [
                program,
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                target,
                "--outdir",
                str(outdir),
                str(source),
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(process)
            process.communicate()
            raise AssertionError(
                f"LibreOffice took more than {timeout:g} s to convert {source.name}"
            ) from None
        finally:
            if process.poll() is None:  # an interrupted test: leave nothing running
                _kill_group(process)
                process.wait()
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    extension = target.split(":", 1)[0]
    converted = outdir / f"{source.stem}.{extension}"
    assert process.returncode == 0, f"LibreOffice failed ({process.returncode}): {stderr}"
    assert converted.exists(), f"LibreOffice wrote no {converted.name}: {stdout} {stderr}"
    return converted
