"""Where the config lives in the store (the ``kapa`` sub-database, ``machstore/kapacitor/store.py``).

Keys::

    cfg/file               JSON {section: [options given, ...]}: the config file's Kapacitor
                           sections, written by the engine process at every start (``{}`` when
                           the file has none), so the workers and the engine process read the
                           same file whatever process parsed it
    cfg/ovr/<section>/<element>
                           JSON {"id", "options", "create"}: one override made through
                           ``POST /kapacitor/v1/config`` (Kapacitor's ``config_overrides``
                           store); ``<element>`` is empty for a plain section (id ``smtp/``)
    ctr/config             u64, bumped by every change of the two above: ``view`` caches on it

Overrides survive restarts (they are in the store) and apply at once: every reader checks
``ctr/config``.
"""
from __future__ import annotations

import orjson

from machstore.kapacitor import store

FILE_KEY = b"cfg/file"
OVERRIDE_PREFIX = b"cfg/ovr/"
COUNTER = b"ctr/config"


def override_key(override_id: str) -> bytes:
    return OVERRIDE_PREFIX + override_id.encode()


def counter(txn, dbi) -> int:
    return store.read_u64(txn, dbi, COUNTER)


def bump(txn, dbi) -> None:
    store.write_u64(txn, dbi, COUNTER, counter(txn, dbi) + 1)


def file_sections(txn, dbi) -> dict:
    return store.get_json(txn, dbi, FILE_KEY) or {}


def overrides(txn, dbi) -> list[dict]:
    """Every stored override, in id order (Kapacitor's ``List`` order)."""
    return [orjson.loads(v) for _, v in store.iter_prefix(txn, dbi, OVERRIDE_PREFIX)]


def get_override(txn, dbi, override_id: str) -> dict | None:
    return store.get_json(txn, dbi, override_key(override_id))


def install_file_sections(engine, sections: dict) -> None:
    """Record the config file's (checked) Kapacitor sections; the engine process calls it at start."""
    dbi = store.db(engine)
    with engine.env.begin(write=True) as txn:
        if file_sections(txn, dbi) != sections or txn.get(FILE_KEY, db=dbi) is None:
            store.put_json(txn, dbi, FILE_KEY, sections)
            bump(txn, dbi)
