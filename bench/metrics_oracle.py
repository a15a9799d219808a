#!/usr/bin/python3
"""Reference scores for lib/metrics from scikit-learn (run by hand with Debian's python3: numpy 1.24,
scikit-learn 1.2.1).

Writes seeded code/factor datasets and the reference MIG / DCI values computed exactly as disent does
(20-bin histogram MIG; DCI with GradientBoostingClassifier() defaults) to tests/metrics/data/, where
tests/metrics/oracle_test.cpp checks our implementation against them.

    /usr/bin/python3 bench/metrics_oracle.py                 # regenerate fixtures, print reference scores
    /usr/bin/python3 bench/metrics_oracle.py --bench /tmp/gbt_bench.csv
        # also write a 10000 x 25 / 6 factors x 8 classes timing dataset (not committed) and time sklearn on it;
        # DISENT_GBT_BENCH_CSV=/tmp/gbt_bench.csv build-metrics/test_metrics --gtest_also_run_disabled_tests
        #     --gtest_filter='*GbtBench*'   times ours on the same data.
"""
import argparse
import os
import sys
import time

import numpy as np
import scipy.stats
import sklearn
import scipy.linalg
from sklearn import linear_model, preprocessing, svm
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.metrics import mutual_info_score, roc_auc_score

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "tests", "metrics", "data")


# --- disent's metric formulas (codes are (Z, N), factors are (F, N)) ----------------------------------
def histogram_discretize(target, num_bins=20):
    out = np.zeros_like(target)
    for i in range(target.shape[0]):
        out[i, :] = np.digitize(target[i, :], np.histogram(target[i, :], num_bins)[1][:-1])
    return out


def discrete_mutual_info(mus, ys):
    m = np.zeros([mus.shape[0], ys.shape[0]])
    for i in range(mus.shape[0]):
        for j in range(ys.shape[0]):
            m[i, j] = mutual_info_score(ys[j, :], mus[i, :])
    return m


def discrete_entropy(ys):
    return np.array([mutual_info_score(ys[j, :], ys[j, :]) for j in range(ys.shape[0])])


def mig(mus, ys):
    m = discrete_mutual_info(histogram_discretize(mus), ys)
    h = discrete_entropy(ys)
    s = np.sort(m, axis=0)[::-1]
    return np.mean(np.divide(s[0, :] - s[1, :], h[:]))


def importance_gbt(x_train, y_train, x_test, y_test):
    r = np.zeros([x_train.shape[0], y_train.shape[0]], dtype=np.float64)
    acc_train, acc_test, seconds = [], [], 0.0
    for i in range(y_train.shape[0]):
        model = GradientBoostingClassifier()
        t0 = time.perf_counter()
        model.fit(x_train.T, y_train[i, :])
        seconds += time.perf_counter() - t0
        r[:, i] = np.abs(model.feature_importances_)
        acc_train.append(np.mean(model.predict(x_train.T) == y_train[i, :]))
        acc_test.append(np.mean(model.predict(x_test.T) == y_test[i, :]))
    return r, np.mean(acc_train), np.mean(acc_test), seconds


def disentanglement(r):
    per_code = 1.0 - scipy.stats.entropy(r.T + 1e-11, base=r.shape[1])
    if r.sum() == 0.0:
        r = np.ones_like(r)
    return np.sum(per_code * r.sum(axis=1) / r.sum())


def completeness(r):
    per_factor = 1.0 - scipy.stats.entropy(r + 1e-11, base=r.shape[0])
    if r.sum() == 0.0:
        r = np.ones_like(r)
    return np.sum(per_factor * r.sum(axis=0) / r.sum())


