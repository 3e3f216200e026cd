"""Fitting into a Linux desktop: the menu entry with its icon, and a plain-words check that the
libraries Qt's X11 plugin needs are installed, before Qt aborts with its generic message."""

from __future__ import annotations

import ctypes
import os
import shutil
import sys
from pathlib import Path

from netdesigner import user_dirs
from netdesigner.samples import package_file

# What Qt's xcb platform plugin loads, and the Debian/Ubuntu package that has it.
XCB_LIBRARIES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libEGL.so.1": "libegl1",
    "libfontconfig.so.1": "libfontconfig1",
}


def missing_display_libraries() -> list[str]:
    """Debian/Ubuntu packages to install before the editor can open a window on X11 (none on
    other platforms, on Wayland, or with another Qt platform chosen)."""
    if not sys.platform.startswith("linux"):
        return []
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform and not platform.startswith("xcb") or not platform and os.environ.get("WAYLAND_DISPLAY"):
        return []
    missing = []
    for library, package in XCB_LIBRARIES.items():
        try:
            ctypes.CDLL(library)
        except OSError:
            missing.append(package)
    return missing


def display_problem() -> str:
    """Why the editor cannot open a window here, in words with the fix; "" if it can."""
    packages = missing_display_libraries()
    if packages:
        return (
            "the editor needs a few system libraries that Qt's X11 support loads; install them with\n"
            f"  sudo apt-get install {' '.join(packages)}\n"
            "(other distributions have packages of the same names: xcb-util-cursor, xcb-util-wm, ...)"
        )
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    no_screen = not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if sys.platform.startswith("linux") and no_screen and platform in ("", "xcb"):
        return (
            "there is no screen to open the window on (neither DISPLAY nor WAYLAND_DISPLAY is set); "
            "run it from a desktop session, or use the commands check, export, import and train"
        )
    return ""


def install_desktop_entry(data_home: Path | None = None) -> list[Path]:
    """Put netdesigner in the desktop's application menu with its icon (freedesktop.org paths)."""
    base = data_home or user_dirs.data_home()
    launcher = shutil.which("netdesigner") or f"{sys.executable} -m netdesigner"
    entry = package_file("resources", "netdesigner.desktop").read_text(encoding="utf-8")
    desktop = base / "applications" / "netdesigner.desktop"
    icon = base / "icons" / "hicolor" / "scalable" / "apps" / "netdesigner.svg"
    for folder in (desktop.parent, icon.parent):
        folder.mkdir(parents=True, exist_ok=True)
    desktop.write_text(entry.replace("{exec}", launcher), encoding="utf-8")
    shutil.copyfile(package_file("resources", "netdesigner.svg"), icon)
    return [desktop, icon]
