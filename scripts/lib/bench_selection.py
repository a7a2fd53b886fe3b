"""scikit-learn / numpy side of scripts/bench-selection: times one step on a raw float32 file.

usage: /usr/bin/python3 bench_selection.py STEP N D FILE
prints: STEP seconds=S threads=T detail=...

Each step mirrors ai.curator.eval.bench.selection.SelectionTiming (same data file, same sizes):
  svd            TruncatedSVD(5, algorithm='randomized', n_oversamples=10, n_iter=2)  (Java: p=10, q=2)
  leverage       row sums of U**2 from that SVD (the SVD itself is not timed)
  kmeans         KMeans(1000, init='k-means++', n_init=1, max_iter=5, tol=0, algorithm='lloyd')
                 (sklearn's k-means++ tries 2+log(k) candidates per centre; curator's draws one)
  krr            20,000 uniform landmarks, target ||x|| + sin(x0), RBF gamma = 1/(2 h^2) with h the
                 median distance of 2,000 random pairs, Nystroem(1000) + Ridge, alpha picked from
                 1e-4..10 on a 20 % validation split, refit on all landmarks, predict all N rows
  lrs_basis      low-rank sensitivity (k=5, gamma=5, lambda=1, l(v_i)=1, smoothing 1e-6) + s=1000 draws
  lrs_landmarks  the same with 20 % leverage-sampled landmarks and the krr step's model
  sampling       the s=1000 draw alone (sensitivities computed before, untimed)
"""
import sys
import time

import numpy as np
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.kernel_approximation import Nystroem
from sklearn.linear_model import Ridge

LAMBDAS = [1e-4, 1e-3, 1e-2, 1e-1, 1.0, 10.0]


def svd5(x):
    t = TruncatedSVD(n_components=5, algorithm="randomized", n_oversamples=10, n_iter=2, random_state=7)
    us = t.fit_transform(x)  # U * Sigma
    return us / t.singular_values_, t.singular_values_, t.components_


def krr_fit_predict(lm, y, x, rng):
    m = lm.shape[0]
    i = rng.integers(0, m, 2000)
    j = (i + 1 + rng.integers(0, m - 1, 2000)) % m
    h = float(np.median(np.linalg.norm(lm[i] - lm[j], axis=1)))
    perm = rng.permutation(m)
    nval = int(round(0.2 * m))
    val, tr = perm[:nval], perm[nval:]
    ny = Nystroem(kernel="rbf", gamma=1.0 / (2 * h * h), n_components=min(1000, m), random_state=5)
    phi = ny.fit_transform(lm)
    mean = y.mean()
    best = None
    for a in LAMBDAS:
        r = Ridge(alpha=a, fit_intercept=False).fit(phi[tr], y[tr] - mean)
        mse = float(np.mean((r.predict(phi[val]) + mean - y[val]) ** 2))
        if best is None or mse <= best[0]:
            best = (mse, a)
    r = Ridge(alpha=best[1], fit_intercept=False).fit(phi, y - mean)
    pred = r.predict(ny.transform(x)) + mean
    return pred, h, best


def sensitivity(x, sq, mode, rng):
    u, s, vt = svd5(x)
    alpha = x @ vt.T
    resid = np.maximum(0.0, sq - (alpha.astype(np.float64) ** 2).sum(axis=1))
    gamma, lam, k = 5.0, 1.0, 5
    if mode == "basis":
        lhat = (alpha.astype(np.float64) ** 2).sum(axis=1)  # l(v_i) = 1
        xi = 1.0
    else:
        lev = (u.astype(np.float64) ** 2).sum(axis=1) + 1e-9
        m = int(round(0.2 * x.shape[0]))
        rows = rng.choice(x.shape[0], size=m, replace=False, p=lev / lev.sum())
        losses = sq[rows]
        pred, _, _ = krr_fit_predict(x[rows], losses, x, rng)
        lhat = np.maximum(0.0, pred)
        lhat[rows] = losses
        xi = float(losses.max())
    return (gamma + 1) * lhat + gamma * k * xi + lam * resid + 1e-6


def draw(sigma, sq, s, rng):
    p = sigma / sigma.sum()
    idx = rng.choice(len(p), size=s, replace=True, p=p)
    rows, counts = np.unique(idx, return_counts=True)
    w = counts / (s * p[rows])
    est = float((w * sq[rows]).sum())
    return "s=%d,distinct=%d,relErr=%.2e" % (s, len(rows), abs(est - sq.sum()) / sq.sum())


def main():
    step, n, d, path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    x = np.fromfile(path, dtype="<f4").reshape(n, d)
    sq = (x.astype(np.float64) ** 2).sum(axis=1)
    rng = np.random.default_rng(11)
    if step == "leverage":
        u, _, _ = svd5(x)
        t = time.perf_counter()
        lev = (u.astype(np.float64) ** 2).sum(axis=1)
        detail = "sum=%.4f(untimed SVD before)" % lev.sum()
    elif step == "sampling":
        sigma = sensitivity(x, sq, "basis", rng)
        t = time.perf_counter()
        detail = draw(sigma, sq, 1000, rng)
    else:
        t = time.perf_counter()
        if step == "svd":
            _, s, _ = svd5(x)
            detail = "s1=%.1f,s5=%.1f" % (s[0], s[4])
        elif step == "kmeans":
            km = KMeans(n_clusters=min(1000, n), init="k-means++", n_init=1, max_iter=5, tol=0,
                        algorithm="lloyd", random_state=3).fit(x)
            detail = "iterations=%d,inertia=%.4g" % (km.n_iter_, km.inertia_)
        elif step == "krr":
            m = min(20000, n // 2)
            rows = rng.permutation(n)[:m]
            lm = x[rows]
            y = np.sqrt(sq[rows]) + np.sin(lm[:, 0].astype(np.float64))
            pred, h, best = krr_fit_predict(lm, y, x, rng)
            detail = "m=%d,r=1000,lambda=%.0e,h=%.2f,valMSE=%.4g,predMean=%.4g" % (m, best[1], h, best[0], pred.mean())
        elif step in ("lrs_basis", "lrs_landmarks"):
            sigma = sensitivity(x, sq, step[4:], rng)
            detail = draw(sigma, sq, 1000, rng)
        else:
            sys.exit("unknown step " + step)
    print("%s seconds=%.3f threads=- detail=%s" % (step, time.perf_counter() - t, detail))


if __name__ == "__main__":
    main()
