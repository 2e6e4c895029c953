"""PDF of the Word report, converted by LibreOffice with the CJK font aliases of `fonts/fonts.conf`.

When the persistent converter (unoserver, started by `parkledger serve`, at PARKLEDGER_UNOSERVER)
answers, it converts; otherwise a one-shot headless `soffice` does (about a second more).
"""
from __future__ import annotations

import logging
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

__all__ = ["PdfUnavailable", "PdfConversionFailed", "docx_to_pdf", "soffice_path", "FONTS_CONF",
           "convert_with_server", "convert_once"]

FONTS_CONF = Path(__file__).resolve().parent.parent / "fonts" / "fonts.conf"
TIMEOUT_SECONDS = 180

logger = logging.getLogger(__name__)


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


def _server_address() -> tuple[str, int] | None:
    """The running converter's address, or None when none answers (checked in a few milliseconds)."""
    value = os.environ.get("PARKLEDGER_UNOSERVER")
    if value is None:
        try:
            from django.conf import settings

            value = getattr(settings, "PARKLEDGER_UNOSERVER", "")
        except Exception:  # noqa: BLE001 - settings not configured: no server
            value = ""
    host, _sep, port = (value or "").strip().rpartition(":")
    if not port.isdigit():
        return None
    address = (host or "127.0.0.1", int(port))
    try:
        with socket.create_connection(address, timeout=0.2):
            return address
    except OSError:
        return None


def convert_with_server(docx: bytes, address: tuple[str, int]) -> bytes:
    """Convert through the persistent converter (unoserver's XML-RPC client)."""
    from unoserver.client import UnoClient

    client = UnoClient(server=address[0], port=str(address[1]), host_location="remote")
    result = client.convert(indata=docx, convert_to="pdf", filtername="writer_pdf_Export")
    if not result:
        raise PdfConversionFailed("PDF 转换服务未返回 PDF")
    return bytes(result)


def docx_to_pdf(docx: bytes, *, timeout: float = TIMEOUT_SECONDS) -> bytes:
    """Convert a .docx to PDF: through the running converter, else with a one-shot LibreOffice."""
    address = _server_address()
    if address is not None:
        try:
            return convert_with_server(docx, address)
        except Exception as exc:  # noqa: BLE001 - a converter in trouble: fall back to a one-shot soffice
            logger.warning("PDF converter at %s:%s failed (%s); converting with a one-shot soffice", *address, exc)
    return convert_once(docx, timeout=timeout)


def convert_once(docx: bytes, *, timeout: float = TIMEOUT_SECONDS) -> bytes:
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
