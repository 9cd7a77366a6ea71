package org.ffebm.core.block;

import java.util.List;
import org.ejml.data.ReshapeMatrix;
import org.ffebm.core.tensor.ShapeMismatchException;

/**
 * The identity map: passes its input through (no copy) and the gradient back. Also serves as {@code Flatten} for
 * dense inputs, since features are stored flat: {@link #flatten} relabels a c×h×w shape as a vector.
 */
public final class Identity<M extends ReshapeMatrix> implements FeedforwardBlock<M> {

    private final String name;
    private final Shape in, out;

    public Identity(String name, Shape shape) {
        this(name, shape, shape);
    }

    private Identity(String name, Shape in, Shape out) {
        this.name = name;
        this.in = in;
        this.out = out;
    }

    /** Flatten: the same data, seen as a vector of c·h·w features. */
    public static <M extends ReshapeMatrix> Identity<M> flatten(String name, Shape in) {
        return new Identity<>(name, in, Shape.flat(in.size()));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Shape inputShape() {
        return in;
    }

    @Override
    public Shape outputShape() {
        return out;
    }

    @Override
    public M forward(M x, boolean training) {
        if (x.getNumCols() != in.size()) {
            throw new ShapeMismatchException(name + ": input has " + x.getNumCols() + " features, expected " + in.size());
        }
        return x;
    }

    @Override
    public M backward(M gradOut, double paramScale, boolean needInputGrad) {
        return needInputGrad ? gradOut : null;
    }

    @Override
    public List<Param<M>> params() {
        return List.of();
    }

    @Override
    public long macsPerSample() {
        return 0;
    }
}
