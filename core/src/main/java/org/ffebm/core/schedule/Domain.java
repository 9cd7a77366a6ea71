package org.ffebm.core.schedule;

import java.util.Locale;

/** Where a phase's cost is spent: the analog arrays, the digital co-processor, or the converters between them. */
public enum Domain {
    /** Crossbar reads during relaxations and the ∇u read, and programming pulses. */
    ANALOG,
    /** The digital co-processor: feedforward blocks, loss, EP estimate, optimiser; energy blocks placed on it. */
    DIGITAL,
    /** DAC and ADC conversions at the analog/digital boundary. */
    CONVERSION;

    /** The lower-case name used in traces and reports. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
