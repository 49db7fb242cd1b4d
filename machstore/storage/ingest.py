"""Turn a parsed line-protocol batch into a storable segment, applying InfluxDB's drop rules.

Split in two so that the expensive part runs outside LMDB's single-writer lock:

* ``plan_batch`` (under a read snapshot, or under the write txn on a retry) resolves
  series and field types from the per-process caches and the catalog, drops points
  with ``time`` tag keys or with measurement or field names longer than a catalog key
  holds (``catalog.MAX_NAME_BYTES``), strips ``time`` fields, drops points whose field types
  conflict, and encodes + compresses the segment payload.  It records which series
  and fields are new instead of creating them.
* ``commit_plan`` (inside the write txn) creates the new series and fields,
  re-checking each against the catalog (another worker may have created it
  meanwhile), and stores the segment and its index entry.  If a concurrently
  created field has a type other than the one planned, it raises ``PlanStale`` and
  the caller plans again under the write txn.
"""
from dataclasses import dataclass

import numpy as np

from machstore import lineproto

from . import catalog, keys, segments
from . import fieldtypes as ft

_NTYPES = 5


class PlanStale(Exception):
    """The catalog changed between planning and committing; plan again under the write txn."""


@dataclass
class Plan:
    space_id: int                 # 0 when the database did not exist at planning time
    series_ids: np.ndarray        # uint64 per batch series (0 = new or unused)
    meas_ids: np.ndarray          # uint32 per batch series
    new_series: list              # [(batch series index, series key, measurement)]
    new_fields: dict              # (measurement, field) -> planned type
    useries: np.ndarray           # batch series indexes present in the segment, in local order
    payload: bytes                # encoded segment
    min_time: int
    max_time: int


def plan_batch(txn, dbs, space_id, batch, result, series_cache, field_cache):
    """Return a Plan for ``batch`` (or None if no point survives), filling ``result``."""
    n_series = len(batch.series_keys)
    series_ids = np.zeros(n_series, dtype=np.uint64)
    meas_ids = np.zeros(n_series, dtype=np.uint32)
    series_meas = np.zeros(n_series, dtype=np.int64)   # local measurement index per series
    meas_local, meas_names = {}, []
    bad_series = np.zeros(n_series, dtype=bool)
    long_series = np.zeros(n_series, dtype=bool)    # measurement names too long for a catalog key
    new_series = []
    for i, key in enumerate(batch.series_keys):
        hit = series_cache.get((space_id, key))
        if hit is None:
            measurement, tags = lineproto.split_series_key(key)
            if any(k == b"time" for k, _ in tags):
                bad_series[i] = True
            elif len(measurement) > catalog.MAX_NAME_BYTES:
                long_series[i] = True
            else:
                found = catalog.lookup_series(txn, dbs, space_id, key) if space_id else None
                if found is None:
                    new_series.append((i, key, measurement))
                    hit = (0, 0, measurement)
                else:
                    hit = (found[0], found[1], measurement)
                    series_cache[(space_id, key)] = hit
        else:
            measurement = hit[2]
        if hit is not None:
            series_ids[i], meas_ids[i] = hit[0], hit[1]
        m = meas_local.get(measurement)
        if m is None:
            m = meas_local[measurement] = len(meas_names)
            meas_names.append(measurement)
        series_meas[i] = m

    point_keep = ~bad_series[batch.point_series]
    if bad_series.any():
        m = meas_names[series_meas[int(np.flatnonzero(bad_series)[0])]]
        result.drop_errors.append(f'invalid tag key: input tag "time" on measurement "{_text(m)}" is invalid')
        result.dropped += int(np.count_nonzero(~point_keep))

    vp, vf = batch.value_point, batch.value_field
    if long_series.any():
        lost = point_keep & long_series[batch.point_series]
        m = meas_names[series_meas[int(np.flatnonzero(long_series)[0])]]
        result.drop_errors.append(f'measurement name too long: "{_text(m[:32])}..." has {len(m)} bytes, '
                                  f'at most {catalog.MAX_NAME_BYTES} are stored')
        result.dropped += int(np.count_nonzero(lost))
        point_keep &= ~lost
    long_fields = [i for i, k in enumerate(batch.field_keys) if len(k) > catalog.MAX_NAME_BYTES]
    if long_fields:
        lost = np.zeros(point_keep.size, dtype=bool)
        lost[vp[np.isin(vf, long_fields)]] = True
        lost &= point_keep
        if lost.any():
            k = batch.field_keys[long_fields[0]]
            result.drop_errors.append(f'field name too long: "{_text(k[:32])}..." has {len(k)} bytes, '
                                      f'at most {catalog.MAX_NAME_BYTES} are stored')
            result.dropped += int(np.count_nonzero(lost))
            point_keep &= ~lost
    value_keep = np.ones(vp.size, dtype=bool)
    time_fields = [i for i, k in enumerate(batch.field_keys) if k == b"time"]
    if time_fields:
        # a field named "time" is stripped; a point left without fields is dropped
        is_time = np.isin(vf, time_fields)
        value_keep &= ~is_time
        has_other = np.zeros(point_keep.size, dtype=bool)
        has_other[vp[~is_time]] = True
        lost = point_keep & ~has_other
        if lost.any():
            m = meas_names[series_meas[int(batch.point_series[np.flatnonzero(lost)[0]])]]
            result.drop_errors.append(f'invalid field name: input field "time" on measurement "{_text(m)}" is invalid')
            result.dropped += int(np.count_nonzero(lost))
            point_keep &= ~lost

    new_fields = _check_field_types(txn, dbs, space_id, batch, series_meas, meas_names, point_keep,
                                    value_keep, result, field_cache)
    value_keep &= point_keep[vp]
    n_points = int(np.count_nonzero(point_keep))
    if n_points == 0:
        return None
    result.points_written = n_points
    result.values_written = int(np.count_nonzero(value_keep))
    useries, payload, lo, hi = _encode(batch, point_keep, value_keep)
    return Plan(space_id, series_ids, meas_ids, new_series, new_fields, useries, payload, lo, hi)


