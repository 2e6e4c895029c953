"""PDF of the Word report, converted by headless LibreOffice with the CJK font aliases of `fonts/fonts.conf`."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

__all__ = ["PdfUnavailable", "PdfConversionFailed", "docx_to_pdf", "soffice_path", "FONTS_CONF"]

FONTS_CONF = Path(__file__).resolve().parent.parent / "fonts" / "fonts.conf"
TIMEOUT_SECONDS = 180


class PdfUnavailable(RuntimeError):
    """LibreOffice is not installed."""


class PdfConversionFailed(RuntimeError):
    """LibreOffice ran but gave no PDF."""


def soffice_path() -> str | None:
    """The LibreOffice executable (`PARKLEDGER_SOFFICE` overrides the search on PATH)."""
    configured = os.environ.get("PARKLEDGER_SOFFICE")
    if configured:
        return configured if Path(configured).exists() else None
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(docx: bytes, *, timeout: float = TIMEOUT_SECONDS) -> bytes:
    """Convert a .docx to PDF with a private LibreOffice profile and the fontconfig aliases."""
    soffice = soffice_path()
    if not soffice:
        raise PdfUnavailable("未安装 LibreOffice（soffice），无法生成 PDF；请安装 libreoffice-writer-nogui 与 "
                             "fonts-noto-cjk（make system-deps），或改用 --format docx")
    with tempfile.TemporaryDirectory(prefix="parkledger-pdf-") as tmp:
        work = Path(tmp)
        source = work / "report.docx"
        source.write_bytes(docx)
        profile = (work / "profile").as_uri()
        env = {
            **os.environ,
            "FONTCONFIG_FILE": str(FONTS_CONF),
            "HOME": str(work),
            "SAL_USE_VCLPLUGIN": "svp",
        }
        cmd = [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--nologo",
               "--nodefault", "--nolockcheck", "--convert-to", "pdf:writer_pdf_Export",
               "--outdir", str(work / "out"), str(source)]
        try:
            proc = subprocess.run(cmd, env=env, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise PdfConversionFailed(f"LibreOffice 转换超过{timeout:g}秒未完成") from None
        except OSError as exc:
            raise PdfUnavailable(f"无法运行 LibreOffice：{exc}") from None
        result = work / "out" / "report.pdf"
        if not result.exists():
            detail = proc.stderr.decode("utf-8", "replace").strip().splitlines()
            detail = [line for line in detail if "javaldx" not in line]
            raise PdfConversionFailed("LibreOffice 未能生成 PDF" + (f"：{detail[-1]}" if detail else ""))
        return result.read_bytes()
