"""``alert()``: levels per point or batch, events to the node's handlers and topics.

Kapacitor's ``alert.go`` on columns (``alerts/`` holds the parts):

* the level of each point comes from ``LevelRules`` (the level and reset expressions run once
  per chunk as masks) and one kernel pass over the chunk (``alerts/kernel.py``, every group's
  ``AlertState`` held in one ``StateTable``) applies the reset rule and decides which points
  trigger (history ring, ``flapping``, ``stateChangesOnly``, ``noRecoveries``); only new groups
  and triggering points cost Python work;
* a triggering point renders ``.message()``/``.details()``, becomes an ``alert.Data`` event
  and is collected (``ctx.alert_collect``) into the anonymous topic ``main:<task>:<node>``
  (when the node has inline handlers, which go with it) and into ``.topic(name)`` (whose
  handlers are the API's, ``alerts/topics.py``); each topic keeps
  the last event state per alert id in the store (``ctx.save_alert_state``), which gives the
  event's ``previousLevel`` and lets a new group (after a restart or a task reload) start
  from its stored level and trigger time, as ``restoreEventState`` does (kapacitor#744);
* only triggering points go downstream, decorated by ``.levelTag/.idTag/.levelField/...``;
* batches: the level is the highest of its points' (the lowest with ``.all()``); the event
  time is that point's time, or the batch time when OK or ``.all()``.

The alert id is rendered for every point (it may use tags outside the group), once per
series of a chunk.  Handlers are checked when the task starts: kinds machstore does not run
yet fail the task with "not supported yet".
"""
from __future__ import annotations

from itertools import repeat

import numpy as np

from machstore.gotemplate import TemplateError

from .. import services
from ..alerts import kernel
from ..alerts.event import AlertTemplates, alert_data
from ..alerts.levels import CRITICAL, INFO, OK, WARNING, LevelRules, level_name, parse_level
from ..alerts.state import AlertOptions, AlertState, StateTable
from ..node import NodeRuntime, runtime_for
from ..points import Batch, Points, Series, column
from ..rows import batch_row, point_row
from ..services.eventdata import event_data

MAIN_TASK_MASTER = "main"  # Kapacitor's kapacitor.MainTaskMaster: the first part of anonymous topics
STATS = ("alerts_triggered", "alerts_inhibited", "oks_triggered", "infos_triggered", "warns_triggered",
         "crits_triggered")
_LEVEL_STAT = {OK: "oks_triggered", INFO: "infos_triggered", WARNING: "warns_triggered",
               CRITICAL: "crits_triggered"}


class AlertError(Exception):
    """The alert node cannot go on (a template that fails to execute stops the task, as in
    Kapacitor) or cannot start (bad flapping thresholds)."""


class _Group:
    """One group's alert state plus what its inhibitors were made from."""

    __slots__ = ("state", "tags")

    def __init__(self, state: AlertState, tags: dict):
        self.state, self.tags = state, tags


