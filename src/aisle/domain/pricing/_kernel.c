/* The pricing programme in C: aisle.domain.pricing._kernel.
 *
 * The same dynamic programme as ``_programme.py``: a component without a threshold in doubt
 * solved whole (``solve``: the units' order, a meal deal's split into groups each solved by
 * count, the units folded back into classes, as ``_solve_programme`` does them), the plain
 * pass on single units (``run``: ``_by_count``, and ``_programme`` with no bound and no
 * futures), the futures of a priced component (``_futures``), and a frontier's tracking pass
 * (``frontier``: thresholds in doubt that only add up their spend, states filtered by the
 * bounds' futures, and per step the states another beats dropped). Each makes the same moves
 * in the same order, counts them against the same budget, keeps the states in the order
 * Python's dicts would, and breaks ties the same way (the first of the best), so it finds the
 * same solutions as the Python, not only the same values: the tests compare the two point by
 * point. States are packed into arrays of machine integers and kept in open-addressed hash
 * tables instead of tuples in dicts; that is all the speed.
 *
 * run(classes, offers, spends, order, keep, left) -> (left, found | None)
 *   classes: ((gross, 1, none_mask, ((offer, slot, disc, mask), ...)), ...)
 *   offers:  ((kind, size, param, cap), ...)
 *   spends:  ((in_doubt, threshold, amount, percent: Decimal, contained), ...); none in doubt
 *   order:   the classes' order; keep: the unit offer counted by index, or -1 for none
 *   left:    the moves left; returns what is left, and None past it (as _OverBudget)
 *   found:   {count: (value, ((units per choice) per class))}
 * solve(classes, offers, spends, left, group_budget), futures(classes, offers, spends, order,
 * left) and frontier(..., left, bounds): see below.
 * ValueError for a component it does not take (run: a class of several units; a threshold in
 * doubt outside a frontier, a number too large); the caller runs the Python instead.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { UNIT = 0, MULTI = 1, BUYGET = 2, BUNDLE = 3 };
#define PRICED (-1)
#define SCALED (-2)
#define SCALE 100
#define NONE_VALUE INT64_MIN
#define MOST_SPENDS 62

typedef __int128 i128;

typedef struct {
    int offer, slot;
    int64_t disc, mask;
} Option;

typedef struct {
    int64_t gross, none_mask, count;
    int nopt;
    Option *opts;
} Class;

typedef struct {
    int kind, size;
    int64_t param, cap, contained; /* contained: the spends whose group holds it whole */
    int at;                        /* where its counts start in a state */
    int slots_at;                  /* where its slots start in the units still to come */
} Offer;

typedef struct {
    int64_t threshold, amount;
    i128 num, den; /* the percentage, num / den */
    int in_doubt;
    int at; /* in doubt: where (spent, pending) are in a state */
} Spend;

typedef struct {
    int n_classes, n_offers, n_spends, width, n_slots;
    int offers_width; /* the offers' part of a state; the thresholds in doubt follow */
    int n_doubts;
    Class *classes;
    Offer *offers;
    Spend *spends;
    Option *pool;
} Problem;

/* ---- arithmetic, exactly as _programme.percent_of and spend_term ---- */

static i128 floordiv(i128 a, i128 b) { /* b > 0 */
    i128 q = a / b;
    if (a % b != 0 && a < 0) q -= 1;
    return q;
}

static int64_t percent_of(int64_t minor, const Spend *s) {
    /* half-up (ties away from zero) of minor * percent / 100 */
    i128 x = (i128)minor * s->num, d = (i128)100 * s->den;
    if (x >= 0) return (int64_t)((2 * x + d) / (2 * d));
    return (int64_t)(-((-2 * x + d) / (2 * d)));
}

static int64_t spend_term(int64_t amount, const Spend *s) {
    if (s->threshold == PRICED) {
        i128 whole = s->num / s->den; /* int(percent): towards zero */
        return (int64_t)(-floordiv(-(i128)amount * whole, SCALE));
    }
    if (s->threshold == SCALED) {
        Spend copy = *s;
        return SCALE * percent_of((int64_t)floordiv(amount, SCALE), &copy);
    }
    return percent_of(amount, s);
}

/* ---- reading the component ---- */

static int as_i64(PyObject *o, int64_t *out) {
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
    if (overflow) {
        PyErr_SetString(PyExc_ValueError, "a number too large for the kernel");
        return -1;
    }
    if (v == -1 && PyErr_Occurred()) return -1;
    *out = (int64_t)v;
    return 0;
}

static int item_i64(PyObject *tuple, Py_ssize_t i, int64_t *out) {
    PyObject *item = PySequence_GetItem(tuple, i);
    if (!item) return -1;
    int r = as_i64(item, out);
    Py_DECREF(item);
    return r;
}

static void problem_free(Problem *p) {
    free(p->classes);
    free(p->offers);
    free(p->spends);
    free(p->pool);
}

static int read_percent(PyObject *percent, Spend *s) {
    PyObject *ratio = PyObject_CallMethod(percent, "as_integer_ratio", NULL);
    if (!ratio) return -1;
    int64_t num, den;
    int r = item_i64(ratio, 0, &num);
    if (r == 0) r = item_i64(ratio, 1, &den);
    Py_DECREF(ratio);
    if (r) return -1;
    s->num = num;
    s->den = den;
    return 0;
}

#define MOST_THRESHOLD (1 << 30)
#define MOST_UNITS 100000

/* Where each offer's counts, slots and each threshold in doubt sit in a state. */
static void layout(Problem *p) {
    p->width = 0;
    p->n_slots = 0;
    for (int i = 0; i < p->n_offers; i++) {
        Offer *of = &p->offers[i];
        of->at = p->width;
        p->width += of->kind == BUNDLE ? of->size + 1 : 1;
        of->slots_at = p->n_slots;
        p->n_slots += of->kind == BUNDLE ? of->size : 1;
    }
    p->offers_width = p->width;
    p->n_doubts = 0;
    for (int b = 0; b < p->n_spends; b++) {
        if (!p->spends[b].in_doubt) continue;
        p->spends[b].at = p->width;
        p->width += 2;
        p->n_doubts++;
    }
}

/* The component as read from its key; classes of several units only with ``counts_allowed``,
 * thresholds in doubt only with ``doubts_allowed`` (ValueError otherwise). */
static int read_problem(PyObject *classes, PyObject *offers, PyObject *spends, Problem *p,
                        int doubts_allowed, int counts_allowed) {
    memset(p, 0, sizeof *p);
    Py_ssize_t nc = PySequence_Size(classes), no = PySequence_Size(offers),
               ns = PySequence_Size(spends);
    if (nc < 0 || no < 0 || ns < 0) return -1;
    if (ns > MOST_SPENDS) {
        PyErr_SetString(PyExc_ValueError, "too many spend offers for the kernel");
        return -1;
    }
    p->n_classes = (int)nc;
    p->n_offers = (int)no;
    p->n_spends = (int)ns;
    p->classes = calloc(nc ? nc : 1, sizeof(Class));
    p->offers = calloc(no ? no : 1, sizeof(Offer));
    p->spends = calloc(ns ? ns : 1, sizeof(Spend));
    if (!p->classes || !p->offers || !p->spends) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < no; i++) {
        PyObject *o = PySequence_GetItem(offers, i);
        if (!o) return -1;
        int64_t kind, size, param, cap;
        int r = item_i64(o, 0, &kind) || item_i64(o, 1, &size) || item_i64(o, 2, &param) ||
                item_i64(o, 3, &cap);
        Py_DECREF(o);
        if (r) return -1;
        if (kind < UNIT || kind > BUNDLE || size < 1 || size > 1000) {
            PyErr_SetString(PyExc_ValueError, "an offer the kernel does not know");
            return -1;
        }
        Offer *of = &p->offers[i];
        of->kind = (int)kind;
        of->size = (int)size;
        of->param = param;
        of->cap = cap;
    }
    for (Py_ssize_t b = 0; b < ns; b++) {
        PyObject *s = PySequence_GetItem(spends, b);
        if (!s) return -1;
        PyObject *doubt = PySequence_GetItem(s, 0);
        int in_doubt = doubt ? PyObject_IsTrue(doubt) : -1;
        Py_XDECREF(doubt);
        int r = in_doubt < 0;
        if (!r && in_doubt && !doubts_allowed) {
            PyErr_SetString(PyExc_ValueError, "a threshold in doubt: not for the kernel");
            r = 1;
        }
        p->spends[b].in_doubt = in_doubt > 0;
        if (!r) r = item_i64(s, 1, &p->spends[b].threshold) || item_i64(s, 2, &p->spends[b].amount);
        if (!r && in_doubt > 0 &&
            (p->spends[b].threshold < 0 || p->spends[b].threshold > MOST_THRESHOLD ||
             p->spends[b].amount < 0 || p->spends[b].amount > MOST_THRESHOLD)) {
            PyErr_SetString(PyExc_ValueError, "a number too large for the kernel");
            r = 1;
        }
        if (!r) {
            PyObject *percent = PySequence_GetItem(s, 3);
            r = !percent || read_percent(percent, &p->spends[b]);
            Py_XDECREF(percent);
        }
        if (!r) {
            PyObject *contained = PySequence_GetItem(s, 4);
            Py_ssize_t n = contained ? PySequence_Size(contained) : -1;
            r = n < 0;
            for (Py_ssize_t k = 0; !r && k < n; k++) {
                int64_t offer;
                r = item_i64(contained, k, &offer);
                if (!r && offer >= 0 && offer < no) p->offers[offer].contained |= (int64_t)1 << b;
            }
            Py_XDECREF(contained);
        }
        Py_DECREF(s);
        if (r) return -1;
    }
    layout(p);
    Py_ssize_t total_options = 0;
    for (Py_ssize_t i = 0; i < nc; i++) {
        PyObject *c = PySequence_GetItem(classes, i);
        if (!c) return -1;
        PyObject *options = PySequence_GetItem(c, 3);
        Py_ssize_t n = options ? PySequence_Size(options) : -1;
        Py_XDECREF(options);
        Py_DECREF(c);
        if (n < 0) return -1;
        total_options += n;
    }
    p->pool = calloc(total_options ? total_options : 1, sizeof(Option));
    if (!p->pool) {
        PyErr_NoMemory();
        return -1;
    }
    Option *next = p->pool;
    for (Py_ssize_t i = 0; i < nc; i++) {
        PyObject *c = PySequence_GetItem(classes, i);
        if (!c) return -1;
        Class *cl = &p->classes[i];
        int64_t count = 1;
        int r = item_i64(c, 0, &cl->gross) || item_i64(c, 1, &count) ||
                item_i64(c, 2, &cl->none_mask);
        if (!r && count != 1 && !counts_allowed) {
            PyErr_SetString(PyExc_ValueError, "a class of several units: not for the kernel");
            r = 1;
        }
        if (!r && (count < 1 || count > MOST_UNITS)) {
            PyErr_SetString(PyExc_ValueError, "a class of no units, or too many");
            r = 1;
        }
        cl->count = count;
        PyObject *options = r ? NULL : PySequence_GetItem(c, 3);
        Py_DECREF(c);
        if (r || !options) return -1;
        Py_ssize_t n = PySequence_Size(options);
        cl->nopt = (int)n;
        cl->opts = next;
        for (Py_ssize_t k = 0; !r && k < n; k++) {
            PyObject *o = PySequence_GetItem(options, k);
            if (!o) {
                r = 1;
                break;
            }
            int64_t offer = 0, slot = 0;
            r = item_i64(o, 0, &offer) || item_i64(o, 1, &slot) || item_i64(o, 2, &next->disc) ||
                item_i64(o, 3, &next->mask);
            Py_DECREF(o);
            if (!r && (offer < 0 || offer >= no || slot < 0 ||
                       slot >= (p->offers[offer].kind == BUNDLE ? p->offers[offer].size : 1))) {
                PyErr_SetString(PyExc_ValueError, "an option of no offer");
                r = 1;
            }
            next->offer = (int)offer;
            next->slot = (int)slot;
            next++;
        }
        Py_DECREF(options);
        if (r) return -1;
    }
    return 0;
}

