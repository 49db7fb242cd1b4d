# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Block codec kernels: a block's encoding, summary or decoding in one C-level call.

These produce exactly the bytes of the reference twin ``machstore.storage.blocks_ref`` (the
format is the contract; see ``machstore/storage/blocks.py``).  Design note:

* One kernel call per block (``encode_block_parts`` / ``decode_block_parts``); it loops
  over the columns itself so Python pays a handful of calls per block, not ~10 numpy
  calls per column.  Per numeric column: [compact the valid values], one scan for
  count/min/max/first/last and the narrow code, one write pass, one summing pass, all
  over cache-resident data.  String and boolean columns (rare) go through a Python
  ``fallback`` for their value bytes.
* Inputs are read through the buffer protocol and must be canonical (1-D int64
  times, int64/uint64/float64 values matching the field type, bool validity, one
  entry per row); otherwise the block kernels return None and the caller uses the
  reference twin, which defines the behaviour (and the errors) for odd inputs.
* Every multi-byte load and store goes through ``memcpy`` (``_ld64``, ``_st64``,
  ``_put_narrow``): buffers may be unaligned (and strict aliasing forbids reading float
  bits as integers through pointers); the compiler turns these into plain moves.
* ``sum`` replicates numpy's pairwise summation (``np.sum(v, dtype=float64)``), so
  summaries are byte-identical to the twin: floats are summed in one pairwise pass;
  integers are cast in numpy's 8192-element buffers, one pairwise sum per buffer.
