package org.ffebm.digital.layer;

import org.ffebm.core.block.Shape;

/**
 * Operation counts of a digital layer for the cost model (DESIGN §5), per sample of one forward pass.
 *
 * <p>Each layer's javadoc gives its formulas. The backward pass costs are left to the cost model (about twice the
 * forward MACs for layers with weights: the weight and the input gradient products).
 */
public interface DigitalCost {

    /** Bytes per value of a float32 activation, the unit of {@link #bytesPerSample()} for unquantised layers. */
    int FP32_BYTES = 4;

    /** Multiply-accumulates of one forward pass per sample. */
    long macsPerSample();

    /**
     * Activation bytes moved by one forward pass per sample: the input read plus the output written, each
     * features × bytes per value ({@value #FP32_BYTES} unless the layer says otherwise). Parameters and workspaces
     * are not counted.
     */
    long bytesPerSample();

    /** (in.size() + out.size())·bytesPerValue, the usual {@link #bytesPerSample()}. */
    static long activationBytes(Shape in, Shape out, int bytesPerValue) {
        return ((long) in.size() + out.size()) * bytesPerValue;
    }
}