/* ---- a move: _programme._move for one unit given to choice c (0: no offer) ---- */

static int move(const Problem *p, int32_t *st, const Class *cl, const int64_t *fixed, int c,
                int64_t *gain) {
    int64_t value = 0;
    int64_t masks[2], amounts[2];
    int n_contrib = 0;
    if (c == 0) {
        value += fixed[0];
        if (cl->none_mask) {
            masks[0] = cl->none_mask;
            amounts[0] = cl->gross;
            n_contrib = 1;
        }
    } else {
        const Option *op = &cl->opts[c - 1];
        const Offer *of = &p->offers[op->offer];
        int32_t *held = &st[of->at];
        switch (of->kind) {
        case UNIT:
            if (of->cap >= 0) {
                if (*held + 1 > of->cap) return 0;
                *held += 1;
            }
            value += op->disc + fixed[2 * c - 1];
            masks[0] = op->mask;
            amounts[0] = cl->gross - op->disc;
            n_contrib = 1;
            break;
        case MULTI: {
            int64_t before = *held, total = before + 1;
            if (of->cap >= 0 && total > of->cap * of->size) return 0;
            /* without a cap the count stays below the size: no division needed */
            int64_t completed = of->cap >= 0 ? total / of->size - before / of->size
                                             : total == of->size;
            value += cl->gross - of->param * completed;
            *held = (int32_t)(of->cap >= 0 ? total : completed ? 0 : total);
            if (completed) {
                value += fixed[2 * c];
                masks[0] = of->contained;
                amounts[0] = of->param;
                n_contrib = 1;
            }
            break;
        }
        case BUYGET: {
            int64_t before = *held, total = before + 1;
            if (of->cap >= 0 && total > of->cap * of->size) return 0;
            int discounted = (of->cap >= 0 ? before % of->size : before) >= of->param;
            int64_t off = discounted ? op->disc : 0;
            value += off + fixed[discounted ? 2 * c : 2 * c - 1];
            masks[0] = op->mask;
            amounts[0] = cl->gross - off;
            n_contrib = 1;
            *held = (int32_t)(of->cap >= 0 ? total : total == of->size ? 0 : total);
            break;
        }
        default: { /* BUNDLE: held[0] applications, then one count per slot */
            int32_t *slots = held + 1;
            int64_t apps = held[0];
            slots[op->slot] += 1;
            value += cl->gross;
            int32_t least = slots[0], most = 0;
            for (int s = 1; s < of->size; s++)
                if (slots[s] < least) least = slots[s];
            if (least) {
                for (int s = 0; s < of->size; s++) slots[s] -= least;
                apps += least;
                value -= of->param * least;
                value += fixed[2 * c];
                /* one contribution per completed application: at most one here */
                masks[0] = of->contained;
                amounts[0] = of->param;
                n_contrib = 1;
            }
            for (int s = 0; s < of->size; s++)
                if (slots[s] > most) most = slots[s];
            if (of->cap >= 0 && apps + most > of->cap) return 0;
            held[0] = (int32_t)(of->cap >= 0 ? apps : 0);
            break;
        }
        }
    }
    for (int b = 0; p->n_doubts && b < p->n_spends; b++) {
        int64_t flag = (int64_t)1 << b;
        const Spend *sp = &p->spends[b];
        if (!sp->in_doubt) continue; /* its terms are in ``fixed`` */
        for (int k = 0; k < n_contrib; k++) {
            if (!(masks[k] & flag)) continue;
            int64_t spent = st[sp->at], pending = st[sp->at + 1];
            if (spent < 0) continue; /* can no longer be met */
            if (spent >= sp->threshold) {
                if (sp->num) value += percent_of(amounts[k], sp);
                continue;
            }
            spent += amounts[k];
            if (spent > sp->threshold) spent = sp->threshold;
            if (sp->num) pending += percent_of(amounts[k], sp);
            if (spent >= sp->threshold) {
                value += sp->amount + pending;
                pending = 0;
            }
            if (pending > MOST_THRESHOLD || pending < -MOST_THRESHOLD || spent < -MOST_THRESHOLD)
                return -1; /* beyond a state's integers: the caller refuses the component */
            st[sp->at] = (int32_t)spent;
            st[sp->at + 1] = (int32_t)pending;
        }
    }
    *gain = value;
    return 1;
}

/* ---- what each step may forget: _programme._Plan without thresholds in doubt ---- */

typedef struct {
    int n_steps;
    int *closing, *closing_at; /* per step: offers whose last class it is (CSR) */
    int *open, *open_at;       /* per step: offers begun and not yet closed (CSR) */
    int32_t *later;            /* per step and offer slot: units still to come after it */
} Plan;

static void plan_free(Plan *pl) {
    free(pl->closing);
    free(pl->closing_at);
    free(pl->open);
    free(pl->open_at);
    free(pl->later);
}

static int plan_make(const Problem *p, const int *order, int n, Plan *pl) {
    memset(pl, 0, sizeof *pl);
    pl->n_steps = n;
    int no = p->n_offers;
    int *first = malloc(sizeof(int) * (no ? no : 1)), *last = malloc(sizeof(int) * (no ? no : 1));
    pl->closing_at = calloc(n + 1, sizeof(int));
    pl->open_at = calloc(n + 1, sizeof(int));
    pl->later = calloc((size_t)(n ? n : 1) * (p->n_slots ? p->n_slots : 1), sizeof(int32_t));
    if (!first || !last || !pl->closing_at || !pl->open_at || !pl->later) goto fail;
    for (int o = 0; o < no; o++) first[o] = n, last[o] = -1;
    for (int step = 0; step < n; step++) {
        const Class *cl = &p->classes[order[step]];
        for (int k = 0; k < cl->nopt; k++) {
            int o = cl->opts[k].offer;
            if (step < first[o]) first[o] = step;
            last[o] = step;
        }
    }
    int n_closing = 0, n_open = 0;
    for (int o = 0; o < no; o++) {
        if (last[o] >= 0) n_closing++;
        if (last[o] > first[o]) n_open += last[o] - first[o];
    }
    pl->closing = malloc(sizeof(int) * (n_closing ? n_closing : 1));
    pl->open = malloc(sizeof(int) * (n_open ? n_open : 1));
    if (!pl->closing || !pl->open) goto fail;
    /* counting sort by step, offers in increasing order within a step (as the Python lists) */
    for (int o = 0; o < no; o++) {
        if (last[o] >= 0) pl->closing_at[last[o] + 1]++;
        for (int s = first[o]; s < last[o]; s++) pl->open_at[s + 1]++;
    }
    for (int s = 0; s < n; s++) {
        pl->closing_at[s + 1] += pl->closing_at[s];
        pl->open_at[s + 1] += pl->open_at[s];
    }
    int *cfill = calloc(n ? n : 1, sizeof(int)), *ofill = calloc(n ? n : 1, sizeof(int));
    if (!cfill || !ofill) {
        free(cfill);
        free(ofill);
        goto fail;
    }
    for (int o = 0; o < no; o++) {
        if (last[o] >= 0) pl->closing[pl->closing_at[last[o]] + cfill[last[o]]++] = o;
        for (int s = first[o]; s < last[o]; s++) pl->open[pl->open_at[s] + ofill[s]++] = o;
    }
    free(cfill);
    free(ofill);
    int ns = p->n_slots;
    for (int step = n - 1; step >= 1; step--) {
        int32_t *row = &pl->later[(size_t)(step - 1) * ns], *after = &pl->later[(size_t)step * ns];
        memcpy(row, after, sizeof(int32_t) * ns);
        const Class *cl = &p->classes[order[step]];
        for (int k = 0; k < cl->nopt; k++)
            row[p->offers[cl->opts[k].offer].slots_at + cl->opts[k].slot] += 1;
    }
    free(first);
    free(last);
    return 0;
fail:
    free(first);
    free(last);
    plan_free(pl);
    PyErr_NoMemory();
    return -1;
}

static int settle(const Problem *p, const Plan *pl, int32_t *st, int step) {
    for (int k = pl->closing_at[step]; k < pl->closing_at[step + 1]; k++) {
        const Offer *of = &p->offers[pl->closing[k]];
        int32_t *held = &st[of->at];
        if (of->kind == BUNDLE) {
            for (int s = 1; s <= of->size; s++)
                if (held[s]) return 0;
            held[0] = 0;
        } else {
            /* an offer without a cap keeps its count below its size already */
            if (of->kind != UNIT && (of->cap >= 0 ? *held % of->size : *held)) return 0;
            *held = 0;
        }
    }
    const int32_t *later = &pl->later[(size_t)step * p->n_slots];
    for (int k = pl->open_at[step]; k < pl->open_at[step + 1]; k++) {
        const Offer *of = &p->offers[pl->open[k]];
        const int32_t *held = &st[of->at];
        if (of->kind == MULTI || of->kind == BUYGET) {
            int32_t begun = of->cap >= 0 ? *held % of->size : *held;
            int32_t missing = begun ? of->size - begun : 0;
            if (missing && later[of->slots_at] < missing) return 0;
        } else if (of->kind == BUNDLE) {
            int32_t top = 0;
            for (int s = 1; s <= of->size; s++)
                if (held[s] > top) top = held[s];
            for (int s = 0; s < of->size; s++)
                if (top - held[1 + s] > later[of->slots_at + s]) return 0;
        }
    }
    return 1;
}

