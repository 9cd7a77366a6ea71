package org.ffebm.core.block;

/**
 * A weight matrix of an energy block as the cost model sees it: rows × cols weights, read {@code readsPerSample}
 * times per sample by one product (the output pixels of a convolution, 1 for a dense layer).
 *
 * @param rows output rows (neurons or output channels), &ge; 1
 * @param cols input columns (fan-in), &ge; 1
 * @param readsPerSample reads of the whole matrix per sample and product, &ge; 1
 */
public record WeightShape(int rows, int cols, int readsPerSample) {

    /**
     * @throws IllegalArgumentException if a field is &lt; 1
     */
    public WeightShape {
        if (rows < 1 || cols < 1 || readsPerSample < 1) {
            throw new IllegalArgumentException("weight shape fields must be >= 1, was " + rows + "x" + cols + " read "
                    + readsPerSample + " times");
        }
    }

    /** The number of weights, rows·cols. */
    public long weights() {
        return (long) rows * cols;
    }

    /** Weights touched by one product per sample: weights·readsPerSample (a MAC each when computed digitally). */
    public long macsPerProduct() {
        return weights() * readsPerSample;
    }
}
