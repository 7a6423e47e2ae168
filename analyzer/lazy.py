"""Names a package exports but imports only on first use (PEP 562), so that importing one
light module of the package does not import its heavy ones (pandas, the importer)."""

from __future__ import annotations

import importlib
import sys


def lazy_exports(package: str, public: dict[str, str]):
    """The ``__getattr__`` and ``__dir__`` of ``package``: each name in ``public`` is
    imported from its (relative) module when first asked for, then kept."""

    def __getattr__(name: str):
        module = public.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module, package), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(public))

    return __getattr__, __dir__