/* ---- a step's states, in the order first reached ---- */

typedef struct {
    int w, width; /* ints per state; values per state (one per count) */
    int n, cap;
    int32_t *states;
    int64_t *values; /* n x width; NONE_VALUE for none */
    int32_t *from;   /* n x width: the state before, in the step before */
    int32_t *from_n; /* n x width: its count */
    int16_t *choice; /* n x width */
    uint64_t *hashes; /* n: each state's hash */
    uint64_t *index;  /* icap slots: an entry (low half; EMPTY for none), its hash's top half */
    int icap;
    void *block;      /* the per-state arrays above, in one allocation */
} Layer;

#define EMPTY UINT64_MAX
#define SLOT_ENTRY(slot) ((int32_t)(uint32_t)(slot))
#define SLOT_TAG(h) ((h) >> 32)

static void layer_free(Layer *l) {
    free(l->block);
    free(l->index);
}

static int layer_init(Layer *l, int w, int width) {
    memset(l, 0, sizeof *l);
    l->w = w;
    l->width = width;
    l->icap = 16;
    l->index = malloc(sizeof(uint64_t) * l->icap);
    if (!l->index) return -1;
    memset(l->index, 0xff, sizeof(uint64_t) * l->icap); /* EMPTY */
    return 0;
}

static uint64_t rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

/* Two counts at a time, on two independent chains (the multiplications overlap), then
 * mixed down so that the low bits the table uses depend on every count. */
static uint64_t hash_state(const int32_t *st, int w) {
    uint64_t a = 0x9E3779B97F4A7C15ULL, b = 0xC2B2AE3D27D4EB4FULL;
    int i = 0;
    for (; i + 4 <= w; i += 4) {
        uint64_t x, y;
        memcpy(&x, st + i, sizeof x);
        memcpy(&y, st + i + 2, sizeof y);
        a = rotl((a ^ x) * 0xBF58476D1CE4E5B9ULL, 27);
        b = rotl((b ^ y) * 0x94D049BB133111EBULL, 31);
    }
    for (; i < w; i++) a = rotl((a ^ (uint32_t)st[i]) * 0xBF58476D1CE4E5B9ULL, 27);
    uint64_t h = a ^ rotl(b, 17) ^ (uint64_t)w;
    h ^= h >> 33;
    h *= 0xFF51AFD7ED558CCDULL;
    h ^= h >> 33;
    h *= 0xC4CEB9FE1A85EC53ULL;
    h ^= h >> 33;
    return h;
}

/* Room for cap states (more than it has). A step's layer is mostly small, and a programme has
 * one per unit: its arrays share one allocation (the 8-byte ones first, so that each stays
 * aligned), moved whole when it grows. */
static int layer_resize(Layer *l, int cap) {
    size_t c = (size_t)cap, w = (size_t)(l->w ? l->w : 1), k = (size_t)l->width;
    size_t values = sizeof(int64_t) * c * k, hashes = sizeof(uint64_t) * c;
    size_t states = sizeof(int32_t) * c * w, from = sizeof(int32_t) * c * k;
    size_t choice = sizeof(int16_t) * c * k;
    char *block = malloc(values + hashes + states + 2 * from + choice);
    if (!block) return -1;
    int64_t *nv = (int64_t *)block;
    uint64_t *nh = (uint64_t *)(block + values);
    int32_t *ns = (int32_t *)(block + values + hashes);
    int32_t *nf = (int32_t *)(block + values + hashes + states);
    int32_t *nn = (int32_t *)(block + values + hashes + states + from);
    int16_t *nc = (int16_t *)(block + values + hashes + states + 2 * from);
    size_t n = (size_t)l->n;
    if (n) {
        memcpy(nv, l->values, sizeof(int64_t) * n * k);
        memcpy(nh, l->hashes, sizeof(uint64_t) * n);
        memcpy(ns, l->states, sizeof(int32_t) * n * w);
        memcpy(nf, l->from, sizeof(int32_t) * n * k);
        memcpy(nn, l->from_n, sizeof(int32_t) * n * k);
        memcpy(nc, l->choice, sizeof(int16_t) * n * k);
    }
    free(l->block);
    l->block = block;
    l->values = nv;
    l->hashes = nh;
    l->states = ns;
    l->from = nf;
    l->from_n = nn;
    l->choice = nc;
    l->cap = cap;
    return 0;
}

/* Only the states, their hashes and the index kept (a futures' layers are only looked up). */
static int layer_keep_states(Layer *l) {
    size_t n = (size_t)l->n, w = (size_t)(l->w ? l->w : 1);
    size_t hashes = sizeof(uint64_t) * n, states = sizeof(int32_t) * n * w;
    char *block = malloc(hashes + states ? hashes + states : 1);
    if (!block) return -1;
    if (n) {
        memcpy(block, l->hashes, hashes);
        memcpy(block + hashes, l->states, states);
    }
    free(l->block);
    l->block = block;
    l->hashes = (uint64_t *)block;
    l->states = (int32_t *)(block + hashes);
    l->values = NULL;
    l->from = l->from_n = NULL;
    l->choice = NULL;
    l->cap = l->n;
    return 0;
}

static int layer_grow(Layer *l) { return layer_resize(l, l->cap ? l->cap * 2 : 16); }

/* Room for about as many states as the step before had, in an empty layer: the arrays and
 * the index are made once at that size rather than doubled up to it. */
static int layer_reserve(Layer *l, int cap) {
    if (l->n || cap <= l->cap) return 0;
    if (layer_resize(l, cap)) return -1;
    int icap = l->icap;
    while (icap < 2 * cap) icap *= 2;
    if (icap == l->icap) return 0;
    uint64_t *index = malloc(sizeof(uint64_t) * icap);
    if (!index) return -1;
    memset(index, 0xff, sizeof(uint64_t) * icap); /* EMPTY */
    free(l->index);
    l->index = index;
    l->icap = icap;
    return 0;
}

static int layer_reindex(Layer *l) {
    int icap = l->icap * 2;
    uint64_t *index = malloc(sizeof(uint64_t) * icap);
    if (!index) return -1;
    memset(index, 0xff, sizeof(uint64_t) * icap);
    for (int e = 0; e < l->n; e++) {
        uint64_t at = l->hashes[e] & (icap - 1);
        while (index[at] != EMPTY) at = (at + 1) & (icap - 1);
        index[at] = SLOT_TAG(l->hashes[e]) << 32 | (uint32_t)e;
    }
    free(l->index);
    l->index = index;
    l->icap = icap;
    return 0;
}

/* The entry of state st of hash h, or -1 (and its slot in *at) when it is not there; a state
 * is compared whole only where the top halves of the hashes agree. */
static int layer_probe(const Layer *l, const int32_t *st, uint64_t h, uint64_t *at) {
    size_t bytes = sizeof(int32_t) * l->w;
    uint64_t tag = SLOT_TAG(h), i = h & (l->icap - 1);
    for (;;) {
        uint64_t slot = l->index[i];
        if (slot == EMPTY) break;
        int32_t e = SLOT_ENTRY(slot);
        if (slot >> 32 == tag && memcmp(&l->states[(size_t)e * l->w], st, bytes) == 0) return e;
        i = (i + 1) & (l->icap - 1);
    }
    *at = i;
    return -1;
}

/* The entry of state st (of hash h), added (with no values) when new; -1 when out of memory. */
static int layer_find_hashed(Layer *l, const int32_t *st, uint64_t h) {
    uint64_t at;
    int found = layer_probe(l, st, h, &at);
    if (found >= 0) return found;
    if (l->n == l->cap && layer_grow(l)) return -1;
    int e = l->n++;
    memcpy(&l->states[(size_t)e * l->w], st, sizeof(int32_t) * l->w);
    for (int k = 0; k < l->width; k++) l->values[(size_t)e * l->width + k] = NONE_VALUE;
    l->hashes[e] = h;
    l->index[at] = SLOT_TAG(h) << 32 | (uint32_t)e;
    if (2 * l->n > l->icap && layer_reindex(l)) return -1;
    return e;
}

static int layer_find(Layer *l, const int32_t *st) {
    return layer_find_hashed(l, st, hash_state(st, l->w));
}

/* ---- the programme ---- */

typedef struct {
    int32_t source, target;
    int64_t delta;
} Edge;

typedef struct {
    Edge *edges;
    int n, cap;
} Edges;

/* What the futures of a component give from every state of every step (_programme._futures):
 * layers[k + 1] holds the states after step k, future[k + 1][entry] the most still to come. */
typedef struct {
    int n_steps, width;
    int64_t best;
    Layer *layers;
    int64_t **future;
} Futures;

static void futures_free(Futures *f) {
    if (!f) return;
    for (int i = 0; i <= f->n_steps; i++) {
        if (f->layers) layer_free(&f->layers[i]);
        if (f->future) free(f->future[i]);
    }
    free(f->layers);
    free(f->future);
    free(f);
}

static const char *FUTURES = "aisle.domain.pricing._kernel.futures";

static void futures_capsule_free(PyObject *capsule) {
    futures_free(PyCapsule_GetPointer(capsule, FUTURES));
}

/* A frontier's bounds: per bound, the price on each threshold in doubt, the futures of the
 * priced component and the least a state may reach (_programme.frontier's ``within``). */
typedef struct {
    int n;
    int64_t *prices; /* n x n_doubts */
    Futures **futures;
    int64_t *least;
    int shared; /* the futures hold the same states in the same order (the same component
                 * walked in the same order, priced otherwise): one lookup serves them all */
} Within;

static int layer_lookup(const Layer *l, const int32_t *st) {
    uint64_t at;
    return layer_probe(l, st, hash_state(st, l->w), &at);
}

static int within_bounds(const Problem *p, const Within *w, int step, const int32_t *st,
                         int64_t value) {
    int e = -1;
    for (int b = 0; b < w->n; b++) {
        const Futures *f = w->futures[b];
        if (b == 0 || !w->shared) /* the offers' part: the priced state */
            e = layer_lookup(&f->layers[step + 1], st);
        if (e < 0) return 0;
        int64_t rest = f->future[step + 1][e];
        if (rest == NONE_VALUE) return 0;
        i128 spent = 0;
        for (int d = 0, b2 = 0; b2 < p->n_spends; b2++) {
            if (!p->spends[b2].in_doubt) continue;
            spent += (i128)w->prices[(size_t)b * p->n_doubts + d] * st[p->spends[b2].at];
            d++;
        }
        if ((i128)value * SCALE + spent + rest < w->least[b]) return 0;
    }
    return 1;
}