# --- disentanglement_lib's SAP, modularity/explicitness, unsupervised and IRS formulas -----------------
def sap(mus, ys, mus_test, ys_test, continuous):
    num_latents, num_factors = mus.shape[0], ys.shape[0]
    score = np.zeros([num_latents, num_factors])
    for i in range(num_latents):
        for j in range(num_factors):
            if continuous:
                c = np.cov(mus[i, :], ys[j, :], ddof=1)
                score[i, j] = c[0, 1] ** 2 / (c[0, 0] * c[1, 1]) if c[0, 0] > 1e-12 else 0.0
            else:
                clf = svm.LinearSVC(C=0.01, class_weight="balanced")
                clf.fit(mus[i, :][:, np.newaxis], ys[j, :])
                score[i, j] = np.mean(clf.predict(mus_test[i, :][:, np.newaxis]) == ys_test[j, :])
    s = np.sort(score, axis=0)
    return np.mean(s[-1, :] - s[-2, :])


def modularity(mi):
    sq = np.square(mi)
    mx = np.max(sq, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        score = 1.0 - (np.sum(sq, axis=1) - mx) / (mx * (sq.shape[1] - 1.0))
    score[mx == 0.0] = 0.0
    return np.mean(score)


def explicitness(mus, ys, mus_test, ys_test):
    mean, std = np.mean(mus, axis=1)[:, None], np.std(mus, axis=1)[:, None]
    xtr, xte = ((mus - mean) / std).T, ((mus_test - mean) / std).T
    tr, te = [], []
    for j in range(ys.shape[0]):
        clf = linear_model.LogisticRegression().fit(xtr, ys[j])
        mlb = preprocessing.MultiLabelBinarizer()
        tr.append(roc_auc_score(mlb.fit_transform(np.expand_dims(ys[j], 1)), clf.predict_proba(xtr)))
        te.append(roc_auc_score(mlb.fit_transform(np.expand_dims(ys_test[j], 1)), clf.predict_proba(xte)))
    return np.mean(tr), np.mean(te)


def unsupervised(mus):
    cov = np.cov(mus)
    tc = 0.5 * (np.sum(np.log(np.diag(cov))) - np.linalg.slogdet(cov)[1])
    wc = 2 * np.trace(cov) - 2 * np.trace(scipy.linalg.sqrtm(cov * np.expand_dims(np.diag(cov), axis=1)))
    d = histogram_discretize(mus)
    mi = discrete_mutual_info(d, d)
    np.fill_diagonal(mi, 0)
    z = mus.shape[0]
    return {"unsup.gauss_total_corr": tc, "unsup.gauss_wasser_corr": np.real(wc),
            "unsup.gauss_wasser_corr_norm": np.real(wc) / np.sum(np.diag(cov)), "unsup.mi_score": np.sum(mi) / (z * z - z)}


def irs(mus, ys, q=0.99):
    ys = histogram_discretize(ys)
    mus = mus[mus.std(axis=1) > 0, :]
    gen, lat = ys.T, mus.T
    max_dev = np.max(np.abs(lat - lat.mean(axis=0)), axis=0)
    cum = np.zeros([lat.shape[1], gen.shape[1]])
    for i in range(gen.shape[1]):
        u = np.unique(gen[:, i], axis=0)
        for k in range(u.shape[0]):
            match = gen[:, i] == u[k]
            diffs = np.abs(lat[match, :] - np.mean(lat[match, :], axis=0))
            cum[:, i] += np.percentile(diffs, q=q * 100, axis=0)
        cum[:, i] /= u.shape[0]
    scores = (1.0 - cum / max_dev[:, np.newaxis]).max(axis=1)
    return np.average(scores, weights=max_dev) if np.sum(max_dev) > 0 else np.mean(scores)


def more_scores(z_train, y_train, z_test, y_test):
    """SAP (continuous exact; discrete = mean over SAP_SEEDS LinearSVC random states), modularity,
    explicitness, unsupervised, IRS on the same fixture codes."""
    out = {}
    runs = []
    t0 = time.perf_counter()
    for rep in range(SAP_SEEDS):
        np.random.seed(rep)  # LinearSVC(random_state=None) draws its liblinear seed from the global RNG
        runs.append(sap(z_train, y_train, z_test, y_test, False))
    out["sklearn_sap_seconds"] = (time.perf_counter() - t0) / SAP_SEEDS
    out["sap.score"] = np.mean(runs)
    out["spread.sap.score"] = np.max(runs) - np.min(runs)
    out["sap_continuous.score"] = sap(z_train, y_train, z_test, y_test, True)
    out["modularity.modularity_score"] = modularity(discrete_mutual_info(histogram_discretize(z_train), y_train))
    out["modularity.explicitness_score_train"], out["modularity.explicitness_score_test"] = explicitness(z_train, y_train, z_test, y_test)
    out.update(unsupervised(z_train))
    out["irs.score"] = irs(z_train, y_train)
    return out


SAP_SEEDS = 3


# --- seeded datasets ---------------------------------------------------------------------------------
def factors(rs, sizes, n):
    return np.stack([rs.randint(0, s, size=n) for s in sizes])  # (F, N)


def ds_noisy_identity(rs, n):  # informative latents with noise + 2 nuisance latents; a binary factor
    sizes = [4, 6, 2, 8]
    y = factors(rs, sizes, n)
    z = [y[j] / sizes[j] * 2.0 + rs.normal(0, 0.15, n) for j in range(4)] + [rs.normal(0, 1, n) for _ in range(2)]
    return np.stack(z), y


MIX = np.random.RandomState(123).normal(size=(5, 3))


def ds_mixed(rs, n):  # entangled: every latent is a linear mix of all factors
    sizes = [5, 3, 6]
    y = factors(rs, sizes, n)
    yn = y / np.array(sizes)[:, None]
    return MIX @ yn + rs.normal(0, 0.05, (5, n)), y


def ds_random(rs, n):  # latents independent of the factors
    sizes = [3, 5, 2]
    return rs.normal(0, 1, (4, n)), factors(rs, sizes, n)


def ds_quantised(rs, n):  # coarse latents with many ties (tests split grouping / tie handling)
    sizes = [5, 4]
    y = factors(rs, sizes, n)
    z = np.stack([y[0] * 0.5 + rs.normal(0, 0.4, n), y[1] * 0.5 + rs.normal(0, 0.4, n), rs.normal(0, 1, n)])
    return np.round(z, 1), y


def ds_duplicated(rs, n):  # codes = [z, z]: exact ties between features, split by feature visiting order
    sizes = [4, 5]
    y = factors(rs, sizes, n)
    z = np.stack([y[0] + rs.normal(0, 0.3, n), y[1] + rs.normal(0, 0.3, n)])
    return np.concatenate([z, z]), y


def ds_one_latent(rs, n):  # a single latent: no ties between features, so sklearn's trees are deterministic
    sizes = [2, 3, 5]
    y = factors(rs, sizes, n)
    return (y[0] * 0.7 + y[1] * 0.45 + y[2] * 0.2 + rs.normal(0, 0.3, n))[None, :], y


DATASETS = [("noisy_identity", ds_noisy_identity), ("mixed", ds_mixed), ("random", ds_random),
            ("quantised", ds_quantised), ("duplicated", ds_duplicated)]
N_TRAIN, N_TEST = 1000, 500
REPEATS = 5
ONE_LATENT_POINTS = 50
DCI_KEYS = ["dci.disentanglement", "dci.completeness", "dci.informativeness_train", "dci.informativeness_test"]


def write_csv(path, z, y):
    # repr() of a float64 round-trips exactly through strtod, so both sides see identical codes.
    with open(path, "w") as f:
        f.write(",".join([f"z{i}" for i in range(z.shape[0])] + [f"f{j}" for j in range(y.shape[0])]) + "\n")
        for k in range(z.shape[1]):
            f.write(",".join([repr(float(v)) for v in z[:, k]] + [str(int(v)) for v in y[:, k]]) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench", help="also write and time a large GBT benchmark dataset at this CSV path")
    args = ap.parse_args()
    print(f"numpy {np.__version__}, scikit-learn {sklearn.__version__}", file=sys.stderr)
    os.makedirs(DATA, exist_ok=True)
    rows = []
    for seed, (name, make) in enumerate(DATASETS):
        rs = np.random.RandomState(1000 + seed)
        z_train, y_train = make(rs, N_TRAIN)
        z_test, y_test = make(rs, N_TEST)
        z_train, z_test = np.round(z_train, 4), np.round(z_test, 4)  # short, exact text
        write_csv(os.path.join(DATA, f"oracle_{name}_train.csv"), z_train, y_train)
        write_csv(os.path.join(DATA, f"oracle_{name}_test.csv"), z_test, y_test)
        # sklearn's own answer varies with its random feature order (tied splits): the reference is the
        # mean over REPEATS global seeds and `spread.<key>` records max - min over them.
        runs = []
        for rep in range(REPEATS):
            np.random.seed(rep)  # GradientBoostingClassifier() draws from the global RNG, as in disent
            r, acc_train, acc_test, seconds = importance_gbt(z_train, y_train, z_test, y_test)
            runs.append((r, [disentanglement(r), completeness(r), acc_train, acc_test], seconds))
        dci = np.array([x[1] for x in runs])
        r = np.mean([x[0] for x in runs], axis=0)
        scores = {"mig.discrete_score": mig(z_train, y_train)}
        for i, key in enumerate(DCI_KEYS):
            scores[key] = dci[:, i].mean()
        for i, key in enumerate(DCI_KEYS):
            scores["spread." + key] = dci[:, i].max() - dci[:, i].min()
        scores["sklearn_gbt_fit_seconds"] = np.mean([x[2] for x in runs])
        scores.update(more_scores(z_train, y_train, z_test, y_test))
        for zi in range(r.shape[0]):
            for j in range(r.shape[1]):
                scores[f"R.{zi}.{j}"] = r[zi, j]  # mean importance matrix
        for k, v in scores.items():
            rows.append((name, k, v))
        print(f"{name:15s} " + "  ".join(f"{k.replace('dci.', '')}={v:.4f}" for k, v in scores.items() if not k.startswith("R.")))
    with open(os.path.join(DATA, "oracle_reference.csv"), "w") as f:
        f.write("dataset,key,value\n")
        for name, k, v in rows:
            f.write(f"{name},{k},{float(v)!r}\n")

    # Exact check of the boosting arithmetic: with one feature there is no random feature order, so our
    # trees equal sklearn's until two splits tie up to rounding (sklearn's summation order differs); the
    # raw decision values of the first test points are stored for 10 stages (exact) and 100 (default).
    rs = np.random.RandomState(2000)
    z_train, y_train = ds_one_latent(rs, 400)
    z_test, y_test = ds_one_latent(rs, 100)
    z_train, z_test = np.round(z_train, 4), np.round(z_test, 4)
    write_csv(os.path.join(DATA, "oracle_one_latent_train.csv"), z_train, y_train)
    write_csv(os.path.join(DATA, "oracle_one_latent_test.csv"), z_test, y_test)
    with open(os.path.join(DATA, "oracle_one_latent_decision.csv"), "w") as f:
        f.write("stages,factor,point,column,value\n")
        for stages in (10, 100):
            for j in range(y_train.shape[0]):
                model = GradientBoostingClassifier(n_estimators=stages).fit(z_train.T, y_train[j])
                raw = model.decision_function(z_test.T).reshape(z_test.shape[1], -1)
                for i in range(ONE_LATENT_POINTS):
                    for k in range(raw.shape[1]):
                        f.write(f"{stages},{j},{i},{k},{float(raw[i, k])!r}\n")

    if args.bench:
        rs = np.random.RandomState(7)
        n, zdim, nf, nc = 10000, 25, 6, 8
        y = factors(rs, [nc] * nf, n)
        z = rs.normal(0, 1, (zdim, n))
        z[:nf] += y * 0.5
        z = np.round(z, 4)
        write_csv(args.bench, z, y)
        t0 = time.perf_counter()
        for j in range(nf):
            GradientBoostingClassifier().fit(z.T, y[j])
        print(f"bench: sklearn fits {nf} factors x {nc} classes on {n} x {zdim}: {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