def _check_field_types(txn, dbs, space_id, batch, series_meas, meas_names, point_keep, value_keep, result, cache):
    """Drop points whose field types conflict (in place); return the fields to create.

    A field's type is fixed by its first write; within a batch the first occurrence
    wins, as InfluxDB 1.x validates point by point.
    """
    vp, vf, vt = batch.value_point, batch.value_field, batch.value_type
    live = value_keep & point_keep[vp]
    nf = len(batch.field_keys)
    # PERF: a dense (measurement, field, type) code and bincount instead of a sort
    code = (series_meas[batch.point_series[vp]] * nf + vf) * _NTYPES + vt
    code_live = code[live]
    present = np.flatnonzero(np.bincount(code_live, minlength=len(meas_names) * nf * _NTYPES))
    firsts = sorted((int(np.argmax(code_live == c)), c) for c in present.tolist())
    decided, new_fields, conflicts = {}, {}, []
    for _, c in firsts:
        ftype = c % _NTYPES
        mf = c // _NTYPES
        meas, fkey = meas_names[mf // nf], batch.field_keys[mf % nf]
        known = decided.get((meas, fkey))
        if known is None:
            known = cache.get((space_id, meas, fkey))
            if known is None and space_id:
                known = catalog.get_field_type(txn, dbs, space_id, meas, fkey)
                if known is not None:
                    cache[(space_id, meas, fkey)] = known
            if known is None:
                known = new_fields[(meas, fkey)] = ftype
            decided[(meas, fkey)] = known
        if known != ftype:
            conflicts.append(c)
            if len(conflicts) == 1:
                result.drop_errors.append(
                    f'field type conflict: input field "{_text(fkey)}" on measurement "{_text(meas)}" '
                    f'is type {ft.TYPE_NAMES[ftype]}, already exists as type {ft.TYPE_NAMES[known]}')
    if conflicts:
        bad_points = np.zeros(point_keep.size, dtype=bool)
        bad_points[vp[np.isin(code, conflicts) & live]] = True
        bad_points &= point_keep
        result.dropped += int(np.count_nonzero(bad_points))
        point_keep &= ~bad_points
    return new_fields


def _encode(batch, point_keep, value_keep):
    """Encode the kept points as a segment; return (batch series kept, payload, min, max time)."""
    n_series, nf = len(batch.series_keys), len(batch.field_keys)
    newpos = np.cumsum(point_keep) - 1
    ps = batch.point_series[point_keep]
    pt = batch.point_time[point_keep]
    vp = newpos[batch.value_point[value_keep]].astype(np.int32)
    # PERF: dense remapping tables instead of np.unique (sorts) on the hot path
    col_code = batch.value_field[value_keep].astype(np.int64) * _NTYPES + batch.value_type[value_keep]
    col_used = np.flatnonzero(np.bincount(col_code, minlength=nf * _NTYPES))
    col_map = np.zeros(nf * _NTYPES, dtype=np.int32)
    col_map[col_used] = np.arange(col_used.size, dtype=np.int32)
    columns = [(batch.field_keys[c // _NTYPES].decode("utf-8", "replace"), c % _NTYPES) for c in col_used.tolist()]
    useries = np.flatnonzero(np.bincount(ps, minlength=n_series))
    series_map = np.zeros(n_series, dtype=np.int32)
    series_map[useries] = np.arange(useries.size, dtype=np.int32)
    strings = batch.strings or []
    seg = segments.Segment(series_map[ps], pt, vp, col_map[col_code], batch.value_bits[value_keep],
                           columns, strings)
    return useries, segments.encode_segment(seg), int(pt.min()), int(pt.max())


def commit_plan(txn, dbs, space_id, plan, series_cache, field_cache, new_cache_entries):
    """Create what the plan found new, then store its segment; raise PlanStale if it no longer holds."""
    for (meas, fkey), ftype in plan.new_fields.items():
        known = catalog.get_field_type(txn, dbs, space_id, meas, fkey)
        if known is None:
            catalog.put_field_type(txn, dbs, space_id, meas, fkey, ftype)
        elif known != ftype:
            raise PlanStale(f"field {fkey!r} was created meanwhile as another type")
        new_cache_entries.append((field_cache, (space_id, meas, fkey), ftype))
    for i, key, meas in plan.new_series:
        if not (plan.useries.size and _contains(plan.useries, i)):
            continue  # every point of this series was dropped: don't create it
        found = catalog.lookup_series(txn, dbs, space_id, key)
        if found is None:
            mid = catalog.get_or_create_measurement(txn, dbs, space_id, meas)
            found = (catalog.create_series(txn, dbs, space_id, mid, key), mid)
        plan.series_ids[i], plan.meas_ids[i] = found
        new_cache_entries.append((series_cache, (space_id, key), (found[0], found[1], meas)))
    seq = catalog.next_id(txn, dbs, b"segment")
    txn.put(keys.u64(seq), plan.payload, db=dbs[b"seg"])
    index = segments.encode_index(space_id, plan.series_ids[plan.useries], plan.meas_ids[plan.useries],
                                  plan.min_time, plan.max_time)
    txn.put(keys.u64(seq), index, db=dbs[b"segidx"])


def _contains(sorted_arr, i):
    j = int(np.searchsorted(sorted_arr, i))
    return j < sorted_arr.size and sorted_arr[j] == i


def _text(b):
    return b.decode("utf-8", "replace") if isinstance(b, (bytes, bytearray)) else b