@runtime_for("AlertNode")
class AlertRuntime(NodeRuntime):
    def __init__(self, pnode, task):
        super().__init__(pnode, task)
        p = self.props
        config = task.ctx.kapacitor_config
        self.handlers = [services.inline_handler(kind, opts, config) for kind, opts in p.get("handlers") or []]
        extra, force_state_changes = services.global_handlers({k for k, _ in self.handlers}, config)
        self.handlers += extra
        if force_state_changes and not p.get("IsStateChangesOnly"):
            p = {**p, "IsStateChangesOnly": True}
        self.opts = AlertOptions.from_props(p)
        if self.opts.use_flapping and (self.opts.flap_low > 1 or self.opts.flap_high > 1):
            raise AlertError("alert flap thresholds are percentages and should be between 0 and 1")
        self.rules = LevelRules(p, lambda text: self.ctx.log("E", self.name, text))
        self.templates = AlertTemplates(p, task.task_id)
        self.topic = p.get("Topic", "")
        self.anon_topic = f"{MAIN_TASK_MASTER}:{task.task_id}:{self.name}"
        self.category = p.get("Category", "")
        self.inhibit_specs = [(s["category"], tuple(s.get("equalTags") or ())) for s in p.get("Inhibitors") or []]
        self.level_tag, self.id_tag = p.get("LevelTag", ""), p.get("IdTag", "")
        self.level_field, self.id_field = p.get("LevelField", ""), p.get("IdField", "")
        self.message_field, self.duration_field = p.get("MessageField", ""), p.get("DurationField", "")
        if self.has_anon_topic:
            task.ctx.open_topic(self.anon_topic)
        self.groups = {}
        self._id_memo = {}
        for name in STATS:
            self.stats.counters[name] = 0

    @property
    def has_anon_topic(self) -> bool:
        return bool(self.handlers)

    # -- groups -----------------------------------------------------------------------------------
    def _inhibitor_key(self, group, i):
        return (self.task.task_id, self.name, group, i)

    def _new_group(self, group, tags, alert_id, t) -> _Group:
        """``NewGroup``: inhibitors from the group's tags, then the stored state of its first id."""
        g = _Group(AlertState(self.opts), dict(tags))
        for i, (category, names) in enumerate(self.inhibit_specs):
            self.ctx.inhibitors.add(self._inhibitor_key(group, i), category, {k: tags.get(k, "") for k in names})
        level, when = self._restore_event(alert_id)
        if level != OK:
            g.state.restore_event(t, level, when)
            self._set_inhibitors(group, g.state.inhibited)
        self.groups[group] = g
        self.stats.cardinality = len(self.groups)
        return g

    def _set_inhibitors(self, group, inhibited):
        for i in range(len(self.inhibit_specs)):
            self.ctx.inhibitors.set(self._inhibitor_key(group, i), inhibited)

    def _restore_event(self, alert_id):
        """``restoreEvent``: the stored level and time of ``alert_id``, the anonymous topic first."""
        anon = self.ctx.load_alert_state(self.anon_topic, alert_id) if self.has_anon_topic else None
        named = self.ctx.load_alert_state(self.topic, alert_id) if self.topic else None
        anon_level = parse_level(anon["level"]) if anon else OK
        named_level = parse_level(named["level"]) if named else OK
        if anon_level != named_level:
            if anon and named:
                self.ctx.save_alert_state(self.topic, alert_id, anon)
            elif named and self.has_anon_topic:
                self.ctx.save_alert_state(self.anon_topic, alert_id, named)
        if anon:
            return anon_level, anon["time"]
        if named:
            return named_level, named["time"]
        return OK, None

    def delete_group(self, msg, port):
        if self.groups.pop(msg.group, None) is not None:
            for i in range(len(self.inhibit_specs)):
                self.ctx.inhibitors.remove(self._inhibitor_key(msg.group, i))
            self.stats.cardinality = len(self.groups)
        self.emit_delete(msg)

    def close(self):
        self.ctx.inhibitors.remove_prefix((self.task.task_id, self.name))

    # -- ids and events ---------------------------------------------------------------------------
    def _render_id(self, name, group, tags):
        try:
            return self.templates.render_id(name, group, tags)
        except TemplateError as ex:  # a template error stops the task, as in Kapacitor
            raise AlertError(str(ex)) from None

    def _series_id(self, s: Series) -> str:
        """The alert id of series ``s``, memoised: an id depends only on the name, group and tags."""
        memo = self._id_memo
        key = (s.name, s.group, tuple(sorted(s.tags.items())))
        alert_id = memo.get(key)
        if alert_id is None:
            if len(memo) > 100_000:
                memo.clear()
            alert_id = memo[key] = self._render_id(s.name, s.group, s.tags)
        return alert_id

    def _handle(self, *, alert_id, name, group, tags, fields, level, t, duration, row):
        """Render and send one event (``AlertNode.event`` + ``handleEvent``); return its message."""
        try:
            message, details = self.templates.render_message_details(
                id=alert_id, name=name, group=group, tags=tags, fields=fields, level=level, time=t,
                duration=duration)
        except TemplateError as ex:  # see _render_id
            raise AlertError(str(ex)) from None
        if self.ctx.inhibitors.is_inhibited(self.category, tags):
            self.stats.counters["alerts_inhibited"] += 1
            return message
        self.stats.counters["alerts_triggered"] += 1
        self.stats.counters[_LEVEL_STAT[level]] += 1
        state = {"id": alert_id, "message": message, "details": details, "time": t, "duration": duration,
                 "level": level_name(level)}
        targets = [(self.anon_topic, self.handlers)] if self.has_anon_topic else []
        if self.topic:
            targets.append((self.topic, []))  # the named topic's handlers are its API handler specs
        meta = {"name": name, "task": self.task.task_id, "tags": dict(tags), "category": self.category}
        data = event_data(name=name, task=self.task.task_id, category=self.category, group=group or "", tags=tags,
                          fields=fields)
        for topic, handlers in targets:
            before = self.ctx.load_alert_state(topic, alert_id)
            previous = parse_level(before["level"]) if before else OK
            self.ctx.save_alert_state(topic, alert_id, state)
            event = alert_data(id=alert_id, message=message, details=details, time=t, duration=duration,
                               level=level, row=row, previous_level=previous,
                               recoverable=not self.opts.no_recoveries, event_data=data)
            event["topic"] = topic   # alert.Event's Topic (teams' title falls back to it); encode() leaves it out
            self.ctx.alert_collect(self.name, topic, event, meta, list(handlers))
        return message

    # -- stream -----------------------------------------------------------------------------------
    # PERF: every group's AlertState lives in one StateTable (made by the first chunk), and each
    # Series seen (from() hands on the same Series objects chunk after chunk) is mapped to its
    # group's slot once; the map is valid while ``groups`` is the same dict with as many groups
    # (restore replaces it, delete_group shrinks it; points() alone adds to it on streams).
    _table = None
    _series_slot = None
    _seen = (None, -1)

    def points(self, pts, port):
        """One chunk: levels as columns, then one kernel pass over the rows of every group
        (``alerts/kernel.py``); Python only for new groups and for the rows that trigger."""
        if not pts.n:
            return
        row_slot = self._row_slots(pts)
        levels, keep = self._chunk_levels(pts, row_slot)
        rows, lv, durations, send = kernel.scan(row_slot, levels, pts.time, self._table, self.opts, keep)
        # the kernel gives the triggering rows in arrival order, whatever their group: events leave
        # in that order (topics are shared by alert ids)
        sent = []  # (row index in pts, level, id, message, duration)
        for j, level, duration, send_it in zip(rows.tolist(), lv.tolist(), durations.tolist(), send.tolist()):
            s = pts.series_of(j)
            self._set_inhibitors(s.group, level != OK)
            if not send_it:
                continue
            alert_id = self._series_id(s)
            message = self._handle(alert_id=alert_id, name=s.name, group=s.group, tags=s.tags,
                                   fields=pts.row_fields(j), level=level, t=int(pts.time[j]),
                                   duration=duration, row=point_row(pts, j))
            sent.append((j, level, alert_id, message, duration))
        if sent:
            self.emit_points(self._decorate(pts, sent))

    def _row_slots(self, pts) -> np.ndarray:
        """Each row's group slot in the node's state table; the alert id of each series seen for
        the first time is rendered, new groups are made (``_new_group``, in order of their first
        row) and every group's state is moved into the table."""
        groups = self.groups
        cache = self._series_slot
        if cache is None or self._seen[0] is not groups or self._seen[1] != len(groups) or len(cache) > 200_000:
            cache = self._series_slot = {}
            table = self._table
            if table is None or table.used > 2 * len(groups) + 1024:  # most slots are of groups now gone
                table = self._table = StateTable(self.opts.history, capacity=max(8, len(groups)))
            for g in groups.values():
                table.adopt(g.state)
        series = pts.series
        ser_slot = np.fromiter(map(cache.get, series, repeat(-1, len(series))), dtype=np.int64, count=len(series))
        row_slot = ser_slot[pts.sid]
        if row_slot.min() < 0:
            table = self._table
            missing = np.flatnonzero(row_slot < 0)
            _, first = np.unique(pts.sid[missing], return_index=True)
            first = missing[first]  # the first row of each series not seen yet, in series order
            for j in first.tolist():
                # Kapacitor renders the id of every point: a template failing on any of them stops
                # the task.  It depends only on the series, so once per series is enough.
                self._series_id(series[pts.sid[j]])
            for j in np.sort(first).tolist():
                sid = int(pts.sid[j])
                s = series[sid]
                g = groups.get(s.group)
                if g is None:
                    g = self._new_group(s.group, s.group_tags(), self._series_id(s), int(pts.time[j]))
                table.adopt(g.state)
                ser_slot[sid] = cache[s] = g.state.slot
            row_slot = ser_slot[pts.sid]
        self._seen = (groups, len(groups))
        return row_slot

    def _chunk_levels(self, pts, row_slot):
        """``(levels, keep)`` for the kernel: each row's highest true level and, per level with
        a reset expression, where that expression is false (the kernel applies the reset rule).
        Stateful lambdas, and reset expressions that failed on some rows (their errors are
        logged where Kapacitor evaluates them), are decided here point by point."""
        rules = self.rules
        if rules.stateful:
            return self._levels_in_arrival_order(pts, row_slot), None
        top, keep = rules.prepare(pts)
        if keep is None:
            return top, None
        if not any(errors is not None and np.not_equal(errors, None).any() for _, errors in keep.values()):
            return top, {level: kept for level, (kept, _) in keep.items()}
        return self._in_arrival_order(pts, row_slot,
                                      lambda j, cur: rules.group_levels((top, keep), np.array([j]), cur)[0]), None

    def _levels_in_arrival_order(self, pts, row_slot) -> np.ndarray:
        """Levels with stateful level lambdas: one expression serves every group (alert.go), so
        points are decided in arrival order across groups, each from its group's last level."""
        return self._in_arrival_order(pts, row_slot,
                                      lambda j, cur: self.rules.stream_levels(pts.take(np.array([j])), cur)[0])

    def _in_arrival_order(self, pts, row_slot, level_of) -> np.ndarray:
        """``level_of(row, current level of its group)`` row by row, each group's current level
        starting from its state and following the levels decided."""
        table = self._table
        current = {}
        levels = np.empty(pts.n, dtype=np.int8)
        for j, slot in enumerate(row_slot.tolist()):
            cur = current.get(slot)
            if cur is None:
                cur = int(table.hist[slot, table.idx[slot]])
            current[slot] = levels[j] = level_of(j, cur)
        return levels

    def _decorate(self, pts: Points, sent: list) -> Points:
        """The sent rows of ``pts`` with the event's level/id tags and fields added."""
        out = pts.take(np.array([s[0] for s in sent], dtype=np.int64))
        if self.level_tag or self.id_tag:
            series, index, sids = [], {}, np.empty(out.n, dtype=np.int32)
            for k, (_, level, alert_id, _, _) in enumerate(sent):
                s = out.series_of(k)
                key = (id(s), level, alert_id)
                j = index.get(key)
                if j is None:
                    j = index[key] = len(series)
                    series.append(self._tagged(s, level, alert_id))
                sids[k] = j
            out = out.with_series(series, sids)
        fields = dict(out.fields)
        for name, values in ((self.level_field, [level_name(s[1]) for s in sent]),
                             (self.message_field, [s[3] for s in sent]),
                             (self.id_field, [s[2] for s in sent]),
                             (self.duration_field, [int(s[4]) for s in sent])):
            if name:
                fields[name] = column(values)
        return out.with_fields(fields)

    def _tagged(self, s: Series, level, alert_id) -> Series:
        tags = dict(s.tags)
        if self.level_tag:
            tags[self.level_tag] = level_name(level)
        if self.id_tag:
            tags[self.id_tag] = alert_id
        return Series(s.name, tags, s.dims, s.group)  # NOTE: SetTags keeps the point's group id

    # -- batches ----------------------------------------------------------------------------------
    def batch(self, b: Batch, port):
        alert_id = self._render_id(b.name, b.group, b.tags)
        g = self.groups.get(b.group)
        if g is None:
            g = self._new_group(b.group, b.tags, alert_id, int(b.tmax))
        pts = b.points
        if not pts.n:
            return
        levels = self.rules.batch_levels(pts, g.state.level)
        hi = int(np.argmax(levels))
        level = int(levels.min()) if self.opts.all else int(levels[hi])
        t = int(b.tmax) if self.opts.all or level == OK else int(pts.time[hi])
        tr = g.state.batch(level, t)
        if tr is None:
            return
        self._set_inhibitors(b.group, g.state.inhibited)
        if not tr.send:
            return
        message = self._handle(alert_id=alert_id, name=b.name, group=b.group, tags=b.tags,
                               fields=pts.row_fields(hi), level=level, t=t, duration=tr.duration, row=batch_row(b))
        if not (self.level_tag or self.id_tag or self.level_field or self.id_field or self.duration_field
                or self.message_field):
            self.emit_batch(b)
            return
        decorated = self._decorate(pts, [(i, level, alert_id, message, tr.duration) for i in range(pts.n)])
        tags = dict(b.tags)
        if self.level_tag:
            tags[self.level_tag] = level_name(level)
        if self.id_tag:
            tags[self.id_tag] = alert_id
        self.emit_batch(Batch(b.name, b.group, tags, b.dims, b.tmax, decorated))

    # -- state --------------------------------------------------------------------------------------
    def state(self):
        items = list(self.groups.items())
        dicts = AlertState.to_dicts([grp.state for _, grp in items])
        return {"groups": {g: {"state": d, "tags": grp.tags} for (g, grp), d in zip(items, dicts)},
                "rules": self.rules.state()}

    def restore(self, state):
        state = state or {}
        self.groups = {}
        for group, saved in (state.get("groups") or {}).items():
            g = _Group(AlertState.from_dict(self.opts, saved["state"]), dict(saved["tags"]))
            self.groups[group] = g
            for i, (category, names) in enumerate(self.inhibit_specs):
                self.ctx.inhibitors.add(self._inhibitor_key(group, i), category,
                                        {k: g.tags.get(k, "") for k in names}, g.state.inhibited)
        self.rules.restore(state.get("rules"))
        self.stats.cardinality = len(self.groups)


__all__ = ["AlertError", "AlertRuntime"]
