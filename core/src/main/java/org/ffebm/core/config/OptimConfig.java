package org.ffebm.core.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The optimiser.
 *
 * @param name sgd (with momentum) or adam
 * @param lr base learning rate
 * @param momentum SGD momentum μ in [0, 1)
 * @param weightDecay coupled L2 weight decay λ ≥ 0, on weights only (not biases)
 * @param schedule constant or cosine (annealed to 0 over the epochs, stepped once per epoch)
 * @param blockLr learning rates per block name (e.g. eb1, readout), overriding {@code lr}
 */
public record OptimConfig(String name, double lr, double momentum, double weightDecay, String schedule,
                          Map<String, Double> blockLr) {

    public static final String PREFIX = "ffebm.optim.";

    public OptimConfig {
        if (!name.equals("sgd") && !name.equals("adam")) {
            throw new IllegalArgumentException(PREFIX + "name must be sgd or adam, was '" + name + "'");
        }
        Props.requirePositive(PREFIX + "lr", lr);
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException(PREFIX + "momentum must be in [0, 1), was " + momentum);
        }
        Props.requireNonNegative(PREFIX + "weight-decay", weightDecay);
        if (!schedule.equals("constant") && !schedule.equals("cosine")) {
            throw new IllegalArgumentException(PREFIX + "schedule must be constant or cosine, was '" + schedule + "'");
        }
        Map<String, Double> copy = new LinkedHashMap<>();
        for (Map.Entry<String, Double> e : blockLr.entrySet()) {
            copy.put(e.getKey(), Props.requirePositive(PREFIX + "block-lr." + e.getKey(), e.getValue()));
        }
        blockLr = Collections.unmodifiableMap(copy);
    }

    public static OptimConfig defaults() {
        return new OptimConfig("sgd", 0.05, 0.9, 0.0, "cosine", Map.of());
    }

    /** The learning rate of a block. */
    public double lrFor(String block) {
        return blockLr.getOrDefault(block, lr);
    }

    public static OptimConfig of(Properties p) {
        OptimConfig d = defaults();
        Map<String, Double> blocks = new LinkedHashMap<>();
        String spec = Props.string(p, PREFIX + "block-lr", "");
        if (!spec.isEmpty()) {
            for (String part : spec.split("\\s*,\\s*")) {
                String[] kv = part.split("\\s*[=:]\\s*");
                if (kv.length != 2) {
                    throw new IllegalArgumentException(PREFIX + "block-lr must be like eb1=0.1,readout=0.05, was '" + spec
                            + "'");
                }
                try {
                    blocks.put(kv[0], Double.parseDouble(kv[1]));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(PREFIX + "block-lr: '" + kv[1] + "' is not a number");
                }
            }
        }
        return new OptimConfig(Props.string(p, PREFIX + "name", d.name), Props.number(p, PREFIX + "lr", d.lr),
                Props.number(p, PREFIX + "momentum", d.momentum), Props.number(p, PREFIX + "weight-decay", d.weightDecay),
                Props.string(p, PREFIX + "schedule", d.schedule), blocks);
    }

    public void write(Properties p) {
        p.setProperty(PREFIX + "name", name);
        p.setProperty(PREFIX + "lr", Double.toString(lr));
        p.setProperty(PREFIX + "momentum", Double.toString(momentum));
        p.setProperty(PREFIX + "weight-decay", Double.toString(weightDecay));
        p.setProperty(PREFIX + "schedule", schedule);
        StringBuilder b = new StringBuilder();
        blockLr.forEach((k, v) -> b.append(b.length() == 0 ? "" : ",").append(k).append('=').append(v));
        p.setProperty(PREFIX + "block-lr", b.toString());
    }
}
