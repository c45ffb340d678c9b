/* The pricing programme's plain forward pass in C: aisle.domain.pricing._kernel.
 *
 * The same dynamic programme as ``_by_count`` in ``_programme.py`` (and so ``_programme`` with
 * no bound and no futures, which is ``_by_count`` with one count), on a component whose
 * classes are single units and whose spend offers are none in doubt. It makes the same moves
 * in the same order, counts them against the same budget, keeps the states in the order they
 * were first reached, and breaks ties the same way (the first of the best), so it finds the
 * same solution as the Python, not only the same value: the tests compare the two point by
 * point. States are packed into arrays of machine integers and kept in open-addressed hash
 * tables instead of tuples in dicts; that is all the speed.
 *
 * run(classes, offers, spends, order, keep, left) -> (left, found | None)
 *   classes: ((gross, 1, none_mask, ((offer, slot, disc, mask), ...)), ...)
 *   offers:  ((kind, size, param, cap), ...)
 *   spends:  ((False, threshold, amount, percent: Decimal, contained), ...)
 *   order:   the classes' order; keep: the unit offer counted by index, or -1 for none
 *   left:    the moves left; returns what is left, and None past it (as _OverBudget)
 *   found:   {count: (value, ((units per choice) per class))}
 * ValueError for a component it does not take (a class of several units, a threshold in
 * doubt, a number too large); the caller checks first.
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
    int64_t gross, none_mask;
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
    int64_t threshold;
    i128 num, den; /* the percentage, num / den */
} Spend;

