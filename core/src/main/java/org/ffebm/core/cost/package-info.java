/**
 * The cost model of the scheduler (DESIGN §5): per-operation energy and time figures with cited defaults
 * ({@link org.ffebm.core.cost.CostConfig}, keys {@code ffebm.cost.*}) and pure functions that turn operation,
 * conversion and pulse counts into picojoules and nanoseconds.
 */
package org.ffebm.core.cost;
