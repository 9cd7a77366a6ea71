package org.ffebm.core.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.ejml.data.ReshapeMatrix;
import org.ffebm.core.block.ConvLayer;
import org.ffebm.core.block.EnergyBlock;
import org.ffebm.core.block.FeedforwardBlock;
import org.ffebm.core.block.HardSigmoid;
import org.ffebm.core.block.Identity;
import org.ffebm.core.block.Linear;
import org.ffebm.core.block.RelaxSettings;
import org.ffebm.core.block.Sequential;
import org.ffebm.core.block.Shape;
import org.ffebm.core.config.EpConfig;
import org.ffebm.core.config.ModelConfig;
import org.ffebm.core.tensor.TensorOps;

/**
 * Builds an {@link FfEbm} from its configuration. Names: digital blocks {@code ff1..ff(K)} and {@code readout}, energy
 * blocks {@code eb1..ebK}; parameters {@code eb1.W1}, {@code eb1.b1}, {@code ff2.W}, {@code readout.W}, …
 *
 * <p>Initial weights are drawn in double from one generator in chain order and rounded to the back end's precision,
 * so a float32 and a float64 model built from the same seed hold the same weights up to rounding.
 */
public final class ModelBuilder {

    private ModelBuilder() {
    }

    /**
     * @param input the shape of one data sample, e.g. 1×28×28
     * @param init the generator of the initial weights (consumed)
     */
    public static <M extends ReshapeMatrix> FfEbm<M> build(TensorOps<M> ops, ModelConfig model, EpConfig ep, Shape input,
                                                           SplittableRandom init) {
        return build(ops, model, ep, input, init, EnergyBlockFactory.dense());
    }

    /**
     * The same, with energy blocks made by {@code factory} (for example crossbar blocks from analog-sim).
     *
     * @param init the generator of the initial weights (consumed)
     */
    public static <M extends ReshapeMatrix> FfEbm<M> build(TensorOps<M> ops, ModelConfig model, EpConfig ep, Shape input,
                                                           SplittableRandom init, EnergyBlockFactory<M> factory) {
        return build(ops, model, ep, input, init, factory, DigitalBlockFactory.plain());
    }

    /**
     * The same, with energy blocks made by {@code factory} and every digital block passed through {@code digital}
     * (for example number formats from digital-sim).
     *
     * @param init the generator of the initial weights (consumed)
     */
    public static <M extends ReshapeMatrix> FfEbm<M> build(TensorOps<M> ops, ModelConfig model, EpConfig ep, Shape input,
                                                           SplittableRandom init, EnergyBlockFactory<M> factory,
                                                           DigitalBlockFactory<M> digital) {
        if (model.conv()) {
            return model.algorithm().equals("bp") ? convFeedforward(ops, model, input, init, digital)
                    : convFfEbm(ops, model, ep.relax(model), input, init, factory, digital);
        }
        return model.algorithm().equals("bp") ? feedforward(ops, model, input, init, digital)
                : ffEbm(ops, model, ep.relax(model), input, init, factory, digital);
    }

