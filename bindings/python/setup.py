"""Packages the `incuera` module for pip, building its extension with the
project's CMake build (the same target as `cmake --build build --target
incuera_python`), so nothing comes from PyPI.

    pip install --no-build-isolation ./bindings/python

Environment:
  INCUERA_CMAKE_BUILD_DIR  reuse this configured build tree, an absolute path
                           (pip runs setup.py from bindings/python; only the target
                           incuera_python is built); default: a fresh tree
                           under setuptools' build_temp, configured with the
                           library and the module only (RelWithDebInfo, as
                           `make build`).
  CMAKE_BUILD_PARALLEL_LEVEL  compile jobs (default: all cores).
"""

import os
import pathlib
import re
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = pathlib.Path(__file__).resolve().parent
SOURCE_DIR = HERE.parent.parent


def project_version():
    """The version in the top-level CMakeLists.txt, the single source."""
    text = (SOURCE_DIR / "CMakeLists.txt").read_text()
    match = re.search(r"project\(incuera VERSION ([0-9.]+)", text)
    if not match:
        raise RuntimeError("no project(incuera VERSION ...) in CMakeLists.txt")
    return match.group(1)


class CMakeBuild(build_ext):
    """Builds incuera._incuera with CMake and copies it where setuptools
    expects the extension."""

    def build_extension(self, ext):
        reuse = os.environ.get("INCUERA_CMAKE_BUILD_DIR")
        if reuse:
            build_dir = pathlib.Path(reuse).resolve()
            if not (build_dir / "CMakeCache.txt").exists():
                raise RuntimeError(f"INCUERA_CMAKE_BUILD_DIR={reuse} is not a configured build "
                                   "(give an absolute path)")
        else:
            build_dir = pathlib.Path(self.build_temp).resolve() / "cmake"
            subprocess.check_call([
                "cmake", "-S", str(SOURCE_DIR), "-B", str(build_dir),
                "-DCMAKE_BUILD_TYPE=RelWithDebInfo",
                f"-DPython3_EXECUTABLE={sys.executable}",
                "-DINCUERA_BUILD_PYTHON=ON", "-DINCUERA_BUILD_TESTS=OFF",
                "-DINCUERA_BUILD_APPS=OFF", "-DINCUERA_BUILD_EXAMPLES=OFF",
            ])
        jobs = os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL", str(os.cpu_count() or 1))
        subprocess.check_call(
            ["cmake", "--build", str(build_dir), "--target", "incuera_python", "-j", jobs])
        built = sorted((build_dir / "bindings" / "python" / "incuera").glob("_incuera*.so"))
        if len(built) != 1:
            raise RuntimeError(f"expected one _incuera*.so in {build_dir}, found {built}")
        target = pathlib.Path(self.get_ext_fullpath(ext.name))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(built[0], target)


setup(
    name="incuera",
    version=project_version(),
    description="Incuera session replay: sessions, events, rendering and analytics from Python",
    python_requires=">=3.9",
    packages=["incuera"],
    package_data={"incuera": ["__init__.pyi", "py.typed"]},
    ext_modules=[Extension("incuera._incuera", sources=[])],
    cmdclass={"build_ext": CMakeBuild},
    zip_safe=False,
)
