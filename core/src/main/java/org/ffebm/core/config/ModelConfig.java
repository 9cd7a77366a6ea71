package org.ffebm.core.config;

import java.util.Arrays;
import java.util.Properties;
import org.ffebm.core.loss.Loss;

/**
 * The architecture: a DHN of {@code layers} (sizes of s₁..s_L across the whole network) split into blocks of
 * {@code blockSize} layers tied by digital maps ({@code tie}), a read-out and a loss. The "split" experiment of the
 * paper is the one line {@code ffebm.model.block-size}.
 *
 * @param layers hidden layer sizes, e.g. {512} or {512, 512, 512}
 * @param blockSize layers per energy block; 0 means all layers in one block; must divide the number of layers
 * @param tie the digital block between two energy blocks: {@code identity} or {@code linear}
 * @param readout {@code linear} (a digital Linear to {@code classes}) or {@code identity} (the last layer is the output)
 * @param classes number of classes
 * @param slope hard-sigmoid slope a
 * @param clampLast whether each block's last layer is bounded to [0, 1] (else linear)
 * @param initGain weights start U(−g/√fan_in, g/√fan_in)
 * @param algorithm {@code ep}: the ff-EBM trained by the hybrid gradient; {@code bp}: the same layers as a feedforward
 *                  network (hard-sigmoid activations) trained by backprop, the baseline
 * @param loss the loss on the read-out
 * @param arch {@code dense} (layers are vectors, couplings matrices) or {@code conv} (layers are feature maps of
 *             {@code layers[l]} channels, couplings k×k "same" convolutions, DESIGN §1)
 * @param pools for {@code conv}: one letter per layer, the pooling after its convolution: {@code -} none, {@code m} 2×2
 *              max, {@code a} 2×2 average; empty means none anywhere. Where a block boundary falls after a pooled
 *              layer, the pooling moves out of the energy into the digital tie that follows (for max pooling the
 *              network function is unchanged, since max-pooling commutes with the monotone hard sigmoid)
 * @param kernel for {@code conv}: the odd kernel side k
 * @param firstConv for {@code conv}: where each block's first convolution runs. {@code energy} (default): inside the
 *                  block's energy, ⟨P₁(W₁ ⋆ u + b₁), s₁⟩. {@code digital}: the seed paper's placement (PAPER-NOTES
 *                  §1.2), in the digital block before it as conv → pool → batch-norm (with {@code tie=bn}), whose
 *                  output is coupled to s₁ by identity; the backprop baseline then batch-normalises the same layers
 */