/* _programme._pareto: per group of states with the same offers' counts, those no other has
 * both spent at least as much towards every threshold in doubt and is worth at least as much
 * as; the layer is rebuilt in Python's order (groups as first met, each most spent first). */
static const Problem *sort_problem;
static const Layer *sort_layer;

static int spent_cmp_desc(const void *a, const void *b) {
    int ea = *(const int *)a, eb = *(const int *)b;
    const Problem *p = sort_problem;
    const Layer *l = sort_layer;
    const int32_t *sa = &l->states[(size_t)ea * l->w], *sb = &l->states[(size_t)eb * l->w];
    for (int k = 0; k < p->n_spends; k++) {
        if (!p->spends[k].in_doubt) continue;
        int at = p->spends[k].at;
        if (sa[at] != sb[at]) return sa[at] > sb[at] ? -1 : 1;
    }
    int64_t va = l->values[(size_t)ea * l->width], vb = l->values[(size_t)eb * l->width];
    if (va != vb) return va > vb ? -1 : 1;
    return ea < eb ? -1 : ea > eb; /* equal keys keep their order, as Python's stable sort */
}

static int pareto(const Problem *p, Layer *l) {
    int n = l->n, ow = p->offers_width;
    if (n <= 1) return 0;
    /* groups by the offers' part, in the order first met */
    Layer groups;
    if (layer_init(&groups, ow, 1)) return -1;
    int *group_of = malloc(sizeof(int) * n), *count = calloc(n, sizeof(int));
    int *start = malloc(sizeof(int) * (n + 1)), *members = malloc(sizeof(int) * n);
    int *kept = malloc(sizeof(int) * n);
    int rc = -1;
    if (!group_of || !count || !start || !members || !kept) goto out;
    for (int e = 0; e < n; e++) {
        int g = layer_find(&groups, &l->states[(size_t)e * l->w]);
        if (g < 0) goto out;
        group_of[e] = g;
        count[g]++;
    }
    int ng = groups.n;
    start[0] = 0;
    for (int g = 0; g < ng; g++) start[g + 1] = start[g] + count[g], count[g] = 0;
    for (int e = 0; e < n; e++) members[start[group_of[e]] + count[group_of[e]]++] = e;
    int n_kept = 0;
    sort_problem = p;
    sort_layer = l;
    for (int g = 0; g < ng; g++) {
        int *m = &members[start[g]], size = start[g + 1] - start[g];
        if (size == 1) {
            kept[n_kept++] = m[0];
            continue;
        }
        qsort(m, size, sizeof(int), spent_cmp_desc);
        int first_kept = n_kept;
        for (int i = 0; i < size; i++) {
            int e = m[i];
            int64_t value = l->values[(size_t)e * l->width];
            int beaten = 0;
            if (p->n_doubts == 1) { /* a sweep: worth more than every state that spent more */
                beaten = n_kept > first_kept &&
                         value <= l->values[(size_t)kept[n_kept - 1] * l->width];
            } else {
                for (int j = first_kept; j < n_kept && !beaten; j++) {
                    int f = kept[j];
                    if (value > l->values[(size_t)f * l->width]) continue;
                    int all = 1;
                    for (int k = 0; k < p->n_spends && all; k++) {
                        if (!p->spends[k].in_doubt) continue;
                        int at = p->spends[k].at;
                        all = l->states[(size_t)f * l->w + at] >= l->states[(size_t)e * l->w + at];
                    }
                    beaten = all;
                }
            }
            if (!beaten) kept[n_kept++] = e;
        }
    }
    /* rebuild the layer with the kept states in that order */
    Layer out;
    if (layer_init(&out, l->w, l->width)) goto out;
    for (int i = 0; i < n_kept; i++) {
        int e = kept[i];
        int t = layer_find_hashed(&out, &l->states[(size_t)e * l->w], l->hashes[e]);
        if (t < 0) {
            layer_free(&out);
            goto out;
        }
        for (int k = 0; k < l->width; k++) {
            size_t from = (size_t)e * l->width + k, to = (size_t)t * l->width + k;
            out.values[to] = l->values[from];
            out.from[to] = l->from[from];
            out.from_n[to] = l->from_n[from];
            out.choice[to] = l->choice[from];
        }
    }
    layer_free(l);
    *l = out;
    rc = 0;
out:
    layer_free(&groups);
    free(group_of);
    free(count);
    free(start);
    free(members);
    free(kept);
    if (rc) PyErr_NoMemory();
    return rc;
}

/* What each choice of each class adds through the thresholds not in doubt, the same from
 * every state: per class, 1 + 2 * nopt values from at[class]: the unit on no offer, then per
 * option its term without and with what the move may complete (a "buy k get j" unit
 * discounted, an "N for P" or a bundle application completed). Returns NULL when out of
 * memory. */
static int64_t *fixed_terms(const Problem *p, int *at) {
    int total = 0;
    for (int ci = 0; ci < p->n_classes; ci++) {
        const Class *cl = &p->classes[ci], *before = ci ? &p->classes[ci - 1] : NULL;
        if (before && cl->opts == before->opts && cl->nopt == before->nopt &&
            cl->gross == before->gross && cl->none_mask == before->none_mask) {
            at[ci] = at[ci - 1]; /* a class's units, one after another: the same terms */
            continue;
        }
        at[ci] = total;
        total += 1 + 2 * p->classes[ci].nopt;
    }
    int64_t *fixed = calloc(total ? total : 1, sizeof(int64_t));
    if (!fixed) return NULL;
    for (int ci = 0; ci < p->n_classes; ci++) {
        const Class *cl = &p->classes[ci];
        if (ci && at[ci] == at[ci - 1]) continue;
        int64_t *f = &fixed[at[ci]];
        for (int b = 0; b < p->n_spends; b++) {
            const Spend *sp = &p->spends[b];
            int64_t flag = (int64_t)1 << b;
            if (sp->in_doubt) continue;
            if (cl->none_mask & flag) f[0] += spend_term(cl->gross, sp);
            for (int k = 0; k < cl->nopt; k++) {
                const Option *op = &cl->opts[k];
                const Offer *of = &p->offers[op->offer];
                int64_t *plain = &f[1 + 2 * k], *more = &f[2 + 2 * k];
                switch (of->kind) {
                case UNIT:
                    if (op->mask & flag) *plain += spend_term(cl->gross - op->disc, sp);
                    break;
                case BUYGET:
                    if (op->mask & flag) {
                        *plain += spend_term(cl->gross, sp);
                        *more += spend_term(cl->gross - op->disc, sp);
                    }
                    break;
                default: /* MULTI, BUNDLE: one contribution per application completed */
                    if (of->contained & flag) *more += spend_term(of->param, sp);
                    break;
                }
            }
        }
    }
    return fixed;
}

/* The forward pass: layers[0] the start, layers[k + 1] the states after step k. With
 * ``keep`` >= 0, ``width`` values per state (one per count of that offer); ``edges`` (per
 * step) records every move for futures; ``within`` filters as a frontier does and drops the
 * states another beats. Returns -1 with a Python error set; *over when past the budget. */
static int forward(const Problem *p, const int *order, int n, const Plan *plan, int keep,
                   int width, long long *left, Layer *layers, Edges *edges, const Within *within,
                   int *over) {
    int keep_at = keep >= 0 ? p->offers[keep].at : -1;
    int32_t *tmp = malloc(sizeof(int32_t) * (p->width ? p->width : 1));
    if (!tmp) {
        PyErr_NoMemory();
        return -1;
    }
    memset(tmp, 0, sizeof(int32_t) * (p->width ? p->width : 1));
    int *fixed_at = malloc(sizeof(int) * (p->n_classes ? p->n_classes : 1));
    int64_t *fixed = fixed_at ? fixed_terms(p, fixed_at) : NULL;
    if (!fixed) {
        free(fixed_at);
        free(tmp);
        PyErr_NoMemory();
        return -1;
    }
    *over = 0;
    if (layer_find(&layers[0], tmp) < 0) goto nomemory;
    layers[0].values[0] = 0;
    for (int step = 0; step < n; step++) {
        const Class *cl = &p->classes[order[step]];
        Layer *now = &layers[step], *next = &layers[step + 1];
        *left -= (long long)now->n * (cl->nopt + 1);
        if (*left < 0) {
            *over = 1;
            break;
        }
        if (layer_reserve(next, now->n)) goto nomemory;
        for (int e = 0; e < now->n; e++) {
            const int32_t *st = &now->states[(size_t)e * p->width];
            const int64_t *values = &now->values[(size_t)e * width];
            for (int c = 0; c <= cl->nopt; c++) {
                if (p->width) memcpy(tmp, st, sizeof(int32_t) * p->width);
                int64_t gain;
                int moved = move(p, tmp, cl, &fixed[fixed_at[order[step]]], c, &gain);
                if (moved < 0) {
                    PyErr_SetString(PyExc_ValueError, "a number too large for the kernel");
                    free(tmp);
                    free(fixed);
                    free(fixed_at);
                    return -1;
                }
                if (!moved) continue;
                int shift = c > 0 && cl->opts[c - 1].offer == keep;
                if (shift) tmp[keep_at] = 0; /* the count lives in the values' index instead */
                if (!settle(p, plan, tmp, step)) continue;
                if (within && !within_bounds(p, within, step, tmp, values[0] + gain)) continue;
                int target = layer_find(next, tmp);
                if (target < 0) goto nomemory;
                if (edges) {
                    Edges *ed = &edges[step];
                    if (ed->n == ed->cap) {
                        int cap = ed->cap ? ed->cap * 2 : 64;
                        Edge *grown = realloc(ed->edges, sizeof(Edge) * cap);
                        if (!grown) goto nomemory;
                        ed->edges = grown;
                        ed->cap = cap;
                    }
                    ed->edges[ed->n++] = (Edge){e, target, gain};
                }
                int64_t *into = &next->values[(size_t)target * width];
                int last = width - shift;
                for (int k = 0; k < last; k++) {
                    if (values[k] == NONE_VALUE) continue;
                    int64_t value = values[k] + gain;
                    size_t t = (size_t)target * width + k + shift;
                    if (into[k + shift] == NONE_VALUE || value > into[k + shift]) {
                        into[k + shift] = value;
                        next->from[t] = e;
                        next->from_n[t] = k;
                        next->choice[t] = (int16_t)c;
                    }
                }
            }
        }
        if (within && pareto(p, next)) {
            free(tmp);
            free(fixed);
            free(fixed_at);
            return -1;
        }
    }
    free(tmp);
    free(fixed);
    free(fixed_at);
    return 0;
nomemory:
    free(tmp);
    free(fixed);
    free(fixed_at);
    PyErr_NoMemory();
    return -1;
}

