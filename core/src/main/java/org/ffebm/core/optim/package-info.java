/** Optimisers: SGD with momentum and Adam, per-block learning rates, weight decay, schedules. */
package org.ffebm.core.optim;