public record ModelConfig(int[] layers, int blockSize, String tie, String readout, int classes, double slope,
                          boolean clampLast, double initGain, String algorithm, Loss loss, String arch, String pools,
                          int kernel, String firstConv) {

    public static final String PREFIX = "ffebm.model.";

    /** A dense model (no convolution keys). */
    public ModelConfig(int[] layers, int blockSize, String tie, String readout, int classes, double slope,
                       boolean clampLast, double initGain, String algorithm, Loss loss) {
        this(layers, blockSize, tie, readout, classes, slope, clampLast, initGain, algorithm, loss, "dense", "", 3);
    }

    /** A model whose blocks' first convolutions (if any) are inside their energies. */
    public ModelConfig(int[] layers, int blockSize, String tie, String readout, int classes, double slope,
                       boolean clampLast, double initGain, String algorithm, Loss loss, String arch, String pools,
                       int kernel) {
        this(layers, blockSize, tie, readout, classes, slope, clampLast, initGain, algorithm, loss, arch, pools, kernel,
                "energy");
    }

    public ModelConfig {
        if (layers == null || layers.length == 0) {
            throw new IllegalArgumentException(PREFIX + "layers must list at least one layer size");
        }
        layers = layers.clone();
        for (int n : layers) {
            Props.requireAtLeast(PREFIX + "layers (each size)", n, 1);
        }
        if (blockSize < 0) {
            throw new IllegalArgumentException(PREFIX + "block-size must be >= 0 (0 = one block), was " + blockSize);
        }
        if (blockSize > 0 && layers.length % blockSize != 0) {
            throw new IllegalArgumentException(PREFIX + "block-size " + blockSize + " does not divide the "
                    + layers.length + " layers " + Arrays.toString(layers));
        }
        if (!"dense".equals(arch) && !"conv".equals(arch)) {
            throw new IllegalArgumentException(PREFIX + "arch must be dense or conv, was '" + arch + "'");
        }
        pools = pools == null ? "" : pools.trim();
        if (arch.equals("conv")) {
            if (!tie.equals("identity") && !tie.equals("bn")) {
                throw new IllegalArgumentException(PREFIX + "tie must be identity or bn (batch-norm) for arch conv, was '"
                        + tie + "'");
            }
            if (pools.isEmpty()) {
                pools = "-".repeat(layers.length);
            }
            if (pools.length() != layers.length || !pools.matches("[-ma]*")) {
                throw new IllegalArgumentException(PREFIX + "pools must have one letter of -, m, a per layer ("
                        + layers.length + "), was '" + pools + "'");
            }
            if (kernel < 1 || kernel % 2 == 0) {
                throw new IllegalArgumentException(PREFIX + "kernel must be odd and >= 1, was " + kernel);
            }
            if (!readout.equals("linear")) {
                throw new IllegalArgumentException(PREFIX + "readout must be linear for arch conv, was '" + readout
                        + "'");
            }
            if (!"energy".equals(firstConv) && !"digital".equals(firstConv)) {
                throw new IllegalArgumentException(PREFIX + "first-conv must be energy or digital, was '" + firstConv
                        + "'");
            }
        } else {
            if (!tie.equals("identity") && !tie.equals("linear")) {
                throw new IllegalArgumentException(PREFIX + "tie must be identity or linear, was '" + tie + "'");
            }
            if (!pools.isEmpty()) {
                throw new IllegalArgumentException(PREFIX + "pools applies to arch conv only, was '" + pools
                        + "' with arch dense");
            }
            Props.requireAtLeast(PREFIX + "kernel", kernel, 1);
            if (!"energy".equals(firstConv)) {
                throw new IllegalArgumentException(PREFIX + "first-conv applies to arch conv only, was '" + firstConv
                        + "' with arch dense");
            }
        }
        if (!readout.equals("linear") && !readout.equals("identity")) {
            throw new IllegalArgumentException(PREFIX + "readout must be linear or identity, was '" + readout + "'");
        }
        Props.requireAtLeast(PREFIX + "classes", classes, 2);
        if (readout.equals("identity") && layers[layers.length - 1] != classes) {
            throw new IllegalArgumentException(PREFIX + "readout identity needs the last layer (" + layers[layers.length - 1]
                    + ") to equal classes (" + classes + ")");
        }
        Props.requirePositive(PREFIX + "slope", slope);
        Props.requirePositive(PREFIX + "init-gain", initGain);
        if (!algorithm.equals("ep") && !algorithm.equals("bp")) {
            throw new IllegalArgumentException(PREFIX + "algorithm must be ep or bp, was '" + algorithm + "'");
        }
        if (loss == null) {
            throw new IllegalArgumentException(PREFIX + "loss must not be null");
        }
    }

    @Override
    public int[] layers() {
        return layers.clone();
    }

    /** Number of energy blocks K. */
    public int blocks() {
        return blockSize == 0 ? 1 : layers.length / blockSize;
    }

    /** Layers per block. */
    public int effectiveBlockSize() {
        return blockSize == 0 ? layers.length : blockSize;
    }

    public static ModelConfig defaults() {
        return new ModelConfig(new int[] {512}, 0, "identity", "linear", 10, 1.0, true, 1.0, "ep", Loss.CROSS_ENTROPY);
    }

    /** Whether the layers are convolutional feature maps. */
    public boolean conv() {
        return arch.equals("conv");
    }

    /** Whether each block's first convolution runs in the digital block before it, coupled to s₁ by identity. */
    public boolean firstConvDigital() {
        return firstConv.equals("digital");
    }

    public ModelConfig withBlockSize(int b) {
        return new ModelConfig(layers, b, tie, readout, classes, slope, clampLast, initGain, algorithm, loss, arch,
                pools, kernel, firstConv);
    }

    public ModelConfig withAlgorithm(String a) {
        return new ModelConfig(layers, blockSize, tie, readout, classes, slope, clampLast, initGain, a, loss, arch,
                pools, kernel, firstConv);
    }

    public static ModelConfig of(Properties p) {
        ModelConfig d = defaults();
        return new ModelConfig(Props.intList(p, PREFIX + "layers", d.layers), Props.integer(p, PREFIX + "block-size",
                d.blockSize), Props.string(p, PREFIX + "tie", d.tie), Props.string(p, PREFIX + "readout", d.readout),
                Props.integer(p, PREFIX + "classes", d.classes), Props.number(p, PREFIX + "slope", d.slope),
                Props.bool(p, PREFIX + "clamp-last", d.clampLast), Props.number(p, PREFIX + "init-gain", d.initGain),
                Props.string(p, PREFIX + "algorithm", d.algorithm),
                Loss.of(Props.string(p, PREFIX + "loss", d.loss.key())), Props.string(p, PREFIX + "arch", d.arch),
                Props.string(p, PREFIX + "pools", d.pools), Props.integer(p, PREFIX + "kernel", d.kernel),
                Props.string(p, PREFIX + "first-conv", d.firstConv));
    }

    public void write(Properties p) {
        p.setProperty(PREFIX + "layers", Props.intListString(layers));
        p.setProperty(PREFIX + "block-size", Integer.toString(blockSize));
        p.setProperty(PREFIX + "tie", tie);
        p.setProperty(PREFIX + "readout", readout);
        p.setProperty(PREFIX + "classes", Integer.toString(classes));
        p.setProperty(PREFIX + "slope", Double.toString(slope));
        p.setProperty(PREFIX + "clamp-last", Boolean.toString(clampLast));
        p.setProperty(PREFIX + "init-gain", Double.toString(initGain));
        p.setProperty(PREFIX + "algorithm", algorithm);
        p.setProperty(PREFIX + "loss", loss.key());
        p.setProperty(PREFIX + "arch", arch);
        p.setProperty(PREFIX + "pools", pools);
        p.setProperty(PREFIX + "kernel", Integer.toString(kernel));
        p.setProperty(PREFIX + "first-conv", firstConv);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelConfig m && Arrays.equals(layers, m.layers) && blockSize == m.blockSize
                && tie.equals(m.tie) && readout.equals(m.readout) && classes == m.classes
                && Double.compare(slope, m.slope) == 0 && clampLast == m.clampLast
                && Double.compare(initGain, m.initGain) == 0 && algorithm.equals(m.algorithm) && loss == m.loss
                && arch.equals(m.arch) && pools.equals(m.pools) && kernel == m.kernel && firstConv.equals(m.firstConv);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(layers) * 31 + java.util.Objects.hash(blockSize, tie, readout, classes, slope, clampLast,
                initGain, algorithm, loss, arch, pools, kernel, firstConv);
    }

    @Override
    public String toString() {
        return "ModelConfig[layers=" + Arrays.toString(layers) + ", blockSize=" + blockSize + ", tie=" + tie
                + ", readout=" + readout + ", classes=" + classes + ", slope=" + slope + ", clampLast=" + clampLast
                + ", initGain=" + initGain + ", algorithm=" + algorithm + ", loss=" + loss.key() + ", arch=" + arch
                + ", pools=" + pools + ", kernel=" + kernel + ", firstConv=" + firstConv + "]";
    }
}