/* What every entry point reads and makes: the component, its order, its plan and layers. */
typedef struct {
    Problem p;
    int n;
    int *order;
    Plan plan;
    Layer *layers;
    int made;
} Run;

static void run_free(Run *r) {
    for (int i = 0; i < r->made; i++) layer_free(&r->layers[i]);
    free(r->layers);
    free(r->order);
    plan_free(&r->plan);
    problem_free(&r->p);
}

static int run_start(Run *r, PyObject *classes, PyObject *offers, PyObject *spends,
                     PyObject *order_obj, int doubts_allowed) {
    memset(r, 0, sizeof *r);
    if (read_problem(classes, offers, spends, &r->p, doubts_allowed, 0)) return -1;
    Py_ssize_t n = PySequence_Size(order_obj);
    if (n < 0) return -1;
    if (n != r->p.n_classes) {
        PyErr_SetString(PyExc_ValueError, "an order of other classes");
        return -1;
    }
    r->n = (int)n;
    r->order = malloc(sizeof(int) * (n > 0 ? n : 1));
    if (!r->order) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        int64_t ci;
        if (item_i64(order_obj, i, &ci)) return -1;
        if (ci < 0 || ci >= r->p.n_classes) {
            PyErr_SetString(PyExc_ValueError, "an order of other classes");
            return -1;
        }
        r->order[i] = (int)ci;
    }
    return plan_make(&r->p, r->order, r->n, &r->plan);
}

/* The run's layers, each state with ``width`` values (one per count). */
static int run_layers(Run *r, int width) {
    int n = r->n;
    r->layers = calloc(n + 1, sizeof(Layer));
    if (!r->layers) {
        PyErr_NoMemory();
        return -1;
    }
    for (int i = 0; i <= n; i++) {
        if (layer_init(&r->layers[i], r->p.width, width)) {
            PyErr_NoMemory();
            return -1;
        }
        r->made++;
    }
    return 0;
}

/* The first entry of the last layer with the best value at count ``k`` (the first of the best:
 * deterministic), and that value; -1 where no state reaches that count. */
static int best_entry(const Layer *final, int k, int64_t *most) {
    int best = -1;
    *most = 0;
    for (int e = 0; e < final->n; e++) {
        int64_t v = final->values[(size_t)e * final->width + k];
        if (v != NONE_VALUE && (best < 0 || v > *most)) best = e, *most = v;
    }
    return best;
}

/* The units each class gives each choice, traced back from ``entry`` (count ``at``) of the
 * last layer: per class, (1 on no offer, or 1 on the option taken). */
static PyObject *chosen_of(const Problem *p, const int *order, Layer *layers, int n_steps,
                           int entry, int at) {
    PyObject *chosen = PyTuple_New(p->n_classes);
    if (!chosen) return NULL;
    for (int step = n_steps - 1; step >= 0; step--) {
        Layer *l = &layers[step + 1];
        size_t k = (size_t)entry * l->width + at;
        int c = l->choice[k];
        const Class *cl = &p->classes[order[step]];
        PyObject *split = PyTuple_New(cl->nopt + 1);
        if (!split) {
            Py_DECREF(chosen);
            return NULL;
        }
        for (int i = 0; i <= cl->nopt; i++) PyTuple_SET_ITEM(split, i, PyLong_FromLong(i == c));
        PyTuple_SET_ITEM(chosen, order[step], split);
        entry = l->from[k];
        at = l->from_n[k];
    }
    return chosen;
}

static PyObject *kernel_run(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *classes, *offers, *spends, *order_obj;
    int keep;
    long long left;
    if (!PyArg_ParseTuple(args, "OOOOiL", &classes, &offers, &spends, &order_obj, &keep, &left))
        return NULL;
    Run r;
    PyObject *result = NULL;
    int over, width = 1;
    if (run_start(&r, classes, offers, spends, order_obj, 0)) goto done;
    if (keep >= 0) {
        if (keep >= r.p.n_offers || r.p.offers[keep].kind != UNIT || r.p.offers[keep].cap < 0 ||
            r.p.offers[keep].cap > 100000) {
            PyErr_SetString(PyExc_ValueError, "keep: a unit offer with a limit");
            goto done;
        }
        width = (int)r.p.offers[keep].cap + 1;
    }
    if (run_layers(&r, width) ||
        forward(&r.p, r.order, r.n, &r.plan, keep, width, &left, r.layers, NULL, NULL, &over))
        goto done;
    if (over) {
        result = Py_BuildValue("(LO)", left, Py_None);
        goto done;
    }
    PyObject *found = PyDict_New();
    if (!found) goto done;
    Layer *final = &r.layers[r.n];
    for (int k = 0; k < width; k++) {
        int64_t most;
        int best = best_entry(final, k, &most);
        if (best < 0) continue;
        PyObject *chosen = chosen_of(&r.p, r.order, r.layers, r.n, best, k);
        PyObject *pair = chosen ? Py_BuildValue("(LN)", (long long)most, chosen) : NULL;
        PyObject *count = pair ? PyLong_FromLong(k) : NULL;
        int rc = count ? PyDict_SetItem(found, count, pair) : -1;
        Py_XDECREF(count);
        Py_XDECREF(pair);
        if (rc) {
            Py_DECREF(found);
            goto done;
        }
    }
    result = Py_BuildValue("(LN)", left, found);
done:
    run_free(&r);
    return result;
}

/* futures(classes, offers, spends, order, left) -> (left, best, handle) or (left, None, None)
 * past the budget: _programme._futures, the futures kept here for frontier(). */
static PyObject *kernel_futures(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *classes, *offers, *spends, *order_obj;
    long long left;
    if (!PyArg_ParseTuple(args, "OOOOL", &classes, &offers, &spends, &order_obj, &left))
        return NULL;
    Run r;
    PyObject *result = NULL;
    Edges *edges = NULL;
    Futures *f = NULL;
    int over;
    if (run_start(&r, classes, offers, spends, order_obj, 0) || run_layers(&r, 1)) goto done;
    edges = calloc(r.n ? r.n : 1, sizeof(Edges));
    if (!edges) {
        PyErr_NoMemory();
        goto done;
    }
    if (forward(&r.p, r.order, r.n, &r.plan, -1, 1, &left, r.layers, edges, NULL, &over))
        goto done;
    if (over) {
        result = Py_BuildValue("(LOO)", left, Py_None, Py_None);
        goto done;
    }
    f = calloc(1, sizeof(Futures));
    if (!f) goto nomemory;
    f->n_steps = r.n;
    f->width = r.p.width;
    f->future = calloc(r.n + 1, sizeof(int64_t *));
    if (!f->future) goto nomemory;
    for (int i = 0; i <= r.n; i++) {
        f->future[i] = malloc(sizeof(int64_t) * (r.layers[i].n ? r.layers[i].n : 1));
        if (!f->future[i]) goto nomemory;
        for (int e = 0; e < r.layers[i].n; e++) f->future[i][e] = NONE_VALUE;
    }
    Layer *final = &r.layers[r.n];
    f->best = NONE_VALUE;
    for (int e = 0; e < final->n; e++) {
        f->future[r.n][e] = 0;
        if (final->values[e] > f->best) f->best = final->values[e];
    }
    /* backwards: the most still to come from each state of each step (step 0's are never
     * asked for, as in the Python) */
    for (int step = r.n - 1; step >= 1; step--) {
        const int64_t *after = f->future[step + 1];
        int64_t *before = f->future[step];
        for (int i = 0; i < edges[step].n; i++) {
            const Edge *ed = &edges[step].edges[i];
            if (after[ed->target] == NONE_VALUE) continue;
            int64_t gain = ed->delta + after[ed->target];
            if (before[ed->source] == NONE_VALUE || before[ed->source] < gain)
                before[ed->source] = gain;
        }
    }
    /* keep the layers' states and indexes; the traces are not needed */
    f->layers = r.layers; /* the futures own them now (futures_free) */
    r.layers = NULL;
    r.made = 0;
    for (int i = 0; i <= r.n; i++) {
        if (layer_keep_states(&f->layers[i])) goto nomemory;
    }
    int64_t best = f->best;
    PyObject *capsule = PyCapsule_New(f, FUTURES, futures_capsule_free);
    if (!capsule) goto done;
    f = NULL;
    result = Py_BuildValue("(LLN)", left, (long long)best, capsule);
    goto done;
nomemory:
    PyErr_NoMemory();
done:
    if (edges) {
        for (int i = 0; i < r.n; i++) free(edges[i].edges);
        free(edges);
    }
    futures_free(f);
    run_free(&r);
    return result;
}

/* frontier(classes, offers, spends, order, left, bounds) -> (left, finals | None): the
 * tracking pass of _programme.frontier. ``bounds``: ((prices per threshold in doubt, futures
 * handle, least), ...). ``finals``: the last step's states in order, each (spent per
 * threshold in doubt, value, units per choice per class). */
