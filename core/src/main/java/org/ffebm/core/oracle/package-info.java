/**
 * The independent double-precision gradient oracle and the gradient check (DESIGN §2, "Correctness oracle"; STYLE 12).
 *
 * <p>{@link org.ffebm.core.oracle.GradientOracle} reads a model's structure and parameter values and computes, on its
 * own code path (plain {@code double[]} loops and EJML's dense solvers; no {@code TensorOps}, no block relaxation, no
 * {@code HybridGradient}), the exact gradient of the mean loss at the blocks' fixed points: by implicit
 * differentiation, and, slower, by central finite differences with re-relaxation.
 * {@link org.ffebm.core.oracle.FiniteDifferenceOracle} works on any float64 model, convolutional ones included: central
 * differences of the batch-mean loss by nothing but the model's own forward pass, so it shares no code with any
 * backward path. {@link org.ffebm.core.oracle.GradCheck} compares the Equilibrium-Propagation estimate of the
 * production code with one of them (implicit differentiation for dense models, finite differences for convolutional
 * ones) for a list of β and estimators, and formats the result as a table or JSON.
 */
package org.ffebm.core.oracle;
