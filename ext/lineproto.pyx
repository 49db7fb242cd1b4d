# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Compiled InfluxDB 1.x line-protocol parser: one pass over a request body, no Python objects per line.

The only importer is ``machstore/lineproto.py`` (the typed wrapper). The design (buffers,
lifetimes, series interning, the field-key predictions) is in ``ext/lineproto.md``; the
accepted syntax and its deviations from 1.x are in ``docs/lineprotocol.md``. The pure-Python
twin ``machstore/lineproto_ref.py`` must give identical output for every input.
"""
from cpython.bytes cimport PyBytes_FromStringAndSize
from libc.stdint cimport int32_t, int64_t, uint8_t, uint64_t
from libc.stdlib cimport free, malloc, realloc
from libc.string cimport memchr, memcmp, memcpy, memset

import numpy as np

cdef extern from *:
    """
    #include <locale.h>
    #include <math.h>
    #include <stdint.h>
    #include <stdlib.h>
    #include <string.h>

    /* Word-at-a-time hash of a byte string (two lanes, then a murmur3 finaliser). */
    static inline uint64_t ms_hash(const unsigned char *p, int64_t n) {
        uint64_t a = 0x9E3779B97F4A7C15ULL ^ (uint64_t)n, b = 0xC2B2AE3D27D4EB4FULL, w, v;
        while (n >= 16) {
            memcpy(&w, p, 8); memcpy(&v, p + 8, 8);
            a = (a ^ w) * 0xBF58476D1CE4E5B9ULL; a = (a << 29) | (a >> 35);
            b = (b ^ v) * 0x94D049BB133111EBULL; b = (b << 31) | (b >> 33);
            p += 16; n -= 16;
        }
        if (n >= 8) {
            memcpy(&w, p, 8);
            a = (a ^ w) * 0xBF58476D1CE4E5B9ULL; a = (a << 29) | (a >> 35);
            p += 8; n -= 8;
        }
        if (n > 0) {
            w = 0; memcpy(&w, p, (size_t)n);
            b = (b ^ w) * 0x94D049BB133111EBULL;
        }
        a ^= b * 0xFF51AFD7ED558CCDULL;
        a ^= a >> 33; a *= 0xFF51AFD7ED558CCDULL;
        a ^= a >> 33; a *= 0xC4CEB9FE1A85EC53ULL;
        a ^= a >> 33;
        return a;
    }

    /* q * 2^e2 (+ something below one unit of q when sticky), rounded to nearest even. */
    static double ms_u128_to_double(unsigned __int128 q, int sticky, int e2) {
        uint64_t hi = (uint64_t)(q >> 64), lo = (uint64_t)q;
        int len = hi ? 128 - __builtin_clzll(hi) : 64 - __builtin_clzll(lo);
        if (len <= 53) return ldexp((double)lo, e2);
        int shift = len - 53;
        unsigned __int128 mant = q >> shift;
        unsigned __int128 rem = q & ((((unsigned __int128)1) << shift) - 1);
        unsigned __int128 half = ((unsigned __int128)1) << (shift - 1);
        if (rem > half || (rem == half && (sticky || (mant & 1)))) mant += 1;
        if (mant == (((unsigned __int128)1) << 53)) { mant >>= 1; shift += 1; }
        return ldexp((double)(uint64_t)mant, e2 + shift);
    }

    static const uint64_t ms_pow10_u64[20] = {
        1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL, 10000000ULL,
        100000000ULL, 1000000000ULL, 10000000000ULL, 100000000000ULL, 1000000000000ULL,
        10000000000000ULL, 100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL,
        100000000000000000ULL, 1000000000000000000ULL, 10000000000000000000ULL};

    static const double ms_pow10_f64[23] = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
        1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

    /* w * 10^e exactly, then rounded once (0 <= e <= 19). */
    static double ms_mul_pow10(uint64_t w, int e) {
        return ms_u128_to_double((unsigned __int128)w * ms_pow10_u64[e], 0, 0);
    }

    /* 128-by-64 division whose quotient fits 64 bits (hi < d). */
    static inline uint64_t ms_udiv128(uint64_t hi, uint64_t lo, uint64_t d, uint64_t *r) {
    #if defined(__x86_64__)
        uint64_t q, rem;
        __asm__("divq %[d]" : "=a"(q), "=d"(rem) : [d] "r"(d), "a"(lo), "d"(hi));
        *r = rem;
        return q;
    #else
        unsigned __int128 num = (((unsigned __int128)hi) << 64) | lo;
        uint64_t q = (uint64_t)(num / d);
        *r = (uint64_t)(num - (unsigned __int128)q * d);
        return q;
    #endif
    }

    /* q * 2^e2 (+ a fraction of one unit of q when sticky) rounded to nearest even; q >= 2^54 or sticky == 0. */
    static inline double ms_u64_to_double(uint64_t q, int sticky, int e2) {
        int len = 64 - __builtin_clzll(q);
        if (len <= 53) return ldexp((double)q, e2);
        int shift = len - 53;
        uint64_t mant = q >> shift, rem = q & ((1ULL << shift) - 1), half = 1ULL << (shift - 1);
        if (rem > half || (rem == half && (sticky || (mant & 1)))) mant += 1;
        if (mant == (1ULL << 53)) { mant >>= 1; shift += 1; }
        int be = e2 + shift + 52 + 1023;            /* biased exponent of mant * 2^(e2 + shift) */
        if (be <= 0 || be >= 2047) return ldexp((double)mant, e2 + shift);
        uint64_t bits = ((uint64_t)be << 52) | (mant & ((1ULL << 52) - 1));
        double v;
        memcpy(&v, &bits, 8);
        return v;
    }

    /* w / 10^d rounded once (1 <= d <= 19, w > 0), by exact division: keep at least 55 quotient
       bits plus a sticky bit for the remainder. */
    static double ms_div_pow10_exact(uint64_t w, int d) {
        uint64_t den = ms_pow10_u64[d], rem, q;
        int bw = 64 - __builtin_clzll(w), bd = 64 - __builtin_clzll(den);
        int s = 56 + bd - bw;
        if (s < 0) s = 0;
        unsigned __int128 num = ((unsigned __int128)w) << s;
        q = ms_udiv128((uint64_t)(num >> 64), (uint64_t)num, den, &rem);
        return ms_u64_to_double(q, rem != 0, -s);
    }

    /* floor(2^e / 10^d) as hi:lo (a 128-bit number with its top bit set), for d = 1..19. */
    static const struct { uint64_t hi, lo; int e; } ms_recip10[20] = {
        {0xFFFFFFFFFFFFFFFFULL, 0xFFFFFFFFFFFFFFFFULL, 128},
        {0xCCCCCCCCCCCCCCCCULL, 0xCCCCCCCCCCCCCCCCULL, 131},
        {0xA3D70A3D70A3D70AULL, 0x3D70A3D70A3D70A3ULL, 134},
        {0x83126E978D4FDF3BULL, 0x645A1CAC083126E9ULL, 137},
        {0xD1B71758E219652BULL, 0xD3C36113404EA4A8ULL, 141},
        {0xA7C5AC471B478423ULL, 0x0FCF80DC33721D53ULL, 144},
        {0x8637BD05AF6C69B5ULL, 0xA63F9A49C2C1B10FULL, 147},
        {0xD6BF94D5E57A42BCULL, 0x3D32907604691B4CULL, 151},
        {0xABCC77118461CEFCULL, 0xFDC20D2B36BA7C3DULL, 154},
        {0x89705F4136B4A597ULL, 0x31680A88F8953030ULL, 157},
        {0xDBE6FECEBDEDD5BEULL, 0xB573440E5A884D1BULL, 161},
        {0xAFEBFF0BCB24AAFEULL, 0xF78F69A51539D748ULL, 164},
        {0x8CBCCC096F5088CBULL, 0xF93F87B7442E45D3ULL, 167},
        {0xE12E13424BB40E13ULL, 0x2865A5F206B06FB9ULL, 171},
        {0xB424DC35095CD80FULL, 0x538484C19EF38C94ULL, 174},
        {0x901D7CF73AB0ACD9ULL, 0x0F9D37014BF60A10ULL, 177},
        {0xE69594BEC44DE15BULL, 0x4C2EBE687989A9B3ULL, 181},
        {0xB877AA3236A4B449ULL, 0x09BEFEB9FAD487C2ULL, 184},
        {0x9392EE8E921D5D07ULL, 0x3AFF322E62439FCFULL, 187},
        {0xEC1E4A7DB69561A5ULL, 0x2B31E9E3D06C32E5ULL, 191}};

    /* w / 10^d rounded once (1 <= d <= 19, w > 0). Multiply the normalised w by the 128-bit
       reciprocal: the product X is below the exact value Y by less than 2^64 units, so the top
       64 bits T are exact unless the next 64 bits are all ones, and the rounding of T to 53
       bits is decided unless its dropped bits are exactly one half; those rare cases (and exact
       binary fractions, which land just below a boundary) take the exact division. */
    static double ms_div_pow10(uint64_t w, int d) {
        int clz = __builtin_clzll(w);
        uint64_t wn = w << clz;
        unsigned __int128 ph = (unsigned __int128)wn * ms_recip10[d].hi;
        unsigned __int128 pl = (unsigned __int128)wn * ms_recip10[d].lo;
        unsigned __int128 mid = (ph & 0xFFFFFFFFFFFFFFFFULL) + (pl >> 64);
        uint64_t t = (uint64_t)(ph >> 64) + (uint64_t)(mid >> 64);
        uint64_t below = (uint64_t)mid;
        int drop = 64 - __builtin_clzll(t) - 53;
        uint64_t mant = t >> drop, rem = t & ((1ULL << drop) - 1), half = 1ULL << (drop - 1);
        if (below == UINT64_MAX || rem == half) return ms_div_pow10_exact(w, d);
        if (rem > half) mant += 1;
        if (mant == (1ULL << 53)) { mant >>= 1; drop += 1; }
        uint64_t bits = ((uint64_t)(drop + 128 - clz - ms_recip10[d].e + 52 + 1023) << 52)
                        | (mant & ((1ULL << 52) - 1));
        double v;
        memcpy(&v, &bits, 8);
        return v;
    }

    /* n bytes at a and b equal? Word compares, overlapping the last word; n >= 0. */
    static inline int ms_same_bytes(const unsigned char *a, const unsigned char *b, int64_t n) {
        uint64_t x, y;
        uint32_t u, v;
        int64_t i;
        if (n >= 8) {
            for (i = 0; i + 8 <= n; i += 8) {
                memcpy(&x, a + i, 8); memcpy(&y, b + i, 8);
                if (x != y) return 0;
            }
            memcpy(&x, a + n - 8, 8); memcpy(&y, b + n - 8, 8);
            return x == y;
        }
        if (n >= 4) {
            memcpy(&u, a, 4); memcpy(&v, b, 4);
            if (u != v) return 0;
            memcpy(&u, a + n - 4, 4); memcpy(&v, b + n - 4, 4);
            return u == v;
        }
        for (i = 0; i < n; i++) if (a[i] != b[i]) return 0;
        return 1;
    }

    /* Copy n bytes (small n) without a call: overlapping word moves stay inside [0, n). */
    static inline void ms_copy_small(unsigned char *dst, const unsigned char *src, int64_t n) {
        uint64_t x, y;
        uint32_t u, v;
        if (n > 16) { memcpy(dst, src, (size_t)n); return; }
        if (n >= 8) {
            memcpy(&x, src, 8); memcpy(&y, src + n - 8, 8);
            memcpy(dst, &x, 8); memcpy(dst + n - 8, &y, 8);
            return;
        }
        if (n >= 4) {
            memcpy(&u, src, 4); memcpy(&v, src + n - 4, 4);
            memcpy(dst, &u, 4); memcpy(dst + n - 4, &v, 4);
            return;
        }
        for (int64_t i = 0; i < n; i++) dst[i] = src[i];
    }

    /* Eight ASCII digits at p (p[0] most significant) to their value; 0 if a byte is not a digit. */
    static inline int ms_eight_digits(const unsigned char *p, uint64_t *out) {
        uint64_t v;
        memcpy(&v, p, 8);
        if (((v & 0xF0F0F0F0F0F0F0F0ULL) | (((v + 0x0606060606060606ULL) & 0xF0F0F0F0F0F0F0F0ULL) >> 4))
                != 0x3333333333333333ULL)
            return 0;
        v -= 0x3030303030303030ULL;
        v = (v * 10 + (v >> 8)) & 0x00FF00FF00FF00FFULL;                  /* 4 lanes of 2 digits */
        v = ((v * (1 + (100ULL << 16))) >> 16) & 0x0000FFFF0000FFFFULL;   /* 2 lanes of 4 digits */
        *out = (v * (1 + (10000ULL << 32))) >> 32;
        return 1;
    }

    static double ms_fast_pow10(uint64_t w, int e) {
        return e >= 0 ? (double)w * ms_pow10_f64[e] : (double)w / ms_pow10_f64[-e];
    }

    static locale_t ms_c_locale = (locale_t)0;

    static int ms_init_locale(void) {
        if (!ms_c_locale) ms_c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
        return ms_c_locale ? 0 : -1;
    }

    /* strtod that ignores the process locale (the token always uses '.'). */
    static double ms_strtod(const char *s, char **end) {
        return strtod_l(s, end, ms_c_locale);
    }

    static int ms_isinf(double v) { return isinf(v); }

    static int ms_mul_overflow(int64_t a, int64_t b, int64_t *r) {
        return __builtin_mul_overflow(a, b, r);
    }
    """
    uint64_t ms_hash(const unsigned char* p, int64_t n) noexcept nogil
    double ms_mul_pow10(uint64_t w, int e) noexcept nogil
    double ms_div_pow10(uint64_t w, int d) noexcept nogil
    int ms_eight_digits(const unsigned char* p, uint64_t* out) noexcept nogil
    int ms_same_bytes(const unsigned char* a, const unsigned char* b, int64_t n) noexcept nogil
    void ms_copy_small(unsigned char* dst, const unsigned char* src, int64_t n) noexcept nogil
    double ms_fast_pow10(uint64_t w, int e) noexcept nogil
    int ms_init_locale() noexcept nogil
    double ms_strtod(const char* s, char** end) noexcept nogil
    int ms_isinf(double v) noexcept nogil
    int ms_mul_overflow(int64_t a, int64_t b, int64_t* r) noexcept nogil

if ms_init_locale() != 0:
    raise ImportError("machstore._ext_lineproto: cannot create the C numeric locale")

# -- constants (error codes: keep equal to machstore/lineproto.py E_*) ------------------------

cdef enum:
    C_NUL = 0
    C_TAB = 9
    C_NL = 10
    C_SP = 32
    C_DQ = 34
    C_HASH = 35
    C_PLUS = 43
    C_COMMA = 44
    C_MINUS = 45
    C_DOT = 46
    C_EQ = 61
    C_UPPER_E = 69
    C_UPPER_N = 78
    C_BS = 92
    C_LOWER_E = 101
    C_LOWER_I = 105
    C_LOWER_N = 110
    C_LOWER_U = 117

cdef enum:
    T_FLOAT = 0
    T_INTEGER = 1
    T_UNSIGNED = 2
    T_STRING = 3
    T_BOOLEAN = 4

cdef enum:
    E_MISSING_MEASUREMENT = 1
    E_MISSING_FIELDS = 2
    E_MISSING_TAG_KEY = 3
    E_MISSING_TAG_VALUE = 4
    E_INVALID_TAG_FORMAT = 5
    E_DUPLICATE_TAGS = 6
    E_MAX_KEY_LENGTH = 7
    E_MISSING_FIELD_KEY = 8
    E_MISSING_FIELD_VALUE = 9
    E_INVALID_NUMBER = 10
    E_INVALID_BOOLEAN = 11
    E_INVALID_FLOAT = 12
    E_INT_RANGE = 13
    E_UINT_RANGE = 14
    E_UNBALANCED_QUOTES = 15
    E_INVALID_FIELD_FORMAT = 16
    E_INVALID_FIELD_KEY = 17
    E_BAD_TIMESTAMP = 18
    E_TIMESTAMP_SYNTAX = 19
    E_TIMESTAMP_RANGE = 20
    E_TIME_OUTSIDE_RANGE = 21
    E_POINT_INVALID = 22

ERROR_CODES = {
    "E_MISSING_MEASUREMENT": E_MISSING_MEASUREMENT, "E_MISSING_FIELDS": E_MISSING_FIELDS,
    "E_MISSING_TAG_KEY": E_MISSING_TAG_KEY, "E_MISSING_TAG_VALUE": E_MISSING_TAG_VALUE,
    "E_INVALID_TAG_FORMAT": E_INVALID_TAG_FORMAT, "E_DUPLICATE_TAGS": E_DUPLICATE_TAGS,
    "E_MAX_KEY_LENGTH": E_MAX_KEY_LENGTH, "E_MISSING_FIELD_KEY": E_MISSING_FIELD_KEY,
    "E_MISSING_FIELD_VALUE": E_MISSING_FIELD_VALUE, "E_INVALID_NUMBER": E_INVALID_NUMBER,
    "E_INVALID_BOOLEAN": E_INVALID_BOOLEAN, "E_INVALID_FLOAT": E_INVALID_FLOAT,
    "E_INT_RANGE": E_INT_RANGE, "E_UINT_RANGE": E_UINT_RANGE,
    "E_UNBALANCED_QUOTES": E_UNBALANCED_QUOTES, "E_INVALID_FIELD_FORMAT": E_INVALID_FIELD_FORMAT,
    "E_INVALID_FIELD_KEY": E_INVALID_FIELD_KEY, "E_BAD_TIMESTAMP": E_BAD_TIMESTAMP,
    "E_TIMESTAMP_SYNTAX": E_TIMESTAMP_SYNTAX, "E_TIMESTAMP_RANGE": E_TIMESTAMP_RANGE,
    "E_TIME_OUTSIDE_RANGE": E_TIME_OUTSIDE_RANGE, "E_POINT_INVALID": E_POINT_INVALID,
}

# Escape sets for unescape()/escape().
cdef enum:
    ESC_MEASUREMENT = 0     # \, and "\ "
    ESC_TAG = 1             # \, \= and "\ "
    ESC_FIELD_KEY = 2       # \, \= "\ " and \" (1.x escape.Unescape)
    ESC_STRING = 3          # \\ and \" (1.x unescapeStringField)

cdef enum:
    MAX_KEY_LENGTH = 65535
    INT32_LIMIT = 2147483647

cdef int64_t MIN_NANO_TIME = -9223372036854775806
cdef int64_t MAX_NANO_TIME = 9223372036854775806

# -- C structures -------------------------------------------------------------------------

cdef struct Slot:               # one hash-table slot; idx < 0 means empty
    uint64_t hash
    int64_t off                 # key bytes at base + off (base: the body or an arena)
    int64_t len
    int64_t idx

cdef struct Table:
    Slot* slots
    int64_t mask
    int64_t count

cdef struct Keys:               # interned byte strings: id -> (off, len) in arena, plus a table
    unsigned char* arena
    int64_t arena_len
    int64_t arena_cap
    int64_t* off
    int64_t* klen
    int64_t n
    int64_t cap
    Table table

cdef struct Err:
    int code
    int64_t d_off               # detail: byte range of the body
    int64_t d_len
    int64_t number

cdef struct ErrRec:
    int64_t lineno
    int64_t off
    int64_t len
    int code
    int64_t d_off
    int64_t d_len
    int64_t number

cdef struct Pending:            # a field key first seen in the line being parsed
    const unsigned char* ptr
    int64_t len
    uint64_t hash

cdef struct FieldTok:           # a field key of the current line, as written
    const unsigned char* raw
    int64_t raw_len
    int64_t fid
    int clean                   # no backslash or quote: safe to predict with memcmp

cdef struct State:
    const unsigned char* buf
    int64_t n
    int64_t mult
    int64_t default_time
    # points
    int32_t* pt_series
    int64_t* pt_time
    int64_t n_pts
    int64_t cap_pts
    # values (parallel arrays)
    int32_t* v_point
    int32_t* v_field
    uint8_t* v_type
    int64_t* v_bits
    int64_t n_vals
    int64_t cap_vals
    # string contents of the current line's value slots (index: slot - first slot of the line)
    const unsigned char** s_ptr
    int64_t* s_len
    int64_t cap_s
    # interning
    Keys series
    Keys fields
    Keys strings
    Table raw_series            # series key exactly as written (in the body) -> series id
    # per field id: the line that last wrote it, and the value slot (a repeated key overwrites)
    int64_t* f_line
    int64_t* f_slot
    int64_t cap_f
    Pending* pend
    int64_t n_pend
    int64_t cap_pend
    FieldTok* toks
    int64_t n_toks
    int64_t cap_toks
    FieldTok* pred              # the field keys of the last good line, by position
    int64_t n_pred
    int64_t cap_pred
    # tags of the line being canonicalised (slow key path)
    int64_t* tk0
    int64_t* tk1
    int64_t* tv0
    int64_t* tv1
    unsigned char** tu          # unescaped tag key, in scratch
    int64_t* tul
    int64_t* order
    int64_t* order_tmp
    int64_t cap_tags
    # the tag keys (spans of the body) and sorted order of the last plain key canonicalised
    int64_t* ck0
    int64_t* ck1
    int64_t* corder
    int64_t n_cache
    int64_t cap_cache
    # per-line scratch (unescaped keys and strings, the canonical key): >= 4 * line + 64
    unsigned char* scratch
    int64_t scratch_cap
    int64_t scratch_used
    # results
    ErrRec* errs
    int64_t n_errs
    int64_t cap_errs
    int64_t n_lines
    int64_t line_serial


# -- memory -------------------------------------------------------------------------------

cdef int grow(void** p, int64_t* cap, int64_t need, size_t elem) except -1 nogil:
    """Make ``*p`` hold at least ``need`` elements (doubling); raise MemoryError on failure."""
    cdef int64_t c = cap[0]
    cdef void* q
    if need <= c:
        return 0
    if c < 16:
        c = 16
    while c < need:
        c *= 2
    q = realloc(p[0], <size_t>c * elem)
    if q == NULL:
        with gil:
            raise MemoryError()
    p[0] = q
    cap[0] = c
    return 0


cdef int table_init(Table* t, int64_t cap) except -1 nogil:
    cdef int64_t i
    t.slots = <Slot*>malloc(<size_t>cap * sizeof(Slot))
    if t.slots == NULL:
        with gil:
            raise MemoryError()
    for i in range(cap):
        t.slots[i].idx = -1
    t.mask = cap - 1
    t.count = 0
    return 0


cdef int table_grow(Table* t) except -1 nogil:
    cdef Table nt
    cdef int64_t i, j
    table_init(&nt, (t.mask + 1) * 2)
    for i in range(t.mask + 1):
        if t.slots[i].idx >= 0:
            j = <int64_t>(t.slots[i].hash & <uint64_t>nt.mask)
            while nt.slots[j].idx >= 0:
                j = (j + 1) & nt.mask
            nt.slots[j] = t.slots[i]
    nt.count = t.count
    free(t.slots)
    t[0] = nt
    return 0


cdef inline int64_t table_find(const Table* t, const unsigned char* base, const unsigned char* key,
                               int64_t n, uint64_t h) noexcept nogil:
    """Return the slot holding ``key`` (>= 0), or ``-1 - slot`` of the empty slot to insert it at."""
    cdef int64_t i = <int64_t>(h & <uint64_t>t.mask)
    cdef const Slot* s
    while True:
        s = &t.slots[i]
        if s.idx < 0:
            return -1 - i
        if s.hash == h and s.len == n and ms_same_bytes(base + s.off, key, n):
            return i
        i = (i + 1) & t.mask


cdef int table_put(Table* t, int64_t empty_slot, uint64_t h, int64_t off, int64_t n, int64_t idx) except -1 nogil:
    """Fill the empty slot found by table_find (no table change may happen in between)."""
    cdef Slot* s = &t.slots[empty_slot]
    s.hash = h
    s.off = off
    s.len = n
    s.idx = idx
    t.count += 1
    if t.count * 2 > t.mask + 1:
        table_grow(t)
    return 0


cdef int keys_init(Keys* k) except -1 nogil:
    memset(k, 0, sizeof(Keys))
    table_init(&k.table, 64)
    return 0


cdef int keys_reset(Keys* k) except -1 nogil:
    """Forget every key but keep the arena; the table starts small again."""
    k.n = 0
    k.arena_len = 0
    free(k.table.slots)
    k.table.slots = NULL
    table_init(&k.table, 64)
    return 0


cdef void keys_free(Keys* k) noexcept nogil:
    free(k.arena)
    free(k.off)
    free(k.klen)
    free(k.table.slots)


cdef int64_t keys_find(Keys* k, const unsigned char* p, int64_t n, uint64_t h) noexcept nogil:
    """Return the id of ``p[:n]``, or -1."""
    cdef int64_t s = table_find(&k.table, k.arena, p, n, h)
    return k.table.slots[s].idx if s >= 0 else -1


cdef int64_t keys_add(Keys* k, const unsigned char* p, int64_t n, uint64_t h) except -1 nogil:
    """Return the id of ``p[:n]``, adding it (a copy) if new."""
    cdef int64_t s = table_find(&k.table, k.arena, p, n, h)
    cdef int64_t idx
    if s >= 0:
        return k.table.slots[s].idx
    if k.n >= INT32_LIMIT:
        with gil:
            raise OverflowError("too many distinct keys in one line-protocol body")
    grow(<void**>&k.arena, &k.arena_cap, k.arena_len + n + 1, 1)
    if n > 0:
        memcpy(k.arena + k.arena_len, p, <size_t>n)
    grow(<void**>&k.off, &k.cap, k.n + 1, sizeof(int64_t))
    k.klen = <int64_t*>realloc(k.klen, <size_t>k.cap * sizeof(int64_t))
    if k.klen == NULL:
        with gil:
            raise MemoryError()
    idx = k.n
    k.off[idx] = k.arena_len
    k.klen[idx] = n
    k.n += 1
    table_put(&k.table, -1 - s, h, k.arena_len, n, idx)
    k.arena_len += n
    return idx


cdef list keys_to_list(Keys* k):
    cdef int64_t i
    return [PyBytes_FromStringAndSize(<char*>k.arena + k.off[i], k.klen[i]) for i in range(k.n)]


# -- small scanners -------------------------------------------------------------------------

cdef inline bint is_digit(unsigned char c) noexcept nogil:
    return c >= 48 and c <= 57


cdef inline bint is_space(unsigned char c) noexcept nogil:
    # 1.x skipWhitespace: space, tab and NUL
    return c == C_SP or c == C_TAB or c == C_NUL


cdef inline bint is_special(unsigned char c, int kind) noexcept nogil:
    if kind == ESC_MEASUREMENT:
        return c == C_COMMA or c == C_SP
    if kind == ESC_TAG:
        return c == C_COMMA or c == C_SP or c == C_EQ
    if kind == ESC_FIELD_KEY:
        return c == C_COMMA or c == C_SP or c == C_EQ or c == C_DQ
    return c == C_BS or c == C_DQ


cdef int64_t unescape(const unsigned char* src, int64_t n, unsigned char* dst, int kind) noexcept nogil:
    """Copy ``src`` to ``dst`` dropping the backslash of each escape pair; return the length."""
    cdef int64_t i = 0, j = 0
    while i < n:
        if src[i] == C_BS and i + 1 < n and is_special(src[i + 1], kind):
            dst[j] = src[i + 1]
            i += 2
        else:
            dst[j] = src[i]
            i += 1
        j += 1
    return j


cdef int64_t escape(const unsigned char* src, int64_t n, unsigned char* dst, int kind) noexcept nogil:
    cdef int64_t i, j = 0
    for i in range(n):
        if is_special(src[i], kind):
            dst[j] = C_BS
            j += 1
        dst[j] = src[i]
        j += 1
    return j


cdef int64_t scan_line(const unsigned char* buf, int64_t i, int64_t n) noexcept nogil:
    """1.x scanLine: the end of the line at ``i``; a newline inside a quoted field value stays."""
    cdef bint quoted = 0, fields = 0
    cdef int64_t equals = 0, commas = 0
    cdef unsigned char c
    while i < n:
        c = buf[i]
        if c == C_BS and i + 2 < n:
            i += 2
            continue
        if c == C_SP:
            fields = 1
        if fields:
            if not quoted and c == C_EQ:
                i += 1
                equals += 1
                continue
            elif not quoted and c == C_COMMA:
                i += 1
                commas += 1
                continue
            elif c == C_DQ and equals > commas:
                i += 1
                quoted = not quoted
                continue
        if c == C_NL and not quoted:
            break
        i += 1
    return i


cdef inline int fail(Err* err, int code) noexcept nogil:
    err.code = code
    err.d_off = 0
    err.d_len = 0
    err.number = 0
    return 1


cdef inline int fail_detail(Err* err, int code, int64_t off, int64_t n) noexcept nogil:
    err.code = code
    err.d_off = off
    err.d_len = n
    err.number = 0
    return 1


cdef inline bint parse_u64(const unsigned char* p, int64_t n, uint64_t* out) noexcept nogil:
    """Decimal digits to uint64; return True on overflow."""
    cdef uint64_t v = 0, d
    cdef int64_t i
    for i in range(n):
        d = p[i] - 48
        if v > 1844674407370955161ULL or (v == 1844674407370955161ULL and d > 5):
            return 1
        v = v * 10 + d
    out[0] = v
    return 0


cdef inline bint parse_i64(const unsigned char* p, int64_t n, int64_t* out) noexcept nogil:
    """Optional minus and decimal digits to int64; return True on overflow."""
    cdef uint64_t mag
    if n > 0 and p[0] == C_MINUS:
        if parse_u64(p + 1, n - 1, &mag) or mag > 9223372036854775808ULL:
            return 1
        out[0] = <int64_t>(0 - mag)
        return 0
    if parse_u64(p, n, &mag) or mag > 9223372036854775807ULL:
        return 1
    out[0] = <int64_t>mag
    return 0


cdef inline int convert_decimal(uint64_t w, int64_t exp10, bint neg, double* out) noexcept nogil:
    """Exact w * 10^exp10 (w < 2^64), rounded once; 1 if out of the exact range (use strtod)."""
    cdef double v
    if w == 0:
        v = 0.0
    elif w < 9007199254740992ULL and -22 <= exp10 <= 22:
        v = ms_fast_pow10(w, <int>exp10)           # Clinger: both operands exact, one rounding
    elif 0 <= exp10 <= 19:
        v = ms_mul_pow10(w, <int>exp10)
    elif -19 <= exp10 < 0:
        v = ms_div_pow10(w, <int>(-exp10))
    else:
        return 1
    out[0] = -v if neg else v
    return 0


cdef int strtod_token(const unsigned char* p, int64_t n, double* out) except -1 nogil:
    """strtod (C locale) on a NUL-terminated copy of the token; 1 = not all consumed or infinite."""
    cdef char small[64]
    cdef char* copy = &small[0] if n < 64 else <char*>malloc(<size_t>n + 1)
    cdef char* endp
    cdef double v
    cdef int64_t used
    if copy == NULL:
        with gil:
            raise MemoryError()
    memcpy(copy, p, <size_t>n)
    copy[n] = 0
    v = ms_strtod(copy, &endp)
    used = endp - copy
    if copy != &small[0]:
        free(copy)
    if used != n or ms_isinf(v):
        return 1
    out[0] = v
    return 0


cdef int parse_float(const unsigned char* p, int64_t n, double* out) except -1 nogil:
    """Parse a float token (Go ParseFloat rules for what scanNumber lets through); 1 = invalid.

    Up to 19 significant digits with a small exponent are converted exactly (Clinger's fast
    path, or 128-bit integer arithmetic with one rounding); anything else goes to strtod on a
    NUL-terminated copy. Both are correctly rounded, like Go.
    """
    cdef int64_t i = 0, e = 0
    cdef bint neg = 0, eneg = 0, many = 0
    cdef uint64_t w = 0
    cdef int nsig = 0, ndig = 0
    cdef int64_t exp10 = 0
    if i < n and p[i] == C_MINUS:
        neg = 1
        i += 1
    while i < n and is_digit(p[i]):
        ndig += 1
        if w == 0 and p[i] == 48:
            pass
        elif nsig < 19:
            w = w * 10 + (p[i] - 48)
            nsig += 1
        else:
            many = 1
        i += 1
    if i < n and p[i] == C_DOT:
        i += 1
        while i < n and is_digit(p[i]):
            ndig += 1
            if w == 0 and p[i] == 48:
                exp10 -= 1
            elif nsig < 19:
                w = w * 10 + (p[i] - 48)
                nsig += 1
                exp10 -= 1
            else:
                many = 1
            i += 1
    if ndig == 0:
        return 1
    if i < n and (p[i] == C_LOWER_E or p[i] == C_UPPER_E):
        i += 1
        if i < n and (p[i] == C_PLUS or p[i] == C_MINUS):
            eneg = p[i] == C_MINUS
            i += 1
        if i >= n or not is_digit(p[i]):
            return 1
        while i < n and is_digit(p[i]):
            if e < 1000000:
                e = e * 10 + (p[i] - 48)
            i += 1
        exp10 += -e if eneg else e
    if i != n:
        return 1
    if not many and convert_decimal(w, exp10, neg, out) == 0:
        return 0
    return strtod_token(p, n, out)


cdef int scan_number_literal(const unsigned char* buf, int64_t i, int64_t n, int64_t* end, int* kind,
                             int64_t* bits, Err* err) except -1 nogil:
    """1.x scanNumber, literally, plus the value: every token the fast path does not take."""
    cdef int64_t start = i, digits
    cdef bint is_int = 0, is_uint = 0, decimal = 0, scientific = 0
    cdef unsigned char c
    cdef int64_t iv
    cdef uint64_t uv
    cdef double fv
    # the literal 1.x scanNumber
    if i < n and buf[i] == C_MINUS:
        i += 1
        if i == n:
            return fail(err, E_INVALID_NUMBER)
    while i < n:
        c = buf[i]
        if c == C_COMMA or c == C_SP:
            break
        if c == C_LOWER_I and i > start and not (is_int or is_uint):
            is_int = 1
            i += 1
            continue
        elif c == C_LOWER_U and i > start and not (is_int or is_uint):
            is_uint = 1
            i += 1
            continue
        if c == C_DOT:
            if decimal:
                return fail(err, E_INVALID_NUMBER)
            decimal = 1
        if i > start and (c == C_LOWER_E or c == C_UPPER_E):
            scientific = 1
            i += 1
            continue
        if (c == C_PLUS or c == C_MINUS) and (buf[i - 1] == C_LOWER_E or buf[i - 1] == C_UPPER_E):
            i += 1
            continue
        if i + 2 < n and (c == C_UPPER_N or c == C_LOWER_N):
            return fail(err, E_INVALID_NUMBER)
        if not (is_digit(c) or c == C_DOT):
            return fail(err, E_INVALID_NUMBER)
        i += 1
    if (is_int or is_uint) and (decimal or scientific):
        return fail(err, E_INVALID_NUMBER)
    digits = i - start
    if is_int:
        digits -= 1
    if decimal:
        digits -= 1
    if buf[start] == C_MINUS:
        digits -= 1
    if digits == 0:
        return fail(err, E_INVALID_NUMBER)
    end[0] = i
    if is_int:
        if buf[i - 1] != C_LOWER_I:
            return fail(err, E_INVALID_NUMBER)
        if parse_i64(buf + start, i - 1 - start, &iv):
            return fail_detail(err, E_INT_RANGE, start, i - 1 - start)
        kind[0] = T_INTEGER
        bits[0] = iv
        return 0
    if is_uint:
        # NOTE: accepted like 1.x built with the uint tag (docs/lineprotocol.md)
        if buf[i - 1] != C_LOWER_U or buf[start] == C_MINUS:
            return fail(err, E_INVALID_NUMBER)
        if parse_u64(buf + start, i - 1 - start, &uv):
            return fail_detail(err, E_UINT_RANGE, start, i - 1 - start)
        kind[0] = T_UNSIGNED
        bits[0] = <int64_t>uv
        return 0
    if parse_float(buf + start, i - start, &fv):
        return fail(err, E_INVALID_FLOAT)
    kind[0] = T_FLOAT
    memcpy(bits, &fv, 8)
    return 0


cdef inline int scan_number(const unsigned char* buf, int64_t i, int64_t n, int64_t* end, int* kind,
                            int64_t* bits, Err* err) except -1 nogil:
    """1.x scanNumber from the value start ``i`` (``n``: end of the line), plus the value itself."""
    cdef unsigned char c
    cdef int64_t p = i, q, exp10 = 0
    cdef uint64_t w = 0, chunk
    cdef double fv
    cdef int ndig = 0
    cdef bint neg = 0, dot = 0
    # PERF: one pass for plain tokens (digits, at most one '.', an optional i/u suffix) that end
    # the value; they are exactly the tokens scanNumber accepts without looking twice. Fraction
    # digits go eight at a time. Anything else (exponents, NaN, errors, more than 19 digits)
    # takes scan_number_literal.
    if buf[p] == C_MINUS:
        neg = 1
        p += 1
    q = p
    while p < n and is_digit(buf[p]):
        w = w * 10 + (buf[p] - 48)
        p += 1
    ndig = <int>(p - q)
    if p < n and buf[p] == C_DOT and ndig <= 19:
        dot = 1
        p += 1
        q = p
        while ndig + 8 <= 19 and p + 8 <= n and ms_eight_digits(buf + p, &chunk):
            w = w * 100000000 + chunk
            p += 8
            ndig += 8
        while p < n and is_digit(buf[p]):
            w = w * 10 + (buf[p] - 48)
            p += 1
            ndig += 1
        exp10 = q - p
    if 0 < ndig <= 19:
        c = buf[p] if p < n else C_SP
        if c == C_COMMA or c == C_SP:
            if convert_decimal(w, exp10, neg, &fv):
                if parse_float(buf + i, p - i, &fv):
                    return fail(err, E_INVALID_FLOAT)
            end[0] = p
            kind[0] = T_FLOAT
            memcpy(bits, &fv, 8)
            return 0
        if (c == C_LOWER_I or (c == C_LOWER_U and not neg)) and not dot and ndig <= 18 and (
                p + 1 == n or buf[p + 1] == C_COMMA or buf[p + 1] == C_SP):
            end[0] = p + 1
            kind[0] = T_INTEGER if c == C_LOWER_I else T_UNSIGNED
            bits[0] = -<int64_t>w if neg else <int64_t>w
            return 0
    return scan_number_literal(buf, i, n, end, kind, bits, err)


cdef int scan_boolean(const unsigned char* buf, int64_t i, int64_t n, int64_t* end, int64_t* bits,
                      Err* err) noexcept nogil:
    """1.x scanBoolean: t T true True TRUE f F false False FALSE."""
    cdef int64_t start = i, k
    cdef unsigned char c = buf[i]
    if c != 116 and c != 102 and c != 84 and c != 70:          # t f T F
        return fail(err, E_INVALID_BOOLEAN)
    i += 1
    while i < n and buf[i] != C_COMMA and buf[i] != C_SP:
        i += 1
    k = i - start
    end[0] = i
    bits[0] = 1 if (c == 116 or c == 84) else 0
    if k == 1:
        return 0
    if k == 4 and (memcmp(buf + start, b"true", 4) == 0 or memcmp(buf + start, b"True", 4) == 0
                   or memcmp(buf + start, b"TRUE", 4) == 0):
        return 0
    if k == 5 and (memcmp(buf + start, b"false", 5) == 0 or memcmp(buf + start, b"False", 5) == 0
                   or memcmp(buf + start, b"FALSE", 5) == 0):
        return 0
    return fail(err, E_INVALID_BOOLEAN)


# -- the key (measurement and tags) ---------------------------------------------------------

cdef inline unsigned char* take(State* st, int64_t n) noexcept nogil:
    cdef unsigned char* p = st.scratch + st.scratch_used
    st.scratch_used += n
    return p


cdef inline int ukey_cmp(State* st, int64_t a, int64_t b) noexcept nogil:
    cdef int64_t la = st.tul[a], lb = st.tul[b]
    cdef int r = memcmp(st.tu[a], st.tu[b], <size_t>(la if la < lb else lb))
    if r != 0:
        return r
    return -1 if la < lb else (1 if la > lb else 0)


cdef void sort_tags(State* st, int64_t m) noexcept nogil:
    """Order st.order[:m] by unescaped tag key (stable merge sort; insertion sort when small)."""
    cdef int64_t i, j, t, width, lo, mid, hi, a, b, k
    cdef int64_t* src = st.order
    cdef int64_t* dst = st.order_tmp
    cdef int64_t* tmp
    if m <= 16:
        for i in range(1, m):
            t = src[i]
            j = i
            while j > 0 and ukey_cmp(st, t, src[j - 1]) < 0:
                src[j] = src[j - 1]
                j -= 1
            src[j] = t
        return
    width = 1
    while width < m:
        lo = 0
        while lo < m:
            mid = lo + width if lo + width < m else m
            hi = lo + 2 * width if lo + 2 * width < m else m
            a, b, k = lo, mid, lo
            while a < mid and b < hi:
                if ukey_cmp(st, src[b], src[a]) < 0:
                    dst[k] = src[b]
                    b += 1
                else:
                    dst[k] = src[a]
                    a += 1
                k += 1
            while a < mid:
                dst[k] = src[a]
                a += 1
                k += 1
            while b < hi:
                dst[k] = src[b]
                b += 1
                k += 1
            lo = hi
        tmp = src
        src = dst
        dst = tmp
        width *= 2
    if src != st.order:
        memcpy(st.order, src, <size_t>m * sizeof(int64_t))


cdef int tags_room(State* st, int64_t need) except -1 nogil:
    cdef int64_t cap = st.cap_tags
    if need <= cap:
        return 0
    cap = 16 if cap < 16 else cap
    while cap < need:
        cap *= 2
    st.tk0 = <int64_t*>realloc(st.tk0, <size_t>cap * sizeof(int64_t))
    st.tk1 = <int64_t*>realloc(st.tk1, <size_t>cap * sizeof(int64_t))
    st.tv0 = <int64_t*>realloc(st.tv0, <size_t>cap * sizeof(int64_t))
    st.tv1 = <int64_t*>realloc(st.tv1, <size_t>cap * sizeof(int64_t))
    st.tu = <unsigned char**>realloc(st.tu, <size_t>cap * sizeof(unsigned char*))
    st.tul = <int64_t*>realloc(st.tul, <size_t>cap * sizeof(int64_t))
    st.order = <int64_t*>realloc(st.order, <size_t>cap * sizeof(int64_t))
    st.order_tmp = <int64_t*>realloc(st.order_tmp, <size_t>cap * sizeof(int64_t))
    if (st.tk0 == NULL or st.tk1 == NULL or st.tv0 == NULL or st.tv1 == NULL or st.tu == NULL
            or st.tul == NULL or st.order == NULL or st.order_tmp == NULL):
        with gil:
            raise MemoryError()
    st.cap_tags = cap
    return 0


cdef int key_fast(State* st, int64_t s, int64_t e, const unsigned char** canon,
                  int64_t* canon_len) except -1 nogil:
    """Canonicalise a key without backslashes ending at the space ``e``; 1 = use key_slow instead.

    PERF: without backslashes nothing needs unescaping, and the only byte to escape is a '='
    that starts a tag value, so validation is a few memchr calls and the canonical key is the
    measurement plus the tag segments copied in sorted order. Bodies repeat their tag keys in
    the same order (every TSBS host), so the last sort order is tried first. Anything this
    does not accept (errors, duplicates, an oversized key) goes to key_slow, which reports it.
    """
    cdef const unsigned char* buf = st.buf
    cdef const unsigned char* hit
    cdef int64_t mend, a, b, q, m = 0, j, t, o, n
    cdef unsigned char* out
    cdef bint same
    if buf[s] == C_COMMA or e - s > MAX_KEY_LENGTH:
        return 1
    mend = s + 1
    while mend < e and buf[mend] != C_COMMA:
        mend += 1
    a = mend + 1
    while mend < e:
        # one tag "k=v": the first '=' ends a non-empty key; the value is not empty and has no
        # other '=' than its first byte
        if a >= e or buf[a] == C_EQ or buf[a] == C_COMMA:
            return 1
        q = a + 1
        while q < e and buf[q] != C_EQ and buf[q] != C_COMMA:
            q += 1
        if q >= e or buf[q] != C_EQ or q + 1 >= e or buf[q + 1] == C_COMMA:
            return 1
        b = q + 2
        while b < e and buf[b] != C_COMMA:
            if buf[b] == C_EQ:
                return 1
            b += 1
        if m >= st.cap_tags:
            tags_room(st, m + 1)
        st.tk0[m] = a
        st.tk1[m] = q
        st.tv0[m] = q + 1
        st.tv1[m] = b
        st.tu[m] = <unsigned char*>(buf + a)
        st.tul[m] = q - a
        m += 1
        if b == e:
            break
        a = b + 1
    # sorted order: the cached one if the tag keys are the same as last time
    same = m == st.n_cache
    j = 0
    while same and j < m:
        same = st.ck1[j] - st.ck0[j] == st.tul[j] and ms_same_bytes(buf + st.ck0[j], st.tu[j], st.tul[j])
        j += 1
    if same:
        memcpy(st.order, st.corder, <size_t>m * sizeof(int64_t))
    else:
        for j in range(m):
            st.order[j] = j
        sort_tags(st, m)
        for j in range(1, m):
            if ukey_cmp(st, st.order[j - 1], st.order[j]) == 0:
                return 1
        if m > st.cap_cache:
            n = st.cap_cache
            grow(<void**>&st.ck0, &st.cap_cache, m, sizeof(int64_t))
            st.ck1 = <int64_t*>realloc(st.ck1, <size_t>st.cap_cache * sizeof(int64_t))
            st.corder = <int64_t*>realloc(st.corder, <size_t>st.cap_cache * sizeof(int64_t))
            if st.ck1 == NULL or st.corder == NULL:
                with gil:
                    raise MemoryError()
        for j in range(m):
            st.ck0[j] = st.tk0[j]
            st.ck1[j] = st.tk1[j]
        memcpy(st.corder, st.order, <size_t>m * sizeof(int64_t))
        st.n_cache = m
    out = take(st, (e - s) + m + 8)
    o = mend - s
    memcpy(out, buf + s, <size_t>o)
    for t in range(m):
        j = st.order[t]
        out[o] = C_COMMA
        o += 1
        n = st.tk1[j] - st.tk0[j] + 1                          # key and '='
        ms_copy_small(out + o, buf + st.tk0[j], n)
        o += n
        if buf[st.tv0[j]] == C_EQ:
            out[o] = C_BS
            o += 1
        n = st.tv1[j] - st.tv0[j]
        ms_copy_small(out + o, buf + st.tv0[j], n)
        o += n
    canon[0] = out
    canon_len[0] = o
    return 0


cdef int key_slow(State* st, int64_t s, int64_t n, Err* err, int64_t* key_end,
                  const unsigned char** canon, int64_t* canon_len) except -1 nogil:
    """Validate the key like 1.x scanKey, then build its canonical form in scratch; 1 = bad line."""
    cdef const unsigned char* buf = st.buf
    cdef int64_t i = s, k0, k1, v0, m = 0, j, t, prev
    cdef bint has_tags
    cdef unsigned char* out
    cdef unsigned char* u
    cdef int64_t ulen, o
    if i >= n or buf[i] == C_COMMA:
        return fail(err, E_MISSING_MEASUREMENT)
    while True:                                            # scanMeasurement
        i += 1
        if i >= n:
            return fail(err, E_MISSING_FIELDS)
        if buf[i - 1] == C_BS:
            continue
        if buf[i] == C_COMMA:
            has_tags = 1
            break
        if buf[i] == C_SP:
            has_tags = 0
            break
    k0 = i                                                  # end of the measurement
    if has_tags:
        i += 1
        while True:
            j = i                                           # scanTagsKey
            if i >= n or buf[i] == C_SP or buf[i] == C_COMMA or buf[i] == C_EQ:
                return fail(err, E_MISSING_TAG_KEY)
            while True:
                i += 1
                if i >= n or ((buf[i] == C_SP or buf[i] == C_COMMA) and buf[i - 1] != C_BS):
                    return fail(err, E_MISSING_TAG_VALUE)
                if buf[i] == C_EQ and buf[i - 1] != C_BS:
                    break
            k1 = i
            i += 1
            v0 = i                                          # scanTagsValue
            if i >= n or buf[i] == C_COMMA or buf[i] == C_SP:
                return fail(err, E_MISSING_TAG_VALUE)
            while True:
                i += 1
                if i >= n:
                    return fail(err, E_MISSING_FIELDS)
                if buf[i] == C_EQ and buf[i - 1] != C_BS:
                    return fail(err, E_INVALID_TAG_FORMAT)
                if (buf[i] == C_COMMA or buf[i] == C_SP) and buf[i - 1] != C_BS:
                    break
            tags_room(st, m + 1)
            st.tk0[m] = j
            st.tk1[m] = k1
            st.tv0[m] = v0
            st.tv1[m] = i
            m += 1
            if buf[i] == C_SP:
                break
            i += 1
    key_end[0] = i
    # sort by unescaped key; equal neighbours are duplicates (1.x compares the raw keys: same thing)
    for j in range(m):
        u = take(st, st.tk1[j] - st.tk0[j])
        st.tu[j] = u
        st.tul[j] = unescape(buf + st.tk0[j], st.tk1[j] - st.tk0[j], u, ESC_TAG)
        st.order[j] = j
    sort_tags(st, m)
    for j in range(1, m):
        if ukey_cmp(st, st.order[j - 1], st.order[j]) == 0:
            return fail(err, E_DUPLICATE_TAGS)
    if i - s > MAX_KEY_LENGTH:
        err.code = E_MAX_KEY_LENGTH
        err.d_off = 0
        err.d_len = 0
        err.number = i - s
        return 1
    # canonical key: escape(unescape(token)) for the measurement, then each tag in order
    out = take(st, 2 * (i - s) + 8)
    u = take(st, i - s + 8)
    ulen = unescape(buf + s, k0 - s, u, ESC_MEASUREMENT)
    o = escape(u, ulen, out, ESC_MEASUREMENT)
    for t in range(m):
        j = st.order[t]
        out[o] = C_COMMA
        o += 1
        o += escape(st.tu[j], st.tul[j], out + o, ESC_TAG)
        out[o] = C_EQ
        o += 1
        ulen = unescape(buf + st.tv0[j], st.tv1[j] - st.tv0[j], u, ESC_TAG)
        o += escape(u, ulen, out + o, ESC_TAG)
    canon[0] = out
    canon_len[0] = o
    return 0


# -- fields ---------------------------------------------------------------------------------

cdef int64_t resolve_field(State* st, const unsigned char* raw, int64_t n, int* clean) except -2 nogil:
    """Return the field id of a raw (escaped) key: committed, pending in this line, or new pending."""
    cdef const unsigned char* key = raw
    cdef int64_t klen = n, k, fid
    cdef uint64_t h
    cdef unsigned char* u
    clean[0] = n > 0 and memchr(raw, C_DQ, <size_t>n) == NULL
    if n > 0 and memchr(raw, C_BS, <size_t>n) != NULL:
        clean[0] = 0
        u = take(st, n)
        klen = unescape(raw, n, u, ESC_FIELD_KEY)
        key = u
    h = ms_hash(key, klen)
    fid = keys_find(&st.fields, key, klen, h)
    if fid >= 0:
        return fid
    for k in range(st.n_pend):
        if st.pend[k].hash == h and st.pend[k].len == klen and memcmp(st.pend[k].ptr, key, <size_t>klen) == 0:
            return st.fields.n + k
    grow(<void**>&st.pend, &st.cap_pend, st.n_pend + 1, sizeof(Pending))
    st.pend[st.n_pend].ptr = key
    st.pend[st.n_pend].len = klen
    st.pend[st.n_pend].hash = h
    st.n_pend += 1
    fid = st.fields.n + st.n_pend - 1
    if fid >= st.cap_f:
        k = st.cap_f
        grow(<void**>&st.f_line, &st.cap_f, fid + 1, sizeof(int64_t))
        st.f_slot = <int64_t*>realloc(st.f_slot, <size_t>st.cap_f * sizeof(int64_t))
        if st.f_slot == NULL:
            with gil:
                raise MemoryError()
        memset(st.f_line + k, 0, <size_t>(st.cap_f - k) * sizeof(int64_t))
    return fid


cdef int64_t value_slot(State* st, int64_t fid, int64_t vstart) except -1 nogil:
    """Return the value slot of field ``fid`` in the current point (a repeated key reuses it)."""
    cdef int64_t slot
    if st.f_line[fid] == st.line_serial:
        return st.f_slot[fid]
    slot = st.n_vals
    if slot + 1 > st.cap_vals:
        if slot >= INT32_LIMIT:
            with gil:
                raise OverflowError("too many values in one line-protocol body")
        st.cap_vals = st.cap_vals * 2 if st.cap_vals >= 1024 else 1024
        st.v_point = <int32_t*>realloc(st.v_point, <size_t>st.cap_vals * sizeof(int32_t))
        st.v_field = <int32_t*>realloc(st.v_field, <size_t>st.cap_vals * sizeof(int32_t))
        st.v_type = <uint8_t*>realloc(st.v_type, <size_t>st.cap_vals * sizeof(uint8_t))
        st.v_bits = <int64_t*>realloc(st.v_bits, <size_t>st.cap_vals * sizeof(int64_t))
        if st.v_point == NULL or st.v_field == NULL or st.v_type == NULL or st.v_bits == NULL:
            with gil:
                raise MemoryError()
    if slot - vstart + 1 > st.cap_s:
        grow(<void**>&st.s_ptr, &st.cap_s, slot - vstart + 1, sizeof(unsigned char*))
        st.s_len = <int64_t*>realloc(st.s_len, <size_t>st.cap_s * sizeof(int64_t))
        if st.s_len == NULL:
            with gil:
                raise MemoryError()
    st.n_vals = slot + 1
    st.v_point[slot] = <int32_t>st.n_pts
    st.v_field[slot] = <int32_t>fid
    st.f_line[fid] = st.line_serial
    st.f_slot[fid] = slot
    return slot


cdef inline int64_t value_slot_fast(State* st, int64_t fid, int64_t vstart) except -1 nogil:
    """value_slot without a call in the common case (a new key, room in the arrays)."""
    cdef int64_t slot = st.n_vals
    if st.f_line[fid] != st.line_serial and slot < st.cap_vals and slot - vstart < st.cap_s:
        st.n_vals = slot + 1
        st.v_point[slot] = <int32_t>st.n_pts
        st.v_field[slot] = <int32_t>fid
        st.f_line[fid] = st.line_serial
        st.f_slot[fid] = slot
        return slot
    return value_slot(st, fid, vstart)


cdef int set_string(State* st, int64_t slot, int64_t vstart, int64_t a, int64_t b) except -1 nogil:
    """Record the content of a string value ``buf[a:b]`` (between its quotes) for interning at commit."""
    cdef const unsigned char* p = st.buf + a
    cdef unsigned char* u
    cdef int64_t n = b - a
    if n > 0 and memchr(p, C_BS, <size_t>n) != NULL:
        u = take(st, n)
        n = unescape(p, n, u, ESC_STRING)
        p = u
    st.s_ptr[slot - vstart] = p
    st.s_len[slot - vstart] = n
    return 0


cdef int scan_fields_plain(State* st, int64_t i, int64_t n, int64_t key_len, int64_t vstart, Err* err,
                           int64_t* fields_end) except -1 nogil:
    """scan_fields for a line without quotes or backslashes: 0 = done, 2 = let scan_fields redo it.

    PERF: with no quote and no escape, 1.x's field loop reduces to ``key=value`` items split by
    commas; this loop does only that and gives up (2) on anything else: an empty key, a comma
    or space in a key, a missing value, any scanner error, an oversized key. The caller then
    discards what was recorded and runs the literal loop, which finds the same thing 1.x does.
    """
    cdef const unsigned char* buf = st.buf
    cdef int64_t seg, L, nf = 0, fid, slot, end, bits
    cdef int clean, kind
    cdef unsigned char nx
    cdef FieldTok* pr
    while i < n and is_space(buf[i]):
        i += 1
    while True:
        seg = i
        fid = -1
        if nf < st.n_pred:
            pr = &st.pred[nf]
            L = pr.raw_len
            if L > 0 and i + L < n and buf[i + L] == C_EQ and ms_same_bytes(buf + i, pr.raw, L):
                i += L
                fid = pr.fid
        if fid < 0:
            while i < n and buf[i] != C_EQ and buf[i] != C_COMMA and buf[i] != C_SP:
                i += 1
            if i >= n or buf[i] != C_EQ or i == seg:
                return 2
            fid = resolve_field(st, buf + seg, i - seg, &clean)
        L = i - seg
        if i + 1 >= n or key_len + 4 + L > MAX_KEY_LENGTH:
            return 2
        nx = buf[i + 1]
        if nx == C_COMMA or nx == C_SP:
            return 2
        grow(<void**>&st.toks, &st.cap_toks, st.n_toks + 1, sizeof(FieldTok))
        st.toks[st.n_toks].raw = buf + seg
        st.toks[st.n_toks].raw_len = L
        st.toks[st.n_toks].fid = fid
        st.toks[st.n_toks].clean = 1
        st.n_toks += 1
        nf += 1
        slot = value_slot_fast(st, fid, vstart)
        if is_digit(nx) or nx == C_DOT or nx == C_MINUS or nx == C_UPPER_N or nx == C_LOWER_N:
            if scan_number(buf, i + 1, n, &end, &kind, &bits, err):
                return 2
            st.v_type[slot] = <uint8_t>kind
        else:
            if scan_boolean(buf, i + 1, n, &end, &bits, err):
                return 2
            st.v_type[slot] = T_BOOLEAN
        st.v_bits[slot] = bits
        i = end
        if i >= n or buf[i] == C_SP:
            break
        i += 1                                                  # the comma
    fields_end[0] = i
    return 0


cdef int scan_fields(State* st, int64_t i, int64_t n, int64_t key_len, int64_t vstart, Err* err,
                     int64_t* fields_end) except -1 nogil:
    """1.x scanFields from the space after the key, storing each field's value as it goes.

    The loop is 1.x's character loop (same errors in the same order). On top of it: the counted
    ``=`` and ``,`` must alternate, and no unquoted ``\\,`` may follow a string's closing quote
    (else 1.x's field iterator would read the fields differently from its scanner; we reject).
    """
    cdef const unsigned char* buf = st.buf
    cdef int64_t start, seg, eq = -1, equals = 0, commas = 0, slot = -1, str_slot = -1
    cdef int64_t nf = 0, fid = -1, L, end
    cdef int64_t post_code = 0, post_off = 0, post_number = 0
    cdef bint quoted = 0, expect_key = 1, bad = 0, quirk = 0, in_string = 0, predicted, record
    cdef int clean, kind
    cdef int64_t bits
    cdef unsigned char c, nx
    cdef FieldTok* pr
    while i < n and is_space(buf[i]):
        i += 1
    start = i
    seg = i
    while i < n:
        predicted = 0
        if expect_key and i == seg and nf < st.n_pred and not bad:
            # PERF: bodies repeat their field keys; compare with the last good line's key at this
            # position instead of scanning it character by character (predictions are clean keys,
            # so skipping their bytes changes no 1.x counter).
            pr = &st.pred[nf]
            L = pr.raw_len
            if L > 0 and i + L < n and buf[i + L] == C_EQ and ms_same_bytes(buf + i, pr.raw, L):
                i += L
                predicted = 1
                fid = pr.fid
        c = buf[i]
        if c == C_BS and i + 1 < n:
            if in_string and not quoted and buf[i + 1] == C_COMMA:
                quirk = 1
            i += 2
            continue
        if c == C_DQ and equals > commas:
            quoted = not quoted
            i += 1
            continue
        if c == C_EQ and not quoted:
            equals += 1
            if buf[i - 1] == C_SP and buf[i - 2] != C_BS:
                return fail(err, E_MISSING_FIELD_KEY)
            if buf[i - 1] == C_COMMA and buf[i - 2] != C_BS:
                return fail(err, E_MISSING_FIELD_KEY)
            if i + 1 >= n:
                return fail(err, E_MISSING_FIELD_VALUE)
            nx = buf[i + 1]
            if nx == C_COMMA or nx == C_SP:
                return fail(err, E_MISSING_FIELD_VALUE)
            in_string = 0
            record = expect_key and not bad
            if record:
                expect_key = 0
                eq = i
                L = i - seg
                if predicted:
                    clean = 1
                else:
                    fid = resolve_field(st, buf + seg, L, &clean)
                grow(<void**>&st.toks, &st.cap_toks, st.n_toks + 1, sizeof(FieldTok))
                st.toks[st.n_toks].raw = buf + seg
                st.toks[st.n_toks].raw_len = L
                st.toks[st.n_toks].fid = fid
                st.toks[st.n_toks].clean = clean
                st.n_toks += 1
                nf += 1
                if post_code == 0:
                    if L > 0 and buf[i - 1] == C_BS:
                        # 1.x's walkFields does not see this '=' (a backslash precedes it)
                        post_code = E_INVALID_FIELD_KEY
                        post_off = seg
                    elif key_len + 4 + L > MAX_KEY_LENGTH:
                        post_code = E_MAX_KEY_LENGTH
                        post_number = key_len + 4 + L
                slot = value_slot_fast(st, fid, vstart)
            else:
                bad = 1
            if is_digit(nx) or nx == C_DOT or nx == C_MINUS or nx == C_UPPER_N or nx == C_LOWER_N:
                if scan_number(buf, i + 1, n, &end, &kind, &bits, err):
                    return 1
                if record:
                    st.v_type[slot] = <uint8_t>kind
                    st.v_bits[slot] = bits
                i = end
                continue
            if nx != C_DQ:
                if scan_boolean(buf, i + 1, n, &end, &bits, err):
                    return 1
                if record:
                    st.v_type[slot] = T_BOOLEAN
                    st.v_bits[slot] = bits
                i = end
                continue
            if record:
                st.v_type[slot] = T_STRING
                str_slot = slot
            in_string = 1
            i += 1
            continue
        if c == C_COMMA and not quoted:
            commas += 1
            in_string = 0
            if not expect_key and not bad:
                if str_slot >= 0:
                    set_string(st, str_slot, vstart, eq + 2, i - 1)
                    str_slot = -1
                expect_key = 1
                seg = i + 1
            else:
                bad = 1
        elif c == C_SP and not quoted:
            break
        i += 1
    if quoted:
        return fail(err, E_UNBALANCED_QUOTES)
    if equals == 0 or commas != equals - 1 or bad or quirk:
        return fail(err, E_INVALID_FIELD_FORMAT)
    if str_slot >= 0:
        set_string(st, str_slot, vstart, eq + 2, i - 1)
    if post_code == E_INVALID_FIELD_KEY:
        return fail_detail(err, E_INVALID_FIELD_KEY, post_off, i - post_off)
    if post_code == E_MAX_KEY_LENGTH:
        fail(err, E_MAX_KEY_LENGTH)
        err.number = post_number
        return 1
    fields_end[0] = i
    return 0


cdef int scan_time(State* st, int64_t i, int64_t n, Err* err, int64_t* out) noexcept nogil:
    """1.x scanTime, ParseInt, SafeCalcTime and the trailing-spaces rule."""
    cdef const unsigned char* buf = st.buf
    cdef int64_t start, ts, t
    cdef uint64_t hi8, lo8
    cdef unsigned char c
    while i < n and is_space(buf[i]):
        i += 1
    start = i
    while i < n:
        c = buf[i]
        if c == C_NL or c == C_SP:
            break
        if i == start and c == C_MINUS:
            i += 1
            continue
        if not is_digit(c):
            return fail(err, E_BAD_TIMESTAMP)
        i += 1
    if i == start:
        out[0] = st.default_time
        return 0
    if i - start == 1 and buf[start] == C_MINUS:
        return fail_detail(err, E_TIMESTAMP_SYNTAX, start, 1)
    if i - start == 19 and buf[start] != C_MINUS and ms_eight_digits(buf + start, &hi8) and ms_eight_digits(
            buf + start + 8, &lo8) and buf[start] <= 56:
        # PERF: 19-digit positive nanosecond timestamps (all of today's) in two words
        ts = <int64_t>((hi8 * 100000000 + lo8) * 1000 + <uint64_t>(buf[start + 16] - 48) * 100
                       + <uint64_t>(buf[start + 17] - 48) * 10 + <uint64_t>(buf[start + 18] - 48))
    elif parse_i64(buf + start, i - start, &ts):
        return fail_detail(err, E_TIMESTAMP_RANGE, start, i - start)
    if ms_mul_overflow(ts, st.mult, &t) or t < MIN_NANO_TIME or t > MAX_NANO_TIME:
        return fail(err, E_TIME_OUTSIDE_RANGE)
    while i < n:
        if buf[i] != C_SP:
            return fail(err, E_POINT_INVALID)
        i += 1
    out[0] = t
    return 0


# -- one line ---------------------------------------------------------------------------------

cdef int parse_line(State* st, int64_t s, int64_t e, bint plain, Err* err) except -1 nogil:
    """Parse and commit the line ``buf[s:e]``; 1 = bad line (err set, nothing committed).

    ``plain``: the line holds no quote and no backslash.
    """
    cdef const unsigned char* buf = st.buf
    cdef const unsigned char* hit
    cdef const unsigned char* canon = NULL
    cdef int64_t key_end = -1, p = s, k, sid = -1, canon_len = 0, vstart = st.n_vals, t, j, idx
    cdef uint64_t raw_hash = 0, canon_hash = 0, h
    cdef bint raw_known = 0
    st.line_serial += 1
    st.n_pend = 0
    st.n_toks = 0
    st.scratch_used = 0
    if 4 * (e - s) + 64 > st.scratch_cap:
        grow(<void**>&st.scratch, &st.scratch_cap, 4 * (e - s) + 64, 1)
    # key: the first space not preceded by a backslash ends it
    while p < e:
        hit = <const unsigned char*>memchr(buf + p, C_SP, <size_t>(e - p))
        if hit == NULL:
            break
        k = hit - buf
        if buf[k - 1] == C_BS:
            p = k + 1
            continue
        key_end = k
        break
    if key_end >= 0:
        # PERF: a key written exactly like an earlier one skips validation, sorting and escaping
        raw_hash = ms_hash(buf + s, key_end - s)
        k = table_find(&st.raw_series, buf, buf + s, key_end - s, raw_hash)
        if k >= 0:
            sid = st.raw_series.slots[k].idx
            raw_known = 1
    if not raw_known:
        if key_end < 0 or (not plain and memchr(buf + s, C_BS, <size_t>(key_end - s)) != NULL) or key_fast(
                st, s, key_end, &canon, &canon_len):
            if key_slow(st, s, e, err, &key_end, &canon, &canon_len):
                return 1
        canon_hash = ms_hash(canon, canon_len)
        sid = keys_find(&st.series, canon, canon_len, canon_hash)
    k = 2
    if plain:
        k = scan_fields_plain(st, key_end, e, key_end - s, vstart, err, &p)
        if k == 2:                                              # redo it the literal way
            st.n_vals = vstart
            st.n_toks = 0
            st.n_pend = 0
            st.line_serial += 1
    if k == 2 and scan_fields(st, key_end, e, key_end - s, vstart, err, &p):
        st.n_vals = vstart
        return 1
    if scan_time(st, p, e, err, &t):
        st.n_vals = vstart
        return 1
    # commit
    if not raw_known:
        if sid < 0:
            sid = keys_add(&st.series, canon, canon_len, canon_hash)
        k = table_find(&st.raw_series, buf, buf + s, key_end - s, raw_hash)
        table_put(&st.raw_series, -1 - k, raw_hash, s, key_end - s, sid)
    for j in range(st.n_pend):
        keys_add(&st.fields, st.pend[j].ptr, st.pend[j].len, st.pend[j].hash)
    for j in range(vstart, st.n_vals):
        if st.v_type[j] == T_STRING:
            h = ms_hash(st.s_ptr[j - vstart], st.s_len[j - vstart])
            idx = keys_add(&st.strings, st.s_ptr[j - vstart], st.s_len[j - vstart], h)
            st.v_bits[j] = idx
    if st.n_pts + 1 > st.cap_pts:
        if st.n_pts >= INT32_LIMIT:
            with gil:
                raise OverflowError("too many points in one line-protocol body")
        grow(<void**>&st.pt_series, &st.cap_pts, st.n_pts + 1, sizeof(int32_t))
        st.pt_time = <int64_t*>realloc(st.pt_time, <size_t>st.cap_pts * sizeof(int64_t))
        if st.pt_time == NULL:
            with gil:
                raise MemoryError()
    st.pt_series[st.n_pts] = <int32_t>sid
    st.pt_time[st.n_pts] = t
    st.n_pts += 1
    # the field keys of this line predict the next one's
    if st.n_toks > st.cap_pred:
        grow(<void**>&st.pred, &st.cap_pred, st.n_toks, sizeof(FieldTok))
    for j in range(st.n_toks):
        st.pred[j] = st.toks[j]
        if not st.toks[j].clean:
            st.pred[j].raw_len = 0
    st.n_pred = st.n_toks
    return 0


cdef int parse_all(State* st) except -1 nogil:
    """Split the body into lines like 1.x ParsePointsWithPrecision and parse each."""
    cdef const unsigned char* buf = st.buf
    cdef const unsigned char* hit
    cdef int64_t n = st.n, pos = 0, end, start, line_end, lineno = 1, block_lineno
    cdef int64_t next_q = -1, next_bs = -1, j
    cdef bint plain
    cdef Err err
    while pos < n:
        hit = <const unsigned char*>memchr(buf + pos, C_NL, <size_t>(n - pos))
        end = (hit - buf) if hit != NULL else n
        if next_q < pos:
            hit = <const unsigned char*>memchr(buf + pos, C_DQ, <size_t>(n - pos))
            next_q = (hit - buf) if hit != NULL else n
        if next_bs < pos:
            hit = <const unsigned char*>memchr(buf + pos, C_BS, <size_t>(n - pos))
            next_bs = (hit - buf) if hit != NULL else n
        block_lineno = lineno
        plain = next_q >= end and next_bs >= end
        if not plain:
            # a quote or a backslash: the line may go on past this newline
            end = scan_line(buf, pos, n)
            for j in range(pos, end):
                if buf[j] == C_NL:
                    lineno += 1
        lineno += 1
        start = pos
        while start < end and is_space(buf[start]):
            start += 1
        if start < end and buf[start] != C_HASH:
            line_end = end - 1 if buf[end - 1] == C_NL else end
            st.n_lines += 1
            if parse_line(st, start, line_end, plain, &err):
                grow(<void**>&st.errs, &st.cap_errs, st.n_errs + 1, sizeof(ErrRec))
                st.errs[st.n_errs].lineno = block_lineno
                st.errs[st.n_errs].off = start
                st.errs[st.n_errs].len = line_end - start
                st.errs[st.n_errs].code = err.code
                st.errs[st.n_errs].d_off = err.d_off
                st.errs[st.n_errs].d_len = err.d_len
                st.errs[st.n_errs].number = err.number
                st.n_errs += 1
        pos = end + 1
    return 0


cdef void state_free(State* st) noexcept nogil:
    free(st.pt_series)
    free(st.pt_time)
    free(st.v_point)
    free(st.v_field)
    free(st.v_type)
    free(st.v_bits)
    free(st.s_ptr)
    free(st.s_len)
    keys_free(&st.series)
    keys_free(&st.fields)
    keys_free(&st.strings)
    free(st.raw_series.slots)
    free(st.f_line)
    free(st.f_slot)
    free(st.pend)
    free(st.toks)
    free(st.pred)
    free(st.tk0)
    free(st.tk1)
    free(st.tv0)
    free(st.tv1)
    free(st.tu)
    free(st.tul)
    free(st.order)
    free(st.order_tmp)
    free(st.ck0)
    free(st.ck1)
    free(st.corder)
    free(st.scratch)
    free(st.errs)


cdef object to_array(const void* src, int64_t n, object dtype):
    """Copy ``n`` items into a new numpy array the batch owns."""
    arr = np.empty(n, dtype=dtype)
    cdef unsigned char[::1] view
    if n > 0:
        view = arr.view(np.uint8)
        memcpy(&view[0], src, <size_t>(n * arr.itemsize))
    return arr


cdef class Workspace:
    """The C buffers of one parse; kept in a small pool so later calls skip regrowing them.

    Only the linear arrays and arenas are kept: hash tables start small on every call, so a
    huge earlier body costs nothing to clear. A workspace serves one call at a time.
    """
    cdef State st

    def __cinit__(self):
        memset(&self.st, 0, sizeof(State))

    def __dealloc__(self):
        state_free(&self.st)

    cdef int reset(self, const unsigned char* buf, int64_t n, int64_t mult, int64_t default_time) except -1:
        cdef State* st = &self.st
        st.buf = buf
        st.n = n
        st.mult = mult
        st.default_time = default_time
        st.n_pts = st.n_vals = st.n_errs = st.n_lines = 0
        st.n_pend = st.n_toks = st.n_pred = 0
        st.n_cache = 0
        keys_reset(&st.series)
        keys_reset(&st.fields)
        keys_reset(&st.strings)
        free(st.raw_series.slots)
        st.raw_series.slots = NULL
        table_init(&st.raw_series, 64)
        return 0

    cdef int64_t retained(self):
        """Bytes held by the growable arrays (the pool drops a workspace above a limit)."""
        cdef State* st = &self.st
        return (st.cap_pts * 12 + st.cap_vals * 17 + st.cap_s * 16 + st.scratch_cap + st.cap_errs * sizeof(ErrRec)
                + st.series.arena_cap + st.fields.arena_cap + st.strings.arena_cap)


cdef list _pool = []
cdef int _POOL_SIZE = 4
cdef int64_t _POOL_KEEP_BYTES = 256 << 20


def parse_body(const unsigned char[::1] data not None, *, long long multiplier, long long default_time):
    """Parse a whole body; return the raw parts of a ParsedBatch (see machstore.lineproto.parse).

    Returns ``(n_lines, series_keys, point_series, point_time, field_keys, value_point,
    value_field, value_type, value_bits, strings, errors)`` where each error is
    ``(lineno, line offset, line length, code, detail offset, detail length, number)``.
    """
    cdef Workspace ws
    cdef State* st
    cdef int64_t i, n = data.shape[0]
    if multiplier <= 0:
        raise ValueError("multiplier must be positive")
    ws = _pool.pop() if _pool else Workspace()
    ws.reset(&data[0] if n > 0 else <const unsigned char*>b"", n, multiplier, default_time)
    st = &ws.st
    with nogil:
        parse_all(st)
    errors = [(st.errs[i].lineno, st.errs[i].off, st.errs[i].len, st.errs[i].code,
               st.errs[i].d_off, st.errs[i].d_len, st.errs[i].number) for i in range(st.n_errs)]
    out = (
        st.n_lines,
        keys_to_list(&st.series),
        to_array(st.pt_series, st.n_pts, np.int32),
        to_array(st.pt_time, st.n_pts, np.int64),
        keys_to_list(&st.fields),
        to_array(st.v_point, st.n_vals, np.int32),
        to_array(st.v_field, st.n_vals, np.int32),
        to_array(st.v_type, st.n_vals, np.uint8),
        to_array(st.v_bits, st.n_vals, np.int64),
        keys_to_list(&st.strings),
        errors,
    )
    st.buf = NULL
    if len(_pool) < _POOL_SIZE and ws.retained() <= _POOL_KEEP_BYTES:
        _pool.append(ws)
    return out
