"""The block codec kernels against their reference twin (machstore.storage.blocks_ref), byte for byte."""
import math
import struct
import threading

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import machstore._ext_blockcodec as kernels
from machstore.storage import blocks, blocks_ref, codec
from machstore.storage import fieldtypes as ft
from machstore.storage.rows import Column, RowSet

# The twin's np.sum warns on overflow to inf and on inf - inf; the kernels are silent.
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

I64_MIN, I64_MAX = -2**63, 2**63 - 1
SIZES = [1, 2, 7, 8, 9, 127, 128, 129, 1000, 4095, 4096, 8192, 8193, 20000]


def test_compiled_module_is_loaded():
    assert kernels.__file__.endswith(".so")
    assert blocks._kernels is kernels


def test_field_type_codes_agree():
    assert kernels.FIELD_TYPES == (ft.FLOAT, ft.INTEGER, ft.UNSIGNED, ft.STRING, ft.BOOLEAN)


# -- random data --------------------------------------------------------------------------

def int_values(rng, n, width):
    """int64 values whose deltas need ``width`` (0..3: int8/16/32/64) or wrap."""
    lim = [127, 32767, 2**31 - 1, None][width]
    if lim is None:
        v = rng.integers(I64_MIN, I64_MAX, n, dtype=np.int64, endpoint=True)
        v[rng.random(n) < 0.2] = I64_MIN
        v[rng.random(n) < 0.2] = I64_MAX
        return v
    d = rng.integers(-lim - 1, lim, n, endpoint=True)
    d[rng.random(n) < 0.1] = lim
    d[rng.random(n) < 0.1] = -lim - 1
    d[0] = rng.integers(-lim - 1, lim, endpoint=True)
    return np.cumsum(d).astype(np.int64)


def float_values(rng, n):
    v = rng.normal(size=n) * 10.0 ** rng.integers(-300, 300, n)
    special = np.array([0.0, -0.0, np.nan, np.inf, -np.inf, 5e-324, -5e-324, 1.7976931348623157e308])
    pick = rng.random(n) < 0.3
    v[pick] = special[rng.integers(0, special.size, int(pick.sum()))]
    return v


def mask(rng, n, kind):
    if kind == "none":
        return None
    if kind == "all":
        return np.ones(n, dtype=bool)
    if kind == "empty":
        return np.zeros(n, dtype=bool)
    if kind == "first":
        m = np.zeros(n, dtype=bool)
        m[0] = True
        return m
    if kind == "last":
        m = np.zeros(n, dtype=bool)
        m[-1] = True
        return m
    return rng.random(n) < 0.6


def random_rows(rng, n, mask_kind="random", regular_times=False):
    if regular_times:
        times = 1451606400 * 10**9 + np.arange(n, dtype=np.int64) * 10 * 10**9
    else:
        times = np.sort(rng.integers(I64_MIN, I64_MAX, n, dtype=np.int64))
    cols = {
        "f": Column(ft.FLOAT, float_values(rng, n), mask(rng, n, mask_kind)),
        "u": Column(ft.UNSIGNED, rng.integers(0, 2**64 - 1, n, dtype=np.uint64, endpoint=True),
                    mask(rng, n, mask_kind)),
        "b": Column(ft.BOOLEAN, rng.random(n) < 0.5, mask(rng, n, mask_kind)),
        "s": Column(ft.STRING, np.array(["", "é", "a b", "x" * 300], dtype=object)[rng.integers(0, 4, n)],
                    mask(rng, n, mask_kind)),
    }
    for w in range(4):
        cols[f"i{w}"] = Column(ft.INTEGER, int_values(rng, n, w), mask(rng, n, mask_kind))
    cols["u_high"] = Column(ft.UNSIGNED, np.uint64(2**63) + rng.integers(0, 1000, n, dtype=np.uint64))
    return RowSet(times, cols)