* min/max follow ``np.argmin``/``np.argmax``: first occurrence; for floats the first
  NaN wins both.  Integer deltas wrap (two's complement), as numpy's do.
* The GIL is released around the per-column loops of large blocks only (PERF: for
  small blocks re-acquiring it costs more than the loop, and can stall behind other
  threads).  Nothing in those loops touches Python objects.
* Lifetimes: input buffers are held only for the duration of one column; ``data``
  passed to the decoder (e.g. an LMDB buffer, valid only inside its transaction) is
  not referenced by anything returned: every output array is freshly allocated.
"""
cimport cython
from cpython.buffer cimport PyBUF_RECORDS_RO, PyBUF_SIMPLE, PyBUF_WRITABLE, PyObject_GetBuffer, PyBuffer_Release
from cpython.bytes cimport PyBytes_FromStringAndSize
from cpython.unicode cimport PyUnicode_AsUTF8String, PyUnicode_DecodeUTF8
from libc.math cimport isnan
from libc.stdint cimport int8_t, int16_t, int32_t, int64_t, uint8_t, uint16_t, uint32_t, uint64_t
from libc.stdlib cimport free, malloc, realloc
from libc.string cimport memcpy, memset

import sys

import numpy as np

if sys.byteorder != "little":
    raise ImportError("machstore._ext_blockcodec assumes a little-endian host")

# Field type codes (machstore.storage.fieldtypes); a test checks they agree.
cdef enum:
    FLOAT = 0
    INTEGER = 1
    UNSIGNED = 2
    STRING = 3
    BOOLEAN = 4

FIELD_TYPES = (FLOAT, INTEGER, UNSIGNED, STRING, BOOLEAN)

# PERF: below this many rows a column's loop is shorter than a GIL round trip.
cdef Py_ssize_t NOGIL_MIN_ROWS = 4096
# numpy casts int64 -> float64 for np.sum in buffers of this many elements.
cdef Py_ssize_t SUM_CAST_BUFFER = 8192

cdef object _INT64 = np.dtype(np.int64)
cdef object _UINT64 = np.dtype(np.uint64)
cdef object _FLOAT64 = np.dtype(np.float64)
cdef object _BOOL = np.dtype(np.bool_)
cdef object _np_empty = np.empty
cdef object _np_zeros = np.zeros


# -- small helpers ----------------------------------------------------------------------

cdef inline uint64_t _ld64(const char* p) noexcept nogil:
    cdef uint64_t x
    memcpy(&x, p, 8)
    return x


cdef inline void _st64(char* p, uint64_t x) noexcept nogil:
    memcpy(p, &x, 8)


cdef inline double _bits_to_f64(uint64_t x) noexcept nogil:
    cdef double d
    memcpy(&d, &x, 8)
    return d


cdef inline uint64_t _magnitude(int64_t d) noexcept nogil:
    """``d`` for d >= 0, ``-d - 1`` for d < 0: d fits a signed w-bit int iff this is < 2**(w-1).

    PERF: OR-ing these over a column gives its narrow code with one dependency chain of
    ORs, instead of two compare/move chains for the min and the max.
    """
    return <uint64_t>(d ^ (d >> 63))


cdef inline int _narrow_code(uint64_t magnitudes) noexcept nogil:
    """Return the narrow_ints code (0..3: int8/16/32/64) given the OR of ``_magnitude``s."""
    if magnitudes <= 0x7F:
        return 0
    if magnitudes <= 0x7FFF:
        return 1
    if magnitudes <= 0x7FFFFFFF:
        return 2
    return 3


cdef inline void _put_narrow(char* out, Py_ssize_t k, int code, int64_t d) noexcept nogil:
    cdef int8_t d8
    cdef int16_t d16
    cdef int32_t d32
    if code == 0:
        d8 = <int8_t>d
        out[k] = <char>d8
    elif code == 1:
        d16 = <int16_t>d
        memcpy(out + 2 * k, &d16, 2)
    elif code == 2:
        d32 = <int32_t>d
        memcpy(out + 4 * k, &d32, 4)
    else:
        memcpy(out + 8 * k, &d, 8)


cdef inline int64_t _get_narrow(const char* src, Py_ssize_t k, int code) noexcept nogil:
    cdef int16_t d16
    cdef int32_t d32
    cdef int64_t d64
    if code == 0:
        return (<const int8_t*>src)[k]
    if code == 1:
        memcpy(&d16, src + 2 * k, 2)
        return d16
    if code == 2:
        memcpy(&d32, src + 4 * k, 4)
        return d32
    memcpy(&d64, src + 8 * k, 8)
    return d64


cdef inline Py_ssize_t _width(int code) noexcept nogil:
    return (<Py_ssize_t>1) << code


# -- growable output buffer -------------------------------------------------------------

cdef struct Buf:
    char* data
    Py_ssize_t size
    Py_ssize_t cap


cdef int _reserve(Buf* b, Py_ssize_t extra) except -1:
    """Make room for ``extra`` more bytes."""
    cdef Py_ssize_t cap
    cdef char* p
    if b.size + extra <= b.cap:
        return 0
    cap = max(2 * b.cap, b.size + extra, 256)
    p = <char*>realloc(b.data, cap)
    if p == NULL:
        raise MemoryError()
    b.data, b.cap = p, cap
    return 0


cdef int _put(Buf* b, const void* src, Py_ssize_t n) except -1:
    _reserve(b, n)
    memcpy(b.data + b.size, src, n)
    b.size += n
    return 0


cdef int _put_u8(Buf* b, uint8_t x) except -1:
    return _put(b, &x, 1)


cdef int _put_u16(Buf* b, uint16_t x) except -1:
    return _put(b, &x, 2)


cdef int _put_u32(Buf* b, uint32_t x) except -1:
    return _put(b, &x, 4)


cdef int _put_u64(Buf* b, uint64_t x) except -1:
    return _put(b, &x, 8)


cdef int _put_f64(Buf* b, double x) except -1:
    return _put(b, &x, 8)


cdef bytes _take_bytes(Buf* b):
    return PyBytes_FromStringAndSize(b.data, b.size) if b.size else b""


# -- input buffers ----------------------------------------------------------------------

cdef struct Vec:
    const char* ptr      # first element
    Py_ssize_t n
    Py_ssize_t stride    # bytes


cdef int _get_vec(object obj, Py_buffer* view, Vec* v, char kind, Py_ssize_t n) except -1:
    """Acquire ``obj`` as a 1-D vector of ``n`` items of kind q (int64), Q (uint64), d or ?.

    Return 1 with the view held, or 0 (nothing held) when ``obj`` is not such a vector.
    """
    cdef const char* f
    cdef char c
    cdef bint ok
    if obj is None:
        return 0
    try:
        PyObject_GetBuffer(obj, view, PyBUF_RECORDS_RO)
    except (TypeError, BufferError, ValueError):
        return 0
    f = view.format
    if f[0] == b"@" or f[0] == b"=":
        f += 1
    c = f[0]
    ok = view.ndim == 1 and view.shape[0] == n and f[1] == 0
    if kind == b"q":
        ok = ok and view.itemsize == 8 and (c == b"q" or c == b"l")
    elif kind == b"Q":
        ok = ok and view.itemsize == 8 and (c == b"Q" or c == b"L")
    elif kind == b"d":
        ok = ok and view.itemsize == 8 and c == b"d"
    else:
        ok = ok and view.itemsize == 1 and c == b"?"
    if not ok:
        PyBuffer_Release(view)
        return 0
    v.ptr = <const char*>view.buf
    v.n = n
    v.stride = view.strides[0]
    return 1


cdef inline bint _is_dense64(const Vec* v) noexcept nogil:
    """True if ``v`` is a contiguous run of 8-byte words (read with ``memcpy``: any alignment)."""
    return v.stride == 8


# -- pairwise summation (numpy's algorithm, bit for bit) ---------------------------------

ctypedef fused num_t:
    int64_t
    uint64_t
    double


cdef inline double _load(const num_t* tag, const char* a, Py_ssize_t i) noexcept nogil:
    """Item ``i`` of 8-byte words at ``a`` read as ``num_t`` (``tag`` only picks the type)."""
    cdef num_t x
    memcpy(&x, a + 8 * i, 8)
    return <double>x


cdef double _pairwise(const num_t* tag, const char* a, Py_ssize_t n) noexcept nogil:
    """numpy's ``pairwise_sum`` (numpy/_core/src/umath/loops_utils.h.src), cast to double."""
    cdef Py_ssize_t i, n2
    cdef double res, r0, r1, r2, r3, r4, r5, r6, r7
    if n < 8:
        res = 0.0
        for i in range(n):
            res += _load(tag, a, i)
        return res
    if n <= 128:
        r0, r1, r2, r3 = _load(tag, a, 0), _load(tag, a, 1), _load(tag, a, 2), _load(tag, a, 3)
        r4, r5, r6, r7 = _load(tag, a, 4), _load(tag, a, 5), _load(tag, a, 6), _load(tag, a, 7)
        i = 8
        while i < n - (n % 8):
            r0 += _load(tag, a, i)
            r1 += _load(tag, a, i + 1)
            r2 += _load(tag, a, i + 2)
            r3 += _load(tag, a, i + 3)
            r4 += _load(tag, a, i + 4)
            r5 += _load(tag, a, i + 5)
            r6 += _load(tag, a, i + 6)
            r7 += _load(tag, a, i + 7)
            i += 8
        res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
        while i < n:
            res += _load(tag, a, i)
            i += 1
        return res
    n2 = n // 2
    n2 -= n2 % 8
    return _pairwise(tag, a, n2) + _pairwise(tag, a + 8 * n2, n - n2)


cdef double _np_sum(const num_t* tag, const char* a, Py_ssize_t n) noexcept nogil:
    """``np.sum(a, dtype=np.float64)``: integers go through numpy's cast buffers."""
    cdef double res = 0.0
    cdef Py_ssize_t lo, m
    if num_t is double:
        res += _pairwise(tag, a, n)
    else:
        lo = 0
        while lo < n:
            m = min(SUM_CAST_BUFFER, n - lo)
            res += _pairwise(tag, a + 8 * lo, m)
            lo += m
    return res


# -- column scans -----------------------------------------------------------------------

cdef struct Stats:
    Py_ssize_t count
    Py_ssize_t ifirst, ilast, imin, imax    # row indices
    uint64_t vmin, vmax, vfirst, vlast      # value bits
    double total
    int code                                 # narrow code of the deltas (integers)


ctypedef fused word_t:
    int64_t
    uint64_t


cdef Py_ssize_t _compact(const Vec* v, const Vec* valid, char* vals, Py_ssize_t* rows) noexcept nogil:
    """Copy the valid 8-byte values of ``v`` to ``vals`` (and their row indices to ``rows``,
    unless NULL); return how many.  ``valid`` may be NULL (all valid)."""
    cdef Py_ssize_t i, count = 0
    if valid == NULL:
        for i in range(v.n):
            _st64(vals + 8 * i, _ld64(v.ptr + i * v.stride))
        return v.n
    # PERF: branch-free: always write, advance only past valid rows
    for i in range(v.n):
        _st64(vals + 8 * count, _ld64(v.ptr + i * v.stride))
        rows[count] = i
        count += valid.ptr[i * valid.stride] != 0
    return count


cdef void _scan_ints(const word_t* tag, const char* vals, Py_ssize_t count, Stats* st) noexcept nogil:
    """min/max (first occurrence, as ``word_t``: signed or unsigned), first/last and the
    narrow code of the deltas of ``count >= 1`` contiguous values; positions are indices."""
    cdef Py_ssize_t k, imin = 0, imax = 0
    cdef uint64_t bits, prev = _ld64(vals)
    cdef word_t x, vmin = <word_t>prev, vmax = <word_t>prev
    cdef uint64_t mags = _magnitude(<int64_t>prev)
    for k in range(1, count):
        bits = _ld64(vals + 8 * k)
        x = <word_t>bits
        mags |= _magnitude(<int64_t>(bits - prev))
        prev = bits
        if x < vmin:
            vmin, imin = x, k
        if x > vmax:
            vmax, imax = x, k
    st.imin, st.imax, st.ifirst, st.ilast = imin, imax, 0, count - 1
    st.vmin, st.vmax, st.vfirst, st.vlast = <uint64_t>vmin, <uint64_t>vmax, _ld64(vals), prev
    st.code = _narrow_code(mags)


cdef void _put_deltas(const char* vals, Py_ssize_t count, int code, char* out) noexcept nogil:
    """Write the wrapping first differences of the 8-byte words ``vals``, narrowed to ``code``."""
    cdef Py_ssize_t k
    cdef uint64_t x, prev = 0
    # PERF: one loop per width, so that the width is a constant inside each
    if code == 0:
        for k in range(count):
            x = _ld64(vals + 8 * k)
            _put_narrow(out, k, 0, <int64_t>(x - prev))
            prev = x
    elif code == 1:
        for k in range(count):
            x = _ld64(vals + 8 * k)
            _put_narrow(out, k, 1, <int64_t>(x - prev))
            prev = x
    elif code == 2:
        for k in range(count):
            x = _ld64(vals + 8 * k)
            _put_narrow(out, k, 2, <int64_t>(x - prev))
            prev = x
    else:
        for k in range(count):
            x = _ld64(vals + 8 * k)
            _put_narrow(out, k, 3, <int64_t>(x - prev))
            prev = x


cdef void _scan_floats(const char* vals, Py_ssize_t count, Stats* st) noexcept nogil:
    """Like ``_scan_ints`` for float64, with np.argmin/argmax rules: the first NaN wins both."""
    cdef Py_ssize_t k, imin = 0, imax = 0
    cdef uint64_t bits, first = _ld64(vals), bmin = first, bmax = first
    cdef double x, vmin = _bits_to_f64(first), vmax = vmin
    if not isnan(vmin):
        for k in range(1, count):
            bits = _ld64(vals + 8 * k)
            x = _bits_to_f64(bits)
            if not (x >= vmin):
                vmin, bmin, imin = x, bits, k
            if not (x <= vmax):
                vmax, bmax, imax = x, bits, k
            if isnan(x):  # both just took it (neither comparison holds for NaN)
                break
    st.imin, st.imax, st.ifirst, st.ilast = imin, imax, 0, count - 1
    st.vmin, st.vmax, st.vfirst, st.vlast = bmin, bmax, first, _ld64(vals + 8 * (count - 1))
    st.code = 0


cdef void _put_xor_shuffle(const char* bits, Py_ssize_t count, char* out) noexcept nogil:
    """XOR each value's bits with the previous value's, then byte-transpose (8 planes)."""
    cdef Py_ssize_t k
    cdef uint64_t x, cur, prev = 0
    cdef int b
    for k in range(count):
        cur = _ld64(bits + 8 * k)
        x = cur ^ prev
        prev = cur
        for b in range(8):
            out[b * count + k] = <char>((x >> (8 * b)) & 0xFF)


cdef Py_ssize_t _count_valid(const Vec* valid) noexcept nogil:
    cdef Py_ssize_t i, c = 0
    for i in range(valid.n):
        c += valid.ptr[i * valid.stride] != 0
    return c


cdef void _first_last_valid(const Vec* valid, Stats* st) noexcept nogil:
    cdef Py_ssize_t i
    st.ifirst = st.ilast = -1
    for i in range(valid.n):
        if valid.ptr[i * valid.stride]:
            st.ifirst = i
            break
    for i in range(valid.n - 1, -1, -1):
        if valid.ptr[i * valid.stride]:
            st.ilast = i
            break


cdef void _put_bitmap(const Vec* valid, char* out) noexcept nogil:
    """``np.packbits(valid)``: most significant bit first, zero padded."""
    cdef Py_ssize_t i, n = valid.n
    memset(out, 0, (n + 7) // 8)
    for i in range(n):
        if valid.ptr[i * valid.stride]:
            out[i >> 3] |= <char>(0x80 >> (i & 7))


cdef int _scan_times(const Vec* t) noexcept nogil:
    """Return the narrow code of the delta-of-deltas of ``t`` (``t.n >= 1``)."""
    cdef Py_ssize_t i
    cdef uint64_t x, prev = _ld64(t.ptr), prev_d = prev, d
    cdef uint64_t mags = _magnitude(<int64_t>prev)
    for i in range(1, t.n):
        x = _ld64(t.ptr + i * t.stride)
        d = x - prev
        mags |= _magnitude(<int64_t>(d - prev_d))
        prev, prev_d = x, d
    return _narrow_code(mags)


cdef void _put_times(const Vec* t, int code, char* out) noexcept nogil:
    cdef Py_ssize_t i
    cdef uint64_t x, prev = 0, prev_d = 0, d
    # PERF: one loop per width, so that the width is a constant inside each
    if code == 0:
        for i in range(t.n):
            x = _ld64(t.ptr + i * t.stride)
            d = x - prev
            _put_narrow(out, i, 0, <int64_t>(d - prev_d))
            prev, prev_d = x, d
    elif code == 1:
        for i in range(t.n):
            x = _ld64(t.ptr + i * t.stride)
            d = x - prev
            _put_narrow(out, i, 1, <int64_t>(d - prev_d))
            prev, prev_d = x, d
    elif code == 2:
        for i in range(t.n):
            x = _ld64(t.ptr + i * t.stride)
            d = x - prev
            _put_narrow(out, i, 2, <int64_t>(d - prev_d))
            prev, prev_d = x, d
    else:
        for i in range(t.n):
            x = _ld64(t.ptr + i * t.stride)
            d = x - prev
            _put_narrow(out, i, 3, <int64_t>(d - prev_d))
            prev, prev_d = x, d


# -- one numeric column -----------------------------------------------------------------

cdef void _numeric_pass(int ftype, const Vec* v, const Vec* valid, char* tmp, Py_ssize_t* rows,
                        char* dst, bint want_sum, Stats* st) noexcept nogil:
    """Compact (if ``tmp``), scan, write [bitmap] + values at ``dst`` (unless NULL), sum."""
    cdef const char* vals = v.ptr
    cdef Py_ssize_t count = v.n
    if tmp != NULL:
        count = _compact(v, valid, tmp, rows)
        vals = tmp
    st.count = count
    st.code = 0
    if count:
        if ftype == FLOAT:
            _scan_floats(vals, count, st)
        elif ftype == UNSIGNED:
            _scan_ints(<const uint64_t*>NULL, vals, count, st)
        else:
            _scan_ints(<const int64_t*>NULL, vals, count, st)
        if valid != NULL:  # value indices -> row indices
            st.imin, st.imax = rows[st.imin], rows[st.imax]
            st.ifirst, st.ilast = rows[st.ifirst], rows[st.ilast]
    if dst != NULL:
        if count < v.n:
            _put_bitmap(valid, dst)
            dst += (v.n + 7) // 8
        if ftype == FLOAT:
            _put_xor_shuffle(vals, count, dst)
        else:
            _put_deltas(vals, count, st.code, dst)
    if want_sum:
        if ftype == FLOAT:
            st.total = _np_sum(<const double*>NULL, vals, count)
        elif ftype == UNSIGNED:
            st.total = _np_sum(<const uint64_t*>NULL, vals, count)
        else:
            st.total = _np_sum(<const int64_t*>NULL, vals, count)


cdef int _encode_numeric(int ftype, const Vec* v, const Vec* valid, Buf* out, bint want_sum,
                         Stats* st) except -1:
    """Scan one int/unsigned/float column into ``st``; append its bytes to ``out`` if given.

    The bytes are [validity bitmap if some are missing] + narrowed deltas or XOR planes.
    """
    cdef Py_ssize_t n = v.n
    cdef char* tmp = NULL
    cdef char* dst = NULL
    cdef Py_ssize_t* rows = NULL
    if valid != NULL or not _is_dense64(v):
        # the valid values, contiguous, then (with a mask) their row indices
        tmp = <char*>malloc(max(n, 1) * (16 if valid != NULL else 8))
        if tmp == NULL:
            raise MemoryError()
        if valid != NULL:
            rows = <Py_ssize_t*>(tmp + 8 * max(n, 1))
    try:
        if out != NULL:
            _reserve(out, (n + 7) // 8 + 8 * n)
            dst = out.data + out.size
        if n >= NOGIL_MIN_ROWS:
            with nogil:
                _numeric_pass(ftype, v, valid, tmp, rows, dst, want_sum, st)
        else:
            # PERF: small columns keep the GIL (see the module docstring)
            _numeric_pass(ftype, v, valid, tmp, rows, dst, want_sum, st)
        if out != NULL:
            out.size += ((n + 7) // 8 if st.count < n else 0)
            out.size += (8 if ftype == FLOAT else _width(st.code)) * st.count
    finally:
        free(tmp)
    return 0


cdef int _put_summary(Buf* s, bytes name, int ftype, const Stats* st, const Vec* t,
                      bint numeric) except -1:
    """Append one column's summary: name, '<BIqq' and, for numbers, '<d8sq8sq8s8s'."""
    _put_u16(s, <uint16_t>len(name))
    _put(s, <const char*>name, len(name))
    _put_u8(s, <uint8_t>ftype)
    _put_u32(s, <uint32_t>st.count)
    if st.count == 0:
        _put_u64(s, 0)
        _put_u64(s, 0)
        return 0
    _put_u64(s, _ld64(t.ptr + st.ifirst * t.stride))
    _put_u64(s, _ld64(t.ptr + st.ilast * t.stride))
    if numeric:
        _put_f64(s, st.total)
        _put_u64(s, st.vmin)
        _put_u64(s, _ld64(t.ptr + st.imin * t.stride))
        _put_u64(s, st.vmax)
        _put_u64(s, _ld64(t.ptr + st.imax * t.stride))
        _put_u64(s, st.vfirst)
        _put_u64(s, st.vlast)
    return 0


cdef inline char _kind_of(int ftype) noexcept:
    if ftype == FLOAT:
        return b"d"
    if ftype == UNSIGNED:
        return b"Q"
    return b"q"


# -- block encoder ----------------------------------------------------------------------

def encode_block_parts(times, columns, *, bint block=True, bint summary=True, fallback=None):
    """Encode a block's times and columns, and/or its summary, in one call.

    ``columns`` is a sequence of ``(name, ftype, values, valid)``.  ``fallback(ftype,
    values)`` returns ``(enc, bytes)`` for the valid values of a string or boolean column.
    Return ``(tcode, meta, raw, summary_body)``: the time narrow code, the packed column
    descriptors, the uncompressed payload (both None without ``block``) and the summary
    after its header (None without ``summary``).  Return None if an input is not
    canonical; the caller then uses the reference twin.
    """
    cdef Py_buffer tview, vview, mview
    cdef Vec t, v, m
    cdef Buf raw, meta, summ
    cdef Stats st
    cdef Py_ssize_t n, n_valid, nbitmap
    cdef int ftype, tcode = 0
    cdef bint have_v, have_m, numeric
    cdef bytes name_b, payload_b
    cdef object name, ftype_obj, values, valid, enc, payload, vals
    memset(&raw, 0, sizeof(Buf))
    memset(&meta, 0, sizeof(Buf))
    memset(&summ, 0, sizeof(Buf))
    try:
        n = len(times)
    except TypeError:
        return None
    if n > 0xFFFFFFFF or not _get_vec(times, &tview, &t, b"q", n):
        return None  # the format counts rows in 32 bits: the twin raises
    try:
        if block:
            tcode = _scan_times(&t) if n else 0  # narrow_ints of nothing is int8
            _reserve(&raw, n * _width(tcode))
            _put_times(&t, tcode, raw.data)
            raw.size += n * _width(tcode)
        for name, ftype_obj, values, valid in columns:
            if type(name) is not str or type(ftype_obj) is not int:
                return None
            ftype = ftype_obj
            if ftype < 0 or ftype > 255:
                return None
            name_b = PyUnicode_AsUTF8String(name)
            if len(name_b) > 0xFFFF:
                return None
            numeric = ftype == FLOAT or ftype == INTEGER or ftype == UNSIGNED
            have_m = have_v = False
            try:
                if valid is not None:
                    have_m = _get_vec(valid, &mview, &m, b"?", n)
                    if not have_m:
                        return None
                if numeric:
                    have_v = _get_vec(values, &vview, &v, _kind_of(ftype), n)
                    if not have_v:
                        return None
                    memset(&st, 0, sizeof(Stats))
                    _encode_numeric(ftype, &v, &m if have_m else NULL, &raw if block else NULL,
                                    summary, &st)
                    n_valid = st.count
                else:
                    memset(&st, 0, sizeof(Stats))
                    if have_m:
                        n_valid = _count_valid(&m)
                        _first_last_valid(&m, &st)
                    else:
                        n_valid = n
                        st.ifirst, st.ilast = 0, n - 1
                    st.count = n_valid
                    if block:
                        vals = values
                        if n_valid < n:
                            nbitmap = (n + 7) // 8
                            _reserve(&raw, nbitmap)
                            _put_bitmap(&m, raw.data + raw.size)
                            raw.size += nbitmap
                            vals = values[valid]
                        enc, payload = fallback(ftype, vals)
                        payload_b = payload
                        st.code = enc
                        _put(&raw, <const char*>payload_b, len(payload_b))
            finally:
                if have_v:
                    PyBuffer_Release(&vview)
                if have_m:
                    PyBuffer_Release(&mview)
            if block:
                _put_u16(&meta, <uint16_t>len(name_b))
                _put(&meta, <const char*>name_b, len(name_b))
                _put_u8(&meta, <uint8_t>ftype)
                _put_u8(&meta, <uint8_t>st.code)
                _put_u32(&meta, <uint32_t>n_valid)
            if summary:
                _put_summary(&summ, name_b, ftype, &st, &t, numeric)
        return (tcode,
                _take_bytes(&meta) if block else None,
                _take_bytes(&raw) if block else None,
                _take_bytes(&summ) if summary else None)
    finally:
        PyBuffer_Release(&tview)
        free(raw.data)
        free(meta.data)
        free(summ.data)


# -- block decoder ----------------------------------------------------------------------

cdef inline bint _differs4(const char* a, const char* b) noexcept:
    return a[0] != b[0] or a[1] != b[1] or a[2] != b[2] or a[3] != b[3]


cdef struct Reader:
    const char* ptr
    Py_ssize_t size
    Py_ssize_t pos


cdef const char* _take(Reader* r, Py_ssize_t n, str what, object column=None) except NULL:
    """Return a pointer to the next ``n`` bytes and advance, or raise ValueError."""
    cdef const char* p
    if n < 0 or r.pos + n > r.size:
        if column is not None:
            what = f"{what} of column {column!r}"
        raise ValueError(f"truncated block: {what} needs {n} bytes at offset {r.pos}, "
                         f"{r.size - r.pos} left")
    p = r.ptr + r.pos
    r.pos += n
    return p


cdef void _get_ints(const char* src, int code, Py_ssize_t count, const uint8_t* valid,
                    Py_ssize_t n, char* out) noexcept nogil:
    """Widen ``count`` narrowed deltas, prefix-sum them, scatter to the valid rows of ``out``."""
    cdef Py_ssize_t i, k = 0
    cdef uint64_t acc = 0
    if valid == NULL:
        # PERF: one loop per width, so that the width is a constant inside each
        if code == 0:
            for i in range(count):
                acc += <uint64_t>_get_narrow(src, i, 0)
                _st64(out + 8 * i, acc)
        elif code == 1:
            for i in range(count):
                acc += <uint64_t>_get_narrow(src, i, 1)
                _st64(out + 8 * i, acc)
        elif code == 2:
            for i in range(count):
                acc += <uint64_t>_get_narrow(src, i, 2)
                _st64(out + 8 * i, acc)
        else:
            for i in range(count):
                acc += <uint64_t>_get_narrow(src, i, 3)
                _st64(out + 8 * i, acc)
        return
    for i in range(n):
        if valid[i]:
            acc += <uint64_t>_get_narrow(src, k, code)
            k += 1
            _st64(out + 8 * i, acc)
        else:
            _st64(out + 8 * i, 0)


cdef void _get_floats(const char* src, Py_ssize_t count, const uint8_t* valid, Py_ssize_t n,
                      char* out) noexcept nogil:
    """Un-transpose the 8 byte planes, XOR-scan, scatter to the valid rows of ``out``."""
    cdef Py_ssize_t i, k = 0
    cdef uint64_t x, acc = 0
    cdef int b
    for i in range(n):
        if valid != NULL and not valid[i]:
            _st64(out + 8 * i, 0)
            continue
        x = 0
        for b in range(8):
            x |= (<uint64_t>(<const uint8_t*>src)[b * count + k]) << (8 * b)
        acc ^= x
        k += 1
        _st64(out + 8 * i, acc)


cdef void _get_times(const char* src, int code, Py_ssize_t n, char* out) noexcept nogil:
    cdef Py_ssize_t i
    cdef uint64_t d = 0, t = 0
    if code == 0:  # PERF: a regular series; the width is a constant in this loop
        for i in range(n):
            d += <uint64_t>_get_narrow(src, i, 0)
            t += d
            _st64(out + 8 * i, t)
        return
    for i in range(n):
        d += <uint64_t>_get_narrow(src, i, code)
        t += d
        _st64(out + 8 * i, t)


cdef Py_ssize_t _get_bitmap(const char* src, Py_ssize_t n, char* out) noexcept nogil:
    """``np.unpackbits(src, count=n)`` as 0/1 bytes; return the number of ones."""
    cdef Py_ssize_t i, ones = 0
    cdef uint8_t bit
    for i in range(n):
        bit = ((<const uint8_t*>src)[i >> 3] >> (7 - (i & 7))) & 1
        out[i] = <char>bit
        ones += bit
    return ones


cdef char* _writable(object arr, Py_buffer* view) except NULL:
    PyObject_GetBuffer(arr, view, PyBUF_SIMPLE | PyBUF_WRITABLE)
    return <char*>view.buf


cdef int _skip_column(Reader* rd, object name, int ftype, int enc, Py_ssize_t n_valid, Py_ssize_t n,
                      object raw, object fallback) except -1:
    """Advance ``rd`` past one column's bytes (validity bitmap, then values) without decoding them.

    Numeric columns have a fixed width per value; strings and booleans go through ``fallback``
    (which knows their layout) and are dropped.
    """
    if n_valid < n:
        _take(rd, (n + 7) // 8, "validity", name)
    if ftype == INTEGER or ftype == UNSIGNED:
        if enc > 3:
            raise ValueError(f"corrupt block: column {name!r} narrow code {enc}")
        _take(rd, n_valid * _width(enc), "values", name)
    elif ftype == FLOAT:
        _take(rd, n_valid * 8, "values", name)
    else:
        _, rd.pos = fallback(ftype, enc, raw, n_valid, rd.pos, None, n_valid)
    return 0


def decode_block_parts(data, *, decompress, fallback, columns=None):
    """Decode a block into ``(times, [(name, ftype, values, valid), ...])``.

    ``decompress(buffer, raw_size)`` inverts the payload compression; ``fallback(ftype,
    enc, raw, count, offset, valid, n)`` returns ``(values, new offset)`` for a string or
    boolean column, expanded to ``n`` rows when ``valid`` is given.  ``columns`` (a set of
    names, None = all) keeps only those columns: the others' bytes are skipped, not decoded
    (PERF: a query reading one field of ten pays for one).  ``data`` may be an LMDB buffer:
    nothing returned refers to it.
    """
    cdef Py_buffer dview, rview, oview
    cdef Reader hdr, rd
    cdef const char* p
    cdef char* dst
    cdef uint32_t n32, raw32, nv32
    cdef uint16_t ncols, ln
    cdef int tcode, ftype, enc
    cdef Py_ssize_t n, i, n_valid, nbitmap, nbytes
    cdef uint8_t* vbits
    cdef list meta = [], out_cols = []
    cdef object raw, times, values, valid, name
    PyObject_GetBuffer(data, &dview, PyBUF_SIMPLE)
    try:
        hdr.ptr, hdr.size, hdr.pos = <const char*>dview.buf, dview.len, 0
        p = _take(&hdr, 15, "header")
        if _differs4(p, b"MSB1"):
            raise ValueError("not a machstore block")
        memcpy(&n32, p + 4, 4)
        memcpy(&ncols, p + 8, 2)
        memcpy(&raw32, p + 10, 4)
        tcode = (<const uint8_t*>p)[14]
        n = n32
        for i in range(ncols):
            p = _take(&hdr, 2, "column name length")
            memcpy(&ln, p, 2)
            p = _take(&hdr, ln, "column name")
            name = PyUnicode_DecodeUTF8(p, ln, NULL)
            p = _take(&hdr, 6, "column descriptor")
            memcpy(&nv32, p + 2, 4)
            meta.append((name, (<const uint8_t*>p)[0], (<const uint8_t*>p)[1], <Py_ssize_t>nv32))
        raw = decompress(memoryview(data)[hdr.pos:], raw32) if raw32 else b""
    finally:
        PyBuffer_Release(&dview)
    if tcode > 3:
        raise ValueError(f"corrupt block: time narrow code {tcode}")
    PyObject_GetBuffer(raw, &rview, PyBUF_SIMPLE)
    try:
        rd.ptr, rd.size, rd.pos = <const char*>rview.buf, rview.len, 0
        times = _np_empty(n, _INT64)
        p = _take(&rd, n * _width(tcode), "times")
        dst = _writable(times, &oview)
        if n >= NOGIL_MIN_ROWS:
            with nogil:
                _get_times(p, tcode, n, dst)
        else:
            _get_times(p, tcode, n, dst)
        PyBuffer_Release(&oview)
        for name, ftype, enc, n_valid in meta:
            if n_valid > n:
                raise ValueError(f"corrupt block: column {name!r} has {n_valid} values in {n} rows")
            if columns is not None and name not in columns:
                _skip_column(&rd, name, ftype, enc, n_valid, n, raw, fallback)
                continue
            valid = None
            vbits = NULL
            if n_valid < n:
                nbitmap = (n + 7) // 8
                p = _take(&rd, nbitmap, "validity", name)
                valid = _np_empty(n, _BOOL)
                vbits = <uint8_t*>_writable(valid, &oview)
                nbytes = _get_bitmap(p, n, <char*>vbits)
                PyBuffer_Release(&oview)
                if nbytes != n_valid:
                    raise ValueError(f"corrupt block: column {name!r} validity has {nbytes} "
                                     f"bits set, expected {n_valid}")
            if ftype == INTEGER or ftype == UNSIGNED:
                if enc > 3:
                    raise ValueError(f"corrupt block: column {name!r} narrow code {enc}")
                p = _take(&rd, n_valid * _width(enc), "values", name)
                values = _np_empty(n, _UINT64 if ftype == UNSIGNED else _INT64)
                dst = _writable(values, &oview)
                if n >= NOGIL_MIN_ROWS:
                    with nogil:
                        _get_ints(p, enc, n_valid, vbits, n, dst)
                else:
                    _get_ints(p, enc, n_valid, vbits, n, dst)
                PyBuffer_Release(&oview)
            elif ftype == FLOAT:
                p = _take(&rd, n_valid * 8, "values", name)
                values = _np_empty(n, _FLOAT64)
                dst = _writable(values, &oview)
                if n >= NOGIL_MIN_ROWS:
                    with nogil:
                        _get_floats(p, n_valid, vbits, n, dst)
                else:
                    _get_floats(p, n_valid, vbits, n, dst)
                PyBuffer_Release(&oview)
            else:
                values, rd.pos = fallback(ftype, enc, raw, n_valid, rd.pos, valid, n)
            out_cols.append((name, ftype, values, valid))
    finally:
        PyBuffer_Release(&rview)
    return times, out_cols


# -- per-column kernels (the building blocks, exposed for tests and tools) ---------------

cdef tuple _stats_tuple(int ftype, const Stats* st):
    """(count, sum, min, min_pos, max, max_pos, first, last) as Python numbers."""
    if st.count == 0:
        return (0, 0.0, None, -1, None, -1, None, None)
    if ftype == FLOAT:
        return (st.count, st.total, _bits_to_f64(st.vmin), st.imin, _bits_to_f64(st.vmax), st.imax,
                _bits_to_f64(st.vfirst), _bits_to_f64(st.vlast))
    if ftype == UNSIGNED:
        return (st.count, st.total, st.vmin, st.imin, st.vmax, st.imax, st.vfirst, st.vlast)
    return (st.count, st.total, <int64_t>st.vmin, st.imin, <int64_t>st.vmax, st.imax,
            <int64_t>st.vfirst, <int64_t>st.vlast)


cdef tuple _encode_column(int ftype, object values, object valid):
    cdef Py_buffer vview, mview
    cdef Vec v, m
    cdef Buf out
    cdef Stats st
    cdef bint have_m = False
    cdef Py_ssize_t n = len(values), nbitmap
    if not _get_vec(values, &vview, &v, _kind_of(ftype), n):
        raise TypeError(f"values must be a 1-D {'float64' if ftype == FLOAT else 'int64/uint64'} array")
    memset(&out, 0, sizeof(Buf))
    memset(&st, 0, sizeof(Stats))
    try:
        if valid is not None:
            have_m = _get_vec(valid, &mview, &m, b"?", n)
            if not have_m:
                raise TypeError(f"valid must be a 1-D bool array of {n} items")
        _encode_numeric(ftype, &v, &m if have_m else NULL, &out, True, &st)
        nbitmap = (n + 7) // 8 if st.count < n else 0
        # the payload without the validity bitmap (which the block writes before it)
        payload = PyBytes_FromStringAndSize(out.data + nbitmap, out.size - nbitmap)
        return st.code, payload, _stats_tuple(ftype, &st)
    finally:
        PyBuffer_Release(&vview)
        if have_m:
            PyBuffer_Release(&mview)
        free(out.data)


def encode_int_column(values, *, valid=None, bint unsigned=False):
    """Return ``(code, payload, stats)`` for an int64 (or, with ``unsigned``, uint64) column.

    ``payload`` is ``codec.narrow_ints(codec.delta_encode(v))`` of the valid values ``v``
    as bytes; ``stats`` is ``(count, sum, min, min_pos, max, max_pos, first, last)`` with
    positions as row indices (-1 and None when nothing is valid).
    """
    return _encode_column(UNSIGNED if unsigned else INTEGER, values, valid)


def encode_float_column(values, *, valid=None):
    """Return ``(payload, stats)`` for a float64 column: ``codec.xor_shuffle_floats`` of the
    valid values, and the same stats as ``encode_int_column`` (NaN wins min and max)."""
    _, payload, stats = _encode_column(FLOAT, values, valid)
    return payload, stats


def encode_times(times):
    """Return ``(code, payload)``: delta-of-delta of int64 ``times``, narrowed."""
    cdef Py_buffer tview
    cdef Vec t
    cdef int code
    cdef Py_ssize_t n = len(times)
    if not _get_vec(times, &tview, &t, b"q", n):
        raise TypeError("times must be a 1-D int64 array")
    try:
        code = _scan_times(&t) if n else 0
        payload = PyBytes_FromStringAndSize(NULL, n * _width(code))
        _put_times(&t, code, <char*>(<bytes>payload))
        return code, payload
    finally:
        PyBuffer_Release(&tview)


cdef Py_ssize_t _decode_column(int ftype, object raw, int code, Py_ssize_t count, Py_ssize_t offset,
                               object out, object valid) except -1:
    cdef Py_buffer rview, oview, mview
    cdef Reader rd
    cdef const char* p
    cdef const uint8_t* vbits = NULL
    cdef Py_ssize_t n
    cdef bint have_m = False
    if code < 0 or code > 3:
        raise ValueError(f"narrow code {code} is not 0..3")
    PyObject_GetBuffer(raw, &rview, PyBUF_SIMPLE)
    PyObject_GetBuffer(out, &oview, PyBUF_WRITABLE | PyBUF_RECORDS_RO)
    try:
        if oview.ndim != 1 or oview.itemsize != 8 or oview.strides[0] != 8:
            raise TypeError("out must be a contiguous 1-D array of 8-byte items")
        n = oview.shape[0]
        if valid is not None:
            PyObject_GetBuffer(valid, &mview, PyBUF_SIMPLE)
            have_m = True
            if mview.len != n:
                raise ValueError(f"valid has {mview.len} items, out has {n}")
            vbits = <const uint8_t*>mview.buf
        elif count != n:
            raise ValueError(f"count {count} != len(out) {n} and no validity mask")
        rd.ptr, rd.size, rd.pos = <const char*>rview.buf, rview.len, offset
        p = _take(&rd, count * (8 if ftype == FLOAT else _width(code)), "values")
        if ftype == FLOAT:
            _get_floats(p, count, vbits, n, <char*>oview.buf)
        else:
            _get_ints(p, code, count, vbits, n, <char*>oview.buf)
        return rd.pos
    finally:
        PyBuffer_Release(&rview)
        PyBuffer_Release(&oview)
        if have_m:
            PyBuffer_Release(&mview)


def decode_int_column(raw, *, int code, Py_ssize_t count, Py_ssize_t offset, out, valid=None):
    """Invert ``encode_int_column`` into ``out`` (int64/uint64, one item per row); return the
    offset after the payload.  With ``valid`` (bool, one per row) the ``count`` values go to
    the valid rows and the others get 0."""
    return _decode_column(INTEGER, raw, code, count, offset, out, valid)


def decode_float_column(raw, *, Py_ssize_t count, Py_ssize_t offset, out, valid=None):
    """Invert ``encode_float_column`` into float64 ``out``; like ``decode_int_column``."""
    return _decode_column(FLOAT, raw, 0, count, offset, out, valid)


def decode_times(raw, *, int code, Py_ssize_t count, Py_ssize_t offset, out):
    """Invert ``encode_times`` into int64 ``out``; return the offset after the payload."""
    cdef Py_buffer rview, oview
    cdef Reader rd
    cdef const char* p
    if code < 0 or code > 3:
        raise ValueError(f"narrow code {code} is not 0..3")
    PyObject_GetBuffer(raw, &rview, PyBUF_SIMPLE)
    PyObject_GetBuffer(out, &oview, PyBUF_WRITABLE | PyBUF_RECORDS_RO)
    try:
        if oview.ndim != 1 or oview.itemsize != 8 or oview.strides[0] != 8 or oview.shape[0] != count:
            raise TypeError(f"out must be a contiguous 1-D array of {count} 8-byte items")
        rd.ptr, rd.size, rd.pos = <const char*>rview.buf, rview.len, offset
        p = _take(&rd, count * _width(code), "times")
        _get_times(p, code, count, <char*>oview.buf)
        return rd.pos
    finally:
        PyBuffer_Release(&rview)
        PyBuffer_Release(&oview)
