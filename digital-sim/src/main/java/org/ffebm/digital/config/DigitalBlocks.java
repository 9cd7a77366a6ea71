package org.ffebm.digital.config;

import java.util.LinkedHashSet;
import java.util.Properties;
import java.util.Set;
import org.ejml.data.ReshapeMatrix;
import org.ffebm.core.block.FeedforwardBlock;
import org.ffebm.core.model.DigitalBlockFactory;
import org.ffebm.core.tensor.TensorOps;
import org.ffebm.digital.format.NumberFormat;
import org.ffebm.digital.layer.Quantized;

/**
 * Applies a {@link DigitalConfig} to the digital blocks of a model: each block whose format is not fp32 is wrapped in
 * {@link Quantized} (its output and input gradient rounded to the format after each operation). Remembers which named
 * exceptions it met, so that a misspelt block name is an error rather than silently ignored.
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
