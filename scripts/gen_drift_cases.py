#!/usr/bin/env python3
"""Generates detectors/drift/tests/data/drift_cases.json: oracle values for the
drift decision layer (detectors/drift), computed with numpy, scipy and
statsmodels following Evidently's and NannyML's published code paths:

  - multiple-testing corrections: statsmodels.stats.multitest.multipletests
    (methods "bonferroni" and "fdr_bh");
  - numpy.histogram_bin_edges(x, bins="sturges" | "doane");
  - Evidently (src/evidently/calculations/stattests/utils.py get_binned_data,
    jensenshannon.py, psi.py, kl_div.py, hellinger_distance.py, registry.py
    _get_default_stattest): Sturges bins over reference and current together
    for numeric columns with more than 20 distinct reference values, else
    shares per distinct value; zero shares filled (PSI, KL); natural-log JS;
  - NannyML (nannyml/drift/univariate/methods.py, thresholds.py): Doane bins
    of the reference, an extra bin for current mass outside them, base-2 JS,
    the 10,000-bin KS for references of 10,000 values or more, thresholds of
    mean + 3 population standard deviations over reference chunks.

Run with the virtualenv of scripts/requirements-stats.txt plus
statsmodels==0.15.0:  python scripts/gen_drift_cases.py
"""
import json
import os

import numpy as np
from scipy import stats
from scipy.spatial import distance
from statsmodels.stats.multitest import multipletests

OUT = os.path.join(os.path.dirname(__file__), "..", "detectors", "drift", "tests", "data",
                   "drift_cases.json")


def fl(a):
    return [float(x) for x in a]


def evidently_binned(ref, cur, feel_zeroes):
    ref = np.asarray(ref, dtype=float)
    cur = np.asarray(cur, dtype=float)
    if len(np.unique(ref)) > 20:
        bins = np.histogram_bin_edges(np.concatenate([ref, cur]), bins="sturges")
        rp = np.histogram(ref, bins)[0] / len(ref)
        cp = np.histogram(cur, bins)[0] / len(cur)
    else:
        keys = sorted(set(ref) | set(cur))
        rp = np.array([np.sum(ref == k) / len(ref) for k in keys])
        cp = np.array([np.sum(cur == k) / len(cur) for k in keys])
    if feel_zeroes:
        for p in (rp, cp):
            m = min(p[p != 0])
            np.place(p, p == 0, m / 10**6 if m <= 0.0001 else 0.0001)
    return rp, cp


def evidently_case(name, ref, cur):
    r, c = evidently_binned(ref, cur, False)
    rz, cz = evidently_binned(ref, cur, True)
    return {
        "name": name, "ref": fl(ref), "cur": fl(cur),
        "jensenshannon": float(distance.jensenshannon(r, c)),
        "psi": float(np.sum((cz - rz) * np.log(cz / rz))),
        "kl": float(stats.entropy(rz, cz)),
        "hellinger": float(np.sqrt(np.sum((np.sqrt(r) - np.sqrt(c)) ** 2)) / np.sqrt(2)),
        "wasserstein": float(stats.wasserstein_distance(ref, cur) / max(np.std(ref), 0.001)),
    }


def nannyml_js(ref, cur):
    bins = np.histogram_bin_edges(np.asarray(ref, dtype="float64"), bins="doane")
    rp = np.histogram(ref, bins=bins)[0] / len(ref)
    cp = np.histogram(cur, bins=bins)[0] / len(cur)
    # NannyML appends 1 - sum(cp); computed here from counts so that a float
    # residue of 1e-16 does not add a phantom bin.
    inside = np.histogram(cur, bins=bins)[0].sum()
    if inside < len(cur):
        cp = np.append(cp, (len(cur) - inside) / len(cur))
        rp = np.append(rp, 0)
    js = distance.jensenshannon(rp, cp, base=2)
    hell = np.sqrt(np.sum((np.sqrt(rp) - np.sqrt(cp)) ** 2)) / np.sqrt(2)
    return float(js), float(hell)


def nannyml_binned_ks(ref, cur, n_bins=10000):
    ref = np.asarray(ref)
    cur = np.asarray(cur)
    edges = np.linspace(np.min(ref), np.max(ref), n_bins + 1)
    rh, qts = np.histogram(ref, edges)
    ref_cdf = np.cumsum(rh / len(ref))
    ch, _ = np.histogram(cur, qts)
    below = len(cur[cur < qts[0]]) / len(cur)
    cur_cdf = below + np.cumsum(ch / len(cur))
    d = float(np.max(np.abs(ref_cdf - cur_cdf)))
    m, n = sorted([float(len(ref)), float(len(cur))], reverse=True)
    p = float(stats.kstwo.sf(d, np.round(m * n / (m + n))))
    return d, p


def evidently_default_test(ref, cur, ftype):
    n_values = len(set(ref) | set(cur))
    if len(ref) <= 1000:
        if ftype == "num":
            if n_values <= 5:
                return "chisquare" if n_values > 2 else "z"
            return "ks"
        return "chisquare" if n_values > 2 else "z"
    if ftype == "num":
        return "jensenshannon" if n_values <= 5 else "wasserstein"
    return "jensenshannon"


