package org.ffebm.digital.layer;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.ejml.data.ReshapeMatrix;
import org.ffebm.core.block.FeedforwardBlock;
import org.ffebm.core.block.Param;
import org.ffebm.core.block.Shape;
import org.ffebm.core.tensor.Parallel;
import org.ffebm.core.tensor.TensorOps;

/**
 * Batch normalisation per channel (Ioffe &amp; Szegedy 2015, "Batch Normalization: Accelerating Deep Network Training
 * by Reducing Internal Covariate Shift", ICML), for c×h×w inputs (dense inputs are c×1×1):
 * <pre>
 *   y = γ[c]·(x − μ[c])/√(σ²[c] + ε) + β[c]
 * </pre>
 * <ul>
 *   <li>Training ({@code forward(x, true)}): μ, σ² are the mean and biased variance of channel c over the batch and
 *       the h·w positions (N = B·h·w values, N ≥ 2), and the running statistics move as in PyTorch:
 *       μ_run ← (1 − m)·μ_run + m·μ, σ²_run ← (1 − m)·σ²_run + m·σ²·N/(N − 1) (unbiased), m the momentum.</li>
 *   <li>Evaluation ({@code forward(x, false)}): μ = μ_run, σ² = σ²_run (initially 0 and 1).</li>
 * </ul>
 * With {@code affine}, γ (init 1) and β (init 0) are params {@code name.gamma}, {@code name.beta}, each 1 × c, of
 * kind BIAS (not weight-decayed); without, γ = 1, β = 0 are frozen and the layer has no params.
 *
 * <p>Backward for the error g = ∂ℓ/∂y, with x̂ = (x − μ)/√(σ² + ε) and means ⟨·⟩ per channel over the N values:
 * ∇γ += scale·Σ g·x̂, ∇β += scale·Σ g, and ∂ℓ/∂x = γ/√(σ² + ε)·(g − ⟨g⟩ − x̂·⟨g·x̂⟩) in training mode (the
 * dependence of μ and σ² on x included), γ/√(σ² + ε)·g in evaluation mode. The mode is that of the last forward.
 * Statistics are accumulated in double, channels split over threads, each in a fixed order (core's {@link
 * TensorOps#channelSums}); the normalisation and the input gradient are {@link TensorOps#channelAffine}.
 *
 * <p>Cost per sample: MACs = c·h·w (the folded affine map a·x + b of inference; training adds about 2 per value for
 * the statistics); bytes = 4·2·c·h·w.
 *
 * @param <M> the matrix type of the back end
 */
public final class BatchNorm2d<M extends ReshapeMatrix> implements FeedforwardBlock<M> {

    /** PyTorch's default ε. */
    public static final double DEFAULT_EPS = 1e-5;
    /** PyTorch's default momentum. */
    public static final double DEFAULT_MOMENTUM = 0.1;

    private final TensorOps<M> ops;
    private final String name;
    private final Shape shape;
    private final int channels, spatial;
    private final double eps, momentum;
    private final Param<M> gamma, beta;
    private final List<Param<M>> params;
    private final M output, gradIn;
    private final double[] runMean, runVar;
    // the statistics of the last forward, and scratch per channel
    private final double[] mean, invStd, sumU, sumUV, coefA, coefB, coefD;
    private boolean training;
    private long count;
    private M input, gradOut;
    private final Parallel.RangeTask statsTask = this::statsRange;
    private final Parallel.RangeTask normalizeTask = this::normalizeRange;
    private final Parallel.RangeTask gradSumsTask = this::gradSumsRange;
    private final Parallel.RangeTask inputGradTask = this::inputGradRange;

