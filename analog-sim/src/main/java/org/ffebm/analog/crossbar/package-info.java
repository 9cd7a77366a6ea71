/**
 * Crossbar arrays and the analog DHN blocks (DESIGN §3): the tiling and weight mapping of a matrix onto devices
 * ({@link org.ffebm.analog.crossbar.CrossbarConfig}), a weight matrix on tiles of resistive devices with forward and
 * transpose analog reads and output-referred read noise ({@link org.ffebm.analog.crossbar.CrossbarMatrix}), and the
 * weight products of core's dense and convolutional DHN blocks as crossbar reads, with DAC/ADC peripherals (one read
 * per sample for a dense layer, one per im2col patch for a convolution:
 * {@link org.ffebm.analog.crossbar.CrossbarProducts}); they keep their crossbars, converters, generators, updates and
 * checkpoint state in a {@code CrossbarSubstrate}, and are trained by pulsed
 * updates, stochastic pulse trains (dense only) or write-verify programming
 * ({@link org.ffebm.analog.crossbar.UpdateConfig}).
 *
 * <p>Units: conductances in siemens (S), g_ref in siemens per unit weight; reads and weights are in weight units
 * (currents divided by g_ref, inputs as normalized voltages). With the ideal device, ideal converters and
 * {@code program} updates the blocks reproduce core's float DHN blocks bit for bit. Randomness is always a
 * {@link java.util.SplittableRandom} passed in.
 */
package org.ffebm.analog.crossbar;