    /**
     * A convolutional ff-EBM: blocks of {@code block-size} conv layers; between blocks the tie (the pooling of the lower
     * block's last layer, moved out of its energy, then batch-norm with {@code tie=bn}); a linear read-out on the last
     * block's last layer. With {@code first-conv=digital} every block's digital part (the first one too) also runs the
     * block's first convolution and its pooling before the batch-norm, {@code [pool →] conv → pool → BN}, and the
     * energy block couples that output to s₁ by identity (PAPER-NOTES §1.2).
     */
    private static <M extends ReshapeMatrix> FfEbm<M> convFfEbm(TensorOps<M> ops, ModelConfig model,
                                                                RelaxSettings relax, Shape input,
                                                                SplittableRandom init, EnergyBlockFactory<M> factory,
                                                                DigitalBlockFactory<M> wrap) {
        List<ConvLayer> all = ConvLayer.of(model.kernel(), model.layers(), model.pools());
        int k = model.blocks(), size = model.effectiveBlockSize();
        List<FeedforwardBlock<M>> digital = new ArrayList<>();
        List<EnergyBlock<M>> energy = new ArrayList<>();
        Shape s = input;
        ConvLayer.Pooling carried = ConvLayer.Pooling.NONE;
        boolean bn = model.tie().equals("bn");
        for (int b = 0; b < k; b++) {
            String ffName = "ff" + (b + 1);
            List<ConvLayer> layers = new ArrayList<>(all.subList(b * size, (b + 1) * size));
            FeedforwardBlock<M> f;
            if (model.firstConvDigital()) {
                ConvLayer c = layers.get(0);
                f = firstConv(ops, ffName, s, carried, c, bn, model.initGain(), init, wrap);
                layers.set(0, new ConvLayer(c.channels(), c.kernel(), ConvLayer.Pooling.NONE));
            } else {
                f = b == 0 ? new Identity<>(ffName, s) : wrap.tie(ops, ffName, s, carried, bn);
            }
            digital.add(wrap.wrap(ops, f));
            carried = ConvLayer.Pooling.NONE;
            if (b < k - 1) {
                ConvLayer last = layers.get(size - 1);
                carried = last.pooling();
                layers.set(size - 1, new ConvLayer(last.channels(), last.kernel(), ConvLayer.Pooling.NONE));
            }
            EnergyBlock<M> eb = factory.createConv(ops, "eb" + (b + 1), f.outputShape(), layers, relax,
                    model.initGain(), init, model.firstConvDigital());
            energy.add(eb);
            s = eb.outputShape();
        }
        digital.add(wrap.wrap(ops, readout(ops, model, s, init)));
        return new FfEbm<>(ops, digital, energy, model.loss());
    }

    /**
     * The digital part of a block whose first convolution is digital: the pooling carried from the block below (if
     * any), the convolution (without bias before a batch-norm) with its own pooling, then batch-norm when {@code bn};
     * one {@link Sequential} named
     * {@code name} (parts {@code name.pool}, {@code name.conv}, {@code name.bn}).
     */
    private static <M extends ReshapeMatrix> FeedforwardBlock<M> firstConv(TensorOps<M> ops, String name, Shape in,
                                                                           ConvLayer.Pooling carried, ConvLayer c,
                                                                           boolean bn, double initGain,
                                                                           SplittableRandom init,
                                                                           DigitalBlockFactory<M> wrap) {
        List<FeedforwardBlock<M>> parts = new ArrayList<>();
        Shape s = in;
        if (carried != ConvLayer.Pooling.NONE) {
            FeedforwardBlock<M> pool = wrap.tie(ops, name, s, carried, false);
            parts.add(pool);
            s = pool.outputShape();
        }
        FeedforwardBlock<M> conv = wrap.conv(ops, name + ".conv", s, c.channels(), c.kernel(), !bn, c.pooling(),
                initGain, init);
        parts.add(conv);
        if (bn) {
            parts.add(wrap.tie(ops, name, conv.outputShape(), ConvLayer.Pooling.NONE, true));
        }
        return parts.size() == 1 ? parts.get(0) : new Sequential<>(name, parts);
    }

    /**
     * The backprop baseline of a convolutional model: the ff-EBM's layers as a feedforward CNN, each conv → pooling →
     * hard sigmoid, then the read-out. It mirrors the split of the ff-EBM it is compared with ({@code block-size}): the
     * last layer of every block is linear unless {@code clamp-last}, and with {@code tie=bn} the batch-norms sit where
     * the ff-EBM's digital blocks put them: after the pooling of each block's first conv with {@code
     * first-conv=digital} (the conv then has no bias), else after each block's last layer but the network's (max
     * pooling commutes with the hard sigmoid, so pooling before it is the tie's pooling after it). With {@code
     * block-size=0} this is a plain CNN with a linear last layer and no batch-norm.
     */
    private static <M extends ReshapeMatrix> FfEbm<M> convFeedforward(TensorOps<M> ops, ModelConfig model, Shape input,
                                                                      SplittableRandom init,
                                                                      DigitalBlockFactory<M> wrap) {
        List<ConvLayer> all = ConvLayer.of(model.kernel(), model.layers(), model.pools());
        List<FeedforwardBlock<M>> chain = new ArrayList<>();
        Shape s = input;
        int size = model.effectiveBlockSize();
        boolean bn = model.tie().equals("bn");
        for (int l = 0; l < all.size(); l++) {
            ConvLayer c = all.get(l);
            boolean lastOfBlock = (l + 1) % size == 0;
            boolean norm = model.firstConvDigital() && bn && l % size == 0;
            FeedforwardBlock<M> conv = wrap.conv(ops, "conv" + (l + 1), s, c.channels(), c.kernel(), !norm,
                    c.pooling(), model.initGain(), init);
            chain.add(conv);
            s = conv.outputShape();
            if (norm) {
                chain.add(wrap.tie(ops, "norm" + (l + 1), s, ConvLayer.Pooling.NONE, true));
            }
            if (!lastOfBlock || model.clampLast()) {
                chain.add(new HardSigmoid<>(ops, "act" + (l + 1), s, model.slope()));
            }
            if (!model.firstConvDigital() && bn && lastOfBlock && l < all.size() - 1) {
                chain.add(wrap.tie(ops, "tie" + (l + 1), s, ConvLayer.Pooling.NONE, true));
            }
        }
        chain.add(readout(ops, model, s, init));
        for (int i = 0; i < chain.size(); i++) {
            chain.set(i, wrap.wrap(ops, chain.get(i)));
        }
        return new FfEbm<>(ops, List.of(new Sequential<>("cnn", chain)), List.of(), model.loss());
    }

