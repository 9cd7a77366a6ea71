package org.ffebm.core.block;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ejml.data.ReshapeMatrix;
import org.ffebm.core.tensor.ShapeMismatchException;

/** A chain of digital blocks seen as one digital block F. Shapes must chain; checked at construction. */
public final class Sequential<M extends ReshapeMatrix> implements FeedforwardBlock<M> {

    private final String name;
    private final List<FeedforwardBlock<M>> blocks;
    private final List<Param<M>> params;

    public Sequential(String name, List<FeedforwardBlock<M>> blocks) {
        if (blocks.isEmpty()) {
            throw new IllegalArgumentException(name + ": a sequential block needs at least one block");
        }
        for (int i = 1; i < blocks.size(); i++) {
            Shape prev = blocks.get(i - 1).outputShape(), next = blocks.get(i).inputShape();
            if (prev.size() != next.size()) {
                throw new ShapeMismatchException(name + ": " + blocks.get(i - 1).name() + " outputs " + prev + " but "
                        + blocks.get(i).name() + " expects " + next);
            }
        }
        this.name = name;
        this.blocks = List.copyOf(blocks);
        List<Param<M>> p = new ArrayList<>();
        for (FeedforwardBlock<M> b : blocks) {
            p.addAll(b.params());
        }
        this.params = Collections.unmodifiableList(p);
    }

    @Override
    public Map<String, double[]> buffers() {
        Map<String, double[]> all = new LinkedHashMap<>();
        for (FeedforwardBlock<M> b : blocks) {
            all.putAll(b.buffers());
        }
        return all;
    }

    public List<FeedforwardBlock<M>> blocks() {
        return blocks;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Shape inputShape() {
        return blocks.get(0).inputShape();
    }

    @Override
    public Shape outputShape() {
        return blocks.get(blocks.size() - 1).outputShape();
    }

    @Override
    public M forward(M in, boolean training) {
        M x = in;
        for (FeedforwardBlock<M> b : blocks) {
            x = b.forward(x, training);
        }
        return x;
    }

    @Override
    public M backward(M gradOut, double paramScale, boolean needInputGrad) {
        // block i needs its input gradient only if a block below it has parameters, or the caller asked for it
        int lowestWithParams = blocks.size();
        for (int i = 0; i < blocks.size(); i++) {
            if (!blocks.get(i).params().isEmpty()) {
                lowestWithParams = i;
                break;
            }
        }
        M g = gradOut;
        for (int i = blocks.size() - 1; i >= 0; i--) {
            boolean need = needInputGrad || i > lowestWithParams;
            g = blocks.get(i).backward(g, paramScale, need);
            if (g == null) {
                return null;
            }
        }
        return g;
    }

    @Override
    public List<Param<M>> params() {
        return params;
    }

    @Override
    public long macsPerSample() {
        long m = 0;
        for (FeedforwardBlock<M> b : blocks) {
            m += b.macsPerSample();
        }
        return m;
    }

    /** The blocks' bytes, added. */
    @Override
    public long bytesPerSample() {
        long n = 0;
        for (FeedforwardBlock<M> b : blocks) {
            n += b.bytesPerSample();
        }
        return n;
    }
}
