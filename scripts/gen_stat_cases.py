#!/usr/bin/env python3
"""Generate table-driven oracle cases for detectors/stats from scipy / numpy / scikit-learn.

Writes detectors/stats/tests/data/scipy_cases.json. Every expected value is computed here by the
reference library named in the case's "source"; the C++ tests recompute it from the same inputs.

Usage:
    scripts/gen_stat_cases.py            # creates /work/.venv-stats (or $STATS_VENV) if needed
    scripts/gen_stat_cases.py --no-venv  # use the current interpreter (needs requirements-stats.txt)
"""
import json
import sys
from pathlib import Path

from stats_venv import ensure_venv

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "detectors" / "stats" / "tests" / "data" / "scipy_cases.json"


def r(values, digits=6):
    """Rounds inputs so the JSON stays small; expected values use the rounded inputs."""
    return [round(float(v), digits) for v in values]


def linspace_spec(start, stop, num, shift=0.0):
    return {"linspace": [start, stop, num], "shift": shift}


def from_spec(np, spec):
    if isinstance(spec, dict):
        start, stop, num = spec["linspace"]
        return np.linspace(start, stop, num) + spec["shift"]
    return np.asarray(spec, dtype=float)


def main():
    import numpy as np
    import scipy
    import sklearn
    from scipy import stats
    from scipy.spatial import distance
    from sklearn.decomposition import PCA
    from sklearn.preprocessing import StandardScaler

    rng = np.random.default_rng(20261127)
    cases = {
        "_generator": "scripts/gen_stat_cases.py",
        "_versions": {"numpy": np.__version__, "scipy": scipy.__version__,
                      "scikit-learn": sklearn.__version__},
    }

    # --- Kolmogorov-Smirnov two-sample (scipy.stats.ks_2samp, method="auto"/"exact"/"asymp").
    ks = []
    def add_ks(x, y, method="auto", note=""):
        xa, ya = from_spec(np, x), from_spec(np, y)
        res = stats.ks_2samp(xa, ya, method=method)
        ks.append({"x": x, "y": y, "method": method, "statistic": float(res.statistic),
                   "pvalue": float(res.pvalue), "note": note})
    for n, m in [(1, 1), (1, 5), (3, 3), (5, 7), (10, 10), (20, 35), (50, 50), (64, 96),
                 (100, 250), (400, 300), (1000, 997)]:
        add_ks(r(rng.normal(size=n), 4), r(rng.normal(0.3, 1.2, size=m), 4), note="normal")
    for n, m in [(30, 40), (200, 150)]:
        add_ks(r(rng.integers(0, 5, size=n)), r(rng.integers(0, 6, size=m)), note="ties")
    add_ks([2.0] * 12, [2.0] * 9, note="constant, same")
    add_ks([2.0] * 12, [3.0] * 9, note="constant, different")
    add_ks(r(rng.normal(size=25), 4), r(rng.normal(size=25), 4), method="asymp", note="forced asymp")
    # Asymptotic branch (max(n, m) > 10000), small to large effective n = round(nm/(n+m)),
    # so every algorithm of the Kolmogorov distribution is reached.
    big = linspace_spec(0.0, 1.0, 12001)
    for m, lo, hi in [(3, 0.2, 0.9), (40, 0.0, 1.0), (40, 0.1, 1.05), (130, 0.02, 1.0),
                      (130, 0.3, 1.2), (600, 0.0, 1.001), (600, 0.05, 1.0), (2000, 0.0, 0.97),
                      (2000, 0.001, 1.0), (9000, 0.2, 1.1), (15000, 0.0, 1.0)]:
        add_ks(big, linspace_spec(lo, hi, m, 1e-7), note="asymptotic branch")
    cases["ks_2samp"] = ks

    # --- kstwo.sf directly, across the algorithm regions of Simard & L'Ecuyer.
    kstwo = []
    for n in [1, 2, 5, 10, 40, 100, 140, 141, 500, 1000, 5000, 20000, 150000]:
        for z in [0.3, 0.6, 0.8, 1.0, 1.3, 1.8, 2.5, 4.0]:
            x = z / np.sqrt(n)
            if x < 1.0:
                kstwo.append({"n": n, "x": float(x), "sf": float(stats.kstwo.sf(x, n))})
        for x in [0.55, 0.9]:
            kstwo.append({"n": n, "x": x, "sf": float(stats.kstwo.sf(x, n))})
    cases["kstwo_sf"] = kstwo

    # --- Wasserstein-1 (scipy.stats.wasserstein_distance), plain and weighted; Evidently norm.
    was = []
    for n, m in [(1, 1), (5, 3), (40, 60), (500, 300)]:
        u, v = r(rng.normal(size=n), 4), r(rng.exponential(size=m), 4)
        was.append({"u": u, "v": v, "expected": float(stats.wasserstein_distance(u, v)),
                    "normed": float(stats.wasserstein_distance(u, v) / max(np.std(u), 0.001))})
    u, v = r(rng.integers(0, 4, size=50)), r(rng.integers(1, 5, size=70))
    was.append({"u": u, "v": v, "expected": float(stats.wasserstein_distance(u, v)),
                "normed": float(stats.wasserstein_distance(u, v) / max(np.std(u), 0.001))})
    u = [3.0] * 10
    was.append({"u": u, "v": [3.5] * 4, "expected": float(stats.wasserstein_distance(u, [3.5] * 4)),
                "normed": float(stats.wasserstein_distance(u, [3.5] * 4) / 0.001)})
    for n, m in [(6, 4), (30, 20)]:
        u, v = r(rng.normal(size=n), 4), r(rng.normal(size=m), 4)
        uw, vw = r(rng.uniform(0.1, 3, size=n), 3), r(rng.uniform(0.1, 3, size=m), 3)
        was.append({"u": u, "v": v, "u_w": uw, "v_w": vw,
                    "expected": float(stats.wasserstein_distance(u, v, uw, vw))})
    cases["wasserstein"] = was

    # --- Histogram distances over count vectors.
    def evidently_fill(p):
        p = np.array(p, dtype=float)
        nz = p[p != 0]
        fill = nz.min() / 10**6 if nz.min() <= 0.0001 else 0.0001
        p[p == 0] = fill
        return p
    hist = []
    count_pairs = [([10, 20, 30], [12, 18, 30]), ([5, 0, 7, 1], [0, 3, 7, 2]),
                   ([1000, 1, 0, 500], [900, 0, 2, 600]), ([1, 1], [1, 1]),
                   ([100000, 3, 0], [99990, 5, 8])]
    for _ in range(4):
        k = int(rng.integers(2, 30))
        count_pairs.append((rng.integers(0, 50, size=k).tolist(), rng.integers(0, 50, size=k).tolist()))
    for ref, cur in count_pairs:
        p = np.array(ref, float) / sum(ref)
        q = np.array(cur, float) / sum(cur)
        pf, qf = evidently_fill(p), evidently_fill(q)
        hist.append({
            "ref": ref, "cur": cur,
            "js_e": float(distance.jensenshannon(ref, cur)),
            "js_2": float(distance.jensenshannon(ref, cur, base=2)),
            "kl_filled": float(stats.entropy(pf, qf)),
            "psi_filled": float(np.sum((qf - pf) * np.log(qf / pf))),
            "hellinger": float(np.sqrt(np.sum((np.sqrt(p) - np.sqrt(q)) ** 2) / 2)),
            "source": "scipy.spatial.distance.jensenshannon, scipy.stats.entropy, numpy formulas",
        })
    cases["histogram_distances"] = hist

    # --- numpy binning (np.histogram_bin_edges over the pooled sample, np.histogram).
    bins = []
    for n_bins, lo_shift in [(10, 0.0), (30, 0.5), (7, -1e-3)]:
        ref = r(rng.normal(size=300), 3)
        cur = r(rng.normal(lo_shift, 1, size=200), 3)
        edges = np.histogram_bin_edges(ref + cur, bins=n_bins)
        bins.append({"ref": ref, "cur": cur, "bins": n_bins, "edges": edges.tolist(),
                     "ref_counts": np.histogram(ref, edges)[0].tolist(),
                     "cur_counts": np.histogram(cur, edges)[0].tolist()})
    cases["binning"] = bins

    # --- Categorical tests.
    cat = []
    for ref, cur in [([16, 18, 16, 14, 12, 12], [16, 16, 16, 16, 16, 8]), ([30, 10], [20, 25]),
                     ([5, 5, 8], [4, 6, 8]), ([100, 50, 25, 0], [90, 55, 20, 7]),
                     ([1, 200], [3, 180]), ([40, 40, 40, 40, 40], [10, 70, 40, 40, 40])]:
        cur_a, ref_a = np.array(cur, float), np.array(ref, float)
        expected = ref_a * cur_a.sum() / ref_a.sum()
        keep = (ref_a + cur_a) > 0
        gof = stats.chisquare(cur_a[keep], expected[keep]) if np.all(expected[keep] > 0) else None
        cont = stats.chi2_contingency(np.array([ref_a[keep], cur_a[keep]]))
        entry = {"ref": ref, "cur": cur,
                 "contingency_statistic": float(cont.statistic), "contingency_pvalue": float(cont.pvalue)}
        if gof is not None:
            entry["gof_statistic"] = float(gof.statistic)
            entry["gof_pvalue"] = float(gof.pvalue)
        cat.append(entry)
    cases["categorical"] = cat
    zt = []
    for a, n1, b, n2 in [(30, 100, 45, 120), (5, 1000, 9, 800), (500, 1000, 400, 1000),
                         (1, 10, 9, 10), (2, 2000, 60, 2000)]:
        p1, p2 = a / n1, b / n2
        pooled = (a + b) / (n1 + n2)
        z = (p1 - p2) / np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
        zt.append({"ref_hits": a, "ref_n": n1, "cur_hits": b, "cur_n": n2, "z": float(z),
                   "pvalue": float(2 * stats.norm.sf(abs(z)))})
    cases["z_test"] = zt

    # --- Cramér-von Mises two-sample (scipy.stats.cramervonmises_2samp).
    cvm = []
    for n, m, ties in [(2, 2, False), (3, 5, False), (7, 7, False), (9, 15, False), (10, 20, False),
                       (12, 8, True), (20, 20, False), (25, 30, False), (100, 80, False),
                       (60, 60, True), (300, 200, False)]:
        if ties:
            x, y = r(rng.integers(0, 6, size=n)), r(rng.integers(0, 7, size=m))
        else:
            x, y = r(rng.normal(size=n), 4), r(rng.normal(0.4, 1, size=m), 4)
        res = stats.cramervonmises_2samp(x, y)
        cvm.append({"x": x, "y": y, "statistic": float(res.statistic), "pvalue": float(res.pvalue),
                    "method": "exact" if max(n, m) <= 20 else "asymptotic"})
    x, y = r(rng.normal(size=30), 4), r(rng.normal(size=25), 4)
    res = stats.cramervonmises_2samp(x, y, method="exact")
    cvm.append({"x": x, "y": y, "statistic": float(res.statistic), "pvalue": float(res.pvalue),
                "method": "exact", "forced": True})
    cases["cvm_2samp"] = cvm

    # --- Anderson-Darling k-sample (scipy.stats.anderson_ksamp, interpolated p-value).
    ad = []
    import warnings
    for sizes, ties in [((10, 12), False), ((30, 20), False), ((50, 50, 40), False),
                        ((15, 15), True), ((200, 150), False), ((8, 9, 10, 11), True)]:
        samples = []
        for i, s in enumerate(sizes):
            if ties:
                samples.append(r(rng.integers(0, 5 + i, size=s)))
            else:
                samples.append(r(rng.normal(0.15 * i, 1, size=s), 4))
        for midrank in (True, False):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                res = stats.anderson_ksamp(samples, midrank=midrank)
            ad.append({"samples": samples, "midrank": midrank, "statistic": float(res.statistic),
                       "critical_values": [float(c) for c in res.critical_values],
                       "pvalue": float(res.pvalue)})
    cases["anderson_ksamp"] = ad

    # --- MMD^2 (unbiased) with the median-heuristic RBF bandwidth, numpy/scipy formulas.
    mmd = []
    for n, m, d, shift in [(20, 25, 2, 0.0), (30, 30, 3, 0.8), (15, 40, 1, 0.3)]:
        x = np.round(rng.normal(size=(n, d)), 4)
        y = np.round(rng.normal(shift, 1, size=(m, d)), 4)
        pooled = np.vstack([x, y])
        sigma = float(np.median(distance.pdist(pooled)))
        kern = np.exp(-distance.cdist(pooled, pooled, "sqeuclidean") / (2 * sigma ** 2))
        kxx, kyy, kxy = kern[:n, :n], kern[n:, n:], kern[:n, n:]
        mmd2 = ((kxx.sum() - np.trace(kxx)) / (n * (n - 1)) + (kyy.sum() - np.trace(kyy)) / (m * (m - 1))
                - 2 * kxy.mean())
        mmd.append({"x": x.ravel().tolist(), "y": y.ravel().tolist(), "dim": d, "sigma": sigma,
                    "mmd2": float(mmd2)})
    cases["mmd"] = mmd

    # --- PCA reconstruction error (scikit-learn StandardScaler + PCA(n_components=0.65)).
    pca_cases = []
    for n, d, ratio in [(200, 4, 0.65), (300, 6, 0.65), (150, 5, 0.9)]:
        base = rng.normal(size=(n, 2))
        mix = rng.normal(size=(2, d))
        ref = np.round(base @ mix + 0.3 * rng.normal(size=(n, d)), 4)
        cur = np.round(rng.normal(size=(80, 2)) @ mix + 0.3 * rng.normal(size=(80, d)) +
                       np.linspace(0, 1, d), 4)
        scaler = StandardScaler().fit(ref)
        pca = PCA(n_components=ratio, random_state=16).fit(scaler.transform(ref))
        def err(rows):
            z = scaler.transform(rows)
            back = pca.inverse_transform(pca.transform(z))
            return float(np.mean(np.linalg.norm(z - back, axis=1)))
        pca_cases.append({"reference": ref.ravel().tolist(), "current": cur.ravel().tolist(),
                          "dim": d, "variance_ratio": ratio, "components": int(pca.n_components_),
                          "reference_error": err(ref), "current_error": err(cur)})
    cases["pca_reconstruction"] = pca_cases

    # --- CUSUM input: the stream of River's drift.CUSUM docstring (expected indices asserted
    # there: 201 and 251). Python's random.Random(12345).gauss, as the docstring draws it.
    import random
    g = random.Random(12345)
    stable = [g.gauss(0, 1) for _ in range(200)]
    shifted = [g.gauss(3, 1) for _ in range(200)]
    cases["cusum_docstring_stream"] = {"values": [repr(v) for v in stable + shifted],
                                       "expected_indices": [201, 251],
                                       "source": "river/drift/cusum.py docstring"}

    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(cases, separators=(",", ":")) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    if "--no-venv" not in sys.argv:
        ensure_venv(__file__)
    main()