    private static <M extends ReshapeMatrix> FfEbm<M> ffEbm(TensorOps<M> ops, ModelConfig model, RelaxSettings relax,
                                                            Shape input, SplittableRandom init,
                                                            EnergyBlockFactory<M> factory,
                                                            DigitalBlockFactory<M> wrap) {
        int[] layers = model.layers();
        int k = model.blocks(), size = model.effectiveBlockSize();
        List<FeedforwardBlock<M>> digital = new ArrayList<>();
        List<EnergyBlock<M>> energy = new ArrayList<>();
        Shape s = input;
        for (int b = 0; b < k; b++) {
            String ffName = "ff" + (b + 1);
            FeedforwardBlock<M> f;
            if (b == 0) {
                f = Identity.flatten(ffName, s);
            } else if (model.tie().equals("linear")) {
                f = new Linear<>(ops, ffName, s, s.size(), model.initGain(), init);
            } else {
                f = new Identity<>(ffName, s);
            }
            digital.add(wrap.wrap(ops, f));
            int[] blockLayers = Arrays.copyOfRange(layers, b * size, (b + 1) * size);
            EnergyBlock<M> eb = factory.create(ops, "eb" + (b + 1), f.outputShape().size(), blockLayers, relax,
                    model.initGain(), init);
            energy.add(eb);
            s = eb.outputShape();
        }
        digital.add(wrap.wrap(ops, readout(ops, model, s, init)));
        return new FfEbm<>(ops, digital, energy, model.loss());
    }

    private static <M extends ReshapeMatrix> FeedforwardBlock<M> readout(TensorOps<M> ops, ModelConfig model, Shape s,
                                                                         SplittableRandom init) {
        return model.readout().equals("linear") ? new Linear<>(ops, "readout", s, model.classes(), model.initGain(), init)
                : new Identity<>("readout", s);
    }

    /** The backprop baseline: the same layer sizes as a feedforward network with hard-sigmoid activations. */
    private static <M extends ReshapeMatrix> FfEbm<M> feedforward(TensorOps<M> ops, ModelConfig model, Shape input,
                                                                  SplittableRandom init,
                                                                  DigitalBlockFactory<M> wrap) {
        int[] layers = model.layers();
        List<FeedforwardBlock<M>> chain = new ArrayList<>();
        chain.add(Identity.flatten("flatten", input));
        Shape s = Shape.flat(input.size());
        for (int l = 0; l < layers.length; l++) {
            Linear<M> lin = new Linear<>(ops, "fc" + (l + 1), s, layers[l], model.initGain(), init);
            chain.add(lin);
            s = lin.outputShape();
            if (l < layers.length - 1 || model.clampLast()) {
                chain.add(new HardSigmoid<>(ops, "act" + (l + 1), s, model.slope()));
            }
        }
        chain.add(readout(ops, model, s, init));
        for (int i = 0; i < chain.size(); i++) {
            chain.set(i, wrap.wrap(ops, chain.get(i)));
        }
        List<FeedforwardBlock<M>> digital = List.of(new Sequential<>("mlp", chain));
        return new FfEbm<>(ops, digital, List.of(), model.loss());
    }
}
