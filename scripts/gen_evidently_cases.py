#!/usr/bin/env python3
"""Generate table-driven oracle cases for the Evidently tests driftd adds to detectors/stats.

Writes detectors/stats/tests/data/evidently_cases.json:
  t_test            scipy.stats.ttest_ind(ref, cur)                 (Evidently "t_test")
  mann_whitney      scipy.stats.mannwhitneyu(ref, cur, alternative) (Evidently "mannw": "less")
  energy_distance   scipy.stats.energy_distance(ref, cur)           (Evidently "ed")
  g_test            scipy.stats.power_divergence(cur, ref * m / n, lambda_="log-likelihood")
  fisher_exact      scipy.stats.fisher_exact([[cur_a, cur_b], [ref_a, ref_b]])
  tvd_permutation   the exact permutation p-value P(TVD' >= TVD) of the TVD over all
                    relabellings of the pooled sample (multivariate hypergeometric, summed
                    exactly with Python integers): the value a permutation test estimates
  kstwo_sf_large    scipy.stats.kstwo.sf(x, n) for n >= 20000 and n x^2 in [2.3, 360]
  numpy_legacy      the first draws of np.random.seed(1); np.random.normal(...) (legacy RandomState)
  nannyml_seeded    NannyML's seeded vectors (tests/drift/test_univariate_drift_methods.py),
                    recomputed at full precision with numpy/scipy following NannyML's methods
                    (Doane bins of the reference, extra bin for current mass outside them, base-2
                    Jensen-Shannon; exact scipy wasserstein_distance; Hellinger on the same bins)

Every expected value is computed here by the reference library named above; the C++ tests
recompute it from the same inputs.

Usage:
    scripts/gen_evidently_cases.py            # creates /work/.venv-stats (or $STATS_VENV) if needed
    scripts/gen_evidently_cases.py --no-venv  # use the current interpreter
"""
import json
import math
import sys
from fractions import Fraction
from pathlib import Path

from stats_venv import ensure_venv

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "detectors" / "stats" / "tests" / "data" / "evidently_cases.json"


def r(values, digits=4):
    return [round(float(v), digits) for v in values]


def exact_tvd_pvalue(ref, cur):
    """P(2nm TVD' >= 2nm TVD) over uniformly random relabellings, exactly."""
    n, m = sum(ref), sum(cur)
    pooled = [a + b for a, b in zip(ref, cur)]
    observed = sum(abs(a * m - b * n) for a, b in zip(ref, cur))
    # DP over categories: (reference count so far, scaled TVD so far) -> number of relabellings.
    states = {(0, 0): 1}
    for c in pooled:
        nxt = {}
        for (drawn, s), ways in states.items():
            for a in range(0, min(c, n - drawn) + 1):
                key = (drawn + a, s + abs(a * m - (c - a) * n))
                nxt[key] = nxt.get(key, 0) + ways * math.comb(c, a)
        states = nxt
    at_least = sum(w for (drawn, s), w in states.items() if drawn == n and s >= observed)
    return float(Fraction(at_least, math.comb(n + m, n)))


