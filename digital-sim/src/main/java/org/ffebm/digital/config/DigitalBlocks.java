package org.ffebm.digital.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.SplittableRandom;
import org.ejml.data.ReshapeMatrix;
import org.ffebm.core.block.ConvLayer;
import org.ffebm.core.block.FeedforwardBlock;
import org.ffebm.core.block.Identity;
import org.ffebm.core.block.Sequential;
import org.ffebm.core.block.Shape;
import org.ffebm.core.model.DigitalBlockFactory;
import org.ffebm.core.tensor.TensorOps;
import org.ffebm.digital.format.NumberFormat;
import org.ffebm.digital.layer.AvgPool2d;
import org.ffebm.digital.layer.BatchNorm2d;
import org.ffebm.digital.layer.Conv2d;
import org.ffebm.digital.layer.MaxPool2d;
import org.ffebm.digital.layer.Quantized;

/**
 * The digital blocks of digital-sim for core's model builder: applies a {@link DigitalConfig} (each block whose format
 * is not fp32 is wrapped in {@link Quantized}: its output and input gradient rounded to the format after each
 * operation), and makes the convolutional ties (pooling, batch-norm) and the convolution layers of the backprop
 * baseline. Remembers which named exceptions it met, so that a misspelt block name is an error rather than silently
 * ignored.
 *
 * @param <M> the matrix type of the back end
 */
public final class DigitalBlocks<M extends ReshapeMatrix> implements DigitalBlockFactory<M> {

    private final DigitalConfig config;
    private final Set<String> seen = new LinkedHashSet<>();

    /**
     * @param config the formats
     */
    public DigitalBlocks(DigitalConfig config) {
        this.config = config;
    }

    /**
     * digital-sim's convolutional layers ({@link #tie}, {@link #conv}) without number formats: {@link #wrap} returns
     * every block as it is, so that a float64 model stays float64 throughout (for the gradient check, whose oracle is
     * in double; {@code new DigitalBlocks<>(DigitalConfig.defaults())} rounds float64 data to fp32).
     *
     * @param <M> the matrix type of the back end
     * @return a new factory
     */
    public static <M extends ReshapeMatrix> DigitalBlockFactory<M> unrounded() {
        DigitalBlocks<M> layers = new DigitalBlocks<>(DigitalConfig.defaults());
        return new DigitalBlockFactory<>() {
            @Override
            public FeedforwardBlock<M> wrap(TensorOps<M> ops, FeedforwardBlock<M> block) {
                return block;
            }

            @Override
            public FeedforwardBlock<M> tie(TensorOps<M> ops, String name, Shape in, ConvLayer.Pooling pooling,
                                           boolean batchNorm) {
                return layers.tie(ops, name, in, pooling, batchNorm);
            }

            @Override
            public FeedforwardBlock<M> conv(TensorOps<M> ops, String name, Shape in, int channels, int kernel,
                                            boolean withBias, ConvLayer.Pooling pooling, double initGain,
                                            SplittableRandom init) {
                return layers.conv(ops, name, in, channels, kernel, withBias, pooling, initGain, init);
            }
        };
    }

    /**
     * The digital section with every default written, read from a run's module properties.
     *
     * @param modules (Input) the module sections; keys outside {@code ffebm.digital.*} are ignored
     * @return properties holding every {@code ffebm.digital.*} key
     * @throws IllegalArgumentException for an unknown key or value
     */
    public static Properties resolve(Properties modules) {
        return DigitalConfig.of(modules).toProperties();
    }

    @Override
    public FeedforwardBlock<M> wrap(TensorOps<M> ops, FeedforwardBlock<M> block) {
        seen.add(block.name());
        NumberFormat f = config.formatOf(block.name());
        return f == NumberFormat.FP32 && ops.precision().equals("float32") ? block : new Quantized<>(ops, block, f);
    }

    /**
     * The tie between two convolutional energy blocks: {@link MaxPool2d} or {@link AvgPool2d} (2×2, stride 2) when the
     * lower block's last layer pooled, then {@link BatchNorm2d} without affine parameters (frozen, as in the seed paper)
     * when {@code batchNorm}; an {@link Identity} when neither.
     */
    @Override
    public FeedforwardBlock<M> tie(TensorOps<M> ops, String name, Shape in, ConvLayer.Pooling pooling,
                                   boolean batchNorm) {
        List<FeedforwardBlock<M>> parts = new ArrayList<>();
        Shape s = in;
        FeedforwardBlock<M> pool = pool(ops, name + ".pool", s, pooling);
        if (pool != null) {
            parts.add(pool);
            s = pool.outputShape();
        }
        if (batchNorm) {
            parts.add(new BatchNorm2d<>(ops, name + ".bn", s, BatchNorm2d.DEFAULT_EPS, BatchNorm2d.DEFAULT_MOMENTUM,
                    false));
        }
        return parts.isEmpty() ? new Identity<>(name, in) : parts.size() == 1 ? parts.get(0)
                : new Sequential<>(name, parts);
    }

    /** {@link Conv2d} (k×k, stride 1, "same" padding, with or without bias), then the pooling if any. */
    @Override
    public FeedforwardBlock<M> conv(TensorOps<M> ops, String name, Shape in, int channels, int kernel,
                                    boolean withBias, ConvLayer.Pooling pooling, double initGain,
                                    SplittableRandom init) {
        Conv2d<M> conv = new Conv2d<>(ops, name, in, channels, kernel, 1, (kernel - 1) / 2, withBias, initGain, init);
        FeedforwardBlock<M> pool = pool(ops, name + ".pool", conv.outputShape(), pooling);
        return pool == null ? conv : new Sequential<>(name, List.of(conv, pool));
    }

    private static <M extends ReshapeMatrix> FeedforwardBlock<M> pool(TensorOps<M> ops, String name, Shape in,
                                                                      ConvLayer.Pooling pooling) {
        return switch (pooling) {
            case NONE -> null;
            case MAX -> new MaxPool2d<>(ops, name, in, 2);
            case AVERAGE -> new AvgPool2d<>(ops, name, in, 2);
        };
    }

    /**
     * Checks that every block named in {@code block-formats} was met while building.
     *
     * @throws IllegalArgumentException naming the unknown blocks and the model's digital blocks
     */
    public void checkAllNamesUsed() {
        Set<String> unknown = new LinkedHashSet<>(config.blockFormats().keySet());
        unknown.removeAll(seen);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(DigitalConfig.PREFIX + "block-formats names " + unknown
                    + ", which the model does not have; its digital blocks are " + seen);
        }
    }
}