static PyObject *kernel_frontier(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *classes, *offers, *spends, *order_obj, *bounds;
    long long left;
    if (!PyArg_ParseTuple(args, "OOOOLO", &classes, &offers, &spends, &order_obj, &left, &bounds))
        return NULL;
    Run r;
    PyObject *result = NULL;
    Within w = {0, NULL, NULL, NULL, 0};
    int over;
    if (run_start(&r, classes, offers, spends, order_obj, 1) || run_layers(&r, 1)) goto done;
    Py_ssize_t nb = PySequence_Size(bounds);
    if (nb < 0) goto done;
    w.n = (int)nb;
    w.prices = calloc((size_t)(nb ? nb : 1) * (r.p.n_doubts ? r.p.n_doubts : 1), sizeof(int64_t));
    w.futures = calloc(nb ? nb : 1, sizeof(Futures *));
    w.least = calloc(nb ? nb : 1, sizeof(int64_t));
    if (!w.prices || !w.futures || !w.least) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t b = 0; b < nb; b++) {
        PyObject *bound = PySequence_GetItem(bounds, b);
        if (!bound) goto done;
        PyObject *prices = PySequence_GetItem(bound, 0), *handle = PySequence_GetItem(bound, 1);
        int rc = !prices || !handle || item_i64(bound, 2, &w.least[b]);
        Futures *f = rc ? NULL : PyCapsule_GetPointer(handle, FUTURES);
        rc = rc || !f;
        if (!rc && (f->n_steps != r.n || f->width != r.p.offers_width ||
                    PySequence_Size(prices) != r.p.n_doubts)) {
            PyErr_SetString(PyExc_ValueError, "a bound of another component");
            rc = 1;
        }
        for (int d = 0; !rc && d < r.p.n_doubts; d++)
            rc = item_i64(prices, d, &w.prices[(size_t)b * r.p.n_doubts + d]);
        w.futures[b] = f;
        Py_XDECREF(prices);
        Py_XDECREF(handle);
        Py_DECREF(bound);
        if (rc) goto done;
    }
    w.shared = 1;
    for (int b = 1; w.shared && b < w.n; b++) {
        for (int k = 0; w.shared && k <= r.n; k++) {
            const Layer *x = &w.futures[0]->layers[k], *y = &w.futures[b]->layers[k];
            w.shared = x->n == y->n && x->w == y->w &&
                       (x->n == 0 || memcmp(x->states, y->states,
                                            sizeof(int32_t) * (size_t)x->n * x->w) == 0);
        }
    }
    if (forward(&r.p, r.order, r.n, &r.plan, -1, 1, &left, r.layers, NULL, &w, &over)) goto done;
    if (over) {
        result = Py_BuildValue("(LO)", left, Py_None);
        goto done;
    }
    Layer *final = &r.layers[r.n];
    PyObject *finals = PyList_New(final->n);
    if (!finals) goto done;
    for (int e = 0; e < final->n; e++) {
        PyObject *spent = PyTuple_New(r.p.n_doubts);
        PyObject *chosen = spent ? chosen_of(&r.p, r.order, r.layers, r.n, e, 0) : NULL;
        if (!chosen) {
            Py_XDECREF(spent);
            Py_DECREF(finals);
            goto done;
        }
        for (int k = 0, d = 0; k < r.p.n_spends; k++) {
            if (!r.p.spends[k].in_doubt) continue;
            PyTuple_SET_ITEM(spent, d++,
                             PyLong_FromLong(final->states[(size_t)e * r.p.width + r.p.spends[k].at]));
        }
        PyObject *point = Py_BuildValue("(NLN)", spent, (long long)final->values[e], chosen);
        if (!point) {
            Py_DECREF(finals);
            goto done;
        }
        PyList_SET_ITEM(finals, e, point);
    }
    result = Py_BuildValue("(LN)", left, finals);
done:
    free(w.prices);
    free(w.futures);
    free(w.least);
    run_free(&r);
    return result;
}

/* ---- the plain programme whole: _programme._solve_programme with no threshold in doubt ----
 *
 * solve(classes, offers, spends, left, group_budget) -> (left, (value, chosen) | None)
 *   the component as a key (classes of several units too), no threshold in doubt; chosen: per
 *   class, the units given to each choice. The order of the units (_order), a bundle that
 *   splits the component into groups (_bundle_split, _solve_split, each group with its own
 *   ``group_budget`` as _group gives it), the programme by count (_by_count) and the units
 *   folded back into classes (_as_classes), as the Python does them, so the moves, the budget
 *   and the solution are the same.
 */

/* A component's solutions by count of one offer: per count 0..width-1, whether there is one,
 * its value, and its split per class (the units given to each choice, class after class). */
typedef struct {
    int width, n_splits;
    int *present;
    int64_t *values;
    int32_t *splits; /* width x n_splits */
} Counted;

static void counted_free(Counted *c) {
    free(c->present);
    free(c->values);
    free(c->splits);
    memset(c, 0, sizeof *c);
}

static int counted_init(Counted *c, const Problem *p, int width) {
    memset(c, 0, sizeof *c);
    c->width = width;
    for (int i = 0; i < p->n_classes; i++) c->n_splits += p->classes[i].nopt + 1;
    c->present = calloc(width, sizeof(int));
    c->values = calloc(width, sizeof(int64_t));
    c->splits = calloc((size_t)width * (c->n_splits ? c->n_splits : 1), sizeof(int32_t));
    if (!c->present || !c->values || !c->splits) {
        counted_free(c);
        PyErr_NoMemory();
        return -1;
    }
    return 0;
}

/* Whether class ci of p has an option of offer o. */
static int uses_offer(const Problem *p, int ci, int o) {
    const Class *cl = &p->classes[ci];
    for (int k = 0; k < cl->nopt; k++)
        if (cl->opts[k].offer == o) return 1;
    return 0;
}

static const int64_t *sort_keys;
static int sort_width;

static int key_cmp(const void *a, const void *b) {
    const int64_t *x = &sort_keys[(size_t)*(const int *)a * sort_width],
                  *y = &sort_keys[(size_t)*(const int *)b * sort_width];
    for (int i = 0; i < sort_width; i++)
        if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
    return 0;
}

/* _programme._slot_by_slot: ``placed`` regrouped bundle slot by bundle slot (in place). */
static int slot_by_slot(const Problem *u, int *placed) {
    int n = u->n_classes, no = u->n_offers, rc = -1;
    int *units = calloc(u->n_slots ? u->n_slots : 1, sizeof(int)), *total = calloc(no ? no : 1, sizeof(int));
    int *bundles = malloc(sizeof(int) * (no ? no : 1)), *rank = malloc(sizeof(int) * (u->n_slots ? u->n_slots : 1));
    int *position = malloc(sizeof(int) * (n ? n : 1)), *grouped = malloc(sizeof(int) * (n ? n : 1));
    int *slot_of = malloc(sizeof(int) * (no ? no : 1));
    int64_t *keys = NULL;
    int nb = 0;
    if (!units || !total || !bundles || !rank || !position || !grouped || !slot_of) goto nomemory;
    int seen_any = 0;
    for (int ci = 0; ci < n; ci++) {
        const Class *cl = &u->classes[ci];
        for (int k = 0; k < cl->nopt; k++) {
            const Offer *of = &u->offers[cl->opts[k].offer];
            if (of->kind != BUNDLE) continue;
            units[of->slots_at + cl->opts[k].slot] += (int)cl->count;
            if (!total[cl->opts[k].offer]) bundles[nb++] = cl->opts[k].offer;
            total[cl->opts[k].offer] += (int)cl->count;
            seen_any = 1;
        }
    }
    if (!seen_any) {
        rc = 0;
        goto done;
    }
    /* bundles by most units first, then index (insertion sort: a handful) */
    for (int i = 1; i < nb; i++) {
        int b = bundles[i], j = i - 1;
        while (j >= 0 && (total[bundles[j]] < total[b] ||
                          (total[bundles[j]] == total[b] && bundles[j] > b))) {
            bundles[j + 1] = bundles[j];
            j--;
        }
        bundles[j + 1] = b;
    }
    for (int i = 0; i < nb; i++) { /* each slot's rank: fewest units first, then slot */
        const Offer *of = &u->offers[bundles[i]];
        for (int s = 0; s < of->size; s++) {
            int r = 0;
            for (int t = 0; t < of->size; t++) {
                int ut = units[of->slots_at + t], us = units[of->slots_at + s];
                if (ut < us || (ut == us && t < s)) r++;
            }
            rank[of->slots_at + s] = r;
        }
    }
    for (int i = 0; i < n; i++) position[placed[i]] = i;
    keys = malloc(sizeof(int64_t) * (size_t)(n ? n : 1) * (nb + 1));
    if (!keys) goto nomemory;
    for (int ci = 0; ci < n; ci++) {
        const Class *cl = &u->classes[ci];
        for (int i = 0; i < nb; i++) slot_of[bundles[i]] = -1;
        for (int k = 0; k < cl->nopt; k++) /* the last option of a bundle: as a dict keeps */
            if (u->offers[cl->opts[k].offer].kind == BUNDLE) slot_of[cl->opts[k].offer] = cl->opts[k].slot;
        int64_t *key = &keys[(size_t)ci * (nb + 1)];
        for (int i = 0; i < nb; i++) {
            int b = bundles[i];
            key[i] = slot_of[b] < 0 ? -1 : rank[u->offers[b].slots_at + slot_of[b]];
        }
        key[nb] = position[ci];
    }
    memcpy(grouped, placed, sizeof(int) * n);
    sort_keys = keys;
    sort_width = nb + 1;
    qsort(grouped, n, sizeof(int), key_cmp);
    for (int o = 0; o < no; o++) { /* a "buy k get j" must keep its classes in order */
        if (u->offers[o].kind != BUYGET) continue;
        int last = -1;
        for (int i = 0; i < n; i++) {
            if (!uses_offer(u, grouped[i], o)) continue;
            if (grouped[i] < last) {
                rc = 0;
                goto done;
            }
            last = grouped[i];
        }
    }
    memcpy(placed, grouped, sizeof(int) * n);
    rc = 0;
    goto done;
nomemory:
    PyErr_NoMemory();
done:
    free(units);
    free(total);
    free(bundles);
    free(rank);
    free(position);
    free(grouped);
    free(slot_of);
    free(keys);
    return rc;
}

/* _programme._ordered on a component with no threshold in doubt: classes drawn greedily so
 * that few offers are open at once, a "buy k get j"'s classes in their order; then
 * slot_by_slot. */
