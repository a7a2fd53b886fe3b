/** Small models curator fits itself: target models whose per-sample losses feed scorers (logistic regression). */
package ai.curator.model;