    /**
     * @param ops the back end
     * @param name the block's name
     * @param shape c×h×w; statistics are per channel c
     * @param eps ε &gt; 0, finite
     * @param momentum m in [0, 1]
     * @param affine whether γ, β are trainable params (else fixed at 1, 0)
     * @throws IllegalArgumentException naming the block, parameter and value, if eps or momentum is out of range
     * @throws NullPointerException if an object argument is null
     */
    public BatchNorm2d(TensorOps<M> ops, String name, Shape shape, double eps, double momentum, boolean affine) {
        this.ops = Objects.requireNonNull(ops, "ops");
        this.name = Objects.requireNonNull(name, "name");
        this.shape = Objects.requireNonNull(shape, "shape");
        if (!(eps > 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException(name + ": eps must be finite and > 0, was " + eps);
        }
        if (!(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException(name + ": momentum must be in [0, 1], was " + momentum);
        }
        this.eps = eps;
        this.momentum = momentum;
        this.channels = shape.channels();
        this.spatial = shape.height() * shape.width();
        if (affine) {
            M g = ops.zeros(1, channels);
            ops.fill(g, 1.0);
            gamma = new Param<>(name + ".gamma", name, Param.Kind.BIAS, g, ops.zeros(1, channels));
            beta = new Param<>(name + ".beta", name, Param.Kind.BIAS, ops.zeros(1, channels), ops.zeros(1, channels));
            params = List.of(gamma, beta);
        } else {
            gamma = null;
            beta = null;
            params = List.of();
        }
        output = ops.zeros(0, shape.size());
        gradIn = ops.zeros(0, shape.size());
        runMean = new double[channels];
        runVar = new double[channels];
        Arrays.fill(runVar, 1.0);
        mean = new double[channels];
        invStd = new double[channels];
        sumU = new double[channels];
        sumUV = new double[channels];
        coefA = new double[channels];
        coefB = new double[channels];
        coefD = new double[channels];
    }

    /** With PyTorch's defaults: ε = {@value #DEFAULT_EPS}, momentum {@value #DEFAULT_MOMENTUM}, affine. */
    public BatchNorm2d(TensorOps<M> ops, String name, Shape shape) {
        this(ops, name, shape, DEFAULT_EPS, DEFAULT_MOMENTUM, true);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Shape inputShape() {
        return shape;
    }

    @Override
    public Shape outputShape() {
        return shape;
    }

    public boolean affine() {
        return gamma != null;
    }

    public double eps() {
        return eps;
    }

    public double momentum() {
        return momentum;
    }

    /** γ, 1 × c, or null when not affine. */
    public Param<M> gamma() {
        return gamma;
    }

    /** β, 1 × c, or null when not affine. */
    public Param<M> beta() {
        return beta;
    }

    /** μ_run and σ²_run as {@code name.running-mean} and {@code name.running-var} (live arrays, for checkpoints). */
    @Override
    public Map<String, double[]> buffers() {
        Map<String, double[]> b = new LinkedHashMap<>();
        b.put(name + ".running-mean", runMean);
        b.put(name + ".running-var", runVar);
        return b;
    }

    /** A copy of μ_run. */
    public double[] runningMean() {
        return runMean.clone();
    }

    /** A copy of σ²_run. */
    public double[] runningVar() {
        return runVar.clone();
    }

    /**
     * Sets the running statistics (e.g. from a checkpoint).
     *
     * @param mean (Input) c finite values, copied
     * @param var (Input) c finite values ≥ 0, copied
     * @throws IllegalArgumentException if a length or value is out of range
     */
    public void setRunningStats(double[] mean, double[] var) {
        if (mean.length != channels || var.length != channels) {
            throw new IllegalArgumentException(name + ": running statistics need " + channels + " values, got "
                    + mean.length + " means and " + var.length + " variances");
        }
        for (int c = 0; c < channels; c++) {
            if (!Double.isFinite(mean[c]) || !(var[c] >= 0) || Double.isInfinite(var[c])) {
                throw new IllegalArgumentException(name + ": running statistics of channel " + c
                        + " must be finite with variance >= 0, were " + mean[c] + ", " + var[c]);
            }
        }
        System.arraycopy(mean, 0, runMean, 0, channels);
        System.arraycopy(var, 0, runVar, 0, channels);
    }

    /**
     * @throws org.ffebm.core.tensor.ShapeMismatchException if x does not have c·h·w columns
     * @throws IllegalArgumentException in training mode, if the batch gives fewer than 2 values per channel
     */
    @Override
    public M forward(M x, boolean training) {
        Checks.requireFeatures(name, "input", x, shape);
        int batch = x.getNumRows();
        if (training && (long) batch * spatial < 2) {
            throw new IllegalArgumentException(name + ": training needs at least 2 values per channel, got batch "
                    + batch + " x " + spatial + " positions");
        }
        this.training = training;
        count = (long) batch * spatial;
        input = x;
        if (training) {
            ops.parallel().forRange(channels, statsTask);
            double unbias = (double) count / (count - 1);
            for (int c = 0; c < channels; c++) {
                double var = sumUV[c] / count;
                invStd[c] = 1.0 / Math.sqrt(var + eps);
                runMean[c] = (1 - momentum) * runMean[c] + momentum * mean[c];
                runVar[c] = (1 - momentum) * runVar[c] + momentum * var * unbias;
            }
        } else {
            for (int c = 0; c < channels; c++) {
                mean[c] = runMean[c];
                invStd[c] = 1.0 / Math.sqrt(runVar[c] + eps);
            }
        }
        for (int c = 0; c < channels; c++) {
            coefA[c] = gammaOf(c) * invStd[c];
            coefD[c] = beta == null ? 0.0 : ops.get(beta.value(), 0, c);
        }
        ops.reshape(output, batch, shape.size());
        ops.parallel().forRange(batch, normalizeTask);
        return output;
    }

    /** μ then Σ(x − μ)² of channels [c0, c1), over the batch. */
    private void statsRange(int c0, int c1) {
        ops.channelSums(input, null, null, null, spatial, sumU, null, c0, c1);
        for (int c = c0; c < c1; c++) {
            mean[c] = sumU[c] / count;
        }
        ops.channelSums(input, mean, input, mean, spatial, sumU, sumUV, c0, c1);
    }

    private void normalizeRange(int r0, int r1) {
        ops.channelAffine(null, null, coefA, input, mean, coefD, spatial, output, r0, r1);
    }

    /**
     * @throws org.ffebm.core.tensor.ShapeMismatchException if g is not batch × c·h·w
     * @throws IllegalStateException before the first forward
     */
    @Override
    public M backward(M g, double paramScale, boolean needInputGrad) {
        Checks.requireForward(name, input);
        Checks.requireBatch(name, "gradient", g, input.getNumRows(), shape);
        gradOut = g;
        ops.parallel().forRange(channels, gradSumsTask);             // sumU = Σ g, sumUV = Σ g·(x − μ)
        if (gamma != null) {
            for (int c = 0; c < channels; c++) {
                addTo(gamma.grad(), c, paramScale * invStd[c] * sumUV[c]);
                addTo(beta.grad(), c, paramScale * sumU[c]);
            }
        }
        if (!needInputGrad) {
            gradOut = null;
            return null;
        }
        for (int c = 0; c < channels; c++) {
            double a = gammaOf(c) * invStd[c];
            coefA[c] = a;
            coefB[c] = training ? -a * invStd[c] * invStd[c] * sumUV[c] / count : 0.0;
            coefD[c] = training ? -a * sumU[c] / count : 0.0;
        }
        ops.reshape(gradIn, g.getNumRows(), shape.size());
        ops.parallel().forRange(g.getNumRows(), inputGradTask);
        gradOut = null;
        return gradIn;
    }

    private void gradSumsRange(int c0, int c1) {
        ops.channelSums(gradOut, null, input, mean, spatial, sumU, sumUV, c0, c1);
    }

    private void inputGradRange(int r0, int r1) {
        ops.channelAffine(coefA, gradOut, coefB, training ? input : null, mean, coefD, spatial, gradIn, r0, r1);
    }

    private double gammaOf(int c) {
        return gamma == null ? 1.0 : ops.get(gamma.value(), 0, c);
    }

    private void addTo(M m, int c, double delta) {
        ops.set(m, 0, c, ops.get(m, 0, c) + delta);
    }

    @Override
    public List<Param<M>> params() {
        return params;
    }

    /** c·h·w: one multiply-add per value (inference form). */
    @Override
    public long macsPerSample() {
        return shape.size();
    }
}
