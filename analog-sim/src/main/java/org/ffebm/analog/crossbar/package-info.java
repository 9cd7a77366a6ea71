/**
 * Crossbar arrays and the analog DHN block (DESIGN §3): the tiling and weight mapping of a matrix onto devices
 * ({@link org.ffebm.analog.crossbar.CrossbarConfig}), a weight matrix on tiles of resistive devices with forward and
 * transpose analog reads and output-referred read noise ({@link org.ffebm.analog.crossbar.CrossbarMatrix}), and a
 * Deep Hopfield Network block relaxing through those reads with DAC/ADC peripherals
 * ({@link org.ffebm.analog.crossbar.AnalogDhnBlock}), trained by pulsed updates, stochastic pulse trains or
 * write-verify programming ({@link org.ffebm.analog.crossbar.UpdateConfig}).
 *
 * <p>Units: conductances in siemens (S), g_ref in siemens per unit weight; reads and weights are in weight units
 * (currents divided by g_ref, inputs as normalized voltages). With the ideal device, ideal converters and {@code program}
 * updates the block reproduces core's float DHN bit for bit. Randomness is always a {@link java.util.SplittableRandom} passed in.
 */
package org.ffebm.analog.crossbar;
