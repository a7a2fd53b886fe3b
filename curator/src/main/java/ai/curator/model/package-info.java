/**
 * Small models curator fits itself: target models whose per-sample losses feed scorers (logistic
 * regression), and the kernel ridge regression that extrapolates landmark losses to every row.
 */
package ai.curator.model;