static int order_classes(const Problem *u, int *placed) {
    /* a threshold in doubt is kept open like an offer (number no + its spend's) by the
     * classes that spend towards it on no offer */
    int n = u->n_classes, no = u->n_offers, nk = no + u->n_spends, rc = -1;
    int *uses_at = calloc(n + 1, sizeof(int)), *uses = NULL;
    int *remaining = calloc(nk ? nk : 1, sizeof(int)), *open = calloc(nk ? nk : 1, sizeof(int));
    int *waiting = calloc(n ? n : 1, sizeof(int)), *done = calloc(n ? n : 1, sizeof(int));
    int *mark = calloc(nk ? nk : 1, sizeof(int));
    if (!uses_at || !remaining || !open || !waiting || !done || !mark) goto nomemory;
    int total = 0;
    for (int ci = 0; ci < n; ci++) total += u->classes[ci].nopt + u->n_doubts;
    uses = malloc(sizeof(int) * (total ? total : 1));
    if (!uses) goto nomemory;
    for (int ci = 0; ci < n; ci++) { /* each class's distinct offers */
        const Class *cl = &u->classes[ci];
        uses_at[ci + 1] = uses_at[ci];
        for (int k = 0; k < cl->nopt; k++) {
            int o = cl->opts[k].offer;
            if (mark[o] == ci + 1) continue;
            mark[o] = ci + 1;
            uses[uses_at[ci + 1]++] = o;
            /* the classes before it that use a "buy k get j" it uses */
            if (u->offers[o].kind == BUYGET) waiting[ci] += remaining[o];
            remaining[o]++;
        }
        for (int b = 0; b < u->n_spends; b++) {
            if (!u->spends[b].in_doubt || !(cl->none_mask >> b & 1)) continue;
            uses[uses_at[ci + 1]++] = no + b;
            remaining[no + b]++;
        }
    }
    for (int placed_n = 0; placed_n < n; placed_n++) {
        int best = -1, best_new = 0, best_closes = 0;
        for (int ci = 0; ci < n; ci++) {
            if (done[ci] || waiting[ci]) continue;
            int opens = 0, closes = 0;
            for (int k = uses_at[ci]; k < uses_at[ci + 1]; k++) {
                if (!open[uses[k]]) opens++;
                if (remaining[uses[k]] == 1) closes++;
            }
            if (best < 0 || opens < best_new || (opens == best_new && closes > best_closes))
                best = ci, best_new = opens, best_closes = closes;
        }
        if (best < 0) { /* cannot happen: the first unplaced "buy k get j" class is ready */
            PyErr_SetString(PyExc_ValueError, "no class ready to place");
            goto done;
        }
        placed[placed_n] = best;
        done[best] = 1;
        for (int k = uses_at[best]; k < uses_at[best + 1]; k++) {
            int o = uses[k];
            remaining[o]--;
            open[o] = remaining[o] != 0;
            if (o < no && u->offers[o].kind == BUYGET)
                for (int other = best + 1; other < n; other++)
                    if (uses_offer(u, other, o)) waiting[other]--;
        }
    }
    rc = slot_by_slot(u, placed);
    goto done;
nomemory:
    PyErr_NoMemory();
done:
    free(uses_at);
    free(uses);
    free(remaining);
    free(open);
    free(waiting);
    free(done);
    free(mark);
    return rc;
}

/* _by_count on the component's units (or the plain programme, keep -1), folded back into its
 * classes (_solve_counted, _as_classes): ``out`` gets a solution for each count there is. */
static int solve_counted(const Problem *key, int keep, long long *left, Counted *out, int *over) {
    int rc = -1, n = 0;
    *over = 0;
    for (int i = 0; i < key->n_classes; i++) n += (int)key->classes[i].count;
    Problem u = *key; /* the same offers and spends; a class per unit */
    u.classes = malloc(sizeof(Class) * (n ? n : 1));
    int *owner = malloc(sizeof(int) * (n ? n : 1)), *order = malloc(sizeof(int) * (n ? n : 1));
    int *split_at = malloc(sizeof(int) * (key->n_classes + 1));
    Plan plan;
    memset(&plan, 0, sizeof plan);
    Layer *layers = NULL;
    int made = 0;
    memset(out, 0, sizeof *out);
    if (!u.classes || !owner || !order || !split_at) {
        PyErr_NoMemory();
        goto done;
    }
    u.n_classes = n;
    split_at[0] = 0;
    for (int ci = 0, j = 0; ci < key->n_classes; ci++) {
        split_at[ci + 1] = split_at[ci] + key->classes[ci].nopt + 1;
        for (int64_t k = 0; k < key->classes[ci].count; k++, j++) {
            u.classes[j] = key->classes[ci];
            u.classes[j].count = 1;
            owner[j] = ci;
        }
    }
    int width = 1;
    if (keep >= 0) {
        const Offer *of = &key->offers[keep];
        if (of->kind != UNIT || of->cap < 0 || of->cap > MOST_UNITS) {
            PyErr_SetString(PyExc_ValueError, "keep: a unit offer with a limit");
            goto done;
        }
        width = (int)of->cap + 1;
    }
    if (order_classes(&u, order) || plan_make(&u, order, n, &plan)) goto done;
    layers = calloc(n + 1, sizeof(Layer));
    if (!layers) {
        PyErr_NoMemory();
        goto done;
    }
    for (; made <= n; made++) {
        if (layer_init(&layers[made], u.width, width)) {
            PyErr_NoMemory();
            goto done;
        }
    }
    if (forward(&u, order, n, &plan, keep, width, left, layers, NULL, NULL, over)) goto done;
    if (*over) {
        rc = 0;
        goto done;
    }
    if (counted_init(out, key, width)) goto done;
    Layer *final = &layers[n];
    for (int k = 0; k < width; k++) {
        int64_t most;
        int best = best_entry(final, k, &most);
        if (best < 0) continue;
        out->present[k] = 1;
        out->values[k] = most;
        int32_t *splits = &out->splits[(size_t)k * out->n_splits];
        int entry = best, at = k;
        for (int step = n - 1; step >= 0; step--) {
            Layer *l = &layers[step + 1];
            size_t t = (size_t)entry * l->width + at;
            splits[split_at[owner[order[step]]] + l->choice[t]] += 1;
            entry = l->from[t];
            at = l->from_n[t];
        }
    }
    rc = 0;
done:
    if (rc) counted_free(out);
    for (int i = 0; i < made; i++) layer_free(&layers[i]);
    free(layers);
    plan_free(&plan);
    free(u.classes);
    free(owner);
    free(order);
    free(split_at);
    return rc;
}

/* _programme._bundle_split: the bundle (or -1) whose slots alone join the component, and each
 * class's group (numbered by their first class). */
static int bundle_split(const Problem *p, int *group_of, int *n_groups) {
    int n = p->n_classes, no = p->n_offers, found = -1;
    int *units = calloc(no ? no : 1, sizeof(int)), *parent = malloc(sizeof(int) * (n ? n : 1));
    int *first = malloc(sizeof(int) * (no ? no : 1)), *slot_of = malloc(sizeof(int) * (n ? n : 1));
    int *tried = calloc(no ? no : 1, sizeof(int));
    if (!units || !parent || !first || !slot_of || !tried) {
        PyErr_NoMemory();
        found = -2;
        goto done;
    }
    for (int ci = 0; ci < n; ci++)
        for (int k = 0; k < p->classes[ci].nopt; k++)
            if (p->offers[p->classes[ci].opts[k].offer].kind == BUNDLE)
                units[p->classes[ci].opts[k].offer] += (int)p->classes[ci].count;
    for (;;) {
        int bundle = -1; /* the next: most units first, then index */
        for (int o = 0; o < no; o++)
            if (units[o] && !tried[o] && (bundle < 0 || units[o] > units[bundle])) bundle = o;
        if (bundle < 0) break;
        tried[bundle] = 1;
        for (int ci = 0; ci < n; ci++) parent[ci] = ci;
        for (int o = 0; o < no; o++) first[o] = -1;
        for (int ci = 0; ci < n; ci++) {
            for (int k = 0; k < p->classes[ci].nopt; k++) {
                int o = p->classes[ci].opts[k].offer;
                if (o == bundle) continue;
                if (first[o] < 0) first[o] = ci;
                int a = first[o], b = ci;
                while (parent[a] != a) a = parent[a];
                while (parent[b] != b) b = parent[b];
                if (a < b) parent[b] = a;
                else parent[a] = b;
            }
        }
        int fits = 1, groups = 0;
        for (int ci = 0; ci < n; ci++) slot_of[ci] = -1;
        for (int ci = 0; ci < n; ci++) {
            int r = ci;
            while (parent[r] != r) r = parent[r];
            group_of[ci] = r; /* its root for now: the least class of its group */
            if (r == ci) groups++;
            for (int k = 0; k < p->classes[ci].nopt; k++) {
                if (p->classes[ci].opts[k].offer != bundle) continue;
                if (slot_of[r] < 0) slot_of[r] = p->classes[ci].opts[k].slot;
                else if (slot_of[r] != p->classes[ci].opts[k].slot) fits = 0;
            }
        }
        if (fits && groups > 1) {
            int g = 0;
            for (int ci = 0; ci < n; ci++) /* roots come first in their groups */
                if (group_of[ci] == ci) slot_of[ci] = g++;
            for (int ci = 0; ci < n; ci++) group_of[ci] = slot_of[group_of[ci]];
            *n_groups = groups;
            found = bundle;
            break;
        }
    }
done:
    free(units);
    free(parent);
    free(first);
    free(slot_of);
    free(tried);
    return found;
}

static int solve_programme(const Problem *key, long long *left, long long group_budget,
                           Counted *out, int *over);

/* One group's tally joined into a slot: per count, the best value and where it came from. */
typedef struct {
    int group, prev;   /* the group joined; the slot's stage before (-1: none) */
    int64_t *value;    /* per count 0..most */
    int *has, *from_n; /* per count: whether reached; the count before */
    int *m;            /* per count: the group's count */
    int *ins, n_ins;   /* the counts in the order first reached (a dict's order) */
} Stage;