def finite_json(value):
    """JSON has no infinities: written as the strings "inf" / "-inf" (strtod reads them); NaN -> null."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, float) and math.isinf(value):
        return "inf" if value > 0 else "-inf"
    if isinstance(value, dict):
        return {k: finite_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [finite_json(v) for v in value]
    return value


def main():
    import numpy as np
    import scipy
    from scipy import stats
    from scipy.spatial.distance import jensenshannon

    rng = np.random.default_rng(20261128)
    cases = {"_generator": "scripts/gen_evidently_cases.py",
             "_versions": {"numpy": np.__version__, "scipy": scipy.__version__}}

    # --- Student's t-test, equal variances (Evidently t_test = ttest_ind(ref, cur)).
    tt = []
    def add_t(x, y, note):
        res = stats.ttest_ind(x, y)
        p = float(res.pvalue)
        tt.append({"ref": x, "cur": y, "statistic": float(res.statistic),
                   "pvalue": None if math.isnan(p) else p, "note": note})
    for n, m in [(2, 2), (3, 7), (10, 10), (40, 25), (300, 500), (2000, 1500)]:
        add_t(r(rng.normal(size=n)), r(rng.normal(0.2, 1.5, size=m)), "normal")
    add_t(r(rng.integers(0, 4, size=30)), r(rng.integers(0, 5, size=20)), "ties")
    add_t([3.0] * 5, [4.0] * 6, "constant, different")
    add_t([3.0] * 5, [3.0] * 6, "constant, equal (scipy NaN)")
    add_t([1.0], [2.0, 3.0, 4.0], "size 1 (scipy NaN)")
    add_t(r(rng.normal(size=50)), r(rng.normal(size=50) + 5), "far apart")
    cases["t_test"] = tt

    # --- Mann-Whitney U (scipy.stats.mannwhitneyu, use_continuity=True, method="auto").
    mw = []
    def add_mw(x, y, note):
        for alt in ["less", "two-sided", "greater"]:
            res = stats.mannwhitneyu(x, y, alternative=alt)
            mw.append({"ref": x, "cur": y, "alternative": alt, "statistic": float(res.statistic),
                       "pvalue": float(res.pvalue), "note": note})
    for n, m in [(1, 1), (1, 5), (3, 4), (5, 8), (8, 30), (7, 200), (9, 9), (20, 35), (400, 300)]:
        add_mw(r(rng.normal(size=n)), r(rng.normal(0.3, 1.2, size=m)), "no ties")
    for n, m in [(5, 6), (30, 40), (200, 150)]:
        add_mw(r(rng.integers(0, 5, size=n)), r(rng.integers(0, 6, size=m)), "ties")
    add_mw([2.0] * 6, [2.0] * 9, "constant, same")
    add_mw([2.0] * 6, [3.0] * 9, "constant, different")
    cases["mann_whitney"] = mw

    # --- Energy distance (scipy.stats.energy_distance).
    ed = []
    for n, m in [(1, 1), (1, 4), (5, 3), (40, 60), (500, 300)]:
        u, v = r(rng.normal(size=n)), r(rng.exponential(size=m))
        ed.append({"ref": u, "cur": v, "expected": float(stats.energy_distance(u, v))})
    u, v = r(rng.integers(0, 4, size=50)), r(rng.integers(1, 5, size=70))
    ed.append({"ref": u, "cur": v, "expected": float(stats.energy_distance(u, v))})
    ed.append({"ref": [3.0] * 10, "cur": [3.5] * 4,
               "expected": float(stats.energy_distance([3.0] * 10, [3.5] * 4))})
    ed.append({"ref": [3.0] * 10, "cur": [3.0] * 4,
               "expected": float(stats.energy_distance([3.0] * 10, [3.0] * 4))})
    cases["energy_distance"] = ed

    # --- G-test over aligned counts (Evidently g_test: f_exp = ref * (m / n)).
    gt = []
    pairs = [([5, 5, 8], [4, 6, 8]), ([10, 20, 30], [12, 18, 30]), ([100, 1, 40], [90, 0, 60]),
             ([7, 0, 3], [6, 2, 2]), ([50, 50], [60, 40]), ([9], [4]), ([1000, 2000, 3000, 10], [1010, 1990, 2950, 70])]
    for _ in range(3):
        k = int(rng.integers(2, 25))
        pairs.append((rng.integers(1, 60, size=k).tolist(), rng.integers(0, 60, size=k).tolist()))
    for ref, cur in pairs:
        if len(ref) == 1:
            gt.append({"ref": ref, "cur": cur, "statistic": 0.0, "pvalue": 1.0,
                       "note": "one category: scipy gives NaN (0 degrees of freedom); driftd p = 1"})
            continue
        n, m = sum(ref), sum(cur)
        kept = [(a, b) for a, b in zip(ref, cur) if a or b]
        f_obs = [b for a, b in kept]
        f_exp = [a * (m / n) for a, b in kept]
        with np.errstate(divide="ignore"):
            res = stats.power_divergence(f_obs, f_exp, lambda_="log-likelihood")
        gt.append({"ref": ref, "cur": cur, "statistic": float(res.statistic),
                   "pvalue": float(res.pvalue)})
    cases["g_test"] = gt

    # --- Fisher's exact test, two-sided, on [[cur_a, cur_b], [ref_a, ref_b]].
    fe = []
    tables = [([45, 45], [30, 60]), ([6, 0], [0, 6]), ([3, 1], [1, 3]), ([10, 10], [10, 10]),
              ([100, 3], [90, 15]), ([1, 9], [11, 3]), ([0, 5], [0, 7]), ([12, 5], [5, 12]),
              ([500, 480], [460, 530]), ([2, 7], [8, 2]), ([1], [3])]
    for ref, cur in tables:
        ra, rb = (ref + [0])[:2]
        ca, cb = (cur + [0])[:2]
        odds, p = stats.fisher_exact([[ca, cb], [ra, rb]])
        fe.append({"ref": ref, "cur": cur, "pvalue": float(p),
                   "odds_ratio": None if math.isnan(odds) else float(odds)})
    cases["fisher_exact"] = fe

    # --- TVD with the exact permutation p-value.
    tv = []
    for ref, cur in [([16, 18, 16, 14, 12, 12], [10, 10, 24, 24, 10, 10]),
                     ([16, 18, 16, 14, 12, 12], [16, 16, 16, 16, 16, 8]),
                     ([5, 5, 8], [4, 6, 8]), ([20, 0, 3], [12, 5, 3]), ([30, 10], [10, 30])]:
        n, m = sum(ref), sum(cur)
        tvd = 0.5 * sum(abs(a / n - b / m) for a, b in zip(ref, cur))
        tv.append({"ref": ref, "cur": cur, "tvd": tvd, "exact_pvalue": exact_tvd_pvalue(ref, cur)})
    cases["tvd_permutation"] = tv

    # --- kstwo.sf for large n where the two one-sided tails do not overlap (n x^2 >= 2.2): the
    # range where driftd prunes the Birnbaum-Tingey sum (n >= 20000), up to KS on 10^6 a side.
    ks_large = []
    for n in [20000, 60000, 250000, 500000]:
        for nx2 in [2.3, 5.0, 20.0, 80.0, 200.0, 360.0]:
            x = math.sqrt(nx2 / n)
            ks_large.append({"n": n, "x": x, "sf": float(stats.kstwo.sf(x, n))})
    cases["kstwo_sf_large"] = ks_large

    # --- numpy's legacy RandomState: seed(1), normal draws (the NannyML vectors' generator).
    np.random.seed(1)
    first = np.random.normal(0, 1, 10000)
    nxt = np.random.normal(0, 1, 5)
    cases["numpy_legacy"] = {"seed": 1, "normal_0_1_first5": [float(x) for x in first[:5]],
                             "normal_0_1_index_9999": float(first[9999]),
                             "normal_0_1_next5": [float(x) for x in nxt]}

    # --- NannyML seeded vectors at full precision.
    def continuous_bins(ref, cur):
        bins = np.histogram_bin_edges(ref, bins="doane")
        p = np.histogram(ref, bins)[0] / len(ref)
        q = np.histogram(cur, bins)[0] / len(cur)
        leftover = 1 - np.sum(q)
        if leftover > 0:
            q = np.append(q, leftover)
            p = np.append(p, 0)
        return p, q
    seeded = []
    np.random.seed(1)
    ref, cur = np.random.normal(0, 1, 10000), np.random.normal(0, 1, 1000)
    p, q = continuous_bins(ref, cur)
    seeded.append({"method": "jensen_shannon", "ref": [0, 1, 10000], "cur": [0, 1, 1000],
                   "value": float(jensenshannon(p, q, base=2))})
    np.random.seed(1)
    ref, cur = np.random.normal(0, 1, 10000), np.random.normal(1, 1, 1000)
    seeded.append({"method": "wasserstein", "ref": [0, 1, 10000], "cur": [1, 1, 1000],
                   "value": float(stats.wasserstein_distance(ref, cur))})
    np.random.seed(1)
    ref, cur = np.random.normal(0, 1, 10000), np.random.normal(-2, 1, 10000)
    p, q = continuous_bins(ref, cur)
    seeded.append({"method": "hellinger", "ref": [0, 1, 10000], "cur": [-2, 1, 10000],
                   "value": float(np.sqrt(np.sum((np.sqrt(p) - np.sqrt(q)) ** 2)) / np.sqrt(2))})
    cases["nannyml_seeded"] = seeded

    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(finite_json(cases), separators=(",", ":"), allow_nan=False) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    if "--no-venv" not in sys.argv:
        ensure_venv(__file__)
    main()
