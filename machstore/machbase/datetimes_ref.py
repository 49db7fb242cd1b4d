"""Reference twin of :func:`machstore.machbase.datetimes.format_datetime`: one value at a time.

Plain :mod:`datetime` arithmetic and its own tokenizer, written for clarity, not speed.
The tests render random timestamps with random formats through both and require equal
output; production code never imports this module.
"""
import datetime as _dt

_TOKENS = (
    "HH12", "HH24", "MI10", "MI20", "MI30", "SS10", "SS20", "SS30", "YYYY",
    "MON", "DAY", "HH2", "HH3", "HH6", "MI2", "MI5", "SS2", "SS5", "mmm", "uuu", "nnn",
    "YY", "MM", "DD", "IW", "WW", "HH", "MI", "SS", "AM", "PM", "W",
)
_MONTHS = "JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split()
_DAYS = "MON TUE WED THU FRI SAT SUN".split()        # datetime.weekday() order
_EPOCH = _dt.datetime(1970, 1, 1)


def tokenize_ref(fmt):
    """Split ``fmt`` into tokens and literal characters, longest token first."""
    out, i = [], 0
    while i < len(fmt):
        for tok in _TOKENS:
            if fmt.startswith(tok, i):
                out.append(tok)
                i += len(tok)
                break
        else:
            out.append(("lit", fmt[i]))
            i += 1
    return out


def offset_seconds_ref(ns, tz):
    """Return the UTC offset in seconds of ``tz`` at ``ns`` (``tz`` a machbase Timezone)."""
    if tz.zone is None:
        return tz.offset_s
    when = _dt.datetime.fromtimestamp(ns // 10**9, _dt.timezone.utc).astimezone(tz.zone)
    return int(when.utcoffset().total_seconds())


def format_ref(ns, fmt, tz):
    """Return ``ns`` formatted with ``fmt`` in timezone ``tz``, one field at a time."""
    local = ns + offset_seconds_ref(ns, tz) * 10**9
    sec, sub = divmod(local, 10**9)
    d = _EPOCH + _dt.timedelta(seconds=sec)
    parts = []
    for tok in tokenize_ref(fmt):
        if isinstance(tok, tuple):
            parts.append(tok[1])
        elif tok == "YYYY":
            parts.append(f"{d.year:04d}")
        elif tok == "YY":
            parts.append(f"{d.year % 100:02d}")
        elif tok == "MM":
            parts.append(f"{d.month:02d}")
        elif tok == "MON":
            parts.append(_MONTHS[d.month - 1])
        elif tok == "DD":
            parts.append(f"{d.day:02d}")
        elif tok == "DAY":
            parts.append(_DAYS[d.weekday()])
        elif tok == "IW":
            parts.append(f"{d.isocalendar()[1]:02d}")
        elif tok == "WW":
            parts.append(f"{(d.timetuple().tm_yday - 1) // 7 + 1:02d}")
        elif tok == "W":
            parts.append(f"{(d.day - 1) // 7 + 1:d}")
        elif tok in ("HH", "HH24"):
            parts.append(f"{d.hour:02d}")
        elif tok == "HH12":
            parts.append(f"{(d.hour % 12) or 12:02d}")
        elif tok in ("HH2", "HH3", "HH6"):
            step = int(tok[2:])
            parts.append(f"{d.hour // step * step:02d}")
        elif tok == "MI":
            parts.append(f"{d.minute:02d}")
        elif tok.startswith("MI"):
            step = int(tok[2:])
            parts.append(f"{d.minute // step * step:02d}")
        elif tok == "SS":
            parts.append(f"{d.second:02d}")
        elif tok.startswith("SS"):
            step = int(tok[2:])
            parts.append(f"{d.second // step * step:02d}")
        elif tok in ("AM", "PM"):
            parts.append("PM" if d.hour >= 12 else "AM")
        elif tok == "mmm":
            parts.append(f"{sub // 10**6:03d}")
        elif tok == "uuu":
            parts.append(f"{sub // 10**3 % 1000:03d}")
        elif tok == "nnn":
            parts.append(f"{sub % 1000:03d}")
        else:  # pragma: no cover
            raise AssertionError(tok)
    return "".join(parts)
