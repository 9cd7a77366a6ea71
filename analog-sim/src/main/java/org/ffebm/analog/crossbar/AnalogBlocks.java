package org.ffebm.analog.crossbar;

import java.util.List;
import java.util.Properties;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.ffebm.analog.device.DeviceConfig;
import org.ffebm.analog.device.DevicePresets;
import org.ffebm.analog.device.StepModel;
import org.ffebm.analog.peripheral.ConverterConfig;
import org.ffebm.core.block.ConvDhnBlock;
import org.ffebm.core.block.ConvLayer;
import org.ffebm.core.block.DenseDhnBlock;
import org.ffebm.core.block.EnergyBlock;
import org.ffebm.core.block.RelaxSettings;
import org.ffebm.core.block.Shape;
import org.ffebm.core.model.EnergyBlockFactory;
import org.ffebm.core.tensor.F32Ops;
import org.ffebm.core.tensor.TensorOps;

/**
 * Puts every energy block of a model on crossbars: reads the {@code ffebm.device.*}, {@code ffebm.crossbar.*},
 * {@code ffebm.dac.*}, {@code ffebm.adc.*} and {@code ffebm.update.*} sections of a run's configuration and makes
 * core's dense and convolutional DHN blocks with {@link CrossbarProducts} (im2col on crossbars for the latter).
 */
public final class AnalogBlocks {

    private AnalogBlocks() {
    }

    /** The key prefixes of the analog sections. */
    public static final List<String> PREFIXES = List.of(DeviceConfig.PREFIX, CrossbarConfig.PREFIX,
            ConverterConfig.Kind.DAC.prefix(), ConverterConfig.Kind.ADC.prefix(), UpdateConfig.PREFIX);

    /** Whether a configuration's module sections ask for analog blocks (any device, crossbar, converter or update key). */
    public static boolean requested(Properties modules) {
        return modules.stringPropertyNames().stream().anyMatch(k -> PREFIXES.stream().anyMatch(k::startsWith));
    }

    /**
     * The module sections with every default written, starting from a preset (or the ideal device when null) and
     * overriding with the given keys; keys of other modules' sections are copied through unchanged.
     *
     * @param preset a {@link DevicePresets} name, or null
     * @param modules (Input) keys that override the preset; not modified
     * @throws IllegalArgumentException for an unknown preset, an unknown key, an invalid value (naming it) or a step
     *         table that is missing, malformed or not increasing
     */
    public static Properties resolve(String preset, Properties modules) {
        Properties p = new Properties();
        if (preset != null) {
            DevicePresets.get(preset).write(p);
        }
        p.putAll(modules);
        Properties out = new Properties();
        DeviceConfig device = DeviceConfig.of(p);
        StepModel.of(device); // reads and checks a step table now, before any output is written
        device.write(out);
        CrossbarConfig.of(p).write(out);
        ConverterConfig.of(p, ConverterConfig.Kind.DAC).write(out);
        ConverterConfig.of(p, ConverterConfig.Kind.ADC).write(out);
        UpdateConfig.of(p).write(out);
        for (String k : modules.stringPropertyNames()) {
            if (PREFIXES.stream().noneMatch(k::startsWith)) {
                out.setProperty(k, modules.getProperty(k)); // other modules' sections pass through
            }
        }
        return out;
    }

    /**
     * A factory of crossbar DHN blocks for the float32 training path: dense blocks are core's {@link DenseDhnBlock}
     * with {@link CrossbarProducts#dense} products, convolutional ones core's {@link ConvDhnBlock} with {@link CrossbarProducts} (the {@code stochastic} update mode
     * is refused for them with an IllegalArgumentException).
     *
     * @param modules (Input) the resolved module sections ({@link #resolve})
     * @param seed the run's seed: device variability, write noise and read noise are drawn from generators derived
     *             from it, one pair per block in creation order
     */
    public static EnergyBlockFactory<FMatrixRMaj> factory(Properties modules, long seed) {
        DeviceConfig device = DeviceConfig.of(modules);
        CrossbarConfig crossbar = CrossbarConfig.of(modules);
        ConverterConfig dac = ConverterConfig.of(modules, ConverterConfig.Kind.DAC);
        ConverterConfig adc = ConverterConfig.of(modules, ConverterConfig.Kind.ADC);
        UpdateConfig update = UpdateConfig.of(modules);
        SplittableRandom root = new SplittableRandom(seed ^ 0x5DEECE66DL);
        return new EnergyBlockFactory<>() {
            @Override
            public EnergyBlock<FMatrixRMaj> create(TensorOps<FMatrixRMaj> ops, String name, int inputSize,
                                                   int[] layerSizes, RelaxSettings relax, double initGain,
                                                   SplittableRandom init) {
                if (!(ops instanceof F32Ops f32)) {
                    throw new IllegalArgumentException("analog blocks run on the float32 back end, not "
                            + ops.precision());
                }
                return new DenseDhnBlock<>(f32, name, inputSize, layerSizes, relax, initGain, init,
                        CrossbarProducts.dense(crossbar, device, dac, adc, update, root.split(), root.split()));
            }

            @Override
            public EnergyBlock<FMatrixRMaj> createConv(TensorOps<FMatrixRMaj> ops, String name, Shape input,
                                                       List<ConvLayer> layers, RelaxSettings relax, double initGain,
                                                       SplittableRandom init, boolean identityInput) {
                return new ConvDhnBlock<>(ops, name, input, layers, relax, initGain, init,
                        CrossbarProducts.factory(crossbar, device, dac, adc, update, root.split(), root.split()),
                        identityInput);
            }
        };
    }
}
