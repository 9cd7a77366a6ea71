/**
 * Peripherals at the boundary of an analog block (DESIGN §3, §5): DACs on what enters it and ADCs on what leaves it,
 * with resolution, range, clipping and nearest or stochastic rounding ({@link
 * org.ffebm.analog.peripheral.ConverterConfig}, {@link org.ffebm.analog.peripheral.Converter}), each counting its
 * conversions for the cost model.
 */
package org.ffebm.analog.peripheral;
