"""The persistent PDF converter: `python -m parkledger.reports.renderers.unoserve [unoserver options]`.

unoserver (from PyPI, in the virtual environment) drives one LibreOffice that stays up, so a
report's PDF costs the conversion only, not LibreOffice's start. It needs LibreOffice's Python
bridge `uno`, which Debian ships for the system Python (python3-uno): its folder is appended to the
path, after the virtual environment's packages. `parkledger serve` starts it with FONTCONFIG_FILE
set to the project's font aliases; a private LibreOffice profile lives under VAR_DIR/unoserver.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

UNO_PATHS = ("/usr/lib/python3/dist-packages", "/usr/lib/libreoffice/program")


def add_uno_to_path() -> bool:
    try:
        import uno  # noqa: F401
        return True
    except ImportError:
        pass
    extra = [p for p in os.environ.get("PARKLEDGER_UNO_PATH", "").split(os.pathsep) if p]
    for folder in [*extra, *UNO_PATHS]:
        if (Path(folder) / "uno.py").exists() and folder not in sys.path:
            sys.path.append(folder)
            try:
                import uno  # noqa: F401
                return True
            except ImportError:
                sys.path.remove(folder)
    return False


def main(argv: list[str] | None = None) -> None:
    from parkledger.reports.renderers.pdf import FONTS_CONF, soffice_path

    if not add_uno_to_path():
        sys.exit("找不到 LibreOffice 的 Python 接口 uno：请安装 python3-uno（make system-deps）。"
                 "(LibreOffice's Python bridge `uno` is missing: install python3-uno.)")
    os.environ.setdefault("FONTCONFIG_FILE", str(FONTS_CONF))
    os.environ.setdefault("SAL_USE_VCLPLUGIN", "svp")
    var = Path(os.environ.get("PARKLEDGER_VAR_DIR", Path(__file__).resolve().parents[3] / "var"))
    profile = (var / "unoserver" / "profile").resolve()
    profile.mkdir(parents=True, exist_ok=True)
    args = list(sys.argv[1:] if argv is None else argv)
    if "--user-installation" not in args:
        args += ["--user-installation", str(profile)]
    if "--executable" not in args and soffice_path():
        args += ["--executable", soffice_path()]
    if "--uno-port" not in args and "--port" in args:
        args += ["--uno-port", str(int(args[args.index("--port") + 1]) + 1000)]
    if "--conversion-timeout" not in args:
        args += ["--conversion-timeout", "180"]
    from unoserver import server

    sys.argv = ["unoserver", *args]
    server.main()


if __name__ == "__main__":
    main()