def main():
    rng = np.random.default_rng(20240601)
    out = {"_source": __doc__.strip().splitlines()[0]}

    # Corrections.
    corr = []
    for p in ([0.01, 0.04, 0.03, 0.2, 0.5], [0.001, 0.001, 0.02, 0.02, 0.9, 0.049],
              list(rng.uniform(0, 0.1, 12)), [0.5], [0.0, 1.0, 0.03]):
        corr.append({"p": fl(p),
                     "bonferroni": fl(multipletests(p, method="bonferroni")[1]),
                     "fdr_bh": fl(multipletests(p, method="fdr_bh")[1])})
    out["corrections"] = corr

    # numpy bin rules.
    edges = []
    for x in (rng.normal(0, 1, 500), rng.exponential(2.0, 1234), rng.uniform(-5, 5, 77),
              np.round(rng.normal(100, 10, 3000), 1), np.array([1.0, 2.0, 2.0, 9.0])):
        edges.append({"x": fl(x),
                      "sturges": fl(np.histogram_bin_edges(x, bins="sturges")),
                      "doane": fl(np.histogram_bin_edges(x, bins="doane"))})
    out["bin_edges"] = edges

    # Evidently numeric binning.
    ev = [
        evidently_case("normal_shift", rng.normal(0, 1, 800), rng.normal(0.3, 1.2, 600)),
        evidently_case("exponential_vs_lognormal", rng.exponential(1.0, 1500), rng.lognormal(0, 0.6, 1100)),
        evidently_case("few_values", rng.integers(0, 8, 900).astype(float), rng.integers(0, 10, 700).astype(float)),
        evidently_case("tail_only_in_current", rng.normal(0, 1, 1200),
                       np.concatenate([rng.normal(0, 1, 900), rng.normal(8, 0.5, 60)])),
    ]
    out["evidently_numeric"] = ev

    # NannyML continuous JS / Hellinger with the out-of-range bin.
    nm = []
    for name, ref, cur in (
            ("normal_shift", rng.normal(0, 1, 2000), rng.normal(0.4, 1, 800)),
            ("current_beyond_range", rng.uniform(0, 1, 1500), rng.uniform(0.5, 1.8, 700)),
            ("skewed", rng.gamma(1.5, 2.0, 3000), rng.gamma(1.5, 2.3, 1000))):
        js, hell = nannyml_js(ref, cur)
        nm.append({"name": name, "ref": fl(ref), "cur": fl(cur), "jensenshannon": js, "hellinger": hell})
    out["nannyml_numeric"] = nm

    # NannyML 10,000-bin KS (reference >= 10,000 values).
    ref = rng.normal(0, 1, 12000)
    cur = np.concatenate([rng.normal(0.1, 1, 1500), rng.normal(-6, 0.1, 5)])
    d, p = nannyml_binned_ks(ref, cur)
    out["nannyml_ks"] = {"ref": fl(ref), "cur": fl(cur), "statistic": d, "p_value": p}

    # NannyML categorical JS (reference categories plus one unseen bin) and chi2.
    ref_c = {"a": 500, "b": 300, "c": 200}
    cur_c = {"a": 380, "b": 300, "c": 250, "d": 70}
    keys = sorted(ref_c)
    rp = np.array([ref_c[k] for k in keys]) / sum(ref_c.values())
    cp = np.array([cur_c.get(k, 0) for k in keys]) / sum(cur_c.values())
    leftover = 1 - cp.sum()
    if leftover > 0:
        rp = np.append(rp, 0)
        cp = np.append(cp, leftover)
    allk = sorted(set(ref_c) | set(cur_c))
    table = np.array([[ref_c.get(k, 0) for k in allk], [cur_c.get(k, 0) for k in allk]]).T
    chi = stats.chi2_contingency(table)
    out["nannyml_categorical"] = {"ref": ref_c, "cur": cur_c,
                                  "jensenshannon": float(distance.jensenshannon(rp, cp, base=2)),
                                  "chi2_statistic": float(chi[0]), "chi2_p_value": float(chi[1])}

    # NannyML threshold: JS of each 500-row reference chunk against the whole
    # reference, then mean + 3 * np.std (population).
    ref = rng.normal(5, 2, 4000)
    chunk_js = [nannyml_js(ref, ref[i:i + 500])[0] for i in range(0, 4000, 500)]
    out["nannyml_calibration"] = {"ref": fl(ref), "chunk_rows": 500, "chunk_js": chunk_js,
                                  "threshold": float(np.mean(chunk_js) + 3 * np.std(chunk_js))}

    # Evidently's automatic test choice.
    choice = []
    for n_ref, uniq_ref, uniq_cur, ftype in ((1000, 6, 6, "num"), (1000, 5, 5, "num"), (1000, 3, 3, "num"),
                                             (1000, 2, 2, "num"), (1000, 2, 3, "num"), (1001, 6, 6, "num"),
                                             (1001, 5, 5, "num"), (1001, 2, 2, "cat"), (1000, 2, 2, "cat"),
                                             (1000, 3, 3, "cat"), (500, 5, 6, "num"), (1000, 1, 1, "num")):
        ref = [float(i % uniq_ref) for i in range(n_ref)]
        cur = [float(i % uniq_cur) for i in range(300)]
        choice.append({"n_ref": n_ref, "unique_ref": uniq_ref, "unique_cur": uniq_cur, "type": ftype,
                       "test": evidently_default_test(ref, cur, ftype)})
    out["evidently_choice"] = choice

    with open(OUT, "w") as f:
        json.dump(out, f, indent=None, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