typedef struct {
    int n_classes, n_offers, n_spends, width, n_slots;
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

static int read_problem(PyObject *classes, PyObject *offers, PyObject *spends, Problem *p) {
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
        of->at = p->width;
        p->width += kind == BUNDLE ? (int)size + 1 : 1;
        of->slots_at = p->n_slots;
        p->n_slots += kind == BUNDLE ? (int)size : 1;
    }
    for (Py_ssize_t b = 0; b < ns; b++) {
        PyObject *s = PySequence_GetItem(spends, b);
        if (!s) return -1;
        PyObject *doubt = PySequence_GetItem(s, 0);
        int in_doubt = doubt ? PyObject_IsTrue(doubt) : -1;
        Py_XDECREF(doubt);
        int r = in_doubt < 0;
        if (!r && in_doubt) {
            PyErr_SetString(PyExc_ValueError, "a threshold in doubt: not for the kernel");
            r = 1;
        }
        if (!r) r = item_i64(s, 1, &p->spends[b].threshold);
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
        int64_t count;
        int r = item_i64(c, 0, &cl->gross) || item_i64(c, 1, &count) ||
                item_i64(c, 2, &cl->none_mask);
        if (!r && count != 1) {
            PyErr_SetString(PyExc_ValueError, "a class of several units: not for the kernel");
            r = 1;
        }
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
            int64_t offer, slot;
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

static int move(const Problem *p, int32_t *st, const Class *cl, int c, int64_t *gain) {
    int64_t value = 0;
    int64_t masks[2], amounts[2];
    int n_contrib = 0;
    if (c == 0) {
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
            value += op->disc;
            masks[0] = op->mask;
            amounts[0] = cl->gross - op->disc;
            n_contrib = 1;
            break;
        case MULTI: {
            int64_t before = *held, total = before + 1;
            if (of->cap >= 0 && total > of->cap * of->size) return 0;
            int64_t completed = total / of->size - before / of->size;
            value += cl->gross - of->param * completed;
            *held = (int32_t)(of->cap >= 0 ? total : total % of->size);
            if (completed) {
                masks[0] = of->contained;
                amounts[0] = of->param;
                n_contrib = 1;
            }
            break;
        }
        case BUYGET: {
            int64_t before = *held, total = before + 1;
            if (of->cap >= 0 && total > of->cap * of->size) return 0;
            int64_t off = before % of->size >= of->param ? op->disc : 0;
            value += off;
            masks[0] = op->mask;
            amounts[0] = cl->gross - off;
            n_contrib = 1;
            *held = (int32_t)(of->cap >= 0 ? total : total % of->size);
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
    for (int b = 0; b < p->n_spends; b++) {
        int64_t flag = (int64_t)1 << b;
        for (int k = 0; k < n_contrib; k++)
            if (masks[k] & flag) value += spend_term(amounts[k], &p->spends[b]);
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
            if (of->kind != UNIT && *held % of->size) return 0;
            *held = 0;
        }
    }
    const int32_t *later = &pl->later[(size_t)step * p->n_slots];
    for (int k = pl->open_at[step]; k < pl->open_at[step + 1]; k++) {
        const Offer *of = &p->offers[pl->open[k]];
        const int32_t *held = &st[of->at];
        if (of->kind == MULTI || of->kind == BUYGET) {
            int32_t missing = (of->size - *held % of->size) % of->size;
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
    int32_t *index;
    int icap;
} Layer;

static void layer_free(Layer *l) {
    free(l->states);
    free(l->values);
    free(l->from);
    free(l->from_n);
    free(l->choice);
    free(l->index);
}

static int layer_init(Layer *l, int w, int width) {
    memset(l, 0, sizeof *l);
    l->w = w;
    l->width = width;
    l->icap = 64;
    l->index = malloc(sizeof(int32_t) * l->icap);
    if (!l->index) return -1;
    memset(l->index, 0xff, sizeof(int32_t) * l->icap);
    return 0;
}

static uint64_t hash_state(const int32_t *st, int w) {
    uint64_t h = 1469598103934665603ULL;
    for (int i = 0; i < w; i++) {
        h ^= (uint32_t)st[i];
        h *= 1099511628211ULL;
        h ^= h >> 29;
    }
    return h;
}

static int layer_grow(Layer *l) {
    int cap = l->cap ? l->cap * 2 : 16;
    int32_t *states = realloc(l->states, sizeof(int32_t) * (size_t)cap * (l->w ? l->w : 1));
    if (!states) return -1;
    l->states = states;
    int64_t *values = realloc(l->values, sizeof(int64_t) * (size_t)cap * l->width);
    if (!values) return -1;
    l->values = values;
    int32_t *from = realloc(l->from, sizeof(int32_t) * (size_t)cap * l->width);
    if (!from) return -1;
    l->from = from;
    int32_t *from_n = realloc(l->from_n, sizeof(int32_t) * (size_t)cap * l->width);
    if (!from_n) return -1;
    l->from_n = from_n;
    int16_t *choice = realloc(l->choice, sizeof(int16_t) * (size_t)cap * l->width);
    if (!choice) return -1;
    l->choice = choice;
    l->cap = cap;
    return 0;
}

static int layer_reindex(Layer *l) {
    int icap = l->icap * 2;
    int32_t *index = malloc(sizeof(int32_t) * icap);
    if (!index) return -1;
    memset(index, 0xff, sizeof(int32_t) * icap);
    for (int e = 0; e < l->n; e++) {
        uint64_t h = hash_state(&l->states[(size_t)e * l->w], l->w) & (icap - 1);
        while (index[h] >= 0) h = (h + 1) & (icap - 1);
        index[h] = e;
    }
    free(l->index);
    l->index = index;
    l->icap = icap;
    return 0;
}

/* The entry of state st, added (with no values) when new; -1 when out of memory. */
static int layer_find(Layer *l, const int32_t *st) {
    size_t bytes = sizeof(int32_t) * l->w;
    uint64_t h = hash_state(st, l->w) & (l->icap - 1);
    for (;;) {
        int32_t e = l->index[h];
        if (e < 0) break;
        if (memcmp(&l->states[(size_t)e * l->w], st, bytes) == 0) return e;
        h = (h + 1) & (l->icap - 1);
    }
    if (l->n == l->cap && layer_grow(l)) return -1;
    int e = l->n++;
    memcpy(&l->states[(size_t)e * l->w], st, bytes);
    for (int k = 0; k < l->width; k++) l->values[(size_t)e * l->width + k] = NONE_VALUE;
    l->index[h] = e;
    if (2 * l->n > l->icap && layer_reindex(l)) return -1;
    return e;
}

/* ---- the programme ---- */

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
        int previous = l->from[k];
        at = l->from_n[k];
        entry = previous;
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
    Problem p;
    if (read_problem(classes, offers, spends, &p)) {
        problem_free(&p);
        return NULL;
    }
    Py_ssize_t n = PySequence_Size(order_obj);
    int width = 1, keep_at = -1;
    if (keep >= 0) {
        if (keep >= p.n_offers || p.offers[keep].kind != UNIT || p.offers[keep].cap < 0 ||
            p.offers[keep].cap > 100000) {
            PyErr_SetString(PyExc_ValueError, "keep: a unit offer with a limit");
            problem_free(&p);
            return NULL;
        }
        width = (int)p.offers[keep].cap + 1;
        keep_at = p.offers[keep].at;
    }
    int *order = malloc(sizeof(int) * (n > 0 ? n : 1));
    Layer *layers = calloc(n + 1, sizeof(Layer));
    int32_t *tmp = malloc(sizeof(int32_t) * (p.width ? p.width : 1));
    PyObject *result = NULL;
    Plan plan;
    memset(&plan, 0, sizeof plan);
    int made = 0; /* layers made */
    if (n < 0 || !order || !layers || !tmp) {
        if (!PyErr_Occurred()) PyErr_NoMemory();
        goto done;
    }
    if (n != p.n_classes) {
        PyErr_SetString(PyExc_ValueError, "an order of other classes");
        goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        int64_t ci;
        if (item_i64(order_obj, i, &ci)) goto done;
        if (ci < 0 || ci >= p.n_classes) {
            PyErr_SetString(PyExc_ValueError, "an order of other classes");
            goto done;
        }
        order[i] = (int)ci;
    }
    if (plan_make(&p, order, (int)n, &plan)) goto done;
    for (int i = 0; i <= n; i++) {
        if (layer_init(&layers[i], p.width, width)) {
            PyErr_NoMemory();
            goto done;
        }
        made++;
    }
    memset(tmp, 0, sizeof(int32_t) * (p.width ? p.width : 1));
    if (layer_find(&layers[0], tmp) < 0) {
        PyErr_NoMemory();
        goto done;
    }
    layers[0].values[0] = 0;
    int over = 0;
    for (int step = 0; step < n && !over; step++) {
        const Class *cl = &p.classes[order[step]];
        Layer *now = &layers[step], *next = &layers[step + 1];
        left -= (long long)now->n * (cl->nopt + 1);
        if (left < 0) {
            over = 1;
            break;
        }
        for (int e = 0; e < now->n; e++) {
            const int32_t *st = &now->states[(size_t)e * p.width];
            const int64_t *values = &now->values[(size_t)e * width]; /* now is not grown */
            for (int c = 0; c <= cl->nopt; c++) {
                if (p.width) memcpy(tmp, st, sizeof(int32_t) * p.width);
                int64_t gain;
                if (!move(&p, tmp, cl, c, &gain)) continue;
                int shift = c > 0 && cl->opts[c - 1].offer == keep;
                if (shift) tmp[keep_at] = 0; /* the count lives in the values' index instead */
                if (!settle(&p, &plan, tmp, step)) continue;
                int target = layer_find(next, tmp);
                if (target < 0) {
                    PyErr_NoMemory();
                    goto done;
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
    }
    if (over) {
        result = Py_BuildValue("(LO)", left, Py_None);
        goto done;
    }
    PyObject *found = PyDict_New();
    if (!found) goto done;
    Layer *final = &layers[n];
    for (int k = 0; k < width; k++) {
        int best = -1;
        int64_t most = 0;
        for (int e = 0; e < final->n; e++) { /* the first of the best: deterministic */
            int64_t v = final->values[(size_t)e * width + k];
            if (v != NONE_VALUE && (best < 0 || v > most)) best = e, most = v;
        }
        if (best < 0) continue;
        PyObject *chosen = chosen_of(&p, order, layers, (int)n, best, k);
        PyObject *pair = chosen ? Py_BuildValue("(LN)", (long long)most, chosen) : NULL;
        PyObject *count = pair ? PyLong_FromLong(k) : NULL;
        int r = count ? PyDict_SetItem(found, count, pair) : -1;
        Py_XDECREF(count);
        Py_XDECREF(pair);
        if (r) {
            Py_DECREF(found);
            goto done;
        }
    }
    result = Py_BuildValue("(LN)", left, found);
done:
    for (int i = 0; i < made; i++) layer_free(&layers[i]);
    free(layers);
    free(order);
    free(tmp);
    plan_free(&plan);
    problem_free(&p);
    return result;
}

static PyMethodDef methods[] = {
    {"run", kernel_run, METH_VARARGS,
     "run(classes, offers, spends, order, keep, left) -> (left, {count: (value, chosen)} | "
     "None): the programme's forward pass (see the module's source)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_kernel",
    "The pricing programme's plain forward pass in C (see _kernel.c).", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__kernel(void) { return PyModule_Create(&module); }
