"""Build the Cython kernels in ext/ as machstore._ext_<name> submodules.

Everything else (metadata, packages, folder mapping) lives in pyproject.toml.
Set MACHSTORE_ANNOTATE=1 to write Cython's HTML annotation next to each .pyx,
which shows where a kernel falls back to Python.
"""
import glob
import os

from Cython.Build import cythonize
from setuptools import Extension, setup


def kernel_extensions():
    """Return one Extension per ext/*.pyx, named machstore._ext_<stem>."""
    exts = []
    for pyx in sorted(glob.glob(os.path.join("ext", "*.pyx"))):
        stem = os.path.splitext(os.path.basename(pyx))[0]
        exts.append(Extension(
            f"machstore._ext_{stem}",
            [pyx],
            # NOTE: no fused multiply-add: the analysis kernels must round as InfluxDB's Go code does
            extra_compile_args=["-O3", "-ffp-contract=off"],
        ))
    return exts


setup(
    ext_modules=cythonize(
        kernel_extensions(),
        language_level=3,
        annotate=os.environ.get("MACHSTORE_ANNOTATE") == "1",
        compiler_directives={"boundscheck": False, "wraparound": False, "cdivision": True},
    ),
)