def assert_same_rowset(got, want):
    """Exactly equal: times, column order, types, dtypes, validity and every value's bits."""
    assert got.times.dtype == want.times.dtype and got.times.tolist() == want.times.tolist()
    assert list(got.columns) == list(want.columns)
    for name, w in want.columns.items():
        g = got.columns[name]
        assert g.type == w.type, name
        assert g.values.dtype == w.values.dtype, name
        if w.valid is None:
            assert g.valid is None, name
        else:
            assert g.valid.dtype == w.valid.dtype and g.valid.tolist() == w.valid.tolist(), name
        if w.values.dtype == np.float64:
            assert g.values.view(np.uint64).tolist() == w.values.view(np.uint64).tolist(), name
        else:
            assert g.values.tolist() == w.values.tolist(), name


_SUM_HEAD, _NAME, _SUM_COL, _SUM_NUM = (struct.Struct(f) for f in ("<Iqqh", "<H", "<BIqq", "<d8sq8sq8s8s"))
_CANONICAL_NAN = struct.pack("<d", float("nan"))


def canonical_nan_sums(summary):
    """Return the summary bytes with every NaN sum replaced by one canonical NaN.

    A sum over values that include NaN is NaN, but which NaN (sign, payload) depends on
    the order in which the compiler feeds NaN operands to the adder (numpy's own result
    varies with its SIMD target), so only the fact that it is NaN is compared.
    """
    out = bytearray(summary)
    _, _, _, ncols = _SUM_HEAD.unpack_from(summary, 0)
    pos = _SUM_HEAD.size
    for _ in range(ncols):
        (ln,) = _NAME.unpack_from(summary, pos)
        pos += _NAME.size + ln
        ftype, count, _, _ = _SUM_COL.unpack_from(summary, pos)
        pos += _SUM_COL.size
        if count and ftype in ft.NUMERIC:
            (total,) = struct.unpack_from("<d", summary, pos)
            if math.isnan(total):
                out[pos:pos + 8] = _CANONICAL_NAN
            pos += _SUM_NUM.size
    assert pos == len(summary)
    return bytes(out)


def assert_same_summary(got, want):
    assert got == want or canonical_nan_sums(got) == canonical_nan_sums(want)


def assert_kernel_matches_reference(rows):
    block, summary = blocks_ref.encode_block(rows), blocks_ref.summarize(rows)
    assert blocks.encode_block(rows) == block
    assert_same_summary(blocks.summarize(rows), summary)
    both = blocks.encode_block_with_summary(rows)
    assert both[0] == block
    assert_same_summary(both[1], summary)
    assert_same_rowset(blocks.decode_block(block), blocks_ref.decode_block(block))
    assert_same_rowset(blocks.decode_block(memoryview(block)), blocks_ref.decode_block(block))


@pytest.mark.parametrize("mask_kind", ["none", "random", "empty"])
@pytest.mark.parametrize("wanted", [set(), {"f"}, {"s", "i2"}, {"b", "u_high", "nope"}, {"u", "i0", "i3"}])
def test_decoding_some_columns_matches_the_reference(mask_kind, wanted):
    """Only the wanted columns come back, in block order, equal to a full decode's (the others' bytes,
    string and boolean ones included, are skipped correctly)."""
    rows = random_rows(np.random.default_rng(len(wanted)), 1000, mask_kind)
    block = blocks_ref.encode_block(rows)
    got, want = blocks.decode_block(block, wanted), blocks_ref.decode_block(block, wanted)
    assert_same_rowset(got, want)
    assert list(got.columns) == [k for k in rows.columns if k in wanted]
    full = blocks_ref.decode_block(block)
    assert_same_rowset(got, RowSet(full.times, {k: c for k, c in full.columns.items() if k in wanted}))


def test_decoding_some_columns_still_checks_the_skipped_bytes():
    """A payload too short for a column that is skipped is still a truncated block."""
    rows = random_rows(np.random.default_rng(5), 200, "random")
    block = blocks_ref.encode_block(rows)
    magic, n, ncols, raw_size, tcode = blocks_ref.BLOCK_HEAD.unpack_from(block, 0)
    meta_end = blocks_ref.BLOCK_HEAD.size
    for _ in range(ncols):      # '<H' name length, name, '<BBI' descriptor
        meta_end += 2 + struct.unpack_from("<H", block, meta_end)[0] + 6
    raw = codec.decompress(block[meta_end:], raw_size)[:-10]     # the last column ("u_high") loses its tail
    cut = blocks_ref.BLOCK_HEAD.pack(magic, n, ncols, len(raw), tcode) + block[blocks_ref.BLOCK_HEAD.size:meta_end] + codec.compress(raw)
    with pytest.raises(ValueError, match="truncated block"):
        blocks.decode_block(cut, {"f"})


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("mask_kind", ["none", "all", "empty", "first", "last", "random"])
def test_blocks_match_reference_byte_for_byte(n, mask_kind):
    assert_kernel_matches_reference(random_rows(np.random.default_rng(n), n, mask_kind))