/* _programme._solve_split: a component that ``bundle`` alone joins, group by group. */
static int solve_split(const Problem *key, int bundle, const int *group_of, int n_groups,
                       long long *left, long long group_budget, Counted *out, int *over) {
    const Offer *bo = &key->offers[bundle];
    int size = bo->size, n = key->n_classes, rc = -1;
    *over = 0;
    memset(out, 0, sizeof *out);
    int64_t most = bo->cap;
    int *slot_units = calloc(size, sizeof(int));
    Counted *results = calloc(n_groups, sizeof(Counted));
    Stage *stages = calloc(n_groups, sizeof(Stage));
    int *last_stage = malloc(sizeof(int) * (size + 1)); /* per slot (size: none) */
    int *members = malloc(sizeof(int) * (n ? n : 1)), *local = malloc(sizeof(int) * (key->n_offers ? key->n_offers : 1));
    int *member_at = malloc(sizeof(int) * (n ? n : 1));
    Problem sub;
    memset(&sub, 0, sizeof sub);
    if (!slot_units || !results || !stages || !last_stage || !members || !local || !member_at) goto nomemory;
    for (int ci = 0; ci < n; ci++)
        for (int k = 0; k < key->classes[ci].nopt; k++)
            if (key->classes[ci].opts[k].offer == bundle)
                slot_units[key->classes[ci].opts[k].slot] += (int)key->classes[ci].count;
    for (int s = 0; s < size; s++)
        if (most < 0 || slot_units[s] < most) most = slot_units[s];
    int64_t per_application = -bo->param;
    for (int b = 0; b < key->n_spends; b++)
        if (bo->contained >> b & 1) per_application += spend_term(bo->param, &key->spends[b]);
    for (int s = 0; s <= size; s++) last_stage[s] = -1;
    for (int g = 0; g < n_groups; g++) {
        int nm = 0, nl = 0, slot = -1;
        for (int o = 0; o < key->n_offers; o++) local[o] = -1;
        for (int ci = 0; ci < n; ci++) {
            if (group_of[ci] != g) continue;
            member_at[ci] = nm;
            members[nm++] = ci;
            for (int k = 0; k < key->classes[ci].nopt; k++) {
                local[key->classes[ci].opts[k].offer] = 0;
                if (key->classes[ci].opts[k].offer == bundle && slot < 0)
                    slot = key->classes[ci].opts[k].slot;
            }
        }
        for (int o = 0; o < key->n_offers; o++)
            if (local[o] == 0) local[o] = nl++;
        /* the group as its own component: the bundle a unit offer worth each unit's price */
        sub.n_classes = nm;
        sub.n_offers = nl;
        sub.n_spends = key->n_spends;
        sub.spends = key->spends;
        sub.classes = calloc(nm ? nm : 1, sizeof(Class));
        sub.offers = calloc(nl ? nl : 1, sizeof(Offer));
        int total_options = 0;
        for (int i = 0; i < nm; i++) total_options += key->classes[members[i]].nopt;
        sub.pool = calloc(total_options ? total_options : 1, sizeof(Option));
        if (!sub.classes || !sub.offers || !sub.pool) goto nomemory;
        for (int o = 0; o < key->n_offers; o++) {
            if (local[o] < 0) continue;
            Offer *of = &sub.offers[local[o]];
            *of = key->offers[o];
            if (o == bundle) {
                of->kind = UNIT;
                of->size = 1;
                of->param = 0;
                of->cap = most;
                of->contained = 0;
            }
        }
        layout(&sub);
        Option *next = sub.pool;
        for (int i = 0; i < nm; i++) {
            const Class *from = &key->classes[members[i]];
            Class *cl = &sub.classes[i];
            *cl = *from;
            cl->opts = next;
            for (int k = 0; k < from->nopt; k++, next++) {
                *next = from->opts[k];
                next->offer = local[from->opts[k].offer];
                if (from->opts[k].offer == bundle) {
                    next->slot = 0;
                    next->disc = from->gross;
                    next->mask = 0;
                }
            }
        }
        long long group_left = group_budget;
        int r = slot < 0 ? solve_programme(&sub, &group_left, group_budget, &results[g], over)
                         : solve_counted(&sub, local[bundle], &group_left, &results[g], over);
        free(sub.classes);
        free(sub.offers);
        free(sub.pool);
        memset(&sub, 0, sizeof sub);
        if (r) goto done;
        if (*over) {
            rc = 0;
            goto done;
        }
        *left -= group_budget - group_left; /* what _group's moves cost */
        if (*left < 0) {
            *over = 1;
            rc = 0;
            goto done;
        }
        /* join the group's counts into its slot's */
        int key_slot = slot < 0 ? size : slot;
        Stage *st = &stages[g];
        st->group = g;
        st->prev = last_stage[key_slot];
        st->value = calloc(most + 1, sizeof(int64_t));
        st->has = calloc(most + 1, sizeof(int));
        st->from_n = calloc(most + 1, sizeof(int));
        st->m = calloc(most + 1, sizeof(int));
        st->ins = calloc(most + 1, sizeof(int));
        if (!st->value || !st->has || !st->from_n || !st->m || !st->ins) goto nomemory;
        const Stage *before = st->prev < 0 ? NULL : &stages[st->prev];
        int before_n = before ? before->n_ins : 1;
        for (int i = 0; i < before_n; i++) {
            int had = before ? before->ins[i] : 0;
            int64_t value = before ? before->value[had] : 0;
            for (int m = 0; m < results[g].width; m++) {
                if (!results[g].present[m] || had + m > most) continue;
                int64_t total = value + results[g].values[m];
                int at = had + m;
                if (!st->has[at]) {
                    st->has[at] = 1;
                    st->ins[st->n_ins++] = at;
                } else if (!(total > st->value[at])) {
                    continue;
                }
                st->value[at] = total;
                st->from_n[at] = had;
                st->m[at] = m;
            }
        }
        last_stage[key_slot] = g;
    }
    /* the number of applications that makes the whole best: fewest on a tie */
    int64_t outside = last_stage[size] < 0 ? 0 : stages[last_stage[size]].value[0];
    int64_t best_value = 0;
    int best_apps = -1;
    for (int64_t apps = 0; apps <= most; apps++) {
        int all = 1;
        int64_t value = outside + apps * per_application;
        for (int s = 0; s < size && all; s++) {
            int at = last_stage[s];
            if (at < 0) all = apps == 0;
            else if (!stages[at].has[apps]) all = 0;
            else value += stages[at].value[apps];
        }
        if (all && (best_apps < 0 || value > best_value)) best_value = value, best_apps = (int)apps;
    }
    if (counted_init(out, key, 1)) goto done;
    out->present[0] = 1;
    out->values[0] = best_value;
    int *split_at = member_at; /* reused: each class's first split */
    for (int ci = 0, at = 0; ci < n; ci++) {
        split_at[ci] = at;
        at += key->classes[ci].nopt + 1;
    }
    for (int s = 0; s <= size; s++) {
        int count = s == size ? 0 : best_apps;
        for (int at = last_stage[s]; at >= 0; at = stages[at].prev) {
            const Stage *st = &stages[at];
            int g = st->group, m = st->m[count];
            const int32_t *splits = &results[g].splits[(size_t)m * results[g].n_splits];
            for (int ci = 0, from = 0; ci < n; ci++) {
                if (group_of[ci] != g) continue;
                int width = key->classes[ci].nopt + 1;
                memcpy(&out->splits[split_at[ci]], &splits[from], sizeof(int32_t) * width);
                from += width;
            }
            count = st->from_n[count];
        }
    }
    rc = 0;
    goto done;
nomemory:
    PyErr_NoMemory();
done:
    free(sub.classes);
    free(sub.offers);
    free(sub.pool);
    if (results)
        for (int g = 0; g < n_groups; g++) counted_free(&results[g]);
    if (stages)
        for (int g = 0; g < n_groups; g++) {
            free(stages[g].value);
            free(stages[g].has);
            free(stages[g].from_n);
            free(stages[g].m);
            free(stages[g].ins);
        }
    free(results);
    free(stages);
    free(slot_units);
    free(last_stage);
    free(members);
    free(local);
    free(member_at);
    return rc;
}

/* _programme._solve_programme with no threshold in doubt: one solution, in ``out``. */
static int solve_programme(const Problem *key, long long *left, long long group_budget,
                           Counted *out, int *over) {
    int n_groups = 0;
    int *group_of = malloc(sizeof(int) * (key->n_classes ? key->n_classes : 1));
    if (!group_of) {
        PyErr_NoMemory();
        return -1;
    }
    int bundle = bundle_split(key, group_of, &n_groups);
    int rc = bundle == -2 ? -1
             : bundle >= 0
                 ? solve_split(key, bundle, group_of, n_groups, left, group_budget, out, over)
                 : solve_counted(key, -1, left, out, over);
    free(group_of);
    return rc;
}

static PyObject *kernel_solve(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *classes, *offers, *spends;
    long long left, group_budget;
    if (!PyArg_ParseTuple(args, "OOOLL", &classes, &offers, &spends, &left, &group_budget))
        return NULL;
    Problem p;
    Counted out;
    memset(&out, 0, sizeof out);
    PyObject *result = NULL;
    int over = 0;
    if (read_problem(classes, offers, spends, &p, 0, 1) ||
        solve_programme(&p, &left, group_budget, &out, &over))
        goto done;
    if (over) {
        result = Py_BuildValue("(LO)", left, Py_None);
        goto done;
    }
    PyObject *chosen = PyTuple_New(p.n_classes);
    if (!chosen) goto done;
    for (int ci = 0, at = 0; ci < p.n_classes; ci++) {
        int width = p.classes[ci].nopt + 1;
        PyObject *split = PyTuple_New(width);
        if (!split) {
            Py_DECREF(chosen);
            goto done;
        }
        for (int i = 0; i < width; i++) PyTuple_SET_ITEM(split, i, PyLong_FromLong(out.splits[at + i]));
        PyTuple_SET_ITEM(chosen, ci, split);
        at += width;
    }
    result = Py_BuildValue("(L(LN))", left, (long long)out.values[0], chosen);
done:
    counted_free(&out);
    problem_free(&p);
    return result;
}

/* order(classes, offers, spends) -> [class, ...]: _programme._ordered, the order a component's
 * classes are walked in, a threshold in doubt kept open like an offer. */
static PyObject *kernel_order(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *classes, *offers, *spends, *result = NULL;
    if (!PyArg_ParseTuple(args, "OOO", &classes, &offers, &spends)) return NULL;
    Problem p;
    int *placed = NULL;
    if (read_problem(classes, offers, spends, &p, 1, 1)) goto done;
    placed = malloc(sizeof(int) * (p.n_classes ? p.n_classes : 1));
    if (!placed) {
        PyErr_NoMemory();
        goto done;
    }
    if (order_classes(&p, placed)) goto done;
    result = PyList_New(p.n_classes);
    for (int i = 0; result && i < p.n_classes; i++)
        PyList_SET_ITEM(result, i, PyLong_FromLong(placed[i]));
done:
    free(placed);
    problem_free(&p);
    return result;
}

static PyMethodDef methods[] = {
    {"run", kernel_run, METH_VARARGS,
     "run(classes, offers, spends, order, keep, left) -> (left, {count: (value, chosen)} | "
     "None): the programme's forward pass (see the module's source)."},
    {"futures", kernel_futures, METH_VARARGS,
     "futures(classes, offers, spends, order, left) -> (left, best, handle) | (left, None, "
     "None): the most still to come from every state, kept for frontier()."},
    {"solve", kernel_solve, METH_VARARGS,
     "solve(classes, offers, spends, left, group_budget) -> (left, (value, chosen) | None): "
     "the plain programme whole, bundle split and all (see the module's source)."},
    {"order", kernel_order, METH_VARARGS,
     "order(classes, offers, spends) -> [class, ...]: the order the programme walks a "
     "component's classes in (_programme._ordered)."},
    {"frontier", kernel_frontier, METH_VARARGS,
     "frontier(classes, offers, spends, order, left, bounds) -> (left, finals | None): the "
     "tracking pass of a frontier."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_kernel",
    "The pricing programme's forward passes in C (see _kernel.c).", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__kernel(void) { return PyModule_Create(&module); }
