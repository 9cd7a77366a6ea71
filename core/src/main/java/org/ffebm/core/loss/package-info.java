/** Losses on the read-out: cross-entropy and squared error, with their per-sample gradients. */
package org.ffebm.core.loss;