@pytest.mark.parametrize("n", [1, 100, 1000, 8192])
def test_regular_series_match_reference(n):
    assert_kernel_matches_reference(random_rows(np.random.default_rng(7), n, regular_times=True))


def test_every_narrow_width_is_exercised():
    rng = np.random.default_rng(0)
    codes = {kernels.encode_int_column(int_values(rng, 50, w))[0] for w in range(4)}
    assert codes == {0, 1, 2, 3}
    t = np.cumsum(np.array([0, 1, 2, 3], dtype=np.int64))
    for step, code in [(1, 0), (1000, 1), (10**6, 2), (10**12, 3)]:
        times = np.concatenate([[0, 0], np.cumsum(np.arange(1, 60) * step)]).astype(np.int64)
        assert kernels.encode_times(times)[0] == code
    assert t is not None


def test_int64_extremes_and_wrapping_deltas():
    v = np.array([I64_MIN, I64_MAX, I64_MIN, 0, I64_MAX, -1, I64_MIN], dtype=np.int64)
    rows = RowSet(np.array([I64_MIN, -1, 0, 1, 2, 3, I64_MAX], dtype=np.int64),
                  {"i": Column(ft.INTEGER, v), "u": Column(ft.UNSIGNED, v.view(np.uint64))})
    assert_kernel_matches_reference(rows)
    s = blocks.decode_summary(blocks.summarize(rows))
    assert (s.columns["i"].min, s.columns["i"].max) == (I64_MIN, I64_MAX)
    assert (s.columns["u"].min, s.columns["u"].max) == (0, 2**64 - 1)
    assert s.columns["u"].max_time == 3  # -1 as uint64 is the largest: compared unsigned
    assert s.columns["i"].max_time == -1  # first occurrence of the max


def test_all_null_block_and_single_row():
    t = np.array([42], dtype=np.int64)
    for ftype, values in [(ft.FLOAT, np.array([-0.0])), (ft.INTEGER, np.array([I64_MIN])),
                          (ft.UNSIGNED, np.array([2**64 - 1], dtype=np.uint64)),
                          (ft.BOOLEAN, np.array([True])), (ft.STRING, np.array(["é"], dtype=object))]:
        for valid in (None, np.array([True]), np.array([False])):
            assert_kernel_matches_reference(RowSet(t, {"c": Column(ftype, values, valid)}))


def test_floats_bit_exact_including_nan_payloads():
    bits = np.array([0, 1 << 63, 0x7FF8000000000000, 0xFFF8000000000000, 0x7FF0000000000001,
                     0x7FF4000000000123, 0x7FF0000000000000, 0xFFF0000000000000, 1, 0x000FFFFFFFFFFFFF],
                    dtype=np.uint64)
    rows = RowSet(np.arange(bits.size, dtype=np.int64), {"f": Column(ft.FLOAT, bits.view(np.float64))})
    assert blocks.encode_block(rows) == blocks_ref.encode_block(rows)
    out = blocks.decode_block(blocks.encode_block(rows)).columns["f"].values
    assert out.view(np.uint64).tolist() == bits.tolist()
    # The summary's min/max/first/last are the stored bits; its sum is NaN in both, though
    # which NaN payload an addition returns is up to the compiler.
    got = blocks.decode_summary(blocks.summarize(rows)).columns["f"]
    want = blocks_ref.decode_summary(blocks_ref.summarize(rows)).columns["f"]
    for k in ("min", "max", "first", "last"):
        assert np.float64(getattr(got, k)).view(np.uint64) == np.float64(getattr(want, k)).view(np.uint64)
    assert (got.min_time, got.max_time, got.count) == (want.min_time, want.max_time, want.count)
    assert np.isnan(got.sum) and np.isnan(want.sum)


def test_float_min_max_follow_numpy_nan_and_signed_zero_rules():
    for v in ([0.0, -0.0], [-0.0, 0.0], [1.0, np.nan, 0.5, np.nan], [np.inf, -np.inf, np.nan],
              [np.nan], [2.0, -np.inf, np.inf]):
        v = np.array(v)
        _, stats = kernels.encode_float_column(v)
        count, total, vmin, imin, vmax, imax, first, last = stats
        assert (imin, imax) == (int(np.argmin(v)), int(np.argmax(v)))
        assert np.float64(vmin).view(np.uint64) == v[imin].view(np.uint64)


def test_summary_sums_match_numpy_pairwise_summation():
    rng = np.random.default_rng(11)
    for n in [1, 7, 8, 9, 100, 128, 129, 1000, 8191, 8192, 8193, 16385, 50000]:
        i = rng.integers(-2**62, 2**62, n)
        u = rng.integers(0, 2**64 - 1, n, dtype=np.uint64)
        f = rng.normal(size=n) * 10.0 ** rng.integers(-10, 15, n)
        assert kernels.encode_int_column(i)[2][1] == float(np.sum(i, dtype=np.float64))
        assert kernels.encode_int_column(u, unsigned=True)[2][1] == float(np.sum(u, dtype=np.float64))
        assert kernels.encode_float_column(f)[1][1] == float(np.sum(f, dtype=np.float64))
    assert np.float64(kernels.encode_float_column(np.array([-0.0, -0.0]))[1][1]).view(np.uint64) == 0


def test_strided_unaligned_and_readonly_inputs():
    rng = np.random.default_rng(5)
    n = 300
    base = random_rows(rng, 2 * n)
    strided = RowSet(base.times[::2], {k: Column(c.type, c.values[::2], None if c.valid is None else c.valid[::2])
                                       for k, c in base.columns.items()})
    assert_kernel_matches_reference(strided)
    raw = bytearray(8 * n + 1)
    unaligned = np.frombuffer(raw, dtype=np.int64, count=n, offset=1)
    assert not unaligned.flags.aligned
    v = int_values(rng, n, 2)
    unaligned[:] = v  # read-only view of a writable buffer: copy through a writable one
    ro = np.frombuffer(bytes(raw), dtype=np.int64, count=n, offset=1)
    t = np.arange(n, dtype=np.int64)
    rows = RowSet(t, {"i": Column(ft.INTEGER, ro, rng.random(n) < 0.5),
                      "f": Column(ft.FLOAT, np.frombuffer(bytes(raw), dtype=np.float64, count=n, offset=1))})
    assert_kernel_matches_reference(rows)


def test_non_canonical_inputs_go_to_the_reference():
    rng = np.random.default_rng(9)
    n = 50
    t = np.arange(n, dtype=np.int64)
    rows = RowSet(t, {"f32": Column(ft.FLOAT, rng.random(n).astype(np.float32)),
                      "iu": Column(ft.INTEGER, rng.integers(0, 100, n).astype(np.uint64)),
                      "be": Column(ft.INTEGER, rng.integers(0, 100, n).astype(">i8"))})
    assert kernels.encode_block_parts(t, [("f32", ft.FLOAT, rows.columns["f32"].values, None)]) is None
    assert blocks.encode_block(rows) == blocks_ref.encode_block(rows)
    assert blocks.summarize(rows) == blocks_ref.summarize(rows)


def test_empty_rowset():
    rows = RowSet(np.empty(0, dtype=np.int64), {"i": Column(ft.INTEGER, np.empty(0, dtype=np.int64))})
    block = blocks.encode_block(rows)
    assert block == blocks_ref.encode_block(rows)
    assert_same_rowset(blocks.decode_block(block), blocks_ref.decode_block(block))
    with pytest.raises(IndexError):
        blocks_ref.summarize(rows)
    with pytest.raises(IndexError):
        blocks.summarize(rows)


# A block and summary written by the numpy codec before the kernels existed (the format is
# the contract: these bytes must always decode to the same rows).
OLD_BLOCK = bytes.fromhex(
    "4d534231060000000500af0000000301006600000400000001006901030600000001007502030400000001006204"
    "000600000001007303000400000028b52ffd20af250300340400002a36fe9c971700e4e11d046368e8000700f2ff"
    "0700b400f8f8f8083fbfff0080ff060080f4ff33010044100100b4ff0100800200b0b40102030161c3a97820797a"
    "0f0060c80a5d7031480c8c8036000ed0307018b81c540c3006038381676009")
OLD_SUMMARY = bytes.fromhex(
    "0600000000002a36fe9c9717007465da099d97170500010066000400000000002a36fe9c9717007465da099d9717"
    "000000000000f87f000000000000f87f07ac4d32059d9717000000000000f87f07ac4d32059d9717000000000000"
    "f83f000000000000f07f010069010600000000002a36fe9c9717007465da099d971700000000a029f14000000000"
    "0000008000002a36fe9c9717ffffffffffffff7f00e4358a009d971700000000000000807011010000000000010075"
    "020400000000002a36fe9c9717007465da099d9717000000000000f843010000000000000007ac4d32059d9717ffff"
    "ffffffffffff00002a36fe9c9717ffffffffffffffff0300000000000000010062040600000000002a36fe9c971700"
    "7465da099d9717010073030400000000002a36fe9c9717007465da099d9717")


def old_rows():
    t = np.array([1_700_000_000_000_000_000 + k * 10_000_000_000 + (k == 3) * 7 for k in range(6)],
                 dtype=np.int64)
    valid = np.array([True, False, True, True, False, True])
    return RowSet(t, {
        "f": Column(ft.FLOAT, np.array([1.5, 0.0, -0.0, np.nan, 0.0, np.inf]), valid),
        "i": Column(ft.INTEGER, np.array([I64_MIN, I64_MAX, 5, -7, 300, 70000], dtype=np.int64)),
        "u": Column(ft.UNSIGNED, np.array([2**64 - 1, 0, 2**63, 1, 2, 3], dtype=np.uint64), valid),
        "b": Column(ft.BOOLEAN, np.array([True, False, True, True, False, False])),
        "s": Column(ft.STRING, np.array(["a", "", "é", "x y", "", "z"], dtype=object), valid),
    })


def test_old_blocks_still_decode_and_encode_identically():
    rows = old_rows()
    assert blocks.encode_block(rows) == OLD_BLOCK
    assert blocks.summarize(rows) == OLD_SUMMARY
    decoded = blocks.decode_block(OLD_BLOCK)
    assert_same_rowset(decoded, blocks_ref.decode_block(OLD_BLOCK))
    for name, col in rows.columns.items():
        m = col.valid_mask(6)
        assert decoded.columns[name].valid_mask(6).tolist() == m.tolist()
        got, want = decoded.columns[name].values[m], col.values[m]
        if col.type == ft.FLOAT:
            got, want = got.view(np.uint64), want.view(np.uint64)
        assert got.tolist() == want.tolist()
    s = blocks.decode_summary(OLD_SUMMARY)
    assert (s.columns["i"].min, s.columns["i"].max, s.columns["u"].max) == (I64_MIN, I64_MAX, 2**64 - 1)


def test_corrupt_blocks_raise_value_error():
    with pytest.raises(ValueError, match="not a machstore block"):
        blocks.decode_block(b"XXXX" + OLD_BLOCK[4:])
    for cut in (3, 14, 20, 40):  # in the header or the column descriptors
        with pytest.raises(ValueError, match="truncated block"):
            blocks.decode_block(OLD_BLOCK[:cut])
    with pytest.raises(OSError):  # zstd's own error for a cut payload, as in the twin
        blocks.decode_block(OLD_BLOCK[:-5])
    with pytest.raises(OSError):
        blocks_ref.decode_block(OLD_BLOCK[:-5])


# -- per-column kernels against codec.py ----------------------------------------------------

@pytest.mark.parametrize("n", [1, 2, 100, 5000])
def test_column_kernels_match_codec(n):
    rng = np.random.default_rng(n)
    for w in range(4):
        for valid in (None, rng.random(n) < 0.5):
            v = int_values(rng, n, w)
            kept = v if valid is None else v[valid]
            code, payload, stats = kernels.encode_int_column(v, valid=valid)
            want_code, want_arr = codec.narrow_ints(codec.delta_encode(kept))
            assert (code, payload) == (want_code, want_arr.tobytes())
            if kept.size:
                rows_idx = np.arange(n) if valid is None else np.flatnonzero(valid)
                assert stats[0] == kept.size
                assert stats[2:] == (kept.min(), rows_idx[np.argmin(kept)], kept.max(),
                                     rows_idx[np.argmax(kept)], kept[0], kept[-1])
            out = np.empty(n, dtype=np.int64)
            end = kernels.decode_int_column(b"xy" + payload, code=code, count=kept.size, offset=2, out=out,
                                            valid=valid)
            assert end == 2 + len(payload)
            assert out[valid if valid is not None else slice(None)].tolist() == kept.tolist()
            if valid is not None:
                assert not out[~valid].any()
    f = float_values(rng, n)
    payload, _ = kernels.encode_float_column(f)
    assert payload == codec.xor_shuffle_floats(f)
    out = np.empty(n)
    assert kernels.decode_float_column(payload, count=n, offset=0, out=out) == 8 * n
    assert out.view(np.uint64).tolist() == f.view(np.uint64).tolist()
    t = np.sort(rng.integers(-10**18, 10**18, n))
    code, payload = kernels.encode_times(t)
    want_code, want_arr = codec.narrow_ints(codec.delta_encode(codec.delta_encode(t)))
    assert (code, payload) == (want_code, want_arr.tobytes())
    out = np.empty(n, dtype=np.int64)
    kernels.decode_times(payload, code=code, count=n, offset=0, out=out)
    assert out.tolist() == t.tolist()


def test_column_decoders_check_their_bounds():
    out = np.empty(10, dtype=np.int64)
    with pytest.raises(ValueError, match="truncated"):
        kernels.decode_int_column(b"\x00" * 9, code=0, count=10, offset=0, out=out)
    with pytest.raises(ValueError):
        kernels.decode_int_column(b"\x00" * 80, code=4, count=10, offset=0, out=out)
    with pytest.raises(ValueError):
        kernels.decode_times(b"\x00" * 10, code=0, count=10, offset=1, out=out)


# -- properties and threads -----------------------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(st.data())
def test_property_kernel_equals_reference(data):
    n = data.draw(st.integers(1, 300))
    ints = data.draw(hnp.arrays(np.int64, n))
    uints = data.draw(hnp.arrays(np.uint64, n))
    floats = data.draw(hnp.arrays(np.float64, n, elements=st.floats(allow_nan=True, allow_infinity=True)))
    masks = [data.draw(st.none() | hnp.arrays(np.bool_, n)) for _ in range(3)]
    times = np.sort(data.draw(hnp.arrays(np.int64, n)))
    rows = RowSet(times, {"i": Column(ft.INTEGER, ints, masks[0]), "u": Column(ft.UNSIGNED, uints, masks[1]),
                          "f": Column(ft.FLOAT, floats, masks[2])})
    assert blocks.encode_block(rows) == blocks_ref.encode_block(rows)
    assert_same_summary(blocks.summarize(rows), blocks_ref.summarize(rows))
    block = blocks_ref.encode_block(rows)
    assert_same_rowset(blocks.decode_block(block), blocks_ref.decode_block(block))


def test_threads_share_the_kernels():
    rows = random_rows(np.random.default_rng(3), 20000, "random")
    want = blocks_ref.encode_block(rows), blocks_ref.summarize(rows)
    results = []

    def work():
        for _ in range(5):
            results.append(blocks.encode_block_with_summary(rows))
            assert_same_rowset(blocks.decode_block(want[0]), rows_ref_decoded)

    rows_ref_decoded = blocks_ref.decode_block(want[0])
    threads = [threading.Thread(target=work) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len(results) == 20
    for block, summary in results:
        assert block == want[0]
        assert_same_summary(summary, want[1])
